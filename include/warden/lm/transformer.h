// The CPU transformer engine: llama and qwen2 decoder-only models read from
// GGUF files, and a writer of tiny random-weight models for tests and
// benchmarks.
//
// Architecture (per layer): x += Wo * Attn(RoPE(Wq*n1(x) [+bq]), RoPE(Wk*n1(x)
// [+bk]), Wv*n1(x) [+bv]); x += Wdown * (silu(Wgate*n2(x)) .* Wup*n2(x)), with
// n1, n2 RMSNorm; logits = Wout * RMSNorm(x), Wout being token_embd when the
// file has no output.weight (tied head). RoPE rotates adjacent pairs
// (x[2i], x[2i+1]) for llama, the two halves (x[i], x[i + d/2]) for qwen2,
// with angle pos * base^(-2i/d). Attention is grouped-query: query head h
// reads key/value head h / (n_head / n_kv_head). Biases on q, k, v are used
// when present (qwen2 has them).
//
// Weights stay in the mapped file; only the KV cache (float32, grown as the
// context grows) and activations are allocated.
//
// Thread safety: a Transformer is immutable; any number of States may run on
// it from different threads. A State (KV cache and worker threads) belongs to
// one thread at a time. Ownership: the GgufFile must outlive the Transformer,
// which must outlive its States.
#ifndef WARDEN_LM_TRANSFORMER_H_
#define WARDEN_LM_TRANSFORMER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "warden/core/status.h"
#include "warden/lm/gguf.h"
#include "warden/text/tokenizer.h"

namespace warden::lm {

struct TransformerConfig {
  std::string arch;  // "llama" or "qwen2"
  int32_t n_layer = 0, d_model = 0, n_head = 0, n_kv_head = 0, head_dim = 0, d_ff = 0;
  int32_t vocab_size = 0;
  int32_t context_length = 0;  // positions the model was trained for
  float rms_eps = 1e-5f;
  float rope_base = 10000.0f;
  bool rope_half_split = false;  // qwen2: (x[i], x[i + d/2]); llama: (x[2i], x[2i+1])
  bool tied_output = false;
  bool qkv_bias = false;
};

class Transformer {
 public:
  // Validates the architecture metadata and every tensor's presence, shape
  // and type. `file` must outlive the result.
  static Result<std::unique_ptr<Transformer>> Load(const GgufFile* file);
  ~Transformer();

  const TransformerConfig& config() const;
  // Bytes of weights read per decoded token (every matrix once, the
  // embedding row aside).
  uint64_t bytes_per_token() const;
  // KV cache bytes per position.
  uint64_t kv_bytes_per_token() const;

  class State {
   public:
    virtual ~State() = default;
    virtual int64_t position() const = 0;  // tokens processed so far
    virtual void Reset() = 0;
  };
  // `threads` worker threads for this state's matrix products, the caller
  // included; 0 = all cores (core::ResolveThreads).
  std::unique_ptr<State> NewState(int threads) const;

  // Runs `tokens` (ids < vocab_size, else OutOfRange and the state is
  // unchanged) at the next positions. When `logits` is non-empty (size
  // vocab_size) it receives the logits after the last token. Fails with
  // OutOfRange past context_length.
  Status Forward(State* state, std::span<const TokenId> tokens, std::span<float> logits) const;

 private:
  struct Impl;
  explicit Transformer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Shape and encoding of a random-weight model (see SynthesizeModel).
struct SynthOptions {
  std::string arch = "llama";      // llama | qwen2
  GgmlType type = GgmlType::kF32;  // of every weight matrix; norms and biases are f32
  int32_t n_layer = 2, d_model = 64, n_head = 4, n_kv_head = 2, d_ff = 128;
  int32_t vocab_size = 512;  // >= 300 (bytes, specials, a few merges)
  int32_t context_length = 2048;
  bool tied_output = true;
  // "llama" (SentencePiece with <0x00>..<0xFF> byte fallback), "gpt2"
  // (byte-level BPE), or "" for the architecture's usual one (llama: llama,
  // qwen2: gpt2 with the qwen2 pre-tokenizer).
  std::string vocab;
  uint64_t seed = 1;
  float rope_base = 10000.0f;
};

// A complete GGUF file: metadata, a small valid vocabulary and random
// weights (fixed by `seed`), quantized to `type`. For tests and benchmarks;
// its text is gibberish by construction.
Result<std::string> SynthesizeModel(const SynthOptions& opts);

}  // namespace warden::lm

#endif  // WARDEN_LM_TRANSFORMER_H_
