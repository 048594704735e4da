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
#ifndef WARDEN_TEXT_MODEL_VOCAB_H_
#define WARDEN_TEXT_MODEL_VOCAB_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/text/tokenizer.h"

namespace warden::text {

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

// The tokenizer NewModelTokenizer builds, with the model-specific rules a
// caller needs beyond the Tokenizer interface.
//
// Encode (from Tokenizer) encodes the text only: no BOS/EOS is added, and
// control and user-defined tokens written in the text ("<|im_start|>") are
// recognized and emitted as their single ids (left to right, longest match).
// EncodeForModel also applies the vocabulary's BOS/EOS rules, which is what a
// prompt fed to the model needs.
//
// Encode fails with InvalidArgument on invalid UTF-8 and with OutOfRange on
// a text over 1 GiB (encode it in parts); nothing else fails.
//
// Decoding: TokenBytes gives the real bytes (U+2581 -> ' ', <0xNN> -> the
// byte, GPT-2 byte characters -> their bytes); control tokens give no bytes;
// the unknown token gives U+FFFD. With add_space_prefix ("llama"), Encode
// prepends one space to the text and after each special token, so
// Decode(Encode(s)) == " " + s there; StripSpacePrefix undoes it.
class ModelTokenizer : public Tokenizer {
 public:
  // "llama" or "gpt2".
  virtual const std::string& family() const = 0;
  // "default", "gpt2", "llama-bpe", "qwen2", "smollm" ("gpt2" family only).
  virtual const std::string& pre() const = 0;
  virtual bool add_bos() const = 0;
  virtual bool add_eos() const = 0;
  virtual TokenId unk() const = 0;
  // End of turn (e.g. <|eot_id|>, <|im_end|>), or -1.
  virtual TokenId eot() const = 0;
  // The vocabulary's text of `id` as stored (e.g. "Ġthe" for " the", "<|im_start|>").
  virtual std::string_view TokenText(TokenId id) const = 0;
  // The id of a token by its stored text, or -1.
  virtual TokenId FindToken(std::string_view text) const = 0;

  // Encode with the model's rules: BOS first when add_bos() and `add_special`,
  // EOS last when add_eos() and `add_special`; special tokens in the text are
  // parsed only when `parse_special` (else they are encoded as plain text).
  virtual Status EncodeForModel(std::string_view text, bool add_special, bool parse_special,
                                std::vector<TokenId>* out) const = 0;

  // Decode of generated ids as a user sees it: the space that
  // add_space_prefix put in front of the text is removed.
  std::string DecodeText(std::span<const TokenId> ids) const;
  virtual bool add_space_prefix() const = 0;
};

// Same as NewModelTokenizer, with the ModelTokenizer interface.
Result<std::unique_ptr<ModelTokenizer>> NewModelTokenizerFull(const ModelVocab& vocab);

// The pre-tokenizer names the "gpt2" family accepts, for messages and docs.
std::vector<std::string> SupportedPreTokenizers();

}  // namespace warden::text

#endif  // WARDEN_TEXT_MODEL_VOCAB_H_
