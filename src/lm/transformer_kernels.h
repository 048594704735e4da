// Numeric kernels of the transformer engine: number formats, quantization,
// dot products and threaded matrix products.
//
// Every fast kernel has a plain scalar twin (the reference) that
// tests/engine/kernels_test.cc compares it with on random inputs. The AVX2
// versions are compiled with __attribute__((target("avx2,fma,f16c"))) and
// chosen at run time when the CPU has those features (and
// $WARDEN_NO_SIMD is unset), so one binary runs on any x86-64.
//
// Quantized weights (q8_0, q4_0, q5_0) are multiplied with activations that
// are themselves quantized to 8 bits in blocks of 32 (ActBlock), so the inner
// loop is an integer dot product, as in llama.cpp; float weights (f32, f16,
// bf16) are multiplied with float activations.
#ifndef WARDEN_SRC_LM_TRANSFORMER_KERNELS_H_
#define WARDEN_SRC_LM_TRANSFORMER_KERNELS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "warden/lm/gguf.h"

namespace warden::lm::detail {

float HalfToFloat(uint16_t h);
uint16_t FloatToHalf(float f);  // round to nearest even
float Bf16ToFloat(uint16_t h);
uint16_t FloatToBf16(float f);  // round to nearest even

constexpr int64_t kBlock = 32;
// 32 activations quantized to int8 with one float scale: x ~= d * qs[i].
struct ActBlock {
  float d;
  int8_t qs[kBlock];
};
// n must be a multiple of 32. d = max|x| / 127, q = round(x / d).
void QuantizeActs(const float* x, int64_t n, ActBlock* out);

// The engine can multiply weights of these types.
bool IsSupportedWeightType(GgmlType t);
// Whether `t` multiplies with ActBlocks (quantized) rather than floats.
bool UsesActBlocks(GgmlType t);
// Bytes of one row of n elements (n a multiple of the block size).
int64_t RowBytes(GgmlType t, int64_t n);
// Weight encoding, llama.cpp's reference rounding. n a multiple of the block.
void QuantizeRow(GgmlType t, const float* x, int64_t n, uint8_t* out);
void DequantizeRow(GgmlType t, const uint8_t* row, int64_t n, float* out);

// Dot product of one weight row of n elements with x (float) or xq (blocks).
using DotFn = float (*)(const uint8_t* row, const float* x, const ActBlock* xq, int64_t n);
DotFn ScalarDot(GgmlType t);
// The AVX2 kernel for t, or nullptr when there is none or the CPU lacks AVX2.
DotFn SimdDot(GgmlType t);
// SimdDot when available, else ScalarDot.
DotFn BestDot(GgmlType t);
bool SimdAvailable();

// A fixed set of worker threads running one parallel loop at a time.
class ThreadPool {
 public:
  // `threads` counts the caller; 0 = all cores (core::ResolveThreads).
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  int size() const { return threads_; }
  // Calls fn(begin, end) on disjoint chunks covering [0, n); returns when all
  // chunks are done. Not reentrant.
  void ParallelFor(int64_t n, const std::function<void(int64_t, int64_t)>& fn);

 private:
  struct Shared;
  int threads_;
  std::unique_ptr<Shared> shared_;
};

// A weight matrix in GGUF layout: `rows` rows of `cols` elements each.
struct Matrix {
  GgmlType type = GgmlType::kF32;
  const uint8_t* data = nullptr;
  int64_t rows = 0, cols = 0;
  int64_t row_bytes = 0;
};

// y[t * w.rows + r] = dot(row r of w, x[t * w.cols ...]) for t < n_tokens.
// `xq` must hold QuantizeActs of x when UsesActBlocks(w.type). Rows are split
// across the pool; each row is read once for all tokens.
void MatMul(const Matrix& w, const float* x, const ActBlock* xq, int64_t n_tokens, float* y,
            ThreadPool* pool, DotFn dot);

}  // namespace warden::lm::detail

#endif  // WARDEN_SRC_LM_TRANSFORMER_KERNELS_H_
