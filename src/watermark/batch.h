// Internal: the work loop behind the batch detectors (WatermarkDetector::
// DetectBatch, TextWatermarkDetector::CertifyBatch). Documents vary in
// length, so they are handed out one index at a time to a small pool.
#ifndef WARDEN_SRC_WATERMARK_BATCH_H_
#define WARDEN_SRC_WATERMARK_BATCH_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

namespace warden::watermark::detail {

// Calls fn(i) once for every i in [0, n), from up to `threads` threads (0:
// the hardware concurrency; never more threads than items). fn must be safe
// to call concurrently for different i. Returns when all calls are done.
template <typename Fn>
void ForEachIndex(size_t n, int threads, const Fn& fn) {
  size_t workers = threads > 0 ? static_cast<size_t>(threads)
                               : std::max(1U, std::thread::hardware_concurrency());
  workers = std::min(workers, n);
  if (workers <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) fn(i);
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (size_t t = 1; t < workers; ++t) {
    // Fewer threads than asked is still correct: the rest share the work.
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      break;
    }
  }
  work();
  for (auto& th : pool) th.join();
}

}  // namespace warden::watermark::detail

#endif  // WARDEN_SRC_WATERMARK_BATCH_H_
