// Speed of the provenance index: build throughput and size on a synthetic
// corpus, count-query latency (p50/p99), longest match at every position of
// a 500-token output, and the decode-time blocking processor per step.
//
// The corpus is WARDEN_PROV_BENCH_MB megabytes (default 8, so that the smoke
// run of scripts/test.sh stays quick) of Zipfian synthetic prose, written
// once to /tmp/warden-prov-bench-<MB>.txt (never committed) and reused. The
// figures in docs/provenance-eval.md come from
//   WARDEN_PROV_BENCH_MB=<size> build/warden_bench --benchmark_filter=Provenance
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "warden/core/io.h"
#include "warden/provenance/bloom.h"
#include "warden/provenance/index.h"

namespace warden {
namespace {

uint64_t CorpusMegabytes() {
  const char* env = std::getenv("WARDEN_PROV_BENCH_MB");
  const long v = env ? std::atol(env) : 8;
  return static_cast<uint64_t>(std::max(1L, v));
}

// Zipfian words over a 60,000-word synthetic vocabulary, sentences of 5-20
// words, documents of about 4 KB separated by blank lines.
std::string MakeCorpus(uint64_t bytes) {
  std::mt19937_64 rng(42);
  std::vector<std::string> vocab(60000);
  for (auto& w : vocab) {
    const int len = 2 + static_cast<int>(rng() % 9);
    for (int i = 0; i < len; ++i) w.push_back(static_cast<char>('a' + rng() % 26));
  }
  std::vector<double> cdf(vocab.size());
  double sum = 0;
  for (size_t i = 0; i < vocab.size(); ++i) cdf[i] = sum += 1.0 / (i + 1.0);
  std::uniform_real_distribution<double> u(0, sum);
  std::string out;
  out.reserve(bytes + 4096);
  size_t doc_bytes = 0;
  while (out.size() < bytes) {
    const int words = 5 + static_cast<int>(rng() % 16);
    for (int i = 0; i < words; ++i) {
      const size_t w = std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin();
      std::string word = vocab[std::min(w, vocab.size() - 1)];
      if (i == 0) word[0] = static_cast<char>(word[0] - 32);
      out += word;
      out += i + 1 == words ? ". " : (rng() % 8 == 0 ? ", " : " ");
    }
    if (out.size() - doc_bytes > 4000) {
      out += "\n\n";
      doc_bytes = out.size();
    }
  }
  return out;
}

const std::string& CorpusPath() {
  static const std::string path = [] {
    const uint64_t mb = CorpusMegabytes();
    const std::string p = "/tmp/warden-prov-bench-" + std::to_string(mb) + ".txt";
    std::error_code ec;
    if (std::filesystem::file_size(p, ec) < mb * 1000000 || ec) {
      if (!core::WriteFileAtomic(p, MakeCorpus(mb * 1000000)).ok()) std::abort();
    }
    return p;
  }();
  return path;
}

std::vector<provenance::IndexDocument> CorpusDocs(std::string_view text) {
  std::vector<provenance::IndexDocument> docs;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find("\n\n", at);
    if (end == std::string_view::npos) end = text.size();
    provenance::IndexDocument d;
    d.id = "doc" + std::to_string(docs.size());
    d.text = std::string(text.substr(at, end - at));
    docs.push_back(std::move(d));
    at = end + 2;
  }
  return docs;
}

std::string IndexDirName() {
  return "/tmp/warden-prov-bench-index-" + std::to_string(CorpusMegabytes());
}

const std::string& IndexDir() {
  static const std::string dir = [] {
    const std::string d = IndexDirName();
    if (!provenance::ProvenanceIndex::Open(d).ok()) {
      std::filesystem::remove_all(d);
      auto text = core::MappedFile::Open(CorpusPath());
      if (!text.ok()) std::abort();
      provenance::IndexBuilder b(d, {}, nullptr);
      for (auto& doc : CorpusDocs(text->data())) {
        if (!b.Add(std::move(doc)).ok()) std::abort();
      }
      if (!b.Finish().ok()) std::abort();
    }
    return d;
  }();
  return dir;
}

const provenance::ProvenanceIndex& Index() {
  static const provenance::ProvenanceIndex* index = [] {
    auto r = provenance::ProvenanceIndex::Open(IndexDir());
    if (!r.ok()) std::abort();
    return r->release();
  }();
  return *index;
}

std::vector<provenance::ProvenanceToken> Tokens(std::string_view s) {
  auto r = provenance::TokenizeForProvenance(s, {});
  if (!r.ok()) std::abort();
  return std::move(r).value();
}

// Build: one thread, the whole corpus, into a fresh directory, which the
// query benchmarks below then use.
void BM_ProvenanceBuild(benchmark::State& state) {
  auto text = core::MappedFile::Open(CorpusPath());
  if (!text.ok()) std::abort();
  const std::string dir = IndexDirName();
  provenance::IndexBuildReport last;
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    std::vector<provenance::IndexDocument> docs = CorpusDocs(text->data());
    state.ResumeTiming();
    provenance::IndexBuilder b(dir, {}, nullptr);
    for (auto& d : docs) {
      if (!b.Add(std::move(d)).ok()) std::abort();
    }
    auto r = b.Finish();
    if (!r.ok()) std::abort();
    last = *r;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text->data().size()));
  const double tokens = static_cast<double>(last.tokens);
  state.counters["MB"] = text->data().size() / 1e6;
  state.counters["tokens"] = tokens;
  state.counters["bytes_per_token"] = last.index_bytes / tokens;
  state.counters["core_bytes_per_token"] = last.core_bytes / tokens;
  state.counters["fingerprint_bytes_per_token"] = last.fingerprint_bytes / tokens;
}
BENCHMARK(BM_ProvenanceBuild)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

// Count queries: 5-word phrases cut from the corpus (hits) and the same
// words shuffled (mostly misses), alternating. Reports p50 and p99.
void BM_ProvenanceCount(benchmark::State& state) {
  const provenance::ProvenanceIndex& index = Index();
  auto text = core::MappedFile::Open(CorpusPath());
  std::mt19937_64 rng(7);
  std::vector<std::vector<provenance::ProvenanceToken>> queries;
  const std::string_view corpus = text->data();
  for (int i = 0; i < 2000; ++i) {
    const size_t at = rng() % (corpus.size() - 200);
    auto toks = Tokens(corpus.substr(at, 200));
    if (toks.size() < 7) continue;
    std::vector<provenance::ProvenanceToken> q(toks.begin() + 1, toks.begin() + 6);
    if (i % 2) std::shuffle(q.begin(), q.end(), rng);
    queries.push_back(std::move(q));
  }
  std::vector<double> us;
  size_t i = 0;
  uint64_t found = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t c = index.Count(queries[i++ % queries.size()]);
    us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    found += c > 0;
    benchmark::DoNotOptimize(c);
  }
  std::sort(us.begin(), us.end());
  state.counters["p50_us"] = us[us.size() / 2];
  state.counters["p99_us"] = us[us.size() * 99 / 100];
  state.counters["hit_rate"] = static_cast<double>(found) / static_cast<double>(us.size());
}
BENCHMARK(BM_ProvenanceCount)->Unit(benchmark::kMicrosecond);

// Longest match at every position of a 500-token output made of copied
// 20-token runs and random words.
void BM_ProvenanceLongest500(benchmark::State& state) {
  const provenance::ProvenanceIndex& index = Index();
  auto text = core::MappedFile::Open(CorpusPath());
  const std::string_view corpus = text->data();
  std::mt19937_64 rng(9);
  std::vector<provenance::ProvenanceToken> output;
  while (output.size() < 500) {
    const size_t at = rng() % (corpus.size() - 400);
    auto toks = Tokens(corpus.substr(at, 400));
    const size_t take = std::min<size_t>({20, toks.size() - 1, 500 - output.size()});
    output.insert(output.end(), toks.begin() + 1, toks.begin() + 1 + static_cast<long>(take));
    if (output.size() < 500) output.push_back({"zzqx" + std::to_string(rng() % 1000), 0, 0});
  }
  for (auto _ : state) benchmark::DoNotOptimize(index.LongestMatches(output));
  state.counters["tokens"] = static_cast<double>(output.size());
}
BENCHMARK(BM_ProvenanceLongest500)->Unit(benchmark::kMillisecond);

// The blocking processor on a full 8,192-token candidate array; arg 0: the
// history ends in no protected prefix (the common step), arg 1: it
// continues a protected prefix, so every candidate is tested.
void BM_ProvenanceBlockingStep(benchmark::State& state) {
  std::mt19937_64 rng(11);
  std::vector<TokenId> prot(static_cast<size_t>(state.range(1)));
  for (auto& t : prot) t = static_cast<TokenId>(rng() % 8192);
  provenance::NgramBloomOptions o;
  o.n = 6;
  auto bloom = provenance::NgramBloom::Create(o, prot.size(), "bench");
  if (!bloom.ok()) std::abort();
  bloom->InsertAll(prot);
  provenance::ProtectedNgramProcessor proc({&*bloom}, 256);
  // 256 histories, cycled: random ones (arg 0) or ending in a protected
  // 5-token prefix (arg 1).
  std::vector<std::vector<TokenId>> histories(256, std::vector<TokenId>(64));
  for (auto& h : histories) {
    for (auto& t : h) t = static_cast<TokenId>(rng() % 8192);
    if (state.range(0) == 1) {
      const size_t at = rng() % (prot.size() - 6);
      std::copy(prot.begin() + at, prot.begin() + at + 5, h.end() - 5);
    }
  }
  size_t step = 0;
  std::vector<lm::TokenCandidate> base(8192);
  for (TokenId i = 0; i < 8192; ++i) base[i] = {i, static_cast<float>(rng() % 100) / 10.0f, 0.0f};
  // Refused logits stay refused across iterations; the processor does the
  // same work either way (every candidate of a hit step is tested).
  std::vector<lm::TokenCandidate> cands = base;
  for (auto _ : state) {
    lm::CandidateArray arr{cands.data(), cands.size()};
    proc.Apply(histories[step++ % histories.size()], &arr);
    benchmark::DoNotOptimize(arr.data);
  }
  state.counters["prefix_hit_rate"] =
      static_cast<double>(proc.stats().prefix_hits) / static_cast<double>(proc.stats().steps);
}
BENCHMARK(BM_ProvenanceBlockingStep)
    ->ArgsProduct({{0, 1}, {50000, 1000000}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace warden
