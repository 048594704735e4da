#include "warden/guard/lexicon.h"

#include <gtest/gtest.h>

#include <random>

#include "guard/fold.h"
#include "guard_test_util.h"

namespace warden::guard {
namespace {

std::unique_ptr<LexiconScanner> Builtin() {
  auto s = LexiconScanner::Create(BuiltinDenyList(), BuiltinAllowList());
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

std::vector<Finding> ScanText(const LexiconScanner& s, std::string_view text) {
  std::vector<Finding> out;
  EXPECT_TRUE(s.Scan(text, &out).ok());
  return out;
}

TEST(GuardLexicon, CatchesEvasions) {
  auto s = Builtin();
  for (const char* text :
       {"fuck", "FUCK you", "f.u.c.k", "f u c k off", "fuuuuck", "f*ck", "fvck", "ph0ne shit",
        "sh!t", "$h1t", "a$$hole", "b1tch", "f\u200Buck", "ｆｕｃｋ", "fück", "\u0455hit",
        "f-u-c-k-i-n-g", "what the fuuuck!!", "c.u.n.t"}) {
    EXPECT_FALSE(ScanText(*s, text).empty()) << text;
  }
}

TEST(GuardLexicon, KeepsInnocentWordsClean) {
  auto s = Builtin();
  for (const char* text :
       {"Scunthorpe", "assessment", "cocktail", "class", "passion", "shitake mushrooms",
        "Dickens wrote", "cockpit", "title", "a s sorted", "as simple as that", "grape",
        "therapist", "document", "peacock", "Hancock", "pricked", "spice", "skiing"}) {
    EXPECT_TRUE(ScanText(*s, text).empty()) << text << ": " << ScanText(*s, text)[0].evidence;
  }
}

TEST(GuardLexicon, SpansPointIntoTheOriginalText) {
  auto s = Builtin();
  const std::string text = "so \xEF\xBD\x86u\u200Bck this";  // full-width f, ZWSP
  auto f = ScanText(*s, text);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].begin, 3u);
  EXPECT_EQ(text.substr(f[0].begin, f[0].end - f[0].begin), "\xEF\xBD\x86u\u200Bck");
  EXPECT_EQ(f[0].category, "profanity");
}

TEST(GuardLexicon, SlursAreHate) {
  auto s = Builtin();
  auto f = ScanText(*s, "you f@gg0t");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].category, "hate");
  EXPECT_EQ(f[0].type, "slur");
}

TEST(GuardLexicon, AllowAndCustomDeny) {
  std::vector<LexiconTerm> deny = {{"frobnicate", 0.5, false, "profanity", "custom"}};
  auto s = LexiconScanner::Create(deny, {"frobnicate-o-matic"});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(ScanText(**s, "do not fr0bnicate").size(), 1u);
  EXPECT_TRUE(ScanText(**s, "the frobnicate-o-matic").empty());
  EXPECT_FALSE(LexiconScanner::Create({}, {}).ok());
  EXPECT_FALSE(LexiconScanner::Create({{"...", 0.5}}, {}).ok());
}

TEST(GuardLexicon, InvalidUtf8DoesNotStopScanning) {
  auto s = Builtin();
  const std::string text = std::string("ok \xFF\xFE bad ") + "shit";
  auto f = ScanText(*s, text);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(text.substr(f[0].begin, 4), "shit");
}

TEST(GuardLexicon, LongTextsAcrossWindowSeams) {
  auto s = Builtin();
  std::string text;
  size_t expected = 0;
  while (text.size() < 300000) {
    text += "assessment of the cocktail ";
    if (text.size() % 7 == 0) {
      text += "shit ";
      ++expected;
    }
  }
  EXPECT_EQ(ScanText(*s, text).size(), expected);
}

// Randomized comparison of the Vectorscan path with the naive matcher.
TEST(GuardLexicon, FastMatchesReference) {
  auto s = Builtin();
  std::mt19937_64 rng(42);
  const std::string alphabet = "fuckshitasbdnrgo@$!1*. -_\u200Bxyz";
  const std::vector<std::string> pieces = {"fuck",    "sh1t", "a s s", "ass",   "cock", "tail",
                                           "f.u.c.k", "ing",  " ",     "bitch", "es",   "\xFF"};
  for (int iter = 0; iter < 300; ++iter) {
    std::string text;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) {
      if (rng() % 2) {
        text += pieces[rng() % pieces.size()];
      } else {
        text.push_back(alphabet[rng() % alphabet.size()]);
      }
    }
    std::vector<Finding> fast, ref;
    ASSERT_TRUE(s->Scan(text, &fast).ok());
    ASSERT_TRUE(s->ScanReference(text, &ref).ok());
    ASSERT_EQ(fast.size(), ref.size()) << text;
    for (size_t i = 0; i < fast.size(); ++i) {
      EXPECT_EQ(fast[i].begin, ref[i].begin) << text;
      EXPECT_EQ(fast[i].end, ref[i].end) << text;
      EXPECT_EQ(fast[i].evidence, ref[i].evidence) << text;
    }
  }
}

TEST(GuardLexicon, DataListsLoad) {
  if (!testing::HasGuardData("surge_profanity_en.csv")) {
    GTEST_SKIP() << "guard data absent (set WARDEN_DATA_DIR)";
  }
  bool from_data = false;
  auto terms = LoadDefaultLexicon(testing::DataDir(), &from_data);
  EXPECT_TRUE(from_data);
  auto s = LexiconScanner::Create(terms, BuiltinAllowList());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_GT((*s)->term_count(), 1000u);
  EXPECT_FALSE(ScanText(**s, "you b.i.t.c.h").empty());
  EXPECT_TRUE(ScanText(**s, "Scunthorpe assessment cocktail").empty());
}

}  // namespace
}  // namespace warden::guard
