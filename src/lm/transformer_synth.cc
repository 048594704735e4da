// SynthesizeModel: tiny (or benchmark-sized) random-weight GGUF models with a
// small but valid vocabulary, so tests and benchmarks need no downloads.
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "lm/transformer_kernels.h"
#include "warden/lm/gguf.h"
#include "warden/lm/transformer.h"

namespace warden::lm {
namespace {

// splitmix64: portable, so a seed gives the same model everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [-a, a).
  float Uniform(float a) {
    return a * (static_cast<float>(Next() >> 40) / static_cast<float>(1ull << 23) - 1.0f);
  }

 private:
  uint64_t s_;
};

std::string Utf8(uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xc0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    s += static_cast<char>(0xe0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  }
  return s;
}

// Pairs (left, right) of growing pieces built from `space` and lowercase
// letters, in an order where both halves always exist before the merge.
void AddPieces(const std::string& space, size_t want,
               std::vector<std::pair<std::string, std::string>>* out) {
  std::vector<std::string> letters, bigrams;
  for (char c = 'a'; c <= 'z'; ++c) letters.emplace_back(1, c);
  auto add = [&](const std::string& a, const std::string& b) {
    if (out->size() < want) out->emplace_back(a, b);
  };
  for (const auto& l : letters) add(space, l);
  for (const auto& a : letters) {
    for (const auto& b : letters) {
      add(a, b);
      bigrams.push_back(a + b);
    }
  }
  for (const auto& a : letters) {
    for (const auto& b : letters) add(space + a, b);
  }
  for (const auto& ab : bigrams) {
    for (const auto& c : letters) add(ab, c);
  }
  for (const auto& ab : bigrams) {
    for (const auto& c : letters) add(space + ab, c);
  }
  for (const auto& ab : bigrams) {
    for (const auto& cd : bigrams) add(ab, cd);
  }
}

// gpt2-style byte-level BPE: 256 byte tokens (GPT-2's byte-to-character
// map), <|endoftext|>, then merges.
void AddGpt2Vocab(GgufWriter* w, int32_t vocab, const std::string& pre) {
  std::vector<std::string> tokens(256);
  uint32_t extra = 0;
  for (uint32_t b = 0; b < 256; ++b) {
    const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
    tokens[b] = Utf8(printable ? b : 256 + extra++);
  }
  tokens.push_back("<|endoftext|>");
  std::vector<std::pair<std::string, std::string>> pairs;
  AddPieces(Utf8(0x120) /* Ġ, the space byte */, static_cast<size_t>(vocab) - tokens.size(),
            &pairs);
  std::vector<std::string> merges;
  for (const auto& [a, b] : pairs) {
    merges.push_back(a + " " + b);
    tokens.push_back(a + b);
  }
  std::vector<int32_t> types(tokens.size(), 1);
  types[256] = 3;
  w->AddString("tokenizer.ggml.model", "gpt2");
  w->AddString("tokenizer.ggml.pre", pre);
  w->AddStringArray("tokenizer.ggml.tokens", tokens);
  w->AddI32Array("tokenizer.ggml.token_type", types);
  w->AddStringArray("tokenizer.ggml.merges", merges);
  w->AddU32("tokenizer.ggml.bos_token_id", 256);
  w->AddU32("tokenizer.ggml.eos_token_id", 256);
  w->AddBool("tokenizer.ggml.add_bos_token", false);
}

// SentencePiece-style: <unk>, <s>, </s>, <0x00>..<0xFF>, then pieces scored
// so that earlier ones merge first.
void AddLlamaVocab(GgufWriter* w, int32_t vocab) {
  std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
  std::vector<int32_t> types = {2, 3, 3};
  for (int b = 0; b < 256; ++b) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "<0x%02X>", b);
    tokens.push_back(buf);
    types.push_back(6);
  }
  const std::string space = Utf8(0x2581);  // ▁
  std::vector<std::string> singles = {space};
  for (char c = 'a'; c <= 'z'; ++c) singles.emplace_back(1, c);
  for (char c = 'A'; c <= 'Z'; ++c) singles.emplace_back(1, c);
  for (char c = '0'; c <= '9'; ++c) singles.emplace_back(1, c);
  for (char c : std::string(".,!?'-:;")) singles.emplace_back(1, c);
  for (const auto& s : singles) {
    if (tokens.size() < static_cast<size_t>(vocab)) {
      tokens.push_back(s);
      types.push_back(1);
    }
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  AddPieces(space, static_cast<size_t>(vocab) - tokens.size(), &pairs);
  for (const auto& [a, b] : pairs) {
    tokens.push_back(a + b);
    types.push_back(1);
  }
  std::vector<float> scores(tokens.size(), 0.0f);
  for (size_t i = 259; i < tokens.size(); ++i) scores[i] = -static_cast<float>(i - 259);
  w->AddString("tokenizer.ggml.model", "llama");
  w->AddString("tokenizer.ggml.pre", "default");
  w->AddStringArray("tokenizer.ggml.tokens", tokens);
  w->AddF32Array("tokenizer.ggml.scores", scores);
  w->AddI32Array("tokenizer.ggml.token_type", types);
  w->AddU32("tokenizer.ggml.unknown_token_id", 0);
  w->AddU32("tokenizer.ggml.bos_token_id", 1);
  w->AddU32("tokenizer.ggml.eos_token_id", 2);
  w->AddBool("tokenizer.ggml.add_bos_token", true);
  w->AddBool("tokenizer.ggml.add_space_prefix", true);
}

std::string Encode(GgmlType type, const std::vector<float>& values, int64_t cols) {
  const int64_t rows = static_cast<int64_t>(values.size()) / cols;
  const int64_t rb = detail::RowBytes(type, cols);
  std::string out(static_cast<size_t>(rows * rb), '\0');
  for (int64_t r = 0; r < rows; ++r) {
    detail::QuantizeRow(type, values.data() + r * cols, cols,
                        reinterpret_cast<uint8_t*>(out.data()) + r * rb);
  }
  return out;
}

}  // namespace

Result<std::string> SynthesizeModel(const SynthOptions& o) {
  if (o.arch != "llama" && o.arch != "qwen2") {
    return Status::InvalidArgument("synth: architecture must be llama or qwen2, not " + o.arch);
  }
  if (!detail::IsSupportedWeightType(o.type)) {
    return Status::InvalidArgument("synth: unsupported type " + GgmlTypeName(o.type));
  }
  const std::string vocab_kind =
      !o.vocab.empty() ? o.vocab : (o.arch == "llama" ? "llama" : "gpt2");
  if (vocab_kind != "llama" && vocab_kind != "gpt2") {
    return Status::InvalidArgument("synth: vocabulary must be llama or gpt2");
  }
  const bool quantized = detail::UsesActBlocks(o.type);
  if (o.n_layer < 1 || o.n_layer > 256 || o.d_model < 2 || o.d_model > 16384 || o.n_head < 1 ||
      o.n_kv_head < 1 || o.d_model % o.n_head != 0 || o.n_head % o.n_kv_head != 0 ||
      (o.d_model / o.n_head) % 2 != 0 || o.d_ff < 1 || o.d_ff > 65536 || o.context_length < 1 ||
      (quantized &&
       (o.d_model % 32 != 0 || o.d_ff % 32 != 0 || (o.d_model / o.n_head) * o.n_head % 32 != 0))) {
    return Status::InvalidArgument(
        "synth: bad shape (heads must divide the width, kv heads the heads, head dimension even; "
        "quantized types need width and FFN multiples of 32)");
  }
  if (o.vocab_size < 400 || o.vocab_size > 1 << 20) {
    return Status::InvalidArgument("synth: vocabulary size must be in [400, 1048576]");
  }
  GgufWriter w;
  const std::string a = o.arch + ".";
  w.AddString("general.architecture", o.arch);
  w.AddString("general.name", "warden-synth-" + o.arch + "-" + GgmlTypeName(o.type));
  w.AddU32("general.alignment", 32);
  w.AddU32(a + "context_length", static_cast<uint32_t>(o.context_length));
  w.AddU32(a + "embedding_length", static_cast<uint32_t>(o.d_model));
  w.AddU32(a + "block_count", static_cast<uint32_t>(o.n_layer));
  w.AddU32(a + "feed_forward_length", static_cast<uint32_t>(o.d_ff));
  w.AddU32(a + "attention.head_count", static_cast<uint32_t>(o.n_head));
  w.AddU32(a + "attention.head_count_kv", static_cast<uint32_t>(o.n_kv_head));
  w.AddF32(a + "attention.layer_norm_rms_epsilon", o.arch == "qwen2" ? 1e-6f : 1e-5f);
  w.AddF32(a + "rope.freq_base", o.rope_base);
  if (vocab_kind == "llama") {
    AddLlamaVocab(&w, o.vocab_size);
  } else {
    AddGpt2Vocab(&w, o.vocab_size, o.arch == "qwen2" ? "qwen2" : "gpt2");
  }

  Rng rng(o.seed);
  const int64_t d = o.d_model, hd = o.d_model / o.n_head, ff = o.d_ff;
  auto matrix = [&](const std::string& name, int64_t cols, int64_t rows, float scale) {
    std::vector<float> v(static_cast<size_t>(cols * rows));
    for (float& x : v) x = rng.Uniform(scale);
    w.AddTensor(name, o.type, {cols, rows}, Encode(o.type, v, cols));
  };
  auto vec = [&](const std::string& name, int64_t n, float center, float spread) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = center + rng.Uniform(spread);
    w.AddTensor(name, GgmlType::kF32, {n}, Encode(GgmlType::kF32, v, n));
  };
  // Uniform(+-sqrt(3/cols)) keeps each output near unit variance.
  auto fan_in = [](int64_t cols) { return std::sqrt(3.0f / static_cast<float>(cols)); };
  matrix("token_embd.weight", d, o.vocab_size, 1.0f);
  // A small output norm keeps the logits' spread near 1-2 nats, so sampled
  // text has the entropy a watermark needs.
  vec("output_norm.weight", d, 0.3f, 0.05f);
  if (!o.tied_output) matrix("output.weight", d, o.vocab_size, 1.0f);
  for (int32_t i = 0; i < o.n_layer; ++i) {
    const std::string p = "blk." + std::to_string(i) + ".";
    vec(p + "attn_norm.weight", d, 1.0f, 0.2f);
    matrix(p + "attn_q.weight", d, o.n_head * hd, fan_in(d));
    matrix(p + "attn_k.weight", d, o.n_kv_head * hd, fan_in(d));
    matrix(p + "attn_v.weight", d, o.n_kv_head * hd, fan_in(d));
    if (o.arch == "qwen2") {
      vec(p + "attn_q.bias", o.n_head * hd, 0.0f, 0.2f);
      vec(p + "attn_k.bias", o.n_kv_head * hd, 0.0f, 0.2f);
      vec(p + "attn_v.bias", o.n_kv_head * hd, 0.0f, 0.2f);
    }
    matrix(p + "attn_output.weight", o.n_head * hd, d, fan_in(d) * 0.5f);
    vec(p + "ffn_norm.weight", d, 1.0f, 0.2f);
    matrix(p + "ffn_gate.weight", d, ff, fan_in(d));
    matrix(p + "ffn_up.weight", d, ff, fan_in(d));
    matrix(p + "ffn_down.weight", ff, d, fan_in(ff) * 0.5f);
  }
  return w.Finish();
}

}  // namespace warden::lm
