// A GGUF transformer as a LanguageModel (lm.h): the engine (transformer.h)
// plus the model's own tokenizer, built from the file's tokenizer.ggml.*
// metadata (model_vocab.h).
//
// Sessions own their KV cache and worker threads. When the vocabulary asks
// for a beginning-of-sequence token (tokenizer.ggml.add_bos_token), every
// session feeds it at position 0 by itself; it is not part of history().
//
// Thread safety and ownership: as LanguageModel (lm.h). The model keeps the
// file mapped for its lifetime.
#ifndef WARDEN_LM_GGUF_MODEL_H_
#define WARDEN_LM_GGUF_MODEL_H_

#include <memory>
#include <string>

#include "warden/core/status.h"
#include "warden/lm/gguf.h"
#include "warden/lm/lm.h"
#include "warden/text/model_vocab.h"

namespace warden::lm {

struct GgufModelOptions {
  int threads = 1;  // worker threads per session (>= 1)
};

// True when the file starts with the GGUF magic (so callers can tell a GGUF
// model from warden's own n-gram model files).
bool LooksLikeGguf(const std::string& path);

// The vocabulary stored in the file's tokenizer.ggml.* metadata, validated
// for internal consistency (array sizes, special ids in range).
Result<text::ModelVocab> ReadModelVocab(const GgufFile& file);

Result<std::unique_ptr<LanguageModel>> LoadGgufModel(const std::string& path,
                                                     const GgufModelOptions& opts);

}  // namespace warden::lm

#endif  // WARDEN_LM_GGUF_MODEL_H_
