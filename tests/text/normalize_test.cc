#include "warden/text/normalize.h"
#include "warden/text/utf8.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>

#include "text/text_test_util.h"

namespace warden::text {
namespace {

Normalizer Make(NormalizeOptions opts = {}) {
  auto n = Normalizer::Create(opts);
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return std::move(n).value();
}

std::string Norm(const Normalizer& n, std::string_view s) {
  auto r = n.Normalize(s);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string("<error>");
}

TEST(NormalizeTest, OptionNamesAreStable) {
  EXPECT_EQ(NormalizeOptions{}.Name(), "nfkc+invisible+homoglyph");
  NormalizeOptions none{false, false, false, false};
  EXPECT_EQ(none.Name(), "none");
  NormalizeOptions all{true, true, true, true};
  EXPECT_EQ(all.Name(), "nfkc+invisible+homoglyph+collapse-ws");
  NormalizeOptions nfkc_only{true, false, false, false};
  EXPECT_EQ(nfkc_only.Name(), "nfkc");
}

TEST(NormalizeTest, AsciiIsUntouched) {
  const Normalizer n = Make();
  for (std::string_view s : {"", "hello", "0 1 l I O o | m rn", "paypal 2024\n\ttabs\r\n",
                             "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"}) {
    EXPECT_EQ(Norm(n, s), s);
  }
  EXPECT_EQ(Norm(n, testing::kEnglishSample), testing::kEnglishSample);
}

TEST(NormalizeTest, Nfkc) {
  const Normalizer n = Make();
  EXPECT_EQ(Norm(n, "\xEF\xBD\x88\xEF\xBD\x85\xEF\xBD\x8C\xEF\xBD\x8C\xEF\xBD\x8F"),
            "hello");                                    // ｈｅｌｌｏ
  EXPECT_EQ(Norm(n, "\xEF\xAC\x81nd"), "find");          // ﬁ ligature
  EXPECT_EQ(Norm(n, "x\xC2\xB2"), "x2");                 // superscript two
  EXPECT_EQ(Norm(n, "caf\x65\xCC\x81"), "caf\xC3\xA9");  // e + U+0301 composes
  EXPECT_EQ(Norm(n,
                 "a\xC2\xA0"
                 "b"),
            "a b");  // no-break space
}

TEST(NormalizeTest, RemovesInvisibleCharacters) {
  const Normalizer n = Make();
  EXPECT_EQ(Norm(n, "wa\xE2\x80\x8Bter\xE2\x80\x8D"), "water");    // ZWSP, ZWJ
  EXPECT_EQ(Norm(n, "\xEF\xBB\xBFsoft\xC2\xADware"), "software");  // BOM, soft hyphen
  EXPECT_EQ(Norm(n,
                 "a\xE2\x80\xAE"
                 "b\xE2\x81\xA6"
                 "c"),
            "abc");  // bidi controls
  EXPECT_EQ(Norm(n,
                 "x\xEF\xB8\x8F"
                 "y\xF3\xA0\x84\x80"),
            "xy");  // variation selectors
  EXPECT_EQ(Norm(n,
                 "t\xF3\xA0\x81\xA1"
                 "ag"),
            "tag");                            // tag character
  EXPECT_EQ(Norm(n, "w\xE2\x81\xA0j"), "wj");  // word joiner
  EXPECT_EQ(Norm(n, std::string_view("a\0b\x07"
                                     "c",
                                     5)),
            "abc");  // controls
  EXPECT_EQ(Norm(n,
                 "a\x0b"
                 "b\x0c"
                 "c"),
            "a\x0b"
            "b\x0c"
            "c");  // VT, FF are whitespace
}

TEST(NormalizeTest, InvisibleRemovalLetsMarksCompose) {
  const Normalizer n = Make();
  EXPECT_EQ(Norm(n, "e\xE2\x80\x8B\xCC\x81"), "\xC3\xA9");
}

TEST(NormalizeTest, FoldsHomoglyphs) {
  const Normalizer n = Make();
  // "раураl": Cyrillic р а у р а, Latin l.
  EXPECT_EQ(Norm(n, "\xD1\x80\xD0\xB0\xD1\x83\xD1\x80\xD0\xB0l"), "paypal");
  EXPECT_EQ(Norm(n, "\xD0\x9E\xD0\xA0\xD0\x95\xD0\x9D"), "OPEH");  // Cyrillic ОРЕН
  EXPECT_EQ(Norm(n, "\xD0\x86nternet"), "Internet");               // Cyrillic І -> I
  EXPECT_EQ(Norm(n,
                 "g\xCE\xBF\xCE\xBF"
                 "gle"),
            "google");  // Greek omicron
  // Real non-ASCII letters stay.
  EXPECT_EQ(Norm(n, "caf\xC3\xA9 \xC3\xA6 \xD0\x96"), "caf\xC3\xA9 \xC3\xA6 \xD0\x96");
  EXPECT_EQ(Norm(n, "\xE4\xB8\xAD\xE6\x96\x87"), "\xE4\xB8\xAD\xE6\x96\x87");
}

TEST(NormalizeTest, StepsCanBeDisabled) {
  const Normalizer none = Make({false, false, false, false});
  const std::string tricky = "\xEF\xBD\x88\xE2\x80\x8B\xD1\x80";
  EXPECT_EQ(Norm(none, tricky), tricky);
  const Normalizer only_nfkc = Make({true, false, false, false});
  EXPECT_EQ(Norm(only_nfkc, tricky), "h\xE2\x80\x8B\xD1\x80");
  const Normalizer only_invisible = Make({false, true, false, false});
  EXPECT_EQ(Norm(only_invisible, tricky), "\xEF\xBD\x88\xD1\x80");
  const Normalizer only_fold = Make({false, false, true, false});
  EXPECT_EQ(Norm(only_fold, "\xD1\x80"), "p");
}

TEST(NormalizeTest, CollapsesWhitespaceWhenAsked) {
  const Normalizer n = Make({true, true, true, true});
  EXPECT_EQ(Norm(n, "a  b\t\t c\n\nd \xE2\x80\x83 e"), "a b c\n\nd e");
  EXPECT_EQ(Norm(n, "one two"), "one two");
  const Normalizer keep = Make();
  EXPECT_EQ(Norm(keep, "a  b"), "a  b");
}

TEST(NormalizeTest, InvalidUtf8GivesOffset) {
  const Normalizer n = Make();
  auto r = n.Normalize("abc\xC3(");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("offset 3"), std::string::npos) << r.status().message();
  EXPECT_FALSE(n.Normalize("\xED\xA0\x80").ok());
  EXPECT_FALSE(n.Normalize("\xFF\xFE").ok());
}

// Properties on random text: output valid, stable under a second pass, and
// never longer in ASCII-only inputs.
TEST(NormalizeTest, RandomTextIsValidAndIdempotent) {
  const Normalizer n = Make();
  std::mt19937 rng(11);
  for (int iter = 0; iter < 500; ++iter) {
    const std::string s = testing::RandomUtf8(rng, rng() % 50);
    auto once = n.Normalize(s);
    ASSERT_TRUE(once.ok()) << once.status().ToString();
    EXPECT_EQ(FindInvalidUtf8(*once), std::string_view::npos);
    auto twice = n.Normalize(*once);
    ASSERT_TRUE(twice.ok());
    EXPECT_EQ(*twice, *once) << ::testing::PrintToString(s);
  }
}

// Long texts are normalized in segments cut after newlines, with ASCII
// lines copied; that must equal normalizing every line on its own.
TEST(NormalizeTest, SegmentedLongTextEqualsLineByLine) {
  const Normalizer n = Make();
  std::mt19937 rng(13);
  for (int iter = 0; iter < 20; ++iter) {
    std::string text, expected;
    for (int line = 0; line < 400; ++line) {
      std::string l = rng() % 4 == 0
                          ? testing::RandomUtf8(rng, rng() % 40)
                          : std::string(testing::kEnglishSample.substr(rng() % 500, rng() % 80));
      std::erase(l, '\n');
      if (rng() % 8 == 0) l = "\xCC\x81" + l;  // line starting with a combining mark
      l += '\n';
      text += l;
      expected += Norm(n, l);
    }
    EXPECT_EQ(Norm(n, text), expected) << "iteration " << iter;
  }
}

TEST(NormalizeTest, SharedAcrossThreads) {
  const Normalizer n = Make();
  const std::string input = "\xD1\x80\xD0\xB0\xD1\x83\xD1\x80\xD0\xB0l \xEF\xAC\x81 \xCE\xBF";
  std::vector<std::thread> threads;
  std::vector<std::string> results(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) results[t] = Norm(n, input);
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, "paypal fi o");
}

}  // namespace
}  // namespace warden::text
