#include "warden/text/utf8.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "text/text_test_util.h"

namespace warden::text {
namespace {

constexpr size_t npos = std::string_view::npos;

TEST(Utf8Test, AcceptsValidText) {
  EXPECT_EQ(FindInvalidUtf8(""), npos);
  EXPECT_EQ(FindInvalidUtf8("plain ascii text, longer than eight bytes"), npos);
  EXPECT_EQ(FindInvalidUtf8("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"), npos);
  EXPECT_EQ(FindInvalidUtf8("\xF4\x8F\xBF\xBF"), npos);  // U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xED\x9F\xBF"), npos);      // U+D7FF
  EXPECT_EQ(FindInvalidUtf8("\xEE\x80\x80"), npos);      // U+E000
  EXPECT_EQ(FindInvalidUtf8(std::string_view("a\0b", 3)), npos);
}

TEST(Utf8Test, RejectsMalformedSequencesAtTheirLeadByte) {
  EXPECT_EQ(FindInvalidUtf8("\x80"), 0u);              // bare continuation
  EXPECT_EQ(FindInvalidUtf8("abc\xC0\x80"), 3u);       // overlong NUL
  EXPECT_EQ(FindInvalidUtf8("\xC1\xBF"), 0u);          // overlong 2-byte
  EXPECT_EQ(FindInvalidUtf8("\xE0\x9F\xBF"), 0u);      // overlong 3-byte
  EXPECT_EQ(FindInvalidUtf8("\xF0\x8F\xBF\xBF"), 0u);  // overlong 4-byte
  EXPECT_EQ(FindInvalidUtf8("ok \xED\xA0\x80"), 3u);   // surrogate U+D800
  EXPECT_EQ(FindInvalidUtf8("\xED\xBF\xBF"), 0u);      // surrogate U+DFFF
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // U+110000
  EXPECT_EQ(FindInvalidUtf8("\xF5\x80\x80\x80"), 0u);  // lead F5
  EXPECT_EQ(FindInvalidUtf8("\xFF"), 0u);
  EXPECT_EQ(FindInvalidUtf8("0123456789\xE2\x82"), 10u);   // truncated at end
  EXPECT_EQ(FindInvalidUtf8("0123456789\xE2\x82x"), 10u);  // truncated in middle
  EXPECT_EQ(FindInvalidUtf8("\xC3\xA9\xC3"), 2u);
  EXPECT_EQ(FindInvalidUtf8("abcdefgh\xF0\x9F\x98"), 8u);
}

TEST(Utf8Test, OffsetIsExactAfterLongAsciiRuns) {
  for (size_t prefix = 0; prefix < 40; ++prefix) {
    std::string s(prefix, 'a');
    s += "\xFE";
    s += std::string(20, 'b');
    EXPECT_EQ(FindInvalidUtf8(s), prefix);
  }
}

// The fast validator agrees with the reference on random byte soup that is
// biased towards the interesting lead and continuation bytes.
TEST(Utf8Test, FastMatchesReferenceOnRandomBytes) {
  std::mt19937 rng(42);
  static constexpr uint8_t kInteresting[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
                                             0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
                                             0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s;
    const size_t n = rng() % 24;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t kind = rng() % 4;
      if (kind == 0) {
        s += static_cast<char>(rng() % 256);
      } else if (kind == 1) {
        s += static_cast<char>(kInteresting[rng() % std::size(kInteresting)]);
      } else {
        s += static_cast<char>('a' + rng() % 26);
      }
    }
    ASSERT_EQ(FindInvalidUtf8(s), text::FindInvalidUtf8Reference(s)) << ::testing::PrintToString(s);
  }
}

TEST(Utf8Test, FastMatchesReferenceOnCorruptedValidText) {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s = testing::RandomUtf8(rng, rng() % 40);
    EXPECT_EQ(FindInvalidUtf8(s), npos);
    ASSERT_EQ(text::FindInvalidUtf8Reference(s), npos);
    if (!s.empty() && rng() % 2 == 0) s[rng() % s.size()] = static_cast<char>(rng() % 256);
    if (!s.empty() && rng() % 4 == 0) s.resize(rng() % s.size());
    ASSERT_EQ(FindInvalidUtf8(s), text::FindInvalidUtf8Reference(s)) << ::testing::PrintToString(s);
  }
}

TEST(Utf8Test, RepairReplacesMaximalSubparts) {
  std::string out;
  text::AppendRepairedUtf8(
      "a\xE2\x82"
      "b\xFF\xC3\xA9",
      &out);
  EXPECT_EQ(out,
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xC3\xA9");
  out.clear();
  text::AppendRepairedUtf8("\xF0\x9F\x98", &out);  // one truncated emoji, one U+FFFD
  EXPECT_EQ(out, "\xEF\xBF\xBD");
  out.clear();
  text::AppendRepairedUtf8("\xED\xA0\x80", &out);  // surrogate: three subparts
  EXPECT_EQ(out, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Utf8Test, RepairAlwaysYieldsValidUtf8) {
  std::mt19937 rng(3);
  for (int iter = 0; iter < 2000; ++iter) {
    std::string s;
    for (size_t i = 0, n = rng() % 30; i < n; ++i) s += static_cast<char>(rng() % 256);
    std::string out;
    text::AppendRepairedUtf8(s, &out);
    ASSERT_EQ(FindInvalidUtf8(out), npos);
    if (FindInvalidUtf8(s) == npos) {
      EXPECT_EQ(out, s);
    }
  }
}

}  // namespace
}  // namespace warden::text
