// Golden splits of each model pre-tokenizer on tricky inputs: contractions,
// digit grouping (Llama 3: runs of 1-3; Qwen2 and SmolLM: single digits),
// CJK, emoji with modifiers and flags, combining marks, newlines and mixed
// whitespace (CR LF, NBSP, ideographic space). The expected splits were
// worked out from each model's published pattern and cross-checked with an
// independent regex engine (Python's `regex` module).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "text/model_vocab_pretok.h"
#include "text/text_test_util.h"

namespace warden::text {
namespace {

struct Golden {
  const char* pre;
  std::string text;
  std::vector<std::string> pieces;
};

const std::vector<Golden>& Goldens() {
  static const std::vector<Golden> kGoldens = {
      // gpt2
      {"gpt2",
       "I'm sure they've said it's 'quoted' we'd  HE'LL",
       {"I", "'m", " sure", " they", "'ve", " said", " it", "'s", " '", "quoted", "'", " we", "'d",
        " ", " HE", "'", "LL"}},
      {"gpt2",
       "Year 2024: 1234567 items, 3.14 pi",
       {"Year", " 2024", ":", " 1234567", " items", ",", " 3", ".", "14", " pi"}},
      {"gpt2",
       "hello   world\n\n  next\tline \n",
       {"hello", "  ", " world", "\n\n ", " next", "\t", "line", " \n"}},
      {"gpt2",
       "\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\xE7\xAC\xA6"
       " and \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"
       "!",
       {"\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\xE7\xAC\xA6", " and",
        " \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "!"}},
      {"gpt2",
       "emoji \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"
       " ok \xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",
       {"emoji", " \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", " ok", " \xF0\x9F\x87\xAB\xF0\x9F\x87\xB7"}},
      {"gpt2",
       "caf\xC3\xA9"
       " cafe\xCC\x81"
       " na\xC3\xAF"
       "ve",
       {"caf\xC3\xA9", " cafe", "\xCC\x81",
        " na\xC3\xAF"
        "ve"}},
      {"gpt2",
       "a\r\nb\xC2\xA0"
       "c\xE3\x80\x80"
       "d",
       {"a", "\r", "\n", "b", "\xC2\xA0", "c", "\xE3\x80\x80", "d"}},
      {"gpt2", " $100 (x+y)=>z;;", {" $", "100", " (", "x", "+", "y", ")=>", "z", ";;"}},
      // llama-bpe
      {"llama-bpe",
       "I'm sure they've said it's 'quoted' we'd  HE'LL",
       {"I", "'m", " sure", " they", "'ve", " said", " it", "'s", " '", "quoted", "'", " we", "'d",
        " ", " HE", "'LL"}},
      {"llama-bpe",
       "Year 2024: 1234567 items, 3.14 pi",
       {"Year", " ", "202", "4", ":", " ", "123", "456", "7", " items", ",", " ", "3", ".", "14",
        " pi"}},
      {"llama-bpe",
       "hello   world\n\n  next\tline \n",
       {"hello", "  ", " world", "\n\n", " ", " next", "\tline", " \n"}},
      {"llama-bpe",
       "\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\xE7\xAC\xA6"
       " and \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"
       "!",
       {"\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\xE7\xAC\xA6", " and",
        " \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "!"}},
      {"llama-bpe",
       "emoji \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"
       " ok \xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",
       {"emoji", " \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", " ok", " \xF0\x9F\x87\xAB\xF0\x9F\x87\xB7"}},
      {"llama-bpe",
       "caf\xC3\xA9"
       " cafe\xCC\x81"
       " na\xC3\xAF"
       "ve",
       {"caf\xC3\xA9", " cafe", "\xCC\x81",
        " na\xC3\xAF"
        "ve"}},
      {"llama-bpe",
       "a\r\nb\xC2\xA0"
       "c\xE3\x80\x80"
       "d",
       {"a", "\r\n", "b",
        "\xC2\xA0"
        "c",
        "\xE3\x80\x80"
        "d"}},
      {"llama-bpe", " $100 (x+y)=>z;;", {" $", "100", " (", "x", "+y", ")=>", "z", ";;"}},
      // qwen2
      {"qwen2",
       "I'm sure they've said it's 'quoted' we'd  HE'LL",
       {"I", "'m", " sure", " they", "'ve", " said", " it", "'s", " '", "quoted", "'", " we", "'d",
        " ", " HE", "'LL"}},
      {"qwen2",
       "Year 2024: 1234567 items, 3.14 pi",
       {"Year", " ", "2", "0",      "2", "4", ":", " ", "1", "2", "3",  "4",
        "5",    "6", "7", " items", ",", " ", "3", ".", "1", "4", " pi"}},
      {"qwen2",
       "hello   world\n\n  next\tline \n",
       {"hello", "  ", " world", "\n\n", " ", " next", "\tline", " \n"}},
      {"qwen2",
       "\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\xE7\xAC\xA6"
       " and \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"
       "!",
       {"\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\xE7\xAC\xA6", " and",
        " \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "!"}},
      {"qwen2",
       "emoji \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"
       " ok \xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",
       {"emoji", " \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", " ok", " \xF0\x9F\x87\xAB\xF0\x9F\x87\xB7"}},
      {"qwen2",
       "caf\xC3\xA9"
       " cafe\xCC\x81"
       " na\xC3\xAF"
       "ve",
       {"caf\xC3\xA9", " cafe", "\xCC\x81",
        " na\xC3\xAF"
        "ve"}},
      {"qwen2",
       "a\r\nb\xC2\xA0"
       "c\xE3\x80\x80"
       "d",
       {"a", "\r\n", "b",
        "\xC2\xA0"
        "c",
        "\xE3\x80\x80"
        "d"}},
      {"qwen2", " $100 (x+y)=>z;;", {" $", "1", "0", "0", " (", "x", "+y", ")=>", "z", ";;"}},
      // smollm
      {"smollm",
       "I'm sure they've said it's 'quoted' we'd  HE'LL",
       {"I", "'m", " sure", " they", "'ve", " said", " it", "'s", " '", "quoted", "'", " we", "'d",
        " ", " HE", "'", "LL"}},
      {"smollm",
       "Year 2024: 1234567 items, 3.14 pi",
       {"Year", " ", "2", "0",      "2", "4", ":", " ", "1", "2", "3",  "4",
        "5",    "6", "7", " items", ",", " ", "3", ".", "1", "4", " pi"}},
      {"smollm",
       "hello   world\n\n  next\tline \n",
       {"hello", "  ", " world", "\n\n ", " next", "\t", "line", " \n"}},
      {"smollm",
       "\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\xE7\xAC\xA6"
       " and \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"
       "!",
       {"\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\xE7\xAC\xA6", " and",
        " \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "!"}},
      {"smollm",
       "emoji \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"
       " ok \xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",
       {"emoji", " \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", " ok", " \xF0\x9F\x87\xAB\xF0\x9F\x87\xB7"}},
      {"smollm",
       "caf\xC3\xA9"
       " cafe\xCC\x81"
       " na\xC3\xAF"
       "ve",
       {"caf\xC3\xA9", " cafe", "\xCC\x81",
        " na\xC3\xAF"
        "ve"}},
      {"smollm",
       "a\r\nb\xC2\xA0"
       "c\xE3\x80\x80"
       "d",
       {"a", "\r", "\n", "b", "\xC2\xA0", "c", "\xE3\x80\x80", "d"}},
      {"smollm", " $100 (x+y)=>z;;", {" $", "1", "0", "0", " (", "x", "+", "y", ")=>", "z", ";;"}},
  };
  return kGoldens;
}

std::vector<std::string> Split(const ModelPreTokenizer& pre, std::string_view text) {
  std::vector<std::string_view> views;
  Status s = pre.Split(text, &views);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return {views.begin(), views.end()};
}

TEST(ModelPreTokenizerTest, GoldenSplits) {
  for (const Golden& g : Goldens()) {
    auto pre = ModelPreTokenizer::Compile(g.pre);
    ASSERT_TRUE(pre.ok()) << pre.status().ToString();
    EXPECT_EQ(Split(**pre, g.text), g.pieces) << g.pre << ": " << g.text;
  }
}

TEST(ModelPreTokenizerTest, DefaultIsGpt2) {
  auto def = ModelPreTokenizer::Compile("default");
  auto gpt2 = ModelPreTokenizer::Compile("gpt2");
  ASSERT_TRUE(def.ok() && gpt2.ok());
  const std::string s = "It's 2024,  they'll\n\nsay";
  EXPECT_EQ(Split(**def, s), Split(**gpt2, s));
}

TEST(ModelPreTokenizerTest, UnknownNameIsNotFound) {
  auto pre = ModelPreTokenizer::Compile("deepseek-coder");
  EXPECT_EQ(pre.status().code(), StatusCode::kNotFound);
  EXPECT_NE(pre.status().message().find("llama-bpe"), std::string::npos);
}

TEST(ModelPreTokenizerTest, LongRunsDoNotHitMatchLimits) {
  // Long runs of one class make the patterns backtrack the most (e.g.
  // \s*[\r\n]+ over spaces); PCRE2 must neither fail nor take long.
  const std::vector<std::string> inputs = {
      std::string(1 << 18, ' '), std::string(1 << 18, 'a'), std::string(1 << 18, '7'),
      std::string(1 << 18, '!'), std::string(1 << 17, ' ') + "\n" + std::string(1 << 17, '\t')};
  for (const char* name : {"gpt2", "llama-bpe", "qwen2", "smollm"}) {
    auto pre = ModelPreTokenizer::Compile(name);
    ASSERT_TRUE(pre.ok());
    for (const std::string& s : inputs) {
      std::vector<std::string_view> pieces;
      ASSERT_TRUE((*pre)->Split(s, &pieces).ok()) << name;
      size_t total = 0;
      for (std::string_view p : pieces) total += p.size();
      EXPECT_EQ(total, s.size());
    }
  }
}

TEST(ModelPreTokenizerTest, PiecesConcatenateToInputOnRandomUnicode) {
  std::mt19937 rng(11);
  for (const char* name : {"gpt2", "llama-bpe", "qwen2", "smollm"}) {
    auto pre = ModelPreTokenizer::Compile(name);
    ASSERT_TRUE(pre.ok());
    for (int i = 0; i < 200; ++i) {
      const std::string s = testing::RandomUtf8(rng, rng() % 60);
      std::string joined;
      for (const std::string& p : Split(**pre, s)) {
        EXPECT_FALSE(p.empty()) << name;
        joined += p;
      }
      EXPECT_EQ(joined, s) << name;
    }
  }
}

}  // namespace
}  // namespace warden::text
