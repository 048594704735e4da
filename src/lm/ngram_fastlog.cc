#include "lm/ngram_fastlog.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace warden::lm::detail {
namespace {

// Cephes logf (S. L. Moshier), valid for positive normal floats: x = m 2^e
// with m in [sqrt(1/2), sqrt(2)), log x = log m + e log 2, log(1 + f) by a
// degree-9 polynomial, and log 2 split in two parts for accuracy.
inline float LogNormal(float x) {
  // Adding 1 - sqrt(1/2) (as float bits) to x carries into the exponent
  // exactly when the mantissa is >= sqrt(2), which moves the mantissa into
  // [sqrt(1/2), sqrt(2)) with integer operations only (no branch, no select).
  constexpr uint32_t kSqrtHalf = 0x3f3504f3u;
  const uint32_t bits = std::bit_cast<uint32_t>(x) + (0x3f800000u - kSqrtHalf);
  const int32_t e = static_cast<int32_t>(bits >> 23) - 127;
  const float m = std::bit_cast<float>((bits & 0x007fffffu) + kSqrtHalf);
  const float f = m - 1.0f;
  const float z = f * f;
  float p = 7.0376836292e-2f;
  p = p * f - 1.1514610310e-1f;
  p = p * f + 1.1676998740e-1f;
  p = p * f - 1.2420140846e-1f;
  p = p * f + 1.4249322787e-1f;
  p = p * f - 1.6668057665e-1f;
  p = p * f + 2.0000714765e-1f;
  p = p * f - 2.4999993993e-1f;
  p = p * f + 3.3333331174e-1f;
  const float ef = static_cast<float>(e);
  float y = p * f * z;
  y += -2.12194440e-4f * ef;
  y += -0.5f * z;
  return (f + y) + 0.693359375f * ef;
}

}  // namespace

void LogInPlace(std::span<float> x) {
  constexpr float kMin = std::numeric_limits<float>::min();  // smallest normal
  constexpr float kMax = std::numeric_limits<float>::max();
  float* v = x.data();
  const size_t n = x.size();
  int odd = 0;  // bitwise, not ||, so that the loop vectorizes
  for (size_t i = 0; i < n; ++i) odd |= (v[i] < kMin) | (v[i] > kMax) | (v[i] != v[i]);
  if (odd) {
    LogInPlaceReference(x);
    return;
  }
  for (size_t i = 0; i < n; ++i) v[i] = LogNormal(v[i]);
}

void LogInPlaceReference(std::span<float> x) {
  for (float& v : x) v = std::log(v);
}

}  // namespace warden::lm::detail
