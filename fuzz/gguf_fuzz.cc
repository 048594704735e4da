// libFuzzer target: GgufFile::Parse on arbitrary bytes must return an error
// or a file whose every tensor lies inside the input; a file that parses is
// handed to Transformer::Load and ReadModelVocab, and a model that loads runs
// two tokens, so mutated shapes and types reach the engine's own checks.
// Seeds: tiny models from `warden model synth` (fuzz/seeds/gguf_fuzz/).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "warden/lm/gguf.h"
#include "warden/lm/gguf_model.h"
#include "warden/lm/transformer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto file = warden::lm::GgufFile::Parse(bytes, "fuzz");
  if (!file.ok()) return 0;
  uint64_t sum = 0;
  for (const warden::lm::GgufTensor& t : file->tensors()) {
    // Touch the first and last byte: ASan reports any extent past the input.
    if (t.nbytes > 0) sum += t.data[0] + t.data[t.nbytes - 1];
  }
  (void)warden::lm::ReadModelVocab(*file);
  auto tf = warden::lm::Transformer::Load(&*file);
  if (!tf.ok()) return static_cast<int>(sum & 0);
  const warden::lm::TransformerConfig& c = (*tf)->config();
  // Keep each run short: skip models too large to run quickly.
  if (static_cast<int64_t>(c.n_layer) * c.d_model * (c.d_ff + c.d_model) > (1 << 22)) return 0;
  auto state = (*tf)->NewState(1);
  std::vector<float> logits(static_cast<size_t>(c.vocab_size));
  const std::vector<warden::TokenId> tokens = {0, c.vocab_size - 1};
  (void)(*tf)->Forward(state.get(), tokens, logits);
  return 0;
}
