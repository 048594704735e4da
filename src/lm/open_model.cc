// OpenModel: pick the loader by the file's magic bytes.
#include "warden/lm/open_model.h"

#include <utility>

#include "warden/lm/gguf_model.h"
#include "warden/lm/ngram.h"

namespace warden::lm {

ModelFormat DetectModelFormat(const std::string& path) {
  return LooksLikeGguf(path) ? ModelFormat::kGguf : ModelFormat::kNgram;
}

Result<std::unique_ptr<LanguageModel>> OpenModel(const std::string& path,
                                                 const OpenModelOptions& options) {
  switch (DetectModelFormat(path)) {
    case ModelFormat::kGguf: {
      GgufModelOptions gguf;
      gguf.threads = options.threads;
      return LoadGgufModel(path, gguf);
    }
    case ModelFormat::kNgram:
      break;
  }
  WARDEN_ASSIGN_OR_RETURN(std::unique_ptr<NgramModel> ngram, NgramModel::Load(path));
  return std::unique_ptr<LanguageModel>(std::move(ngram));
}

}  // namespace warden::lm
