// Tests of the watermark evaluation: the attacks, the SVG writer, the notes'
// statistics, and a tiny end-to-end run on a model trained here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "eval/watermark/attacks.h"
#include "eval/watermark/data.h"
#include "eval/watermark/notes.h"
#include "eval/watermark/watermark_eval.h"
#include "warden/core/io.h"
#include "warden/core/svg.h"
#include "warden/lm/ngram.h"
#include "warden/lm/train.h"
#include "warden/text/utf8.h"

namespace warden::eval {
namespace {

std::vector<TokenId> Iota(int n) {
  std::vector<TokenId> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 1000);
  return v;
}

bool IsSubsequence(const std::vector<TokenId>& small, const std::vector<TokenId>& big) {
  size_t j = 0;
  for (TokenId t : big) {
    if (j < small.size() && small[j] == t) ++j;
  }
  return j == small.size();
}

TEST(EvalAttacksTest, DeletionRemovesTheRequestedShareInOrder) {
  const std::vector<TokenId> toks = Iota(1000);
  for (double rate : {0.1, 0.2, 0.3}) {
    EvalRng rng(7);
    const std::vector<TokenId> out = eval::DeleteTokens(toks, rate, rng);
    EXPECT_EQ(out.size(), static_cast<size_t>(std::lround(1000 * (1 - rate))));
    EXPECT_TRUE(IsSubsequence(out, toks));
  }
}

TEST(EvalAttacksTest, InsertionAddsRandomTokensButNeverTheAvoidedOne) {
  const std::vector<TokenId> toks = Iota(500);
  EvalRng rng(3);
  const std::vector<TokenId> out =
      eval::InsertTokens(toks, 0.2, /*vocab_size=*/4, /*avoid=*/2, rng);
  EXPECT_EQ(out.size(), 600u);
  EXPECT_TRUE(IsSubsequence(toks, out));
  int inserted = 0;
  for (TokenId t : out) {
    EXPECT_NE(t, 2);
    inserted += t < 4 ? 1 : 0;
  }
  EXPECT_EQ(inserted, 100);
}

TEST(EvalAttacksTest, SubstitutionChangesExactlyTheRequestedShare) {
  const std::vector<TokenId> toks(400, 5);
  EvalRng rng(11);
  const std::vector<TokenId> out = eval::SubstituteTokens(toks, 0.3, 10, 9, rng);
  ASSERT_EQ(out.size(), toks.size());
  int changed = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    changed += out[i] != toks[i] ? 1 : 0;
    EXPECT_NE(out[i], 9);
  }
  EXPECT_EQ(changed, 120);
}

TEST(EvalAttacksTest, RngIsDeterministicPerStream) {
  EvalRng a(eval::StreamSeed(1, "x", 5)), b(eval::StreamSeed(1, "x", 5));
  EvalRng c(eval::StreamSeed(1, "x", 6));
  const uint64_t va = a.Below(1u << 30);
  EXPECT_EQ(va, b.Below(1u << 30));
  EXPECT_NE(va, c.Below(1u << 30));
  for (int i = 0; i < 1000; ++i) {
    const double u = a.Unit();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

// Two synsets in WordNet's data-file format, after the license header.
constexpr const char* kWordNet =
    "  1 This software and database is being provided to you\n"
    "00001740 03 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 001 @ 00001930 n 0000 | a dog\n"
    "01148283 00 a 03 happy 0 glad(p) 0 felicitous 2 000 | enjoying well-being\n"
    "01148284 00 a 01 sad 0 000 | not happy\n";

TEST(SynonymTableTest, ParsesSingleWordLemmasOfASynset) {
  const SynonymTable t = SynonymTable::FromDataText(kWordNet);
  const auto syn = t.Synonyms("happy");
  EXPECT_EQ(std::vector<std::string>(syn.begin(), syn.end()),
            (std::vector<std::string>{"felicitous", "glad"}));
  EXPECT_TRUE(t.Synonyms("dog").empty());  // only multi-word synonyms
  EXPECT_TRUE(t.Synonyms("sad").empty());
}

TEST(SynonymTableTest, SubstituteChangesWordsKeepsCaseAndValidUtf8) {
  const SynonymTable t = SynonymTable::FromDataText(kWordNet);
  EvalRng rng(1);
  const std::string text = "Happy dogs, très HAPPY — and happy!";
  const auto sub = t.Substitute(text, 1.0, rng);
  EXPECT_EQ(sub.replaced, 3);
  EXPECT_EQ(sub.words, 7);  // Happy dogs tr s HAPPY and happy
  EXPECT_EQ(text::FindInvalidUtf8(sub.text), std::string::npos);
  EXPECT_EQ(sub.text.find("appy"), std::string::npos) << sub.text;
  EXPECT_NE(sub.text.find("très"), std::string::npos);
  EXPECT_TRUE(sub.text.starts_with("Glad ") || sub.text.starts_with("Felicitous ")) << sub.text;
  EXPECT_TRUE(sub.text.find("GLAD") != std::string::npos ||
              sub.text.find("FELICITOUS") != std::string::npos)
      << sub.text;

  EvalRng rng2(1);
  const auto none = t.Substitute(text, 0.0, rng2);
  EXPECT_EQ(none.text, text);
  EXPECT_EQ(none.replaced, 0);
}

TEST(SvgTest, LineChartIsWellFormedAndHasEverySeries) {
  core::LineChart c;
  c.title = "TPR <vs> T";
  c.series.push_back({"KGW & co", {{25, 0.5}, {50, 0.9}, {100, 1}}, false});
  c.series.push_back({"Unigram", {{25, 0.4}, {50, std::nan("")}, {100, 0.95}}, true});
  const std::string s = core::RenderLineChart(c);
  EXPECT_TRUE(s.starts_with("<?xml"));
  EXPECT_TRUE(s.ends_with("</svg>\n"));
  EXPECT_NE(s.find("TPR &lt;vs&gt; T"), std::string::npos);
  EXPECT_NE(s.find("data-name=\"KGW &amp; co\""), std::string::npos);
  EXPECT_NE(s.find("data-name=\"Unigram\""), std::string::npos);
  EXPECT_EQ(s.find("nan"), std::string::npos);
  auto count = [&](std::string_view needle) {
    size_t n = 0;
    for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<g "), count("</g>"));
  EXPECT_EQ(count("<polyline"), 2u);
  EXPECT_EQ(count("<circle"), 5u);  // the NaN point is dropped
}

TEST(SvgTest, BarChartDrawsOneBarPerCategory) {
  core::BarChart c;
  c.categories = {"a", "b", "c"};
  c.values = {1, 3, 2};
  c.has_reference = true;
  c.reference = 2;
  c.reference_label = "uniform";
  const std::string s = core::RenderBarChart(c);
  size_t bars = 0;
  for (size_t p = s.find("class=\"bar\""); p != std::string::npos;
       p = s.find("class=\"bar\"", p + 1)) {
    ++bars;
  }
  EXPECT_EQ(bars, 3u);
  EXPECT_NE(s.find("uniform"), std::string::npos);
  EXPECT_TRUE(s.ends_with("</svg>\n"));
}

// ---------------------------------------------------------------------------

std::vector<std::string> Sentences() {
  std::vector<std::string> s;
  const char* subjects[] = {"The cat",    "A dog",          "My friend",   "The old man",
                            "Her sister", "The small bird", "Our teacher", "The happy child"};
  const char* verbs[] = {"sees", "likes", "walks to", "finds", "remembers", "paints"};
  const char* objects[] = {"the river",        "a red house", "the green hill", "an open door",
                           "the quiet garden", "a long road", "the morning sun"};
  for (const char* a : subjects) {
    for (const char* b : verbs) {
      for (const char* c : objects) s.push_back(std::string(a) + " " + b + " " + c + ".");
    }
  }
  return s;
}

class EvalEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("warden_eval_test_" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir_);
    std::vector<std::string> texts = Sentences();
    lm::ModelTrainOptions o;
    o.order = 3;
    o.vocab_size = 320;
    o.threads = 2;
    const std::string path = (*dir_ / "m.wlm").string();
    ASSERT_TRUE(TrainModel(texts, o, path).ok());
    auto m = lm::NgramModel::Load(path);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    model_ = std::move(m).value().release();
    ASSERT_TRUE(core::WriteFileAtomic((*dir_ / "data.adj").string(), kWordNet).ok());
  }
  static void TearDownTestSuite() {
    delete model_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  static WatermarkEvalOptions TinyOptions(int threads) {
    WatermarkEvalOptions o;
    o.samples = 4;
    o.tokens = 40;
    o.lengths = {20, 40};
    o.gammas = {0.25};
    o.deltas = {2, std::numeric_limits<double>::infinity()};
    o.selfhash = false;
    o.prompt_words = 2;
    o.human_passages = 30;
    o.min_passage_tokens = 30;
    o.attack_rates = {0.2};
    o.paste_fractions = {0.5};
    o.wordnet_dir = dir_->string();
    o.threads = threads;
    return o;
  }

  static std::vector<text::CorpusDocument> Heldout() {
    std::vector<text::CorpusDocument> docs;
    const std::vector<std::string> s = Sentences();
    for (size_t i = 0; i < s.size(); i += 3) {
      docs.push_back({i % 2 == 0 ? "fortunes" : "wordnet", s[i] + " " + s[(i + 1) % s.size()]});
    }
    return docs;
  }

  static inline std::filesystem::path* dir_ = nullptr;
  static inline lm::NgramModel* model_ = nullptr;
};

TEST_F(EvalEndToEndTest, RunsAndWritesThePage) {
  const std::vector<text::CorpusDocument> heldout = Heldout();
  auto r = RunWatermarkEval(*model_, heldout, TinyOptions(2));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // KGW x 2 deltas, Unigram x 2, Gumbel; two lengths each.
  EXPECT_EQ(r->detectability.size(), 10u);
  for (const DetectabilityRow& d : r->detectability) {
    EXPECT_GE(d.tpr_1e2, d.tpr_1e3);
    if (d.config.scheme == watermark::Scheme::kKgw && std::isinf(d.config.delta) &&
        d.length == 40) {
      // Green tokens only: every sample must be detected.
      EXPECT_EQ(d.tpr_1e2, 1.0) << d.median_z;
    }
  }
  EXPECT_EQ(r->calibration.size(), 5u * 2 * 3);
  EXPECT_GT(r->natural_passages, 0);
  EXPECT_GT(r->repetitive_passages, 0);
  EXPECT_EQ(r->green_spans.size(), 2u);
  EXPECT_FALSE(r->human_p_values.empty());
  EXPECT_TRUE(std::is_sorted(r->human_p_values.begin(), r->human_p_values.end()));
  EXPECT_FALSE(r->robustness.empty());
  ASSERT_EQ(r->quality.size(), 6u);
  EXPECT_FALSE(r->quality[0].watermarked);
  for (const QualityRow& q : r->quality) EXPECT_GT(q.perplexity, 1.0);

  const std::string md =
      RenderWatermarkEvalMarkdown(*r, {"warden watermark eval", "now", "x"}, "figs");
  for (const char* heading : {"## Summary", "## 1. Detectability", "## 2. Calibration",
                              "## 3. Robustness", "## 4. Quality", "(figs/tpr_vs_length.svg)"}) {
    EXPECT_NE(md.find(heading), std::string::npos) << heading;
  }
  const std::string page = (*dir_ / "page.md").string();
  ASSERT_TRUE(WriteWatermarkEvalPage(*r, {"cmd", "now", "x"}, page).ok());
  EXPECT_TRUE(core::FileExists(page));
  for (const EvalFigure& f : RenderWatermarkEvalFigures(*r)) {
    EXPECT_TRUE(core::FileExists((*dir_ / "page" / f.file_name).string())) << f.file_name;
  }
}

TEST_F(EvalEndToEndTest, ResultsDoNotDependOnThreads) {
  const std::vector<text::CorpusDocument> heldout = Heldout();
  auto a = RunWatermarkEval(*model_, heldout, TinyOptions(1));
  auto b = RunWatermarkEval(*model_, heldout, TinyOptions(3));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->detectability.size(), b->detectability.size());
  for (size_t i = 0; i < a->detectability.size(); ++i) {
    EXPECT_EQ(a->detectability[i].median_z, b->detectability[i].median_z);
  }
  EXPECT_EQ(a->human_p_values, b->human_p_values);
  ASSERT_EQ(a->robustness.size(), b->robustness.size());
  for (size_t i = 0; i < a->robustness.size(); ++i) {
    EXPECT_EQ(a->robustness[i].median_z, b->robustness[i].median_z) << a->robustness[i].attack;
  }
}

TEST_F(EvalEndToEndTest, RejectsBadOptions) {
  WatermarkEvalOptions o = TinyOptions(1);
  o.lengths = {41};
  EXPECT_FALSE(RunWatermarkEval(*model_, Heldout(), o).ok());
  o = TinyOptions(1);
  o.wordnet_dir = "/nonexistent";
  auto r = RunWatermarkEval(*model_, Heldout(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace warden::eval
