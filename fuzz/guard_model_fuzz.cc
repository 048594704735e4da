// libFuzzer target: LinearTextClassifier::Parse on arbitrary bytes must
// return an error or a usable model, never crash or read out of bounds. A
// model that parses scores a text taken from the input's tail.
//
// Each input is tried twice: as is (the checksum check) and resealed with a
// correct trailing XXH3 checksum (include/warden/guard/classifier.h), so
// that mutations reach the field checks behind it. Seeds: small valid models
// (fuzz/seeds/guard_model_fuzz/, written by a 2-class, 2^8-bucket training).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "warden/core/hash.h"
#include "warden/guard/classifier.h"

namespace {

void TryParse(std::string_view bytes) {
  auto model = warden::guard::LinearTextClassifier::Parse(bytes, "fuzz");
  if (!model.ok()) return;
  const std::string_view tail = bytes.substr(bytes.size() > 64 ? bytes.size() - 64 : 0);
  const std::vector<double> p = model->Predict(tail, {"override"});
  double sum = 0;
  for (double x : p) sum += x;
  if (!(sum > 0.99 && sum < 1.01)) __builtin_trap();
  (void)model->Explain(tail, {}, 0, 3);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  TryParse(bytes);
  if (size >= 8) {
    std::string resealed(bytes.substr(0, size - 8));
    const uint64_t sum = warden::core::Hash64(resealed);
    resealed.append(reinterpret_cast<const char*>(&sum), 8);
    TryParse(resealed);
  }
  return 0;
}
