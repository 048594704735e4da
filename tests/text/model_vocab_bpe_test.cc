// Golden and round-trip tests of the byte-level BPE ("gpt2") model tokenizer
// on a hand-built vocabulary: ids 0..255 are the bytes' GPT-2 characters,
// merge r creates id 256 + r.
#include <gtest/gtest.h>

#include <random>

#include "text/model_vocab_test_util.h"
#include "text/text_test_util.h"

namespace warden::text {
namespace {

const std::vector<std::string> kMerges = {
    "h e",           // 256 he
    "l l",           // 257 ll
    "he ll",         // 258 hell
    "hell o",        // 259 hello
    "\xC4\xA0 w",    // 260 " w" (U+0120 is the space byte's character)
    "o r",           // 261 or
    "\xC4\xA0w or",  // 262 " wor"
    "a a",           // 263 aa
    "b c",           // 264 bc
    "a b",           // 265 ab
    "3 4",           // 266 34
    "1 2",           // 267 12
    "12 3",          // 268 123
    "4 5",           // 269 45
};
constexpr TokenId kImStart = 270, kImEnd = 271, kTool = 272;

std::unique_ptr<ModelTokenizer> Build(const std::string& pre) {
  ModelVocab v = testing::Gpt2Vocab(kMerges, pre, {"<|im_start|>", "<|im_end|>"}, {"<tool>"});
  v.eos = kImEnd;
  auto r = NewModelTokenizerFull(v);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

std::vector<TokenId> Enc(const Tokenizer& t, std::string_view s) {
  std::vector<TokenId> ids;
  Status st = t.Encode(s, &ids);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return ids;
}

TEST(Gpt2ModelTokenizerTest, MergesApplyInRankOrder) {
  auto tok = Build("gpt2");
  EXPECT_EQ(Enc(*tok, "hello world"), (std::vector<TokenId>{259, 262, 'l', 'd'}));
  // b c (rank 8) beats a b (rank 9).
  EXPECT_EQ(Enc(*tok, "abc"), (std::vector<TokenId>{'a', 264}));
  // Equal ranks: leftmost first.
  EXPECT_EQ(Enc(*tok, "aaa"), (std::vector<TokenId>{263, 'a'}));
  EXPECT_EQ(Enc(*tok, "aaaa"), (std::vector<TokenId>{263, 263}));
}

TEST(Gpt2ModelTokenizerTest, PreTokenizerDecidesDigitMerges) {
  // One piece under gpt2: "3 4" (rank 10) goes first and blocks "12 3".
  EXPECT_EQ(Enc(*Build("gpt2"), "12345"), (std::vector<TokenId>{267, 266, '5'}));
  // Llama 3 cuts "123" "45" first.
  EXPECT_EQ(Enc(*Build("llama-bpe"), "12345"), (std::vector<TokenId>{268, 269}));
  // Qwen2 and SmolLM: every digit alone.
  const std::vector<TokenId> digits{'1', '2', '3', '4', '5'};
  EXPECT_EQ(Enc(*Build("qwen2"), "12345"), digits);
  EXPECT_EQ(Enc(*Build("smollm"), "12345"), digits);
}

TEST(Gpt2ModelTokenizerTest, BytesDecodeThroughTheByteMap) {
  auto tok = Build("gpt2");
  EXPECT_EQ(Enc(*tok, "\xC3\xA9"), (std::vector<TokenId>{0xC3, 0xA9}));
  EXPECT_EQ(tok->TokenBytes(0xC3), "\xC3");
  EXPECT_EQ(tok->TokenBytes(' '), " ");
  EXPECT_EQ(tok->TokenBytes('\n'), "\n");
  EXPECT_EQ(tok->TokenBytes(262), " wor");
  EXPECT_EQ(tok->TokenText(262), "\xC4\xA0wor");
  EXPECT_EQ(tok->FindToken("\xC4\xA0wor"), 262);
}

TEST(Gpt2ModelTokenizerTest, SpecialTokensAreSingleIds) {
  auto tok = Build("gpt2");
  EXPECT_EQ(Enc(*tok, "<|im_start|>user\nhi<|im_end|>"),
            (std::vector<TokenId>{kImStart, 'u', 's', 'e', 'r', '\n', 'h', 'i', kImEnd}));
  // User-defined tokens are text: matched, decoded as written, not special.
  EXPECT_EQ(Enc(*tok, "a<tool>b"), (std::vector<TokenId>{'a', kTool, 'b'}));
  EXPECT_EQ(tok->TokenBytes(kTool), "<tool>");
  EXPECT_FALSE(tok->IsSpecial(kTool));
  EXPECT_TRUE(tok->IsSpecial(kImStart));
  EXPECT_EQ(tok->TokenBytes(kImStart), "");
  EXPECT_EQ(tok->eos(), kImEnd);
  // A partial special token is plain text.
  EXPECT_EQ(Enc(*tok, "<|im_start").size(), 10u);
  // parse_special = false: the markup is text.
  std::vector<TokenId> ids;
  ASSERT_TRUE(tok->EncodeForModel("<|im_end|>", false, /*parse_special=*/false, &ids).ok());
  EXPECT_EQ(tok->Decode(ids), "<|im_end|>");
}

TEST(Gpt2ModelTokenizerTest, InvalidUtf8IsRejected) {
  auto tok = Build("llama-bpe");
  std::vector<TokenId> ids;
  for (const char* bad : {"\xFF", "a\xE2\x82", "\xED\xA0\x80", "\xC0\xAF"}) {
    EXPECT_EQ(tok->Encode(bad, &ids).code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(ids.empty());
}

TEST(Gpt2ModelTokenizerTest, RoundTripsRandomUnicodeWithEveryPreTokenizer) {
  for (const char* pre : {"gpt2", "default", "llama-bpe", "qwen2", "smollm"}) {
    auto tok = Build(pre);
    std::mt19937 rng(3);
    for (int i = 0; i < 200; ++i) {
      const std::string s = testing::RandomUtf8(rng, rng() % 50);
      std::vector<TokenId> ids;
      ASSERT_TRUE(tok->EncodeForModel(s, false, /*parse_special=*/false, &ids).ok());
      EXPECT_EQ(tok->Decode(ids), s) << pre;
    }
  }
}

TEST(Gpt2ModelTokenizerTest, FingerprintCoversPreTokenizerAndMerges) {
  EXPECT_EQ(Build("qwen2")->fingerprint(), Build("qwen2")->fingerprint());
  EXPECT_NE(Build("qwen2")->fingerprint(), Build("llama-bpe")->fingerprint());
  ModelVocab v = testing::Gpt2Vocab({"a b", "h e"}, "gpt2");
  ModelVocab swapped = testing::Gpt2Vocab({"h e", "a b"}, "gpt2");
  std::swap(swapped.tokens[256], swapped.tokens[257]);  // same tokens, other merge order
  auto x = NewModelTokenizer(v);
  auto y = NewModelTokenizer(swapped);
  ASSERT_TRUE(x.ok() && y.ok());
  EXPECT_NE((*x)->fingerprint(), (*y)->fingerprint());
}

}  // namespace
}  // namespace warden::text
