// Decode-time blocking end to end on a tiny embedded model that has
// memorized its protected texts: without the processor generations repeat
// protected n-grams, with it they emit none.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "eval/provenance/provenance_eval.h"
#include "warden/lm/train.h"

namespace warden::provenance {
namespace {

TEST(ProvenanceBlockingTest, ProcessorKeepsProtectedNgramsOut) {
  const std::vector<std::string> protected_texts = {
      "the old lighthouse keeper counted every ship that passed the northern rocks at night",
      "a careful gardener waters the roses early before the summer sun climbs too high",
      "seven silver keys opened the seven doors of the forgotten library under the hill",
      "rain fell softly on the tin roof while the children read stories by candle light"};
  std::vector<std::string> train;
  for (int r = 0; r < 6; ++r)
    train.insert(train.end(), protected_texts.begin(), protected_texts.end());
  std::mt19937_64 rng(3);
  const std::vector<std::string> words = {"the",    "a",    "ship", "sun",  "night", "door", "rain",
                                          "keeper", "rose", "hill", "read", "light", "old"};
  for (int d = 0; d < 60; ++d) {
    std::string s;
    for (int w = 0; w < 15; ++w) s += words[rng() % words.size()] + " ";
    train.push_back(s);
  }
  lm::ModelTrainOptions mo;
  mo.order = 3;
  mo.vocab_size = 320;
  mo.threads = 1;
  mo.prune_singletons_above_order = 0;
  const std::string path = ::testing::TempDir() + "/prov_blocking.wlm";
  ASSERT_TRUE(TrainModel(train, mo, path).ok());
  auto model = lm::NgramModel::Load(path);
  ASSERT_TRUE(model.ok());
  eval::BlockingOptions bo;
  bo.n = 4;
  bo.max_tokens = 40;
  bo.prompt_words = 2;
  auto res = eval::RunBlockingExperiment(**model, protected_texts, bo);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_GT(res->off.protected_ngrams, 0u);  // the model does copy
  EXPECT_EQ(res->on.protected_ngrams, 0u);   // and the processor stops it
  EXPECT_GT(res->on.vetoed, 0u);
  EXPECT_GE(res->on.perplexity, res->off.perplexity * 0.5);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace warden::provenance
