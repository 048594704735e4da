// NgramModel behaviour: normalization, the fast Distribution kernel against
// its reference, file round trips, sessions, scoring and option checking.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "lm/ngram_testing.h"
#include "warden/core/io.h"
#include "warden/lm/lm.h"
#include "warden/lm/ngram.h"
#include "warden/text/bpe_tokenizer.h"

namespace warden::lm {
namespace {

std::vector<TokenId> RandomContext(std::mt19937_64& rng,
                                   const std::vector<std::vector<TokenId>>& docs, int max_len,
                                   int vocab) {
  std::vector<TokenId> ctx;
  if (rng() % 2 == 0) {  // a context seen in training (maybe at a document start)
    const auto& d = docs[rng() % docs.size()];
    const size_t end = d.empty() ? 0 : rng() % (d.size() + 1);
    const size_t len = std::min<size_t>(end, rng() % (max_len + 1));
    ctx.assign(d.begin() + (end - len), d.begin() + end);
  } else {
    const int len = static_cast<int>(rng() % (max_len + 1));
    for (int i = 0; i < len; ++i) {
      ctx.push_back(rng() % 3 == 0 ? static_cast<TokenId>(rng() % vocab) : 'a' + rng() % 8);
    }
  }
  return ctx;
}

class NgramModelTest : public ::testing::TestWithParam<int> {};

TEST_P(NgramModelTest, DistributionSumsToOneAndMatchesReference) {
  const int order = GetParam();
  const text::BpeTokenizer tok = testing::ByteTokenizer();
  std::mt19937_64 rng(100 + order);
  const auto docs = testing::RandomDocs(rng, 60, 200, 12);
  for (int prune : {0, 1}) {
    NgramTrainOptions opts;
    opts.order = order;
    opts.prune_singletons_above_order = prune;
    auto model = testing::TrainModel(tok, docs, opts);
    ASSERT_NE(model, nullptr);
    const int vocab = model->vocab_size();
    std::vector<float> fast(vocab), slow(vocab);
    for (int trial = 0; trial < 30; ++trial) {
      const auto ctx = RandomContext(rng, docs, order + 1, vocab);
      model->Distribution(ctx, fast);
      model->DistributionReference(ctx, slow);
      double sum = 0;
      for (int w = 0; w < vocab; ++w) {
        ASSERT_GT(fast[w], 0.0f) << "token " << w;
        ASSERT_NEAR(fast[w], slow[w], 1e-6 * slow[w] + 1e-12) << "token " << w;
        sum += fast[w];
      }
      ASSERT_NEAR(sum, 1.0, 1e-4) << "trial " << trial;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(NgramOrders, NgramModelTest, ::testing::Values(1, 2, 3, 4, 6, 8));

TEST(NgramModel, TrainingIsDeterministicAcrossThreadCounts) {
  const text::BpeTokenizer tok = testing::ByteTokenizer();
  std::mt19937_64 rng(5);
  const auto docs = testing::RandomDocs(rng, 50, 100, 10);
  NgramTrainOptions opts;
  opts.order = 4;
  opts.threads = 1;
  auto one = NgramModel::TrainToBytes(tok, docs, opts);
  opts.threads = 5;
  auto five = NgramModel::TrainToBytes(tok, docs, opts);
  ASSERT_TRUE(one.ok() && five.ok());
  EXPECT_TRUE(*one == *five);
}

TEST(NgramModel, SaveLoadRoundTrip) {
  const text::BpeTokenizer tok = testing::ByteTokenizer();
  std::mt19937_64 rng(6);
  const auto docs = testing::RandomDocs(rng, 40, 100, 10);
  NgramTrainOptions opts;
  opts.order = 3;
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("ngram_roundtrip_" + std::to_string(::getpid()) + ".wngm"))
                               .string();
  NgramStats stats;
  ASSERT_TRUE(NgramModel::Train(tok, docs, opts, path, &stats).ok());
  auto bytes = core::ReadFile(path);
  ASSERT_TRUE(bytes.ok());
  auto loaded = NgramModel::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto in_memory = NgramModel::LoadFromBytes(*bytes);
  ASSERT_TRUE(in_memory.ok());
  std::filesystem::remove(path);

  const NgramModel& m = **loaded;
  EXPECT_EQ(m.order(), 3);
  EXPECT_EQ(m.vocab_size(), tok.vocab_size());
  EXPECT_EQ(m.tokenizer().fingerprint(), tok.fingerprint());
  EXPECT_EQ(m.tokenizer().eos(), tok.eos());
  EXPECT_EQ(m.stats().ngrams, stats.ngrams);
  EXPECT_EQ(m.stats().contexts, stats.contexts);
  EXPECT_EQ(m.stats().file_bytes, bytes->size());
  EXPECT_NE(m.description().find("order 3"), std::string::npos);
  for (int trial = 0; trial < 20; ++trial) {
    const auto ctx = RandomContext(rng, docs, 3, m.vocab_size());
    for (TokenId w : {TokenId{'a'}, TokenId{'b'}, TokenId{'k'}, tok.eos()}) {
      EXPECT_EQ(m.LogProb(ctx, w), (*in_memory)->LogProb(ctx, w));
    }
  }
}

TEST(NgramModel, QueriesWithOddIds) {
  const text::BpeTokenizer tok = testing::ByteTokenizer();
  std::mt19937_64 rng(7);
  const auto docs = testing::RandomDocs(rng, 20, 50, 5);
  NgramTrainOptions opts;
  opts.order = 3;
  auto model = testing::TrainModel(tok, docs, opts);
  ASSERT_NE(model, nullptr);
  const std::vector<TokenId> ctx = {'a', 'b'};
  EXPECT_EQ(model->LogProb(ctx, -1), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(model->LogProb(ctx, model->vocab_size()), -std::numeric_limits<double>::infinity());
  // An out-of-range context id hides everything before it, like an unseen token.
  const std::vector<TokenId> bad = {'a', -5, 'b'}, unseen = {'a', 'z' + 100, 'b'};
  EXPECT_EQ(model->LogProb(bad, 'a'), model->LogProb(unseen, 'a'));
  std::vector<float> probs(model->vocab_size());
  model->Distribution(bad, probs);
  EXPECT_NEAR(std::accumulate(probs.begin(), probs.end(), 0.0), 1.0, 1e-4);
}

TEST(NgramModel, SessionLogitsAreLogDistribution) {
  const text::BpeTokenizer tok = testing::ByteTokenizer();
  std::mt19937_64 rng(8);
  const auto docs = testing::RandomDocs(rng, 20, 80, 6);
  NgramTrainOptions opts;
  opts.order = 3;
  auto model = testing::TrainModel(tok, docs, opts);
  ASSERT_NE(model, nullptr);
  auto session = model->NewSession();
  ASSERT_TRUE(session.ok());
  LmSession& s = **session;
  const int vocab = model->vocab_size();
  std::vector<float> logits(vocab), probs(vocab);

  ASSERT_TRUE(s.NextLogits(logits).ok());  // empty history: start of document
  model->Distribution({}, probs);
  for (int w = 0; w < vocab; ++w) ASSERT_FLOAT_EQ(logits[w], std::log(probs[w]));

  const std::vector<TokenId> text = {'a', 'b', 'a', 'c', 'a'};
  ASSERT_TRUE(s.Append(text).ok());
  ASSERT_TRUE(s.NextLogits(logits).ok());
  model->Distribution(std::span<const TokenId>(text).last(2), probs);
  for (int w = 0; w < vocab; ++w) ASSERT_FLOAT_EQ(logits[w], std::log(probs[w]));
  EXPECT_EQ(std::vector<TokenId>(s.history().begin(), s.history().end()), text);

  const std::vector<TokenId> bad = {'a', vocab};
  EXPECT_EQ(s.Append(bad).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(s.history().size(), text.size());  // unchanged
  std::vector<float> small(vocab - 1);
  EXPECT_EQ(s.NextLogits(small).code(), StatusCode::kInvalidArgument);
  s.Reset();
  EXPECT_TRUE(s.history().empty());
}

// A LanguageModel that is not an NgramModel, so ScoreTokens takes its
// generic path through sessions and log-softmax.
class Wrapped final : public LanguageModel {
 public:
  explicit Wrapped(const NgramModel& m) : m_(m) {}
  const text::Tokenizer& tokenizer() const override { return m_.tokenizer(); }
  int32_t vocab_size() const override { return m_.vocab_size(); }
  Result<std::unique_ptr<LmSession>> NewSession() const override { return m_.NewSession(); }
  std::string description() const override { return "wrapped"; }
  bool wants_leading_eos() const override { return m_.wants_leading_eos(); }

 private:
  const NgramModel& m_;
};

TEST(NgramModel, ScoreTokensAndPerplexity) {
  const text::BpeTokenizer tok = testing::ByteTokenizer();
  std::mt19937_64 rng(9);
  const auto docs = testing::RandomDocs(rng, 50, 300, 20);
  NgramTrainOptions opts;
  opts.order = 4;
  auto model = testing::TrainModel(tok, docs, opts);
  ASSERT_NE(model, nullptr);

  std::vector<TokenId> corpus;
  for (const auto& d : docs) corpus.insert(corpus.end(), d.begin(), d.end());
  std::vector<TokenId> shuffled = corpus;
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  auto own = ScoreTokens(*model, corpus, 0);
  auto other = ScoreTokens(*model, shuffled, 0);
  ASSERT_TRUE(own.ok() && other.ok());
  EXPECT_EQ(own->scored, static_cast<int64_t>(corpus.size()));
  EXPECT_LT(own->Perplexity() * 1.5, other->Perplexity());
  EXPECT_GT(own->Perplexity(), 1.0);

  // The generic session path agrees with the n-gram shortcut.
  const std::span<const TokenId> piece = std::span<const TokenId>(corpus).first(60);
  auto fast = ScoreTokens(*model, piece, 5);
  auto generic = ScoreTokens(Wrapped(*model), piece, 5);
  ASSERT_TRUE(fast.ok() && generic.ok());
  EXPECT_EQ(fast->scored, 55);
  EXPECT_EQ(generic->scored, 55);
  EXPECT_NEAR(fast->sum_log_prob, generic->sum_log_prob, 1e-3);

  EXPECT_EQ(ScoreTokens(*model, piece, 61).status().code(), StatusCode::kInvalidArgument);
  const std::vector<TokenId> bad = {'a', -1};
  EXPECT_EQ(ScoreTokens(*model, bad, 0).status().code(), StatusCode::kOutOfRange);
  EXPECT_TRUE(std::isnan(LogLikelihood{}.Perplexity()));
  EXPECT_NEAR((LogLikelihood{-2.0 * std::log(4.0), 2}).Perplexity(), 4.0, 1e-12);
}

// ScoreDocuments scores each document on its own, behind <eos> for a model
// that wants it, exactly as a hand-written loop over ScoreTokens would.
TEST(NgramModel, ScoreDocumentsMatchesPerDocumentScoring) {
  const text::BpeTokenizer tok = testing::ByteTokenizer();
  std::mt19937_64 rng(11);
  NgramTrainOptions opts;
  opts.order = 3;
  auto model = testing::TrainModel(tok, testing::RandomDocs(rng, 30, 200, 20), opts);
  ASSERT_NE(model, nullptr);
  ASSERT_TRUE(model->wants_leading_eos());
  const std::vector<std::string> docs = {"abc abc", "", "cab", "aaaa bbbb"};
  LogLikelihood expect;
  for (const std::string& d : docs) {
    std::vector<TokenId> ids = {model->tokenizer().eos()};
    ASSERT_TRUE(model->tokenizer().Encode(d, &ids).ok());
    auto ll = ScoreTokens(*model, ids, 1);
    ASSERT_TRUE(ll.ok());
    expect.sum_log_prob += ll->sum_log_prob;
    expect.scored += ll->scored;
  }
  auto got = ScoreDocuments(*model, docs);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->scored, expect.scored);
  EXPECT_EQ(got->scored, 7 + 0 + 3 + 9);
  EXPECT_DOUBLE_EQ(got->sum_log_prob, expect.sum_log_prob);

  const std::vector<std::string> bad = {"fine", std::string("bad \xff byte")};
  auto err = ScoreDocuments(*model, bad);
  EXPECT_EQ(err.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(err.status().message().find("document 2"), std::string::npos);
}

TEST(NgramModel, RejectsBadTrainingInput) {
  const text::BpeTokenizer tok = testing::ByteTokenizer();
  const std::vector<std::vector<TokenId>> docs = {{'a', 'b'}};
  NgramTrainOptions opts;
  for (int order : {0, 9, -1}) {
    opts.order = order;
    EXPECT_EQ(NgramModel::TrainToBytes(tok, docs, opts).status().code(),
              StatusCode::kInvalidArgument);
  }
  opts.order = 3;
  EXPECT_EQ(NgramModel::TrainToBytes(tok, {}, opts).status().code(), StatusCode::kInvalidArgument);
  const std::vector<std::vector<TokenId>> bad = {{'a'}, {'b', 257}};
  auto r = NgramModel::TrainToBytes(tok, bad, opts);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("document 1"), std::string::npos);
  opts.prune_singletons_above_order = -1;
  EXPECT_EQ(NgramModel::TrainToBytes(tok, docs, opts).status().code(),
            StatusCode::kInvalidArgument);
  // Empty documents still teach the model to end documents.
  opts.prune_singletons_above_order = 0;
  const std::vector<std::vector<TokenId>> empty_docs = {{}, {}};
  auto model = testing::TrainModel(tok, empty_docs, opts);
  ASSERT_NE(model, nullptr);
  EXPECT_GT(model->LogProb({}, tok.eos()), std::log(0.5));
}

}  // namespace
}  // namespace warden::lm
