// ThreadPool: workers spin briefly for the next loop (a decode step runs
// hundreds of small matrix products, too short to pay a sleep/wake each),
// then sleep on a condition variable so an idle model costs no CPU.
#include <atomic>
#include <condition_variable>
#include <immintrin.h>
#include <mutex>
#include <thread>
#include <vector>

#include "lm/tf_kernels.h"

namespace warden::tf {

struct ThreadPool::Shared {
  std::mutex mu;
  std::condition_variable wake;
  std::atomic<uint64_t> epoch{0};
  std::atomic<int> pending{0};
  std::atomic<bool> stop{false};
  const std::function<void(int64_t, int64_t)>* fn = nullptr;
  int64_t n = 0;
  std::vector<std::thread> workers;
};

namespace {
constexpr int kSpins = 20000;  // ~ tens of microseconds
}

ThreadPool::ThreadPool(int threads) : threads_(threads < 1 ? 1 : threads) {
  shared_ = std::make_unique<Shared>();
  Shared* s = shared_.get();
  for (int k = 1; k < threads_; ++k) {
    s->workers.emplace_back([s, k, total = threads_] {
      uint64_t seen = 0;
      for (;;) {
        uint64_t e = s->epoch.load(std::memory_order_acquire);
        for (int spin = 0; e == seen && spin < kSpins; ++spin) {
          _mm_pause();
          e = s->epoch.load(std::memory_order_acquire);
        }
        if (e == seen) {
          std::unique_lock<std::mutex> lock(s->mu);
          s->wake.wait(lock, [&] {
            return s->stop.load() || s->epoch.load(std::memory_order_acquire) != seen;
          });
          e = s->epoch.load(std::memory_order_acquire);
        }
        if (s->stop.load()) return;
        seen = e;
        const int64_t b = s->n * k / total, end = s->n * (k + 1) / total;
        if (b < end) (*s->fn)(b, end);
        s->pending.fetch_sub(1, std::memory_order_acq_rel);
      }
    });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->stop.store(true);
  }
  shared_->wake.notify_all();
  for (auto& t : shared_->workers) t.join();
}

void ThreadPool::ParallelFor(int64_t n, const std::function<void(int64_t, int64_t)>& fn) {
  if (threads_ == 1 || n < 2) {
    if (n > 0) fn(0, n);
    return;
  }
  Shared* s = shared_.get();
  {
    std::lock_guard<std::mutex> lock(s->mu);
    s->fn = &fn;
    s->n = n;
    s->pending.store(threads_ - 1, std::memory_order_relaxed);
    s->epoch.fetch_add(1, std::memory_order_acq_rel);
  }
  s->wake.notify_all();
  const int64_t end = n / threads_;
  if (end > 0) fn(0, end);
  while (s->pending.load(std::memory_order_acquire) != 0) _mm_pause();
}

}  // namespace warden::tf
