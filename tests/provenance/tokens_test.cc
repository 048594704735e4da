// Provenance token streams: what normalization hides and what it keeps.
#include <gtest/gtest.h>

#include "warden/provenance/tokens.h"

namespace warden::provenance {
namespace {

std::vector<std::string> Keys(std::string_view text, TokenizeOptions o = {}) {
  auto r = TokenizeForProvenance(text, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> keys;
  if (r.ok()) {
    for (const auto& t : *r) keys.push_back(t.key);
  }
  return keys;
}

TEST(ProvenanceTokensTest, TextIgnoresCasePunctuationAndSpacing) {
  EXPECT_EQ(Keys("Hello,   World!\n"), Keys("hello world"));
  EXPECT_EQ(Keys("hello world"), (std::vector<std::string>{"hello", "world"}));
}

TEST(ProvenanceTokensTest, TextFoldsUnicodeAndSkipsInvisibles) {
  // Full-width letters (NFKC), a zero-width space inside a word, Cyrillic
  // homoglyph "а", German sharp s case folding.
  EXPECT_EQ(Keys("\xEF\xBC\xA8\xEF\xBD\x85llo"), Keys("hello"));
  EXPECT_EQ(Keys("pa\xE2\x80\x8Bss"), Keys("pass"));
  EXPECT_EQ(Keys("p\xD0\xB0ypal"), Keys("paypal"));
  EXPECT_EQ(Keys("STRASSE"), Keys("strasse"));
}

TEST(ProvenanceTokensTest, OffsetsPointIntoTheInput) {
  const std::string text = "  Foo, bar";
  auto r = TokenizeForProvenance(text, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(text.substr((*r)[0].begin, (*r)[0].end - (*r)[0].begin), "Foo");
  EXPECT_EQ(text.substr((*r)[1].begin, (*r)[1].end - (*r)[1].begin), "bar");
}

TEST(ProvenanceTokensTest, InvalidUtf8IsAnError) {
  auto r = TokenizeForProvenance("ok \xC3(", {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("byte 3"), std::string::npos);
}

TokenizeOptions Code(CodeLanguage lang) {
  TokenizeOptions o;
  o.mode = TokenMode::kCode;
  o.language = lang;
  return o;
}

TEST(ProvenanceTokensTest, CodeRenamingConstantsAndLayoutDoNotMatter) {
  const auto c = Code(CodeLanguage::kJava);
  const std::string a =
      "int sum(int[] xs) { int total = 0; // add\n for (int x : xs) total += x; return total; }";
  const std::string b =
      "int   addAll(int[] values){\n  /* loop */ int acc=42;\n  for(int v:values)\n    acc+=v;\n  "
      "return acc;\n}";
  EXPECT_EQ(Keys(a, c), Keys(b, c));
  TokenizeOptions raw = c;
  raw.mask_identifiers = false;
  EXPECT_NE(Keys(a, raw), Keys(b, raw));
}

TEST(ProvenanceTokensTest, LexersPerLanguage) {
  EXPECT_EQ(Keys("def f(a):\n    # c\n    return a + 1\n", Code(CodeLanguage::kPython)),
            Keys("def  g(b):  return b+2  # other", Code(CodeLanguage::kPython)));
  EXPECT_EQ(Keys("s = '''x\n# not a comment'''", Code(CodeLanguage::kPython)),
            Keys("t = \"y\"", Code(CodeLanguage::kPython)));
  EXPECT_EQ(Keys("const f = (a) => `x${a}`;", Code(CodeLanguage::kJavaScript)),
            Keys("const g=(b)=>'y';", Code(CodeLanguage::kJavaScript)));
  EXPECT_EQ(
      Keys("x <<= 0x1e+2;", Code(CodeLanguage::kCFamily)),
      (std::vector<std::string>{"\x01ID", "\x01<<=", "\x01NUM", "\x01+", "\x01NUM", "\x01;"}));
  // Code keys never equal prose keys.
  EXPECT_NE(Keys("return x", Code(CodeLanguage::kCFamily)), Keys("return x"));
}

TEST(ProvenanceTokensTest, UnterminatedLiteralsAndCommentsDoNotCrash) {
  for (const char* s : {"\"abc", "/* open", "'\\", "x = 1e", "`", "r'''"}) {
    for (auto lang : {CodeLanguage::kCFamily, CodeLanguage::kJava, CodeLanguage::kPython,
                      CodeLanguage::kJavaScript}) {
      EXPECT_TRUE(TokenizeForProvenance(s, Code(lang)).ok()) << s;
    }
  }
}

TEST(ProvenanceTokensTest, LanguageFromPath) {
  EXPECT_EQ(LanguageFromPath("a/B.java"), CodeLanguage::kJava);
  EXPECT_EQ(LanguageFromPath("x.cc"), CodeLanguage::kCFamily);
  EXPECT_EQ(LanguageFromPath("x.py"), CodeLanguage::kPython);
  EXPECT_EQ(LanguageFromPath("x.mjs"), CodeLanguage::kJavaScript);
  EXPECT_EQ(LanguageFromPath("notes.txt"), std::nullopt);
}

}  // namespace
}  // namespace warden::provenance
