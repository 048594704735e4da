// Transformer engine benchmarks on random weights shaped like SmolLM2-135M
// (30 layers, width 576, 9 heads, 3 KV heads, FFN 1536, vocabulary 49,152),
// set against the memory-bandwidth bound measured here, on this machine:
//
//   bound (tokens/s) = streaming-read bandwidth / bytes of weights per token
//
// The models are synthesized once into $WARDEN_BENCH_DIR (default /tmp) as
// warden-smol-<type>.gguf and memory-mapped like a real model.
// Counters: tok_s (tokens per second, wall clock), bound_tok_s, MB_per_tok,
// GB_s; for one thread also cpu_bound_tok_s, the bound in CPU time (compare
// with 1 / the CPU column), because on a shared machine the wall clock counts
// time the thread spends waiting for a core.
//
//   ./build/warden_bench --benchmark_filter='Engine|StreamRead|SampleStep'
#include <benchmark/benchmark.h>
#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "lm/transformer_kernels.h"
#include "warden/core/io.h"
#include "warden/lm/gguf.h"
#include "warden/lm/sampler.h"
#include "warden/lm/transformer.h"
#include "warden/watermark/watermark.h"

namespace warden {
namespace {

constexpr int64_t kStreamBytes = int64_t{512} << 20;  // far beyond the caches

lm::SynthOptions SmolShape(lm::GgmlType type) {
  lm::SynthOptions o;
  o.arch = "llama";
  o.type = type;
  o.n_layer = 30;
  o.d_model = 576;
  o.n_head = 9;
  o.n_kv_head = 3;
  o.d_ff = 1536;
  o.vocab_size = 49152;
  o.context_length = 8192;
  o.rope_base = 100000.0f;
  o.tied_output = true;
  return o;
}

struct BenchModel {
  std::unique_ptr<lm::GgufFile> file;
  std::unique_ptr<lm::Transformer> tf;
};

BenchModel* GetModel(lm::GgmlType type) {
  static std::map<lm::GgmlType, std::unique_ptr<BenchModel>> cache;
  auto& slot = cache[type];
  if (slot) return slot.get();
  const char* dir = std::getenv("WARDEN_BENCH_DIR");
  const std::string path =
      std::string(dir ? dir : "/tmp") + "/warden-smol-" + lm::GgmlTypeName(type) + ".gguf";
  if (!core::FileExists(path)) {
    auto bytes = lm::SynthesizeModel(SmolShape(type));
    if (!bytes.ok() || !core::WriteFileAtomic(path, *bytes).ok()) return nullptr;
  }
  auto f = lm::GgufFile::Open(path);
  if (!f.ok()) return nullptr;
  slot = std::make_unique<BenchModel>();
  slot->file = std::make_unique<lm::GgufFile>(std::move(f).value());
  auto tf = lm::Transformer::Load(slot->file.get());
  if (!tf.ok()) return nullptr;
  slot->tf = std::move(tf).value();
  return slot.get();
}

__attribute__((target("avx2"))) uint64_t SumAvx2(const uint8_t* p, int64_t n) {
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  for (int64_t i = 0; i < n; i += 128) {
    a0 = _mm256_add_epi64(a0, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i)));
    a1 = _mm256_add_epi64(a1, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 32)));
    a2 = _mm256_add_epi64(a2, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 64)));
    a3 = _mm256_add_epi64(a3, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 96)));
  }
  __m256i s = _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3));
  alignas(32) uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), s);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Bytes per second of CPU time of one thread streaming (the bandwidth one
// core gets while it runs, whatever else shares the machine); set by
// MeasureBandwidth(1).
double g_cpu_bandwidth = 0;

// Best of a few streaming reads of kStreamBytes split over `threads` threads
// (wall clock).
double MeasureBandwidth(int threads) {
  static std::map<int, double> cache;
  if (cache.count(threads)) return cache[threads];
  const size_t n = static_cast<size_t>(kStreamBytes);
  std::unique_ptr<uint8_t, decltype(&std::free)> buf(
      static_cast<uint8_t*>(std::aligned_alloc(64, n)), &std::free);
  for (size_t i = 0; i < n; i += 4096) buf.get()[i] = static_cast<uint8_t>(i);  // fault in
  std::memset(buf.get(), 1, n);
  lm::detail::ThreadPool pool(threads);
  double best = 0;
  std::atomic<uint64_t> sink{0};
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = ThreadCpuSeconds();
    pool.ParallelFor(static_cast<int64_t>(n / 4096), [&](int64_t b, int64_t e) {
      sink += SumAvx2(buf.get() + b * 4096, (e - b) * 4096);
    });
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, static_cast<double>(n) / s);
    if (threads == 1) {
      g_cpu_bandwidth =
          std::max(g_cpu_bandwidth, static_cast<double>(n) / (ThreadCpuSeconds() - c0));
    }
  }
  benchmark::DoNotOptimize(sink.load());
  return cache[threads] = best;
}

void BM_StreamRead(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  double bw = 0;
  for (auto _ : state) bw = MeasureBandwidth(threads);
  state.counters["GB_s"] = bw / 1e9;
  if (threads == 1) state.counters["GB_s_cpu"] = g_cpu_bandwidth / 1e9;
}
BENCHMARK(BM_StreamRead)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kMillisecond);

void SetBoundCounters(benchmark::State& state, const lm::Transformer& tf, int threads,
                      double tokens) {
  const double bw = MeasureBandwidth(threads);
  const double bound = bw / static_cast<double>(tf.bytes_per_token());
  state.counters["tok_s"] = benchmark::Counter(tokens, benchmark::Counter::kIsRate);
  state.counters["bound_tok_s"] = bound;
  state.counters["MB_per_tok"] = static_cast<double>(tf.bytes_per_token()) / 1e6;
  if (threads == 1) {  // the same bound in CPU time: what one core reaches when it runs
    MeasureBandwidth(1);
    state.counters["cpu_bound_tok_s"] = g_cpu_bandwidth / static_cast<double>(tf.bytes_per_token());
  }
}

// One decoded token per iteration, context between 16 and 272 tokens.
void BM_EngineDecode(benchmark::State& state) {
  const lm::GgmlType type = static_cast<lm::GgmlType>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  BenchModel* m = GetModel(type);
  if (m == nullptr) {
    state.SkipWithError("could not synthesize the model");
    return;
  }
  MeasureBandwidth(threads);
  auto s = m->tf->NewState(threads);
  std::vector<float> logits(static_cast<size_t>(m->tf->config().vocab_size));
  std::vector<TokenId> prompt(16);
  for (size_t i = 0; i < prompt.size(); ++i) prompt[i] = static_cast<TokenId>(300 + 7 * i);
  (void)m->tf->Forward(s.get(), prompt, logits);
  TokenId next = 1000;
  for (auto _ : state) {
    if (s->position() >= 272) {
      state.PauseTiming();
      s->Reset();
      (void)m->tf->Forward(s.get(), prompt, logits);
      state.ResumeTiming();
    }
    (void)m->tf->Forward(s.get(), std::span<const TokenId>(&next, 1), logits);
    next = static_cast<TokenId>((next * 31 + 7) % 49152);
  }
  SetBoundCounters(state, *m->tf, threads, static_cast<double>(state.iterations()));
}

// A 128-token prompt per iteration (batched prompt processing).
void BM_EnginePrompt(benchmark::State& state) {
  const lm::GgmlType type = static_cast<lm::GgmlType>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  BenchModel* m = GetModel(type);
  if (m == nullptr) {
    state.SkipWithError("could not synthesize the model");
    return;
  }
  auto s = m->tf->NewState(threads);
  std::vector<float> logits(static_cast<size_t>(m->tf->config().vocab_size));
  std::vector<TokenId> prompt(128);
  for (size_t i = 0; i < prompt.size(); ++i) prompt[i] = static_cast<TokenId>(300 + 7 * i);
  for (auto _ : state) {
    s->Reset();
    (void)m->tf->Forward(s.get(), prompt, logits);
  }
  SetBoundCounters(state, *m->tf, threads, static_cast<double>(state.iterations() * 128));
}

void EngineArgs(benchmark::internal::Benchmark* b) {
  for (lm::GgmlType t : {lm::GgmlType::kQ8_0, lm::GgmlType::kF32}) {
    for (int threads : {1, 2}) b->Args({static_cast<int64_t>(t), threads});
  }
  b->Unit(benchmark::kMillisecond)->UseRealTime();
}
BENCHMARK(BM_EngineDecode)->Apply(EngineArgs)->MinTime(3.0);
BENCHMARK(BM_EnginePrompt)->Apply(EngineArgs)->MinTime(3.0);

// The sampling step on a 49,152-token vocabulary, with and without the KGW
// watermark processor: the difference is the watermark's cost per token.
void BM_SampleStep(benchmark::State& state) {
  const bool watermark = state.range(0) != 0;
  lm::SamplerOptions so;
  so.seed = 1;
  lm::SamplerChain chain(so);
  if (watermark) {
    watermark::WatermarkConfig c;
    c.vocab_size = 49152;
    c.tokenizer_fingerprint = "0123456789abcdef";
    auto key = watermark::WatermarkKey::FromSecret("benchmark-key-0123456789");
    auto wp = watermark::MakeWatermarkProcessor(c, *key);
    if (!wp.ok()) {
      state.SkipWithError(wp.status().message().c_str());
      return;
    }
    chain.AddProcessor(std::move(wp->processor));
  }
  std::vector<float> logits(49152);
  uint64_t x = 1;
  for (float& l : logits) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    l = static_cast<float>(x >> 40) / static_cast<float>(1 << 24) * 4.0f;
  }
  std::vector<TokenId> history = {1, 2, 3};
  for (auto _ : state) {
    auto t = chain.Sample(logits, history);
    benchmark::DoNotOptimize(t);
    history.back() = t.ok() ? *t : 0;
  }
}
BENCHMARK(BM_SampleStep)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace warden
