#include "warden/core/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

namespace warden::core {
namespace {

TEST(ResolveThreadsTest, PositiveAsIsOtherwiseAllCoresAtLeastOne) {
  EXPECT_EQ(ResolveThreads(1), 1);
  EXPECT_EQ(ResolveThreads(7), 7);
  EXPECT_EQ(ResolveThreads(300), 300);
  const int all = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  EXPECT_EQ(ResolveThreads(0), all);
  EXPECT_EQ(ResolveThreads(-3), all);
  EXPECT_GE(ResolveThreads(0), 1);
}

// Every index in [0, n) visited exactly once, by chunks that lie in range.
void ExpectExactCover(const std::vector<std::atomic<int>>& visits) {
  for (size_t i = 0; i < visits.size(); ++i) {
    ASSERT_EQ(visits[i].load(), 1) << "index " << i << " of " << visits.size();
  }
}

TEST(ParallelForTest, RandomSizesVisitEveryIndexOnceInFixedChunks) {
  std::mt19937_64 rng(20261204);
  for (int round = 0; round < 300; ++round) {
    const size_t n = round < 20 ? static_cast<size_t>(round) : rng() % 5000;
    const int threads = static_cast<int>(rng() % 20) - 2;  // includes 0 and negatives
    const size_t k = n == 0 ? 0 : std::min(n, static_cast<size_t>(std::max(threads, 1)));
    std::vector<std::atomic<int>> visits(n);
    std::vector<std::atomic<int>> chunk_calls(k);
    std::atomic<bool> bad_chunk{false};
    ParallelFor(n, threads, [&](size_t begin, size_t end, int worker) {
      const size_t w = static_cast<size_t>(worker);
      // The documented partition: chunk w is [n * w / k, n * (w + 1) / k).
      if (w >= k || begin != n * w / k || end != n * (w + 1) / k || begin >= end) {
        bad_chunk = true;
        return;
      }
      chunk_calls[w].fetch_add(1);
      for (size_t i = begin; i < end; ++i) visits[i].fetch_add(1);
    });
    ASSERT_FALSE(bad_chunk) << "n=" << n << " threads=" << threads;
    for (size_t w = 0; w < k; ++w) ASSERT_EQ(chunk_calls[w].load(), 1);
    ExpectExactCover(visits);
  }
}

TEST(ParallelForTest, PartitionDependsOnlyOnSizeAndThreads) {
  // A per-chunk result (here the chunk's sum) is the same on every run.
  auto sums = [](size_t n, int threads) {
    std::vector<uint64_t> out(static_cast<size_t>(threads));
    ParallelFor(n, threads, [&](size_t b, size_t e, int w) {
      for (size_t i = b; i < e; ++i) out[static_cast<size_t>(w)] += i * i;
    });
    return out;
  };
  for (int t = 1; t <= 8; ++t) {
    const auto first = sums(10007, t);
    for (int rep = 0; rep < 5; ++rep) EXPECT_EQ(sums(10007, t), first);
  }
}

TEST(ParallelForDynamicTest, RandomSizesVisitEveryIndexOnceInBlocks) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    const size_t n = round < 20 ? static_cast<size_t>(round) : rng() % 5000;
    const int threads = static_cast<int>(rng() % 20) - 2;
    const size_t grain = rng() % 300;  // includes 0 (= 1)
    const size_t g = std::max<size_t>(grain, 1);
    std::vector<std::atomic<int>> visits(n);
    std::atomic<bool> bad_block{false};
    ParallelForDynamic(n, threads, grain, [&](size_t begin, size_t end, int worker) {
      if (worker < 0 || worker >= std::max(threads, 1) || begin % g != 0 || begin >= end ||
          end != std::min(n, begin + g)) {
        bad_block = true;
        return;
      }
      for (size_t i = begin; i < end; ++i) visits[i].fetch_add(1);
    });
    ASSERT_FALSE(bad_block) << "n=" << n << " threads=" << threads << " grain=" << grain;
    ExpectExactCover(visits);
  }
}

TEST(ParallelForTest, ExceptionsReachTheCallerAfterAllChunksFinish) {
  for (int threads : {1, 4}) {
    std::atomic<int> done{0};
    EXPECT_THROW(ParallelFor(8, threads,
                             [&](size_t b, size_t, int) {
                               if (b == 0) throw std::runtime_error("boom");
                               done.fetch_add(1);
                             }),
                 std::runtime_error);
    EXPECT_EQ(done.load(), threads == 1 ? 0 : 3);
    EXPECT_THROW(ParallelForDynamic(100, threads, 1,
                                    [&](size_t b, size_t, int) {
                                      if (b == 50) throw std::runtime_error("boom");
                                    }),
                 std::runtime_error);
  }
}

}  // namespace
}  // namespace warden::core
