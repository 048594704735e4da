// Opening a language model file of either kind warden reads, without the
// caller having to know which kind it is.
//
// OpenModel tells the formats apart by the file's magic bytes: a file that
// starts with "GGUF" is loaded as a GGUF transformer (gguf_model.h), any
// other file as warden's own n-gram model (ngram.h). This header lives in
// target warden_lm_gguf, not warden_lm, because it must know both formats;
// code that only ever reads n-gram models can keep linking warden_lm alone
// and call NgramModel::Load.
//
// What a caller still decides is carried in OpenModelOptions; what depends
// on the kind of model (for instance whether generation starts from an
// end-of-text token) is asked of the model itself (LanguageModel in lm.h).
//
// Thread safety: OpenModel is safe to call from any thread; the returned
// model is as LanguageModel (lm.h): immutable, its const methods safe from
// any thread.
// Ownership: the caller owns the returned model; its sessions must not
// outlive it.
#ifndef WARDEN_LM_OPEN_MODEL_H_
#define WARDEN_LM_OPEN_MODEL_H_

#include <memory>
#include <string>

#include "warden/core/status.h"
#include "warden/lm/lm.h"

namespace warden::lm {

struct OpenModelOptions {
  // Worker threads per session of a GGUF transformer, in [1, 256]; the
  // n-gram model ignores it (its sessions are single-threaded).
  int threads = 1;
};

enum class ModelFormat { kNgram, kGguf };

// The format of the file at `path` by its magic bytes. A file that cannot be
// read, or does not start with the GGUF magic, is taken for an n-gram model
// (whose loader then reports what is wrong with it).
ModelFormat DetectModelFormat(const std::string& path);

// Loads the model at `path`. Fails with NotFound when the file does not
// exist, with Corruption when it is not a valid model of its format, and
// with InvalidArgument for bad options.
Result<std::unique_ptr<LanguageModel>> OpenModel(const std::string& path,
                                                 const OpenModelOptions& options = {});

}  // namespace warden::lm

#endif  // WARDEN_LM_OPEN_MODEL_H_
