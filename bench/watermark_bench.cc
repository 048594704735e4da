// Watermark speed: the per-step processor cost on a full vocabulary and
// detection throughput.
//
// Targets: KGW processor <= 50 us per step at V = 50,000 on one core;
// detection >= 10 M tokens/s per core with repeat removal on; batch
// detection scaling with threads.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "warden/watermark/detect.h"
#include "warden/watermark/watermark.h"
#include "watermark/green.h"

namespace warden {
namespace {

const watermark::WatermarkKey kKey{"benchmark-watermark-key-0123456789"};
constexpr int32_t kVocab = 50000;

watermark::WatermarkConfig Config(watermark::Scheme scheme, watermark::Seeding seeding, int32_t h) {
  watermark::WatermarkConfig c;
  c.scheme = scheme;
  c.seeding = seeding;
  c.context_width = h;
  c.vocab_size = kVocab;
  return c;
}

std::vector<lm::TokenCandidate> Candidates() {
  std::mt19937 rng(1);
  std::normal_distribution<float> logit(0, 3);
  std::vector<lm::TokenCandidate> v(kVocab);
  for (TokenId t = 0; t < kVocab; ++t) v[static_cast<size_t>(t)] = {t, logit(rng), 0};
  return v;
}

std::vector<TokenId> RandomTokens(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<TokenId> tok(0, kVocab - 1);
  std::vector<TokenId> v(n);
  for (auto& t : v) t = tok(rng);
  return v;
}

// One decoding step of a processor over the whole vocabulary. The history
// changes every step so that every step sees a new context.
void RunProcessor(benchmark::State& state, const watermark::WatermarkConfig& config) {
  auto made = watermark::MakeWatermarkProcessor(config, kKey);
  if (!made.ok()) {
    state.SkipWithError(made.status().ToString().c_str());
    return;
  }
  std::vector<lm::TokenCandidate> cand = Candidates();
  std::vector<TokenId> history = RandomTokens(8, 2);
  TokenId step = 0;
  for (auto _ : state) {
    history.back() = step++;
    lm::CandidateArray arr{cand.data(), cand.size(), -1, false};
    made->processor->Apply(history, &arr);
    benchmark::DoNotOptimize(cand.data());
  }
  state.SetItemsProcessed(state.iterations() * kVocab);
}

void BM_KgwProcessorLeftHash1(benchmark::State& state) {
  RunProcessor(state, Config(watermark::Scheme::kKgw, watermark::Seeding::kLeftHash, 1));
}
BENCHMARK(BM_KgwProcessorLeftHash1)->Unit(benchmark::kMicrosecond);

void BM_KgwProcessorSelfHash4(benchmark::State& state) {
  RunProcessor(state, Config(watermark::Scheme::kKgw, watermark::Seeding::kSelfHash, 4));
}
BENCHMARK(BM_KgwProcessorSelfHash4)->Unit(benchmark::kMicrosecond);

void BM_UnigramProcessor(benchmark::State& state) {
  RunProcessor(state, Config(watermark::Scheme::kUnigram, watermark::Seeding::kLeftHash, 1));
}
BENCHMARK(BM_UnigramProcessor)->Unit(benchmark::kMicrosecond);

void BM_GumbelSelectorFullVocab(benchmark::State& state) {
  RunProcessor(state, Config(watermark::Scheme::kGumbel, watermark::Seeding::kLeftHash, 1));
}
BENCHMARK(BM_GumbelSelectorFullVocab)->Unit(benchmark::kMicrosecond);

// The scalar reference of the membership kernel, for comparison with the
// AVX2 path inside the processors above.
void BM_GreenMasksScalarSelfHash4(benchmark::State& state) {
  const watermark::WatermarkConfig config =
      Config(watermark::Scheme::kKgw, watermark::Seeding::kSelfHash, 4);
  watermark::detail::GreenFunction f(config, kKey);
  std::vector<lm::TokenCandidate> cand = Candidates();
  std::vector<uint8_t> masks((cand.size() + 7) / 8);
  std::vector<TokenId> ctx{1, 2, 3, 4};
  for (auto _ : state) {
    ++ctx[0];
    f.GreenMasksScalar(f.MakeContext(ctx), cand.data(), cand.size(), masks.data());
    benchmark::DoNotOptimize(masks.data());
  }
  state.SetItemsProcessed(state.iterations() * kVocab);
}
BENCHMARK(BM_GreenMasksScalarSelfHash4)->Unit(benchmark::kMicrosecond);

// Detection of one 1M-token text, repeat removal on.
void RunDetect(benchmark::State& state, const watermark::WatermarkConfig& config) {
  auto d = watermark::WatermarkDetector::Create(config, kKey);
  const std::vector<TokenId> tokens = RandomTokens(1 << 20, 3);
  watermark::DetectOptions opts;
  for (auto _ : state) benchmark::DoNotOptimize(d->Detect(tokens, opts).whole.p_value);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(tokens.size()));
}

void BM_DetectKgwLeftHash1(benchmark::State& state) {
  RunDetect(state, Config(watermark::Scheme::kKgw, watermark::Seeding::kLeftHash, 1));
}
BENCHMARK(BM_DetectKgwLeftHash1)->Unit(benchmark::kMillisecond);

void BM_DetectKgwSelfHash4(benchmark::State& state) {
  RunDetect(state, Config(watermark::Scheme::kKgw, watermark::Seeding::kSelfHash, 4));
}
BENCHMARK(BM_DetectKgwSelfHash4)->Unit(benchmark::kMillisecond);

void BM_DetectGumbel(benchmark::State& state) {
  RunDetect(state, Config(watermark::Scheme::kGumbel, watermark::Seeding::kLeftHash, 1));
}
BENCHMARK(BM_DetectGumbel)->Unit(benchmark::kMillisecond);

// 2,000 documents of 500 tokens; arg = threads. Real time, since the work
// runs on other threads.
void BM_DetectBatch(benchmark::State& state) {
  auto d = watermark::WatermarkDetector::Create(
      Config(watermark::Scheme::kKgw, watermark::Seeding::kLeftHash, 1), kKey);
  std::vector<std::vector<TokenId>> docs;
  for (uint32_t i = 0; i < 2000; ++i) docs.push_back(RandomTokens(500, 100 + i));
  watermark::DetectOptions opts;
  for (auto _ : state) {
    benchmark::DoNotOptimize(d->DetectBatch(docs, opts, static_cast<int>(state.range(0))).size());
  }
  state.SetItemsProcessed(state.iterations() * 2000 * 500);
}
BENCHMARK(BM_DetectBatch)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_DetectWindowed(benchmark::State& state) {
  auto d = watermark::WatermarkDetector::Create(
      Config(watermark::Scheme::kKgw, watermark::Seeding::kLeftHash, 1), kKey);
  const std::vector<TokenId> tokens = RandomTokens(10000, 4);
  watermark::DetectOptions opts;
  opts.windowed = true;
  for (auto _ : state) benchmark::DoNotOptimize(d->Detect(tokens, opts).decision_p_value);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(tokens.size()));
}
BENCHMARK(BM_DetectWindowed)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace warden
