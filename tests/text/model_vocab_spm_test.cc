// Golden and round-trip tests of the SentencePiece-style ("llama") model
// tokenizer on hand-built vocabularies.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "text/model_vocab_test_util.h"
#include "text/text_test_util.h"

namespace warden::text {
namespace {

using testing::kSpmFirstPiece;
using testing::SpmVocab;

std::unique_ptr<ModelTokenizer> Build(const ModelVocab& v) {
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

// Ids of AbcVocab's pieces, in order: a, b, c, ab, bc, space, space+a ("b"
// itself is never the answer of a golden test, so it has no name).
const TokenId A = kSpmFirstPiece, C = A + 2, AB = A + 3, BC = A + 4, SPACE = A + 5, SPACE_A = A + 6;

ModelVocab AbcVocab(float ab_score, float bc_score) {
  ModelVocab v = SpmVocab({{"a", -1},
                           {"b", -1},
                           {"c", -1},
                           {"ab", ab_score},
                           {"bc", bc_score},
                           {"\xE2\x96\x81", -1},
                           {"\xE2\x96\x81"
                            "a",
                            -3}});
  v.add_space_prefix = false;
  return v;
}

TEST(SpmTokenizerTest, HighestScoringPairMergesFirst) {
  // "abc": ab and bc compete for b; whichever scores higher wins.
  auto bc_wins = Build(AbcVocab(-2, -1));
  EXPECT_EQ(Enc(*bc_wins, "abc"), (std::vector<TokenId>{A, BC}));
  auto ab_wins = Build(AbcVocab(-1, -2));
  EXPECT_EQ(Enc(*ab_wins, "abc"), (std::vector<TokenId>{AB, C}));
}

TEST(SpmTokenizerTest, EqualScoresMergeLeftmostFirst) {
  auto tok = Build(AbcVocab(-1, -1));
  EXPECT_EQ(Enc(*tok, "abc"), (std::vector<TokenId>{AB, C}));
  EXPECT_EQ(Enc(*tok, "abab"), (std::vector<TokenId>{AB, AB}));
}

TEST(SpmTokenizerTest, SpacesBecomeU2581AndPrefixIsAdded) {
  ModelVocab v = AbcVocab(-1, -2);
  v.add_space_prefix = true;
  auto tok = Build(v);
  // "▁a" is a piece; "▁c" is not, so the second space stays alone.
  EXPECT_EQ(Enc(*tok, "a c"), (std::vector<TokenId>{SPACE_A, SPACE, C}));
  // "ab" (-1) outscores "▁a" (-3) and takes the a.
  EXPECT_EQ(Enc(*tok, "ab c"), (std::vector<TokenId>{SPACE, AB, SPACE, C}));
  EXPECT_EQ(tok->Decode(Enc(*tok, "ab c")), " ab c");
  EXPECT_EQ(tok->DecodeText(Enc(*tok, "ab c")), "ab c");
  EXPECT_EQ(tok->TokenBytes(SPACE_A), " a");
}

TEST(SpmTokenizerTest, ByteFallbackForUnknownCharacters) {
  auto tok = Build(AbcVocab(-1, -1));
  // U+00E9 is C3 A9; <0xNN> has id 3 + NN.
  EXPECT_EQ(Enc(*tok, "a\xC3\xA9"), (std::vector<TokenId>{A, 3 + 0xC3, 3 + 0xA9}));
  EXPECT_EQ(tok->TokenBytes(3 + 0xC3), "\xC3");
  EXPECT_EQ(tok->Decode(Enc(*tok, "a\xC3\xA9")), "a\xC3\xA9");
}

TEST(SpmTokenizerTest, LoneSpaceWithoutPieceFallsBackToTheSpaceByte) {
  ModelVocab v = SpmVocab({{"a", -1}});
  v.add_space_prefix = false;
  auto tok = Build(v);
  // No "\u2581" piece: the space must still decode as a space, not as U+2581.
  EXPECT_EQ(Enc(*tok, "a a"), (std::vector<TokenId>{kSpmFirstPiece, 3 + ' ', kSpmFirstPiece}));
  EXPECT_EQ(tok->Decode(Enc(*tok, "a a")), "a a");
}

TEST(SpmTokenizerTest, UnknownTokenWithoutByteFallback) {
  ModelVocab v = SpmVocab({{"a", -1}}, /*byte_tokens=*/false);
  v.add_space_prefix = false;
  auto tok = Build(v);
  const TokenId a = 3;
  // One unknown token per character that has no piece.
  EXPECT_EQ(Enc(*tok, "a\xE4\xB8\xADz"), (std::vector<TokenId>{a, 0, 0}));
  EXPECT_EQ(tok->TokenBytes(0), "\xEF\xBF\xBD");
}

TEST(SpmTokenizerTest, ControlTokensAreParsedAndDecodeToNothing) {
  ModelVocab v = AbcVocab(-1, -1);
  v.add_space_prefix = true;
  auto tok = Build(v);
  // The text after a special token gets a space prefix again (llama.cpp's rule).
  EXPECT_EQ(Enc(*tok, "a</s>a"), (std::vector<TokenId>{SPACE_A, 2, SPACE_A}));
  std::vector<TokenId> ids;
  ASSERT_TRUE(tok->EncodeForModel("a</s>", false, /*parse_special=*/false, &ids).ok());
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 2), 0);
  EXPECT_EQ(tok->TokenBytes(2), "");
  EXPECT_TRUE(tok->IsSpecial(1));
  EXPECT_TRUE(tok->IsSpecial(2));
  EXPECT_FALSE(tok->IsSpecial(A));
}

TEST(SpmTokenizerTest, BosEosRules) {
  ModelVocab v = AbcVocab(-1, -1);
  v.add_bos = true;
  v.add_eos = true;
  auto tok = Build(v);
  EXPECT_EQ(tok->bos(), 1);
  EXPECT_EQ(tok->eos(), 2);
  EXPECT_EQ(Enc(*tok, "ab"), (std::vector<TokenId>{AB}));  // Encode: text only
  std::vector<TokenId> ids;
  ASSERT_TRUE(tok->EncodeForModel("ab", /*add_special=*/true, true, &ids).ok());
  EXPECT_EQ(ids, (std::vector<TokenId>{1, AB, 2}));
  ids.clear();
  ASSERT_TRUE(tok->EncodeForModel("", true, true, &ids).ok());
  EXPECT_EQ(ids, (std::vector<TokenId>{1, 2}));
}

TEST(SpmTokenizerTest, InvalidUtf8IsRejected) {
  auto tok = Build(AbcVocab(-1, -1));
  std::vector<TokenId> ids{42};
  Status s = tok->Encode("ab\xC3(", &ids);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("byte 2"), std::string::npos) << s.message();
  EXPECT_EQ(ids, (std::vector<TokenId>{42}));
}

TEST(SpmTokenizerTest, RoundTripsRandomUnicode) {
  std::vector<std::pair<std::string, float>> pieces;
  // Pieces of a few scripts so merges happen inside the random strings.
  for (const char* p : {"a", "b", "ab", "\xE2\x96\x81",
                        "\xE2\x96\x81"
                        "a",
                        "\xD0\xB0", "\xD0\xB0\xD0\xB1", "\xE4\xB8\x80", "\xE4\xB8\x80\xE4\xB8\x81",
                        "\xF0\x9F\x98\x80", "  "}) {
    pieces.push_back({p, -static_cast<float>(pieces.size())});
  }
  for (bool prefix : {false, true}) {
    ModelVocab v = SpmVocab(pieces);
    v.add_space_prefix = prefix;
    auto tok = Build(v);
    std::mt19937 rng(7);
    for (int i = 0; i < 300; ++i) {
      const std::string s = testing::RandomUtf8(rng, rng() % 40);
      std::vector<TokenId> ids;
      ASSERT_TRUE(tok->EncodeForModel(s, false, /*parse_special=*/false, &ids).ok());
      // The prefix goes in front of text; empty text stays empty.
      EXPECT_EQ(tok->Decode(ids), (prefix && !s.empty() ? " " : "") + s);
      EXPECT_EQ(tok->DecodeText(ids), s);
    }
  }
}

TEST(SpmTokenizerTest, FingerprintDependsOnWhatDecidesIds) {
  auto a = Build(AbcVocab(-1, -2));
  auto same = Build(AbcVocab(-1, -2));
  auto scores = Build(AbcVocab(-2, -1));
  ModelVocab v = AbcVocab(-1, -2);
  v.add_space_prefix = true;
  auto prefix = Build(v);
  EXPECT_EQ(a->fingerprint(), same->fingerprint());
  EXPECT_EQ(a->fingerprint().size(), 16u);
  EXPECT_NE(a->fingerprint(), scores->fingerprint());
  EXPECT_NE(a->fingerprint(), prefix->fingerprint());
}

TEST(SpmTokenizerTest, LongInputIsLinearEnough) {
  // 200k characters of one piece: the heap-based merge must not go quadratic
  // (this would take minutes if it did).
  auto tok = Build(AbcVocab(-1, -1));
  std::string s;
  for (int i = 0; i < 100000; ++i) s += "ab";
  const std::vector<TokenId> ids = Enc(*tok, s);
  EXPECT_EQ(ids.size(), 100000u);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), AB), 100000);
}

}  // namespace
}  // namespace warden::text
