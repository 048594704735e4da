// Dot-product kernels (scalar references and AVX2 versions chosen at run
// time) and the threaded matrix product built on them.
#include <cpuid.h>
#include <immintrin.h>

#include <cstdlib>
#include <cstring>

#include "lm/transformer_kernels.h"

namespace warden::lm::detail {
namespace {

uint16_t Load16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

// ---- scalar references ----

float DotF32(const uint8_t* row, const float* x, const ActBlock*, int64_t n) {
  const float* w = reinterpret_cast<const float*>(row);
  float s = 0;
  for (int64_t i = 0; i < n; ++i) s += w[i] * x[i];
  return s;
}

float DotF16(const uint8_t* row, const float* x, const ActBlock*, int64_t n) {
  float s = 0;
  for (int64_t i = 0; i < n; ++i) s += HalfToFloat(Load16(row + 2 * i)) * x[i];
  return s;
}

float DotBF16(const uint8_t* row, const float* x, const ActBlock*, int64_t n) {
  float s = 0;
  for (int64_t i = 0; i < n; ++i) s += Bf16ToFloat(Load16(row + 2 * i)) * x[i];
  return s;
}

float DotQ8_0(const uint8_t* row, const float*, const ActBlock* xq, int64_t n) {
  float s = 0;
  for (int64_t b = 0; b < n / kBlock; ++b, row += 34) {
    int32_t isum = 0;
    for (int i = 0; i < kBlock; ++i) isum += static_cast<int8_t>(row[2 + i]) * xq[b].qs[i];
    s += HalfToFloat(Load16(row)) * xq[b].d * static_cast<float>(isum);
  }
  return s;
}

float DotQ4_0(const uint8_t* row, const float*, const ActBlock* xq, int64_t n) {
  float s = 0;
  for (int64_t b = 0; b < n / kBlock; ++b, row += 18) {
    int32_t isum = 0;
    for (int i = 0; i < kBlock / 2; ++i) {
      isum += ((row[2 + i] & 0x0f) - 8) * xq[b].qs[i];
      isum += ((row[2 + i] >> 4) - 8) * xq[b].qs[i + 16];
    }
    s += HalfToFloat(Load16(row)) * xq[b].d * static_cast<float>(isum);
  }
  return s;
}

float DotQ5_0(const uint8_t* row, const float*, const ActBlock* xq, int64_t n) {
  float s = 0;
  for (int64_t b = 0; b < n / kBlock; ++b, row += 22) {
    uint32_t qh;
    std::memcpy(&qh, row + 2, 4);
    const uint8_t* qs = row + 6;
    int32_t isum = 0;
    for (int i = 0; i < kBlock / 2; ++i) {
      const int q0 = (qs[i] & 0x0f) | static_cast<int>(((qh >> i) & 1) << 4);
      const int q1 = (qs[i] >> 4) | static_cast<int>(((qh >> (i + 16)) & 1) << 4);
      isum += (q0 - 16) * xq[b].qs[i] + (q1 - 16) * xq[b].qs[i + 16];
    }
    s += HalfToFloat(Load16(row)) * xq[b].d * static_cast<float>(isum);
  }
  return s;
}

// ---- AVX2 ----
#define WARDEN_AVX2 __attribute__((target("avx2,fma,f16c")))

WARDEN_AVX2 float HorizontalSum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

WARDEN_AVX2 float DotF32Avx2(const uint8_t* row, const float* x, const ActBlock*, int64_t n) {
  const float* w = reinterpret_cast<const float*>(row);
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), a0);
    a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 8), _mm256_loadu_ps(x + i + 8), a1);
  }
  float s = HorizontalSum(_mm256_add_ps(a0, a1));
  for (; i < n; ++i) s += w[i] * x[i];
  return s;
}

WARDEN_AVX2 float DotF16Avx2(const uint8_t* row, const float* x, const ActBlock*, int64_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 w0 =
        _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * i)));
    const __m256 w1 =
        _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * i + 16)));
    a0 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + i), a0);
    a1 = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x + i + 8), a1);
  }
  float s = HorizontalSum(_mm256_add_ps(a0, a1));
  for (; i < n; ++i) s += _cvtsh_ss(Load16(row + 2 * i)) * x[i];
  return s;
}

WARDEN_AVX2 float DotBF16Avx2(const uint8_t* row, const float* x, const ActBlock*, int64_t n) {
  __m256 a0 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i h =
        _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * i)));
    const __m256 w = _mm256_castsi256_ps(_mm256_slli_epi32(h, 16));
    a0 = _mm256_fmadd_ps(w, _mm256_loadu_ps(x + i), a0);
  }
  float s = HorizontalSum(a0);
  for (; i < n; ++i) s += Bf16ToFloat(Load16(row + 2 * i)) * x[i];
  return s;
}

// Sum of products of 32 signed bytes, as 8 int32 lanes turned to float.
WARDEN_AVX2 __m256 BlockDot(__m256i w, __m256i x) {
  const __m256i aw = _mm256_sign_epi8(w, w);  // |w|, as unsigned
  const __m256i sx = _mm256_sign_epi8(x, w);  // x with w's sign
  const __m256i p16 = _mm256_maddubs_epi16(aw, sx);
  return _mm256_cvtepi32_ps(_mm256_madd_epi16(p16, _mm256_set1_epi16(1)));
}

// One block's weighted contribution: d_w * d_x * (w . x) in 8 lanes.
WARDEN_AVX2 __m256 Q8Block(const uint8_t* blk, const ActBlock& x) {
  const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 2));
  const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.qs));
  return _mm256_mul_ps(_mm256_set1_ps(_cvtsh_ss(Load16(blk)) * x.d), BlockDot(w, q));
}

WARDEN_AVX2 __m256 Q4Block(const uint8_t* blk, const ActBlock& x) {
  const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + 2));
  __m256i w = _mm256_set_m128i(_mm_srli_epi16(packed, 4), packed);
  w = _mm256_sub_epi8(_mm256_and_si256(w, _mm256_set1_epi8(0x0f)), _mm256_set1_epi8(8));
  const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x.qs));
  return _mm256_mul_ps(_mm256_set1_ps(_cvtsh_ss(Load16(blk)) * x.d), BlockDot(w, q));
}

// Four independent accumulators: one chain of adds would make the add
// latency, not memory, the limit (a 576-wide row is only 18 blocks).
template <__m256 (*Block)(const uint8_t*, const ActBlock&), int64_t kBytes>
WARDEN_AVX2 float DotBlocksAvx2(const uint8_t* row, const ActBlock* xq, int64_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  const int64_t blocks = n / kBlock;
  int64_t b = 0;
  for (; b + 4 <= blocks; b += 4) {
    a0 = _mm256_add_ps(a0, Block(row + b * kBytes, xq[b]));
    a1 = _mm256_add_ps(a1, Block(row + (b + 1) * kBytes, xq[b + 1]));
    a2 = _mm256_add_ps(a2, Block(row + (b + 2) * kBytes, xq[b + 2]));
    a3 = _mm256_add_ps(a3, Block(row + (b + 3) * kBytes, xq[b + 3]));
  }
  for (; b < blocks; ++b) a0 = _mm256_add_ps(a0, Block(row + b * kBytes, xq[b]));
  return HorizontalSum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
}

WARDEN_AVX2 float DotQ8_0Avx2(const uint8_t* row, const float*, const ActBlock* xq, int64_t n) {
  return DotBlocksAvx2<Q8Block, 34>(row, xq, n);
}

WARDEN_AVX2 float DotQ4_0Avx2(const uint8_t* row, const float*, const ActBlock* xq, int64_t n) {
  return DotBlocksAvx2<Q4Block, 18>(row, xq, n);
}

#undef WARDEN_AVX2

bool CpuHasAvx2() {
  static const bool has = [] {
    const char* off = std::getenv("WARDEN_NO_SIMD");
    if (off != nullptr && *off != '\0' && *off != '0') return false;
    __builtin_cpu_init();
    // F16C via cpuid: not every compiler's __builtin_cpu_supports knows it.
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    const bool f16c = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_F16C) != 0;
    return f16c && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return has;
}

}  // namespace

DotFn ScalarDot(GgmlType t) {
  switch (t) {
    case GgmlType::kF32:
      return DotF32;
    case GgmlType::kF16:
      return DotF16;
    case GgmlType::kBF16:
      return DotBF16;
    case GgmlType::kQ8_0:
      return DotQ8_0;
    case GgmlType::kQ4_0:
      return DotQ4_0;
    case GgmlType::kQ5_0:
      return DotQ5_0;
    default:
      return nullptr;
  }
}

DotFn SimdDot(GgmlType t) {
  if (!CpuHasAvx2()) return nullptr;
  switch (t) {
    case GgmlType::kF32:
      return DotF32Avx2;
    case GgmlType::kF16:
      return DotF16Avx2;
    case GgmlType::kBF16:
      return DotBF16Avx2;
    case GgmlType::kQ8_0:
      return DotQ8_0Avx2;
    case GgmlType::kQ4_0:
      return DotQ4_0Avx2;
    default:
      return nullptr;  // q5_0 runs the scalar kernel
  }
}

DotFn BestDot(GgmlType t) {
  DotFn f = SimdDot(t);
  return f != nullptr ? f : ScalarDot(t);
}

bool SimdAvailable() { return CpuHasAvx2(); }

void MatMul(const Matrix& w, const float* x, const ActBlock* xq, int64_t n_tokens, float* y,
            ThreadPool* pool, DotFn dot) {
  const int64_t blocks_per_token = w.cols / kBlock;
  auto work = [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const uint8_t* row = w.data + r * w.row_bytes;
      for (int64_t t = 0; t < n_tokens; ++t) {
        y[t * w.rows + r] =
            dot(row, x + t * w.cols, xq ? xq + t * blocks_per_token : nullptr, w.cols);
      }
    }
  };
  // Small matrices are not worth waking the workers for.
  if (pool == nullptr || pool->size() == 1 || w.rows * w.cols * n_tokens < 16384) {
    work(0, w.rows);
  } else {
    pool->ParallelFor(w.rows, work);
  }
}

}  // namespace warden::lm::detail
