// Benchmarks of the text module: UTF-8 validation, normalization, BPE
// encoding (bytes/s) and BPE training.
//
// English text comes from the fortune files when installed
// (/usr/share/games/fortunes/*.u8), else from synthetic words.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "warden/text/bpe_tokenizer.h"
#include "warden/text/normalize.h"
#include "warden/text/utf8.h"

namespace warden {
namespace {

std::string SyntheticEnglish(size_t bytes) {
  static const char* kWords[] = {
      "the",        "of",        "and",       "to",          "in",         "a",     "is",
      "that",       "for",       "it",        "as",          "was",        "with",  "be",
      "by",         "on",        "not",       "he",          "this",       "are",   "or",
      "his",        "from",      "at",        "which",       "but",        "have",  "an",
      "had",        "they",      "you",       "were",        "their",      "one",   "all",
      "we",         "can",       "her",       "has",         "there",      "been",  "if",
      "more",       "when",      "will",      "would",       "who",        "so",    "no",
      "lighthouse", "keeper",    "weather",   "notebook",    "harbour",    "storm", "lantern",
      "daughter",   "attention", "automatic", "consequence", "handwriting"};
  std::mt19937 rng(1);
  std::string s;
  while (s.size() < bytes) {
    s += kWords[rng() % std::size(kWords)];
    const uint32_t r = rng() % 20;
    s += r == 0 ? ".\n" : (r == 1 ? ", " : " ");
  }
  return s;
}

// About `bytes` of English: fortunes if present, else synthetic.
const std::string& English(size_t bytes = 4 << 20) {
  static const std::string* text = [bytes] {
    std::string s;
    const std::filesystem::path dir = "/usr/share/games/fortunes";
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".u8") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      s += ss.str();
    }
    // Only valid UTF-8 is encodable; fall back when the files are not.
    if (s.empty() || text::FindInvalidUtf8(s) != std::string::npos) s = SyntheticEnglish(bytes);
    while (s.size() < bytes) s += s;
    s.resize(bytes);
    while (!s.empty() && text::FindInvalidUtf8(s) != std::string::npos) s.pop_back();
    return new std::string(std::move(s));
  }();
  return *text;
}

// English with Cyrillic look-alikes, full-width letters and zero-width
// spaces sprinkled in, so every normalization step has work.
const std::string& Obfuscated() {
  static const std::string* text = [] {
    const std::string& en = English();
    std::string s;
    s.reserve(en.size() + en.size() / 8);
    std::mt19937 rng(2);
    for (char c : en) {
      const uint32_t r = rng() % 64;
      if (c == 'a' && r < 8) {
        s += "\xD0\xB0";  // Cyrillic а
      } else if (c == 'e' && r < 4) {
        s += "\xEF\xBD\x85";  // full-width ｅ
      } else if (c == ' ' && r < 4) {
        s += " \xE2\x80\x8B";  // zero-width space
      } else {
        s += c;
      }
    }
    return new std::string(std::move(s));
  }();
  return *text;
}

const text::BpeTokenizer& Tokenizer8k() {
  static const text::BpeTokenizer* tok = [] {
    text::BpeTokenizer::TrainOptions opts;
    opts.vocab_size = 8192;
    opts.threads = 1;
    const std::vector<std::string> texts = {English()};
    auto t = text::BpeTokenizer::Train(texts, opts);
    if (!t.ok()) std::abort();
    return new text::BpeTokenizer(std::move(t).value());
  }();
  return *tok;
}

void BM_FindInvalidUtf8(benchmark::State& state) {
  const std::string& text = state.range(0) ? Obfuscated() : English();
  for (auto _ : state) benchmark::DoNotOptimize(text::FindInvalidUtf8(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_FindInvalidUtf8)->Arg(0)->Arg(1);

void BM_NormalizeAscii(benchmark::State& state) {
  const std::string text = SyntheticEnglish(4 << 20);  // pure ASCII: fast path
  auto n = text::Normalizer::Create({});
  for (auto _ : state) benchmark::DoNotOptimize(n->Normalize(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_NormalizeAscii);

void BM_NormalizeEnglish(benchmark::State& state) {
  const std::string& text = English();  // fortunes: a few non-ASCII lines
  auto n = text::Normalizer::Create({});
  for (auto _ : state) benchmark::DoNotOptimize(n->Normalize(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_NormalizeEnglish);

void BM_NormalizeObfuscated(benchmark::State& state) {
  const std::string& text = Obfuscated();
  auto n = text::Normalizer::Create({});
  for (auto _ : state) benchmark::DoNotOptimize(n->Normalize(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_NormalizeObfuscated);

void BM_BpeEncode(benchmark::State& state) {
  const text::BpeTokenizer& tok = Tokenizer8k();
  const std::string& text = English();
  std::vector<TokenId> ids;
  for (auto _ : state) {
    ids.clear();
    if (!tok.Encode(text, &ids).ok()) state.SkipWithError("encode failed");
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["bytes_per_token"] = static_cast<double>(text.size()) / ids.size();
}
BENCHMARK(BM_BpeEncode)->Unit(benchmark::kMillisecond);

// Encoding text the tokenizer was not trained on (cold per-thread cache).
void BM_BpeEncodeFreshTokenizer(benchmark::State& state) {
  const std::string blob = Tokenizer8k().Serialize();
  const std::string text = SyntheticEnglish(1 << 20);
  std::vector<TokenId> ids;
  for (auto _ : state) {
    state.PauseTiming();
    auto tok = text::BpeTokenizer::Deserialize(blob);
    state.ResumeTiming();
    ids.clear();
    if (!tok->Encode(text, &ids).ok()) state.SkipWithError("encode failed");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_BpeEncodeFreshTokenizer)->Unit(benchmark::kMillisecond);

void BM_NormalizeAndEncode(benchmark::State& state) {
  const text::BpeTokenizer& tok = Tokenizer8k();
  const std::string& text = English();
  auto n = text::Normalizer::Create({});
  std::vector<TokenId> ids;
  for (auto _ : state) {
    auto norm = n->Normalize(text);
    ids.clear();
    if (!norm.ok() || !tok.Encode(*norm, &ids).ok()) state.SkipWithError("failed");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_NormalizeAndEncode)->Unit(benchmark::kMillisecond);

void BM_BpeDeserialize(benchmark::State& state) {
  const std::string blob = Tokenizer8k().Serialize();
  for (auto _ : state) benchmark::DoNotOptimize(text::BpeTokenizer::Deserialize(blob));
}
BENCHMARK(BM_BpeDeserialize)->Unit(benchmark::kMillisecond);

// Training 4096 tokens on state.range(0) MiB of English, one thread.
void BM_BpeTrain(benchmark::State& state) {
  const std::string& en = English();
  const std::vector<std::string> texts = {
      en.substr(0, std::min(en.size(), static_cast<size_t>(state.range(0)) << 20))};
  text::BpeTokenizer::TrainOptions opts;
  opts.vocab_size = 4096;
  opts.threads = 1;
  for (auto _ : state) benchmark::DoNotOptimize(text::BpeTokenizer::Train(texts, opts));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * texts[0].size()));
}
BENCHMARK(BM_BpeTrain)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace warden
