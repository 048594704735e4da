// Encode throughput (bytes/s) of the model tokenizers (model_vocab.h) on a
// synthetic vocabulary: ~4k merges learned by warden's own BPE trainer on
// synthetic English with some digits, Cyrillic and CJK, written out as a
// GPT-2 byte-level vocabulary (each pre-tokenizer) and as a SentencePiece
// vocabulary (pieces scored by merge rank, byte fallback).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "text/model_vocab_impl.h"
#include "warden/text/bpe_tokenizer.h"
#include "warden/text/model_vocab.h"
#include "warden/text/utf8.h"

namespace warden {
namespace {

std::string SyntheticText(size_t bytes, uint32_t seed) {
  static const char* kWords[] = {"the",
                                 "of",
                                 "and",
                                 "to",
                                 "in",
                                 "a",
                                 "is",
                                 "that",
                                 "for",
                                 "it",
                                 "as",
                                 "was",
                                 "with",
                                 "be",
                                 "by",
                                 "on",
                                 "not",
                                 "he",
                                 "this",
                                 "are",
                                 "they'll",
                                 "keeper",
                                 "weather",
                                 "notebook",
                                 "harbour",
                                 "storm",
                                 "lantern",
                                 "it's",
                                 "daughter",
                                 "attention",
                                 "automatic",
                                 "consequence",
                                 "handwriting",
                                 "1987",
                                 "3.14",
                                 "\xD0\xBC\xD0\xB0\xD1\x8F\xD0\xBA",  // маяк
                                 "\xE7\x81\xAF\xE5\xA1\x94",          // 灯塔
                                 "caf\xC3\xA9"};
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < bytes) {
    s += kWords[rng() % std::size(kWords)];
    const uint32_t r = rng() % 20;
    s += r == 0 ? ".\n" : (r == 1 ? ", " : " ");
  }
  return s;
}

const text::BpeTokenizer& Learned() {
  static const text::BpeTokenizer* tok = [] {
    std::vector<std::string> texts;
    for (uint32_t i = 0; i < 64; ++i) texts.push_back(SyntheticText(16 << 10, i));
    text::BpeTokenizer::TrainOptions o;
    o.vocab_size = 4096;
    o.threads = 1;
    auto t = text::BpeTokenizer::Train(texts, o);
    if (!t.ok()) std::abort();
    return new text::BpeTokenizer(std::move(t).value());
  }();
  return *tok;
}

std::string Gpt2Text(std::string_view bytes) {
  std::string s;
  for (char c : bytes) s += text::Gpt2ByteChars().byte_to_utf8[static_cast<uint8_t>(c)];
  return s;
}

std::unique_ptr<text::Tokenizer> Gpt2Tokenizer(const std::string& pre) {
  const text::BpeTokenizer& b = Learned();
  text::ModelVocab v;
  v.model = "gpt2";
  v.pre = pre;
  for (int i = 0; i < 256; ++i) v.tokens.push_back(Gpt2Text(b.TokenBytes(i)));
  for (const text::BpeTokenizer::Merge& m : b.merges()) {
    v.merges.push_back(Gpt2Text(b.TokenBytes(m.left)) + " " + Gpt2Text(b.TokenBytes(m.right)));
    v.tokens.push_back(Gpt2Text(b.TokenBytes(m.result)));
  }
  auto t = text::NewModelTokenizer(v);
  if (!t.ok()) std::abort();
  return std::move(t).value();
}

std::unique_ptr<text::Tokenizer> SpmTokenizer() {
  const text::BpeTokenizer& b = Learned();
  text::ModelVocab v;
  v.model = "llama";
  v.tokens.push_back("<unk>");
  v.token_types.push_back(text::VocabTokenType::kUnknown);
  for (int i = 0; i < 256; ++i) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "<0x%02X>", i);
    v.tokens.push_back(buf);
    v.token_types.push_back(text::VocabTokenType::kByte);
  }
  v.scores.assign(v.tokens.size(), 0.0f);
  auto add_piece = [&v](std::string_view bytes, float score) {
    if (text::FindInvalidUtf8(bytes) != std::string_view::npos) return;
    std::string p;
    for (char c : bytes) p += c == ' ' ? std::string("\xE2\x96\x81") : std::string(1, c);
    v.tokens.push_back(p);
    v.token_types.push_back(text::VocabTokenType::kNormal);
    v.scores.push_back(score);
  };
  for (int i = 0; i < 128; ++i) add_piece(std::string(1, static_cast<char>(i)), 0);
  float score = 0;
  for (const text::BpeTokenizer::Merge& m : b.merges())
    add_piece(b.TokenBytes(m.result), score -= 1);
  v.unk = 0;
  auto t = text::NewModelTokenizer(v);
  if (!t.ok()) std::abort();
  return std::move(t).value();
}

void Encode(benchmark::State& state, const text::Tokenizer& tok) {
  const std::string text = SyntheticText(1 << 20, 99);
  std::vector<TokenId> ids;
  for (auto _ : state) {
    ids.clear();
    if (!tok.Encode(text, &ids).ok()) std::abort();
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["bytes_per_token"] = static_cast<double>(text.size()) / ids.size();
}

void BM_ModelTokEncodeGpt2(benchmark::State& state) { Encode(state, *Gpt2Tokenizer("gpt2")); }
void BM_ModelTokEncodeLlama3(benchmark::State& state) {
  Encode(state, *Gpt2Tokenizer("llama-bpe"));
}
void BM_ModelTokEncodeQwen2(benchmark::State& state) { Encode(state, *Gpt2Tokenizer("qwen2")); }
void BM_ModelTokEncodeSmolLm(benchmark::State& state) { Encode(state, *Gpt2Tokenizer("smollm")); }
void BM_ModelTokEncodeSpm(benchmark::State& state) { Encode(state, *SpmTokenizer()); }
BENCHMARK(BM_ModelTokEncodeGpt2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ModelTokEncodeLlama3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ModelTokEncodeQwen2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ModelTokEncodeSmolLm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ModelTokEncodeSpm)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace warden
