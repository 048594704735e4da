// The engine's kernels against their references: number conversions,
// quantization round trips, and each SIMD dot product against its scalar
// twin on random inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "lm/transformer_kernels.h"

namespace warden::lm::detail {
namespace {

TEST(EngineKernels, HalfConversionRoundTripsEveryHalf) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const float f = HalfToFloat(static_cast<uint16_t>(h));
    if (std::isnan(f)) continue;
    ASSERT_EQ(FloatToHalf(f), h) << h;
  }
  EXPECT_EQ(HalfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(HalfToFloat(0xc000), -2.0f);
  EXPECT_EQ(FloatToHalf(1.0f + 1.0f / 4096), 0x3c00);  // ties to even
  EXPECT_EQ(FloatToHalf(1e6f), 0x7c00);
}

TEST(EngineKernels, Bf16RoundsToNearest) {
  EXPECT_EQ(Bf16ToFloat(FloatToBf16(1.0f)), 1.0f);
  EXPECT_EQ(FloatToBf16(-2.0f), 0xc000);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-100, 100);
  for (int i = 0; i < 1000; ++i) {
    const float x = u(rng);
    EXPECT_LE(std::fabs(Bf16ToFloat(FloatToBf16(x)) - x), std::fabs(x) / 256) << x;
  }
}

// Quantize then dequantize stays within each type's step.
TEST(EngineKernels, QuantizeRoundTripWithinStep) {
  std::mt19937 rng(2);
  std::normal_distribution<float> g(0, 1);
  const int64_t n = 256;
  std::vector<float> x(n), y(n);
  for (float& v : x) v = g(rng);
  struct Case {
    GgmlType t;
    float rel;  // error bound as a fraction of the block's max |x|
  };
  for (Case c :
       {Case{GgmlType::kF16, 1e-3f}, Case{GgmlType::kBF16, 8e-3f},
        Case{GgmlType::kQ8_0, 0.5f / 127 + 1e-3f}, Case{GgmlType::kQ5_0, 1.0f / 16 + 1e-3f},
        Case{GgmlType::kQ4_0, 1.0f / 8 + 1e-3f}}) {
    std::vector<uint8_t> buf(static_cast<size_t>(RowBytes(c.t, n)));
    QuantizeRow(c.t, x.data(), n, buf.data());
    DequantizeRow(c.t, buf.data(), n, y.data());
    for (int64_t b = 0; b < n / 32; ++b) {
      float amax = 0;
      for (int i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(x[b * 32 + i]));
      for (int i = 0; i < 32; ++i) {
        ASSERT_LE(std::fabs(x[b * 32 + i] - y[b * 32 + i]), c.rel * amax)
            << GgmlTypeName(c.t) << " at " << b * 32 + i;
      }
    }
  }
}

// Each dot kernel against dequantize-then-multiply in double, and the SIMD
// kernel against the scalar one.
TEST(EngineKernels, DotKernelsMatchReference) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1, 1);
  for (GgmlType t : {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16, GgmlType::kQ8_0,
                     GgmlType::kQ4_0, GgmlType::kQ5_0}) {
    for (int64_t n : {32, 64, 96, 576, 1536}) {
      for (int trial = 0; trial < 20; ++trial) {
        std::vector<float> w(n), x(n), wd(n);
        for (float& v : w) v = u(rng);
        for (float& v : x) v = u(rng) * (trial % 3 == 0 ? 10.0f : 1.0f);
        std::vector<uint8_t> row(static_cast<size_t>(RowBytes(t, n)));
        QuantizeRow(t, w.data(), n, row.data());
        DequantizeRow(t, row.data(), n, wd.data());
        std::vector<ActBlock> xq(static_cast<size_t>(n / 32));
        QuantizeActs(x.data(), n, xq.data());
        // What the kernel should compute: dequantized weights times the
        // activations it sees (quantized ones for the q types).
        double expect = 0, scale = 0;
        for (int64_t i = 0; i < n; ++i) {
          const double xi =
              UsesActBlocks(t) ? static_cast<double>(xq[i / 32].d) * xq[i / 32].qs[i % 32] : x[i];
          expect += static_cast<double>(wd[i]) * xi;
          scale += std::fabs(static_cast<double>(wd[i]) * xi);
        }
        const float scalar = ScalarDot(t)(row.data(), x.data(), xq.data(), n);
        EXPECT_NEAR(scalar, expect, 1e-5 * scale + 1e-6) << GgmlTypeName(t) << " n=" << n;
        if (DotFn simd = SimdDot(t)) {
          const float fast = simd(row.data(), x.data(), xq.data(), n);
          EXPECT_NEAR(fast, scalar, 1e-5 * scale + 1e-6) << GgmlTypeName(t) << " n=" << n;
        }
      }
    }
  }
}

TEST(EngineKernels, SimdCoversTheMainTypes) {
  if (!SimdAvailable()) GTEST_SKIP() << "no AVX2 on this CPU (or WARDEN_NO_SIMD set)";
  for (GgmlType t :
       {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16, GgmlType::kQ8_0, GgmlType::kQ4_0}) {
    EXPECT_NE(SimdDot(t), nullptr) << GgmlTypeName(t);
  }
}

// Threaded MatMul over several tokens equals row-by-row scalar dots.
TEST(EngineKernels, ThreadedMatMulMatchesScalarRows) {
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> u(-1, 1);
  const int64_t rows = 203, cols = 128, tokens = 3;
  ThreadPool pool(3);
  for (GgmlType t : {GgmlType::kF32, GgmlType::kQ8_0, GgmlType::kQ4_0}) {
    std::vector<float> w(rows * cols), x(tokens * cols), y(tokens * rows);
    for (float& v : w) v = u(rng);
    for (float& v : x) v = u(rng);
    const int64_t rb = RowBytes(t, cols);
    std::vector<uint8_t> data(static_cast<size_t>(rows * rb));
    for (int64_t r = 0; r < rows; ++r) QuantizeRow(t, &w[r * cols], cols, &data[r * rb]);
    std::vector<ActBlock> xq(tokens * cols / 32);
    QuantizeActs(x.data(), tokens * cols, xq.data());
    Matrix m{t, data.data(), rows, cols, rb};
    for (int rep = 0; rep < 5; ++rep) {
      MatMul(m, x.data(), xq.data(), tokens, y.data(), &pool, BestDot(t));
      for (int64_t k = 0; k < tokens; ++k) {
        for (int64_t r = 0; r < rows; ++r) {
          const float ref = ScalarDot(t)(&data[r * rb], &x[k * cols], &xq[k * cols / 32], cols);
          ASSERT_NEAR(y[k * rows + r], ref, 1e-4f) << GgmlTypeName(t);
        }
      }
    }
  }
}

TEST(EngineKernels, ThreadPoolCoversEveryIndexOnce) {
  ThreadPool pool(4);
  for (int64_t n : {0, 1, 3, 4, 5, 1000}) {
    std::vector<int> hits(static_cast<size_t>(n), 0);
    pool.ParallelFor(n, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) ++hits[static_cast<size_t>(i)];
    });
    for (int h : hits) ASSERT_EQ(h, 1);
  }
}

}  // namespace
}  // namespace warden::lm::detail
