// Fan-out helpers (warden/core/parallel.h).
#include "warden/core/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace warden::core {
namespace {

// Keeps the first exception thrown by any worker.
class FirstError {
 public:
  void Capture() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_) error_ = std::current_exception();
    failed_.store(true, std::memory_order_relaxed);
  }
  bool failed() const { return failed_.load(std::memory_order_relaxed); }
  void RethrowIfAny() {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mu_;
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};
};

}  // namespace

int ResolveThreads(int requested) {
  if (requested > 0) return requested;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void ParallelFor(size_t n, int threads,
                 const std::function<void(size_t begin, size_t end, int worker)>& fn) {
  if (n == 0) return;
  const size_t k = std::min(n, static_cast<size_t>(std::max(threads, 1)));
  if (k == 1) {
    fn(0, n, 0);
    return;
  }
  FirstError error;
  auto chunk = [&](size_t w) {
    try {
      fn(n * w / k, n * (w + 1) / k, static_cast<int>(w));
    } catch (...) {
      error.Capture();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(k - 1);
  size_t w = 1;
  try {
    for (; w < k; ++w) pool.emplace_back(chunk, w);
  } catch (const std::system_error&) {
    // Out of threads: the chunks not started run here, after chunk 0.
  }
  chunk(0);
  for (; w < k; ++w) chunk(w);
  for (std::thread& t : pool) t.join();
  error.RethrowIfAny();
}

void ParallelForDynamic(size_t n, int threads, size_t grain,
                        const std::function<void(size_t begin, size_t end, int worker)>& fn) {
  if (n == 0) return;
  grain = std::max<size_t>(grain, 1);
  const size_t blocks = (n - 1) / grain + 1;
  const size_t k = std::min(blocks, static_cast<size_t>(std::max(threads, 1)));
  std::atomic<size_t> next{0};
  FirstError error;
  auto work = [&](int worker) {
    try {
      while (!error.failed()) {
        const size_t begin = next.fetch_add(grain, std::memory_order_relaxed);
        if (begin >= n) return;
        fn(begin, std::min(n, begin + grain), worker);
      }
    } catch (...) {
      error.Capture();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(k - 1);
  try {
    for (size_t w = 1; w < k; ++w) pool.emplace_back(work, static_cast<int>(w));
  } catch (const std::system_error&) {
    // Fewer threads than asked is still correct: the rest share the work.
  }
  work(0);
  for (std::thread& t : pool) t.join();
  error.RethrowIfAny();
}

}  // namespace warden::core
