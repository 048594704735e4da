#include "text/pretokenize.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "text/text_test_util.h"

namespace warden::text {
namespace {

std::vector<std::string> Pieces(std::string_view s) {
  std::vector<std::string> out;
  for (auto p : PreTokenize(s)) out.emplace_back(p);
  return out;
}

using V = std::vector<std::string>;

TEST(PreTokenizeTest, Words) {
  EXPECT_EQ(Pieces("Hello world"), (V{"Hello", " world"}));
  EXPECT_EQ(Pieces("don't stop"), (V{"don", "'", "t", " stop"}));
  EXPECT_EQ(Pieces(""), V{});
  EXPECT_EQ(Pieces(" "), V{" "});
  EXPECT_EQ(Pieces("caf\xC3\xA9 na\xC3\xAFve"), (V{"caf\xC3\xA9", " na\xC3\xAFve"}));
}

TEST(PreTokenizeTest, DigitsGroupInThrees) {
  EXPECT_EQ(Pieces("12345"), (V{"123", "45"}));
  EXPECT_EQ(Pieces("in 1987."), (V{"in", " 198", "7", "."}));
  EXPECT_EQ(Pieces("a1b"), (V{"a", "1", "b"}));
}

TEST(PreTokenizeTest, PunctuationRuns) {
  EXPECT_EQ(Pieces("Hi!!! (yes)"), (V{"Hi", "!!!", " (", "yes", ")"}));
  EXPECT_EQ(Pieces("a, \"b\""), (V{"a", ",", " \"", "b", "\""}));
}

TEST(PreTokenizeTest, Whitespace) {
  EXPECT_EQ(Pieces("a   b"), (V{"a", "  ", " b"}));
  EXPECT_EQ(Pieces("a\n\nb"), (V{"a", "\n\n", "b"}));
  EXPECT_EQ(Pieces("a\r\n    b"), (V{"a", "\r\n", "   ", " b"}));
  EXPECT_EQ(Pieces("a\t b"), (V{"a", "\t", " b"}));
  EXPECT_EQ(Pieces("a  \n"), (V{"a", "  ", "\n"}));
  EXPECT_EQ(Pieces("end  "), (V{"end", "  "}));
}

TEST(PreTokenizeTest, LongRunsAreCutAtCharacterBoundaries) {
  const std::string word(150, 'x');
  const V pieces = Pieces(word);
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0].size(), kMaxPieceBytes);
  // 2-byte letters: a 64-byte cut falls between characters already; with a
  // leading ASCII letter it would not, so the cut moves back one byte.
  std::string greek = "x";
  for (int i = 0; i < 60; ++i) greek += "\xCE\xB1";
  const V g = Pieces(greek);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].size(), kMaxPieceBytes - 1);
}

// Properties over random inputs, valid UTF-8 or not: pieces are non-empty,
// bounded, concatenate to the input, and never split a valid multi-byte
// character unless it sits in a run longer than kMaxPieceBytes.
TEST(PreTokenizeTest, RandomInputsPartitionTheText) {
  std::mt19937 rng(5);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s;
    if (iter % 2 == 0) {
      s = testing::RandomUtf8(rng, rng() % 60);
    } else {
      static constexpr char kAlphabet[] = " \n\r\t\v\fab9.,'\x80\xC3\xE2";
      for (size_t i = 0, n = rng() % 200; i < n; ++i)
        s += kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
    }
    std::string joined;
    for (std::string_view p : PreTokenize(s)) {
      ASSERT_FALSE(p.empty());
      ASSERT_LE(p.size(), kMaxPieceBytes);
      joined += p;
    }
    ASSERT_EQ(joined, s);
  }
}

TEST(PreTokenizeTest, PiecesOfEnglishMatchTheirOwnPreTokenization) {
  // A piece pre-tokenized alone gives itself: what the encoder's whole-piece
  // cache relies on.
  for (std::string_view p : PreTokenize(testing::kEnglishSample)) {
    auto again = PreTokenize(p);
    ASSERT_EQ(again.size(), 1u) << p;
  }
}

}  // namespace
}  // namespace warden::text
