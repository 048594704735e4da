// Number formats and weight quantization of the engine (reference code; the
// fast paths are in tf_kernels.cc).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "lm/transformer_kernels.h"

namespace warden::lm::detail {
namespace {

float BitsToFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
uint32_t FloatToBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
uint16_t Load16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
void Store16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }

}  // namespace

float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1f;
  const uint32_t mant = h & 0x3ff;
  if (exp == 0) {  // zero or subnormal: mant * 2^-24
    const float v = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -v : v;
  }
  if (exp == 31) return BitsToFloat(sign | 0x7f800000u | (mant << 13));
  return BitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
}

uint16_t FloatToHalf(float f) {
  const uint32_t x = FloatToBits(f);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  const float a = std::fabs(f);
  if (std::isnan(f)) return sign | 0x7e00;
  if (a >= 65520.0f) return sign | 0x7c00;            // rounds to infinity
  if (a < 6.103515625e-05f) {                         // subnormal half: multiples of 2^-24
    const float q = std::nearbyint(a * 16777216.0f);  // ties to even (default mode)
    return sign | static_cast<uint16_t>(q);
  }
  uint32_t u = FloatToBits(a);
  // Round the 13 dropped mantissa bits to nearest even.
  u += 0x0fff + ((u >> 13) & 1);
  const uint32_t exp = (u >> 23) - 112;
  return sign | static_cast<uint16_t>((exp << 10) | ((u >> 13) & 0x3ff));
}

float Bf16ToFloat(uint16_t h) { return BitsToFloat(static_cast<uint32_t>(h) << 16); }

uint16_t FloatToBf16(float f) {
  uint32_t u = FloatToBits(f);
  if (std::isnan(f)) return static_cast<uint16_t>((u >> 16) | 0x40);
  u += 0x7fff + ((u >> 16) & 1);
  return static_cast<uint16_t>(u >> 16);
}

void QuantizeActs(const float* x, int64_t n, ActBlock* out) {
  for (int64_t b = 0; b < n / kBlock; ++b) {
    const float* xb = x + b * kBlock;
    float amax = 0;
    for (int64_t i = 0; i < kBlock; ++i) amax = std::max(amax, std::fabs(xb[i]));
    const float d = amax / 127.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    out[b].d = d;
    for (int64_t i = 0; i < kBlock; ++i) {
      out[b].qs[i] = static_cast<int8_t>(std::lround(xb[i] * id));
    }
  }
}

bool IsSupportedWeightType(GgmlType t) {
  return t == GgmlType::kF32 || t == GgmlType::kF16 || t == GgmlType::kBF16 ||
         t == GgmlType::kQ8_0 || t == GgmlType::kQ4_0 || t == GgmlType::kQ5_0;
}

bool UsesActBlocks(GgmlType t) {
  return t == GgmlType::kQ8_0 || t == GgmlType::kQ4_0 || t == GgmlType::kQ5_0;
}

int64_t RowBytes(GgmlType t, int64_t n) {
  auto info = GetGgmlTypeInfo(t);
  return info ? n / info->block_elems * info->block_bytes : 0;
}

void QuantizeRow(GgmlType t, const float* x, int64_t n, uint8_t* out) {
  switch (t) {
    case GgmlType::kF32:
      std::memcpy(out, x, static_cast<size_t>(n) * 4);
      return;
    case GgmlType::kF16:
      for (int64_t i = 0; i < n; ++i) Store16(out + 2 * i, FloatToHalf(x[i]));
      return;
    case GgmlType::kBF16:
      for (int64_t i = 0; i < n; ++i) Store16(out + 2 * i, FloatToBf16(x[i]));
      return;
    case GgmlType::kQ8_0:
      for (int64_t b = 0; b < n / kBlock; ++b, out += 34) {
        const float* xb = x + b * kBlock;
        float amax = 0;
        for (int i = 0; i < kBlock; ++i) amax = std::max(amax, std::fabs(xb[i]));
        const float d = amax / 127.0f;
        const float id = d != 0 ? 1.0f / d : 0.0f;
        Store16(out, FloatToHalf(d));
        for (int i = 0; i < kBlock; ++i) {
          out[2 + i] = static_cast<uint8_t>(static_cast<int8_t>(std::lround(xb[i] * id)));
        }
      }
      return;
    case GgmlType::kQ4_0:
    case GgmlType::kQ5_0: {
      const bool five = t == GgmlType::kQ5_0;
      const int64_t bytes = five ? 22 : 18;
      const float levels = five ? -16.0f : -8.0f;
      const int top = five ? 31 : 15;
      for (int64_t b = 0; b < n / kBlock; ++b, out += bytes) {
        const float* xb = x + b * kBlock;
        float amax = 0, max = 0;  // max: the value of largest magnitude, signed
        for (int i = 0; i < kBlock; ++i) {
          if (std::fabs(xb[i]) > amax) {
            amax = std::fabs(xb[i]);
            max = xb[i];
          }
        }
        const float d = max / levels;
        const float id = d != 0 ? 1.0f / d : 0.0f;
        Store16(out, FloatToHalf(d));
        uint8_t* qs = out + (five ? 6 : 2);
        uint32_t qh = 0;
        for (int i = 0; i < kBlock / 2; ++i) {
          const int q0 = std::min(top, static_cast<int>(xb[i] * id - levels + 0.5f));
          const int q1 = std::min(top, static_cast<int>(xb[i + 16] * id - levels + 0.5f));
          qs[i] = static_cast<uint8_t>((q0 & 0x0f) | ((q1 & 0x0f) << 4));
          qh |= static_cast<uint32_t>((q0 >> 4) & 1) << i;
          qh |= static_cast<uint32_t>((q1 >> 4) & 1) << (i + 16);
        }
        if (five) std::memcpy(out + 2, &qh, 4);
      }
      return;
    }
    default:
      return;  // callers check IsSupportedWeightType
  }
}

void DequantizeRow(GgmlType t, const uint8_t* row, int64_t n, float* out) {
  switch (t) {
    case GgmlType::kF32:
      std::memcpy(out, row, static_cast<size_t>(n) * 4);
      return;
    case GgmlType::kF16:
      for (int64_t i = 0; i < n; ++i) out[i] = HalfToFloat(Load16(row + 2 * i));
      return;
    case GgmlType::kBF16:
      for (int64_t i = 0; i < n; ++i) out[i] = Bf16ToFloat(Load16(row + 2 * i));
      return;
    case GgmlType::kQ8_0:
      for (int64_t b = 0; b < n / kBlock; ++b, row += 34) {
        const float d = HalfToFloat(Load16(row));
        for (int i = 0; i < kBlock; ++i) {
          out[b * kBlock + i] = d * static_cast<float>(static_cast<int8_t>(row[2 + i]));
        }
      }
      return;
    case GgmlType::kQ4_0:
    case GgmlType::kQ5_0: {
      const bool five = t == GgmlType::kQ5_0;
      const int64_t bytes = five ? 22 : 18;
      const int offset = five ? 16 : 8;
      for (int64_t b = 0; b < n / kBlock; ++b, row += bytes) {
        const float d = HalfToFloat(Load16(row));
        uint32_t qh = 0;
        if (five) std::memcpy(&qh, row + 2, 4);
        const uint8_t* qs = row + (five ? 6 : 2);
        for (int i = 0; i < kBlock / 2; ++i) {
          const int q0 = (qs[i] & 0x0f) | static_cast<int>(((qh >> i) & 1) << 4);
          const int q1 = (qs[i] >> 4) | static_cast<int>(((qh >> (i + 16)) & 1) << 4);
          out[b * kBlock + i] = d * static_cast<float>(q0 - offset);
          out[b * kBlock + i + 16] = d * static_cast<float>(q1 - offset);
        }
      }
      return;
    }
    default:
      std::fill(out, out + n, 0.0f);
      return;
  }
}

}  // namespace warden::lm::detail
