#include "warden/core/strings.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace warden::core {
namespace {

using Lines = std::vector<std::string_view>;

TEST(TrimTest, DefaultSetIsCLocaleWhitespace) {
  EXPECT_EQ(Trim(" \t\n\r\f\vabc d\v\f\r\n\t "), "abc d");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim(" \t\n"), "");
  EXPECT_EQ(Trim("x"), "x");
  EXPECT_EQ(Trim("\xC2\xA0x\xC2\xA0"), "\xC2\xA0x\xC2\xA0");  // bytes, not Unicode
}

TEST(TrimTest, NarrowSetsKeepOtherWhitespace) {
  EXPECT_EQ(Trim("\f \tab\r\t ", " \t\r"), "\f \tab");
  EXPECT_EQ(Trim(" \tab\r", " \t"), "ab\r");
  EXPECT_EQ(Trim("\r\r", " \t"), "\r\r");
  EXPECT_EQ(Trim("\r\r", " \t\r"), "");
}

TEST(TrimTest, ReturnsViewIntoInput) {
  const std::string s = "  mid  ";
  const std::string_view t = Trim(s);
  EXPECT_EQ(t.data(), s.data() + 2);
  EXPECT_EQ(t.size(), 3u);
}

TEST(SplitLinesTest, FinalNewlineEndsTheLastLine) {
  EXPECT_EQ(SplitLines(""), Lines{});
  EXPECT_EQ(SplitLines("a"), Lines{"a"});
  EXPECT_EQ(SplitLines("a\n"), Lines{"a"});
  EXPECT_EQ(SplitLines("a\n\n"), (Lines{"a", ""}));
  EXPECT_EQ(SplitLines("\n"), Lines{""});
  EXPECT_EQ(SplitLines("\na\r\nb"), (Lines{"", "a\r", "b"}));
}

TEST(SplitLinesTest, RandomTextsRejoinToTheInput) {
  std::mt19937 rng(42);
  for (int round = 0; round < 500; ++round) {
    std::string text;
    const int len = static_cast<int>(rng() % 40);
    for (int i = 0; i < len; ++i) text.push_back("ab\n\r"[rng() % 4]);
    const Lines lines = SplitLines(text);
    std::string joined;
    for (std::string_view l : lines) {
      EXPECT_EQ(l.find('\n'), std::string_view::npos);
      joined.append(l).push_back('\n');
    }
    // Rejoining with '\n' after every line gives the text plus a final '\n'
    // when it had none.
    if (!text.empty() && text.back() != '\n') text.push_back('\n');
    EXPECT_EQ(joined, text);
  }
}

// A reference decoder written differently: the digits as a bit string.
std::string ReferenceDecode(std::string_view s, const std::string& alphabet62_63) {
  static const std::string kDigits =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string bits;
  for (char c : s) {
    size_t v = kDigits.find(c);
    if (v == std::string::npos) {
      const size_t extra = alphabet62_63.find(c);
      if (extra == std::string::npos) break;
      v = 62 + extra % 2;
    }
    for (int b = 5; b >= 0; --b) bits.push_back(((v >> b) & 1) ? '1' : '0');
  }
  std::string out;
  for (size_t i = 0; i + 8 <= bits.size(); i += 8) {
    out.push_back(static_cast<char>(std::stoi(bits.substr(i, 8), nullptr, 2)));
  }
  return out;
}

TEST(Base64Test, KnownVectors) {
  EXPECT_EQ(DecodeBase64Prefix(""), "");
  EXPECT_EQ(DecodeBase64Prefix("Zg=="), "f");
  EXPECT_EQ(DecodeBase64Prefix("Zm8="), "fo");
  EXPECT_EQ(DecodeBase64Prefix("Zm9v"), "foo");
  EXPECT_EQ(DecodeBase64Prefix("Zm9vYmFy"), "foobar");
  EXPECT_EQ(DecodeBase64Prefix("+/8="), "\xfb\xff");
  EXPECT_EQ(DecodeBase64Prefix("-_8=", Base64Alphabet::kUrlSafe), "\xfb\xff");
  EXPECT_EQ(DecodeBase64Prefix("-_8=", Base64Alphabet::kEither), "\xfb\xff");
  EXPECT_EQ(DecodeBase64Prefix("+_8=", Base64Alphabet::kEither), "\xfb\xff");
  // Stops at the first character outside the alphabet.
  EXPECT_EQ(DecodeBase64Prefix("Zm9v-_8="), "foo");
  EXPECT_EQ(DecodeBase64Prefix("Zm9v+/8=", Base64Alphabet::kUrlSafe), "foo");
  EXPECT_EQ(DecodeBase64Prefix("Zm9v.Zm9v"), "foo");
  EXPECT_EQ(DecodeBase64Prefix("eyJhbGciOiJIUzI1NiJ9", Base64Alphabet::kEither),
            "{\"alg\":\"HS256\"}");
}

TEST(Base64Test, RandomInputsMatchReference) {
  std::mt19937_64 rng(1234);
  const std::string pool =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=. \n\x80";
  const struct {
    Base64Alphabet alphabet;
    std::string extra;  // characters for 62, 63, 62, 63, ...
  } kinds[] = {{Base64Alphabet::kStandard, "+/"},
               {Base64Alphabet::kUrlSafe, "-_"},
               {Base64Alphabet::kEither, "+/-_"}};
  for (int round = 0; round < 3000; ++round) {
    std::string s;
    const size_t len = rng() % 64;
    // Mostly digits so that long prefixes decode; sometimes anything.
    const size_t span = round % 4 == 0 ? pool.size() : 66;
    for (size_t i = 0; i < len; ++i) s.push_back(pool[rng() % span]);
    for (const auto& k : kinds) {
      ASSERT_EQ(DecodeBase64Prefix(s, k.alphabet), ReferenceDecode(s, k.extra))
          << "input '" << s << "'";
    }
  }
}

TEST(Base64Test, RandomBytesRoundTrip) {
  std::mt19937_64 rng(99);
  static const char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int round = 0; round < 500; ++round) {
    std::string bytes;
    const size_t len = rng() % 50;
    for (size_t i = 0; i < len; ++i) bytes.push_back(static_cast<char>(rng() & 0xFF));
    std::string enc;  // a plain encoder with '=' padding
    for (size_t i = 0; i < bytes.size(); i += 3) {
      uint32_t v = 0;
      const size_t n = std::min<size_t>(3, bytes.size() - i);
      for (size_t j = 0; j < 3; ++j) {
        v = (v << 8) | (j < n ? static_cast<unsigned char>(bytes[i + j]) : 0u);
      }
      for (size_t j = 0; j < 4; ++j)
        enc.push_back(j <= n ? kDigits[(v >> (18 - 6 * j)) & 63] : '=');
    }
    ASSERT_EQ(DecodeBase64Prefix(enc), bytes);
  }
}

}  // namespace
}  // namespace warden::core
