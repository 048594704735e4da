// Tokenizers of foreign models, built from the vocabulary a model file ships
// (GGUF's tokenizer.ggml.* metadata): SentencePiece-style ("llama") and
// byte-level BPE ("gpt2") with the pre-tokenizer the model was trained with.
//
// The GGUF reader (gguf.h) fills a ModelVocab from a file; tests fill one by
// hand. NewModelTokenizer validates it (sizes agree, ids in range, merges
// name known tokens) and returns a Tokenizer (tokenizer.h) whose ids are the
// model's ids, so text encoded here feeds the model and its watermark
// detector directly.
//
// Thread safety: the returned tokenizer's const methods are safe from any
// thread. Ownership: the tokenizer copies what it needs from `vocab`.
#ifndef WARDEN_MODEL_VOCAB_H_
#define WARDEN_MODEL_VOCAB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "warden/status.h"
#include "warden/tokenizer.h"

namespace warden {

// GGUF token types (tokenizer.ggml.token_type).
enum class VocabTokenType : int32_t {
  kUndefined = 0,
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6,
};

struct ModelVocab {
  std::string model;  // tokenizer.ggml.model: "llama" or "gpt2"
  std::string pre;    // tokenizer.ggml.pre: "default", "gpt2", "llama-bpe", "qwen2", "smollm", ...
  std::vector<std::string> tokens;          // tokenizer.ggml.tokens
  std::vector<float> scores;                // tokenizer.ggml.scores (may be empty)
  std::vector<VocabTokenType> token_types;  // tokenizer.ggml.token_type (may be empty)
  std::vector<std::string> merges;          // tokenizer.ggml.merges, "left right" (gpt2 only)
  TokenId bos = -1, eos = -1, unk = -1, pad = -1, eot = -1;
  bool add_bos = false;          // tokenizer.ggml.add_bos_token
  bool add_eos = false;          // tokenizer.ggml.add_eos_token
  bool add_space_prefix = true;  // tokenizer.ggml.add_space_prefix (llama)
  std::string chat_template;     // tokenizer.chat_template (may be empty)
};

Result<std::unique_ptr<Tokenizer>> NewModelTokenizer(const ModelVocab& vocab);

}  // namespace warden

#endif  // WARDEN_MODEL_VOCAB_H_
