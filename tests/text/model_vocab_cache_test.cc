// The encoder's speed-ups give exactly the plain algorithm's ids: the
// per-thread piece cache (on vs off) and the SentencePiece cut before each
// word's U+2581 (vs one pass over the whole text).
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "text/model_vocab_test_util.h"
#include "text/text_test_util.h"

namespace warden::text {
namespace {

// Random text built from a few words so the cache sees repeats.
std::string RepetitiveText(std::mt19937& rng) {
  static const char* kWords[] = {"ab", "ba", "a",     " ",          "  ", "abc", "\xD0\xB0\xD0\xB1",
                                 "12", "\n", "hello", "caf\xC3\xA9"};
  std::string s;
  const int n = static_cast<int>(rng() % 30);
  for (int i = 0; i < n; ++i) {
    s += rng() % 4 == 0 ? testing::RandomUtf8(rng, 2) : kWords[rng() % std::size(kWords)];
  }
  return s;
}

std::vector<std::pair<std::string, float>> SpmPieces() {
  return {{"a", -1},
          {"b", -1},
          {"ab", -2},
          {"\xE2\x96\x81", -1},
          {"\xE2\x96\x81"
           "a",
           -1.5},
          {"\xE2\x96\x81\xE2\x96\x81", -3},
          {"\xE2\x96\x81"
           "ab",
           -2.5},
          {"\xD0\xB0\xD0\xB1", -2}};
}

std::vector<TokenId> EncodeAll(const Tokenizer& t, const std::string& s) {
  std::vector<TokenId> ids;
  EXPECT_TRUE(t.Encode(s, &ids).ok());
  return ids;
}

TEST(ModelTokCacheTest, CacheOnAndOffGiveTheSameIds) {
  ModelVocab spm = testing::SpmVocab(SpmPieces());
  ModelVocab bpe =
      testing::Gpt2Vocab({"a b", "b a", "h e", "l l", "he ll", "hell o", "1 2"}, "llama-bpe");
  for (const ModelVocab* v : {&spm, &bpe}) {
    auto tok = NewModelTokenizer(*v);
    ASSERT_TRUE(tok.ok());
    std::mt19937 rng(5);
    for (int i = 0; i < 300; ++i) {
      const std::string s = RepetitiveText(rng);
      text::SetModelPieceCacheEnabled(false);
      const std::vector<TokenId> plain = EncodeAll(**tok, s);
      text::SetModelPieceCacheEnabled(true);
      EXPECT_EQ(EncodeAll(**tok, s), plain) << s;
      EXPECT_EQ(EncodeAll(**tok, s), plain) << s;  // now from the cache
    }
  }
}

TEST(ModelTokCacheTest, SpmWordCutsMatchOnePassOverTheText) {
  ModelVocab cut = testing::SpmVocab(SpmPieces());
  // A piece with a character before U+2581 makes words dependent: that
  // tokenizer encodes the whole text in one pass. It never occurs in the
  // random text (no U+0001), so both must agree.
  ModelVocab whole = cut;
  whole.tokens.push_back("\x01\xE2\x96\x81");
  whole.scores.push_back(-1);
  whole.token_types.push_back(VocabTokenType::kNormal);
  TokenIndex with_cut, without_cut;
  for (size_t i = 0; i < cut.tokens.size(); ++i) with_cut.emplace(cut.tokens[i], 0);
  for (size_t i = 0; i < whole.tokens.size(); ++i) without_cut.emplace(whole.tokens[i], 0);
  ASSERT_TRUE(text::SpmWordsAreIndependent(with_cut));
  ASSERT_FALSE(text::SpmWordsAreIndependent(without_cut));
  auto a = NewModelTokenizer(cut);
  auto b = NewModelTokenizer(whole);
  ASSERT_TRUE(a.ok() && b.ok());
  text::SetModelPieceCacheEnabled(false);
  std::mt19937 rng(9);
  for (int i = 0; i < 300; ++i) {
    const std::string s = RepetitiveText(rng);
    EXPECT_EQ(EncodeAll(**a, s), EncodeAll(**b, s)) << s;
  }
  text::SetModelPieceCacheEnabled(true);
}

TEST(ModelTokCacheTest, ConcurrentEncodesAgreeWithOneThread) {
  // Each thread has its own cache; two tokenizers alternate so the caches
  // also switch owners.
  auto spm = NewModelTokenizer(testing::SpmVocab(SpmPieces()));
  auto bpe = NewModelTokenizer(testing::Gpt2Vocab({"a b", "b a", "1 2"}, "qwen2"));
  ASSERT_TRUE(spm.ok() && bpe.ok());
  std::mt19937 rng(13);
  std::vector<std::string> texts;
  for (int i = 0; i < 200; ++i) texts.push_back(RepetitiveText(rng));
  std::vector<std::vector<TokenId>> want;
  for (const std::string& s : texts) {
    want.push_back(EncodeAll(**spm, s));
    want.push_back(EncodeAll(**bpe, s));
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        for (size_t i = 0; i < texts.size(); ++i) {
          std::vector<TokenId> a, b;
          if (!(*spm)->Encode(texts[i], &a).ok() || a != want[2 * i]) ++mismatches[t];
          if (!(*bpe)->Encode(texts[i], &b).ok() || b != want[2 * i + 1]) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace warden::text
