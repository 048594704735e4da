// Speed of the n-gram model: training throughput on synthetic text and the
// per-step cost of Distribution / NextLogits / LogProb at vocabulary 8,192.
//
// The synthetic corpus mimics text enough for n-gram statistics: tokens are
// Zipfian, and half of the time a phrase of 2-6 tokens is copied from a pool
// of frequent phrases, so higher-order n-grams recur as they do in prose.
//
//   build/warden_bench --benchmark_filter=Ngram
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "lm/ngram_fastlog.h"
#include "warden/lm/lm.h"
#include "warden/lm/ngram.h"
#include "warden/text/bpe_tokenizer.h"

namespace warden {
namespace {

constexpr int kVocab = 8192;

// Vocabulary 8,192 without depending on a training corpus: the ids are what
// matters here, so most tokens are merges learned from repetitive text, and
// unused ids are simply never emitted by BPE (the model does not care).
const text::BpeTokenizer& Tokenizer() {
  static const text::BpeTokenizer* tok = [] {
    std::mt19937_64 rng(1);
    std::vector<std::string> texts;
    std::string word;
    for (int i = 0; i < 20000; ++i) {
      std::string line;
      for (int w = 0; w < 12; ++w) {
        word.clear();
        const int len = 2 + static_cast<int>(rng() % 7);
        for (int c = 0; c < len; ++c) word.push_back(static_cast<char>('a' + rng() % 26));
        line += word + " ";
      }
      texts.push_back(line + line);  // every pair occurs at least twice
    }
    text::BpeTokenizer::TrainOptions o;
    o.vocab_size = kVocab;
    auto t = text::BpeTokenizer::Train(texts, o);
    if (!t.ok()) std::abort();
    return new text::BpeTokenizer(std::move(t).value());
  }();
  return *tok;
}

std::vector<std::vector<TokenId>> SyntheticDocs(int64_t tokens, int vocab, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> w(vocab - 1);
  for (int i = 0; i < vocab - 1; ++i) w[i] = 1.0 / (i + 1);
  std::discrete_distribution<int> zipf(w.begin(), w.end());
  std::vector<std::vector<TokenId>> phrases(20000);
  for (auto& p : phrases) {
    const int len = 2 + static_cast<int>(rng() % 5);
    for (int i = 0; i < len; ++i) p.push_back(zipf(rng));
  }
  std::vector<double> pw(phrases.size());
  for (size_t i = 0; i < pw.size(); ++i) pw[i] = 1.0 / (i + 1);
  std::discrete_distribution<int> phrase(pw.begin(), pw.end());
  std::vector<std::vector<TokenId>> docs;
  int64_t made = 0;
  while (made < tokens) {
    std::vector<TokenId> d;
    const int len = 50 + static_cast<int>(rng() % 500);
    while (static_cast<int>(d.size()) < len) {
      if (rng() % 2) {
        const auto& p = phrases[phrase(rng)];
        d.insert(d.end(), p.begin(), p.end());
      } else {
        d.push_back(zipf(rng));
      }
    }
    made += static_cast<int64_t>(d.size());
    docs.push_back(std::move(d));
  }
  return docs;
}

void BM_NgramTrain(benchmark::State& state) {
  const auto docs = SyntheticDocs(state.range(0), kVocab, 2);
  lm::NgramTrainOptions opts;
  opts.order = static_cast<int32_t>(state.range(1));
  lm::NgramStats stats;
  const text::BpeTokenizer& tok = Tokenizer();
  for (auto _ : state) {
    auto bytes = lm::NgramModel::TrainToBytes(tok, docs, opts, &stats);
    if (!bytes.ok()) state.SkipWithError(bytes.status().ToString().c_str());
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["file_MB"] = static_cast<double>(stats.file_bytes) / 1e6;
}
BENCHMARK(BM_NgramTrain)
    ->Args({3'000'000, 4})
    ->Args({3'000'000, 5})
    ->Args({12'000'000, 4})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

struct Fixture {
  std::unique_ptr<lm::NgramModel> model;
  std::vector<TokenId> text;  // held-out text for contexts
};

const Fixture& Model() {
  static const Fixture* f = [] {
    auto* fx = new Fixture;
    const auto docs = SyntheticDocs(3'000'000, kVocab, 3);
    lm::NgramTrainOptions opts;
    auto bytes = lm::NgramModel::TrainToBytes(Tokenizer(), docs, opts);
    if (!bytes.ok()) std::abort();
    auto m = lm::NgramModel::LoadFromBytes(*bytes);
    if (!m.ok()) std::abort();
    fx->model = std::move(m).value();
    for (const auto& d : SyntheticDocs(100'000, kVocab, 4)) {
      fx->text.insert(fx->text.end(), d.begin(), d.end());
    }
    return fx;
  }();
  return *f;
}

void BM_NgramDistribution(benchmark::State& state) {
  const Fixture& f = Model();
  std::vector<float> probs(f.model->vocab_size());
  size_t i = 3;
  for (auto _ : state) {
    f.model->Distribution(std::span<const TokenId>(f.text).subspan(i - 3, 3), probs);
    benchmark::DoNotOptimize(probs.data());
    if (++i == f.text.size()) i = 3;
  }
}
BENCHMARK(BM_NgramDistribution);

void BM_NgramNextLogits(benchmark::State& state) {
  const Fixture& f = Model();
  auto session = f.model->NewSession();
  std::vector<float> logits(f.model->vocab_size());
  size_t i = 0;
  for (auto _ : state) {
    if (!(*session)->NextLogits(logits).ok()) state.SkipWithError("NextLogits failed");
    benchmark::DoNotOptimize(logits.data());
    if (!(*session)->Append(std::span<const TokenId>(f.text).subspan(i, 1)).ok()) {
      state.SkipWithError("Append failed");
    }
    if (++i == f.text.size()) i = 0;
  }
}
BENCHMARK(BM_NgramNextLogits);

void BM_NgramLogProb(benchmark::State& state) {
  const Fixture& f = Model();
  size_t i = 3;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        f.model->LogProb(std::span<const TokenId>(f.text).subspan(i - 3, 3), f.text[i]));
    if (++i == f.text.size()) i = 3;
  }
}
BENCHMARK(BM_NgramLogProb);

// The log step of NextLogits alone, kernel and reference.
void BM_NgramLogInPlace(benchmark::State& state) {
  std::vector<float> probs(kVocab);
  std::mt19937_64 rng(5);
  for (float& p : probs) p = static_cast<float>(std::exp2(-30.0 * (rng() % 1000) / 1000.0));
  std::vector<float> work(kVocab);
  for (auto _ : state) {
    work = probs;
    if (state.range(0)) {
      lm::detail::LogInPlace(work);
    } else {
      lm::detail::LogInPlaceReference(work);
    }
    benchmark::DoNotOptimize(work.data());
  }
}
BENCHMARK(BM_NgramLogInPlace)->Arg(1)->Arg(0);

}  // namespace
}  // namespace warden
