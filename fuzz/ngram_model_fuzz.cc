// libFuzzer target: NgramModel::LoadFromBytes on arbitrary bytes must return
// an error or a usable model, never crash or read out of bounds. A model that
// loads is queried once with a context taken from the input's tail.
//
// Each input is tried twice: as is (the checksum check itself) and resealed
// with a correct checksum as docs/formats.md defines it, so that mutations
// reach the structural checks behind the checksum. Seed the corpus with
// small valid models (NgramModel::TrainToBytes on a few documents).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/hash.h"
#include "warden/lm/ngram.h"

namespace {

constexpr size_t kHeaderSize = 64;
constexpr size_t kChecksumAt = 48;

void TryLoad(std::string_view bytes) {
  auto model = warden::lm::NgramModel::LoadFromBytes(bytes, "fuzz");
  if (!model.ok()) return;
  const warden::lm::NgramModel& m = **model;
  std::vector<warden::TokenId> context(8, 0);
  for (size_t i = 0; i < context.size() && i < bytes.size(); ++i) {
    context[i] = static_cast<unsigned char>(bytes[bytes.size() - 1 - i]);
  }
  std::vector<float> probs(static_cast<size_t>(m.vocab_size()));
  m.Distribution(context, probs);
  (void)m.LogProb(context, context[0]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  TryLoad(bytes);
  if (size >= kHeaderSize) {
    std::string sealed(bytes);
    std::memset(sealed.data() + kChecksumAt, 0, 8);
    const uint64_t seed = warden::core::Hash64(std::string_view(sealed).substr(0, kHeaderSize));
    const uint64_t sum = warden::core::Hash64(std::string_view(sealed).substr(kHeaderSize), seed);
    std::memcpy(sealed.data() + kChecksumAt, &sum, 8);
    TryLoad(sealed);
  }
  return 0;
}
