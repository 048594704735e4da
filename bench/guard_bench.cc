// Guard scanners: latency on a 100-character prompt (target p99 <= 200 us,
// one core; Google Benchmark reports the mean, the p99 repetitions are in
// docs/guard.md) and throughput on long documents (target >= 20 MB/s).
#include <benchmark/benchmark.h>

#include <time.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>

#include "warden/core/paths.h"
#include "warden/guard/classifier.h"
#include "warden/guard/lexicon.h"
#include "warden/guard/pii.h"
#include "warden/guard/policy.h"
#include "warden/guard/secrets.h"

namespace warden::guard {
namespace {

const char kPrompt[] =
    "Hi, can you help me write a polite email to my landlord about the broken heating? Thanks a "
    "lot!!";

std::string LongDocument() {
  std::string doc;
  const char* para =
      "The committee reviewed the assessment of the cocktail party budget and agreed to meet again "
      "on "
      "Tuesday. Contact the office at the usual address if you have questions about the schedule. ";
  while (doc.size() < (4u << 20)) doc += para;
  return doc;
}

guard::Policy AllOnPolicy() {
  auto p = guard::ParsePolicy(R"(name = "bench"
[input]
strength = { profanity = "HIGH", hate = "HIGH", pii = "HIGH", secret = "HIGH", invalid_utf8 = "HIGH" }
actions = { profanity = "mask", hate = "block", pii = "mask", secret = "mask" }
)",
                              "bench.toml");
  return *p;
}

// Every scanner: rules plus the trained classifiers when models/guard/ is
// there (run from the repository root).
const guard::Guard& SharedGuard() {
  static const auto* g = [] {
    std::vector<std::unique_ptr<guard::Scanner>> extra;
    if (auto cls = guard::LoadClassifierScanners("models/guard"); cls.ok())
      extra = std::move(cls).value();
    return guard::Guard::Create(AllOnPolicy(), core::ResolveResourcePaths({}), std::move(extra))
        .value()
        .release();
  }();
  return *g;
}

const guard::Guard& RulesOnlyGuard() {
  static const auto* g =
      guard::Guard::Create(AllOnPolicy(), core::ResolveResourcePaths({})).value().release();
  return *g;
}

double ResidentMegabytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  }
  return 0;
}

double ThreadCpuMicros() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

// Per-call latency distribution (thread CPU time, so that other processes
// on a shared machine do not inflate it): p50 and p99 as counters.
void PromptLatency(benchmark::State& state, const guard::Guard& g) {
  std::vector<double> us;
  for (auto _ : state) {
    const double t0 = ThreadCpuMicros();
    auto v = g.Apply(kPrompt, guard::Direction::kInput, nullptr);
    benchmark::DoNotOptimize(v);
    us.push_back(ThreadCpuMicros() - t0);
  }
  std::sort(us.begin(), us.end());
  state.counters["p50_us"] = us[us.size() / 2];
  state.counters["p99_us"] = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  state.counters["classifiers"] = g.scanner_count() > 4 ? 1 : 0;
  state.counters["rss_mb"] = ResidentMegabytes();
}
void BM_GuardPromptLatency(benchmark::State& state) { PromptLatency(state, SharedGuard()); }
BENCHMARK(BM_GuardPromptLatency)->Iterations(5000);
void BM_GuardPromptLatencyRulesOnly(benchmark::State& state) {
  PromptLatency(state, RulesOnlyGuard());
}
BENCHMARK(BM_GuardPromptLatencyRulesOnly)->Iterations(5000);

void BM_GuardAllScannersPrompt(benchmark::State& state) {
  const guard::Guard& g = SharedGuard();
  for (auto _ : state) {
    auto v = g.Apply(kPrompt, guard::Direction::kInput, nullptr);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_GuardAllScannersPrompt)
    ->Repetitions(20)
    ->ReportAggregatesOnly(false)
    ->Unit(benchmark::kMicrosecond);

void BM_GuardAllScannersLong(benchmark::State& state) {
  const guard::Guard& g = SharedGuard();
  const std::string doc = LongDocument();
  for (auto _ : state) {
    std::vector<guard::Finding> f;
    benchmark::DoNotOptimize(g.ScanAll(doc, &f));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * doc.size()));
}
BENCHMARK(BM_GuardAllScannersLong)->Unit(benchmark::kMillisecond);

void BM_GuardRulesOnlyLong(benchmark::State& state) {
  const guard::Guard& g = RulesOnlyGuard();
  const std::string doc = LongDocument();
  for (auto _ : state) {
    std::vector<guard::Finding> f;
    benchmark::DoNotOptimize(g.ScanAll(doc, &f));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * doc.size()));
}
BENCHMARK(BM_GuardRulesOnlyLong)->Unit(benchmark::kMillisecond);

template <typename MakeScanner>
void ScanLong(benchmark::State& state, MakeScanner make) {
  auto scanner = make();
  const std::string doc = LongDocument();
  for (auto _ : state) {
    std::vector<guard::Finding> f;
    benchmark::DoNotOptimize(scanner->Scan(doc, &f));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * doc.size()));
}

void BM_LexiconLong(benchmark::State& state) {
  ScanLong(state, [] {
    return guard::LexiconScanner::Create(
               guard::LoadDefaultLexicon(core::ResolveResourcePaths({}).data_dir, nullptr),
               guard::BuiltinAllowList())
        .value();
  });
}
BENCHMARK(BM_LexiconLong)->Unit(benchmark::kMillisecond);

void BM_PiiLong(benchmark::State& state) {
  ScanLong(state, [] {
    guard::PiiOptions o;
    o.names = guard::LoadDefaultNameGazetteer(core::ResolveResourcePaths({}).models_dir);
    return guard::PiiScanner::Create(o).value();
  });
}
BENCHMARK(BM_PiiLong)->Unit(benchmark::kMillisecond);

void BM_SecretsLong(benchmark::State& state) {
  ScanLong(state, [] { return std::make_unique<guard::SecretsScanner>(); });
}
BENCHMARK(BM_SecretsLong)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace warden::guard
