// ThreadPool: a parallel loop is cut into a few chunks per thread that the
// caller and the workers claim one by one, so a worker the OS has not
// scheduled yet (a busy machine) delays nothing: the caller takes its chunks.
// Workers spin briefly for the next loop (a decode step runs hundreds of
// small matrix products, too short to pay a sleep and wake each), then sleep
// on a condition variable so an idle model costs no CPU.
//
// Claiming: `next` packs (job id << 32 | chunk index). A worker claims with a
// compare-exchange that only succeeds for the job it woke for, so a late
// worker can neither skip nor repeat a chunk of a newer job, and it touches
// the job's function only after a successful claim. The caller returns once
// every chunk is claimed and no worker is inside a claim-and-run (`active`).
#include <immintrin.h>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "lm/transformer_kernels.h"
#include "warden/core/parallel.h"

namespace warden::lm::detail {

struct ThreadPool::Shared {
  std::mutex mu;
  std::condition_variable wake;
  std::atomic<uint64_t> job{0};
  std::atomic<uint64_t> next{0};
  std::atomic<int> active{0};
  std::atomic<int> sleepers{0};
  std::atomic<bool> stop{false};
  std::atomic<const std::function<void(int64_t, int64_t)>*> fn{nullptr};
  std::atomic<int64_t> n{0}, chunks{0};
  std::vector<std::thread> workers;

  // Runs chunks of job `id` until none is left or a newer job started.
  void RunChunks(uint64_t id) {
    uint64_t v = next.load();
    for (;;) {
      if ((v >> 32) != (id & 0xffffffffu)) return;
      const int64_t c = static_cast<int64_t>(v & 0xffffffffu);
      if (c >= chunks.load()) return;
      if (!next.compare_exchange_weak(v, v + 1)) continue;
      const int64_t total = n.load(), k = chunks.load();
      (*fn.load())(total * c / k, total * (c + 1) / k);
      v = next.load();
    }
  }
};

namespace {
constexpr int kSpins = 4000;
}

ThreadPool::ThreadPool(int threads) : threads_(core::ResolveThreads(threads)) {
  shared_ = std::make_unique<Shared>();
  Shared* s = shared_.get();
  for (int k = 1; k < threads_; ++k) {
    s->workers.emplace_back([s] {
      uint64_t seen = 0;
      for (;;) {
        uint64_t j = s->job.load();
        for (int spin = 0; j == seen && spin < kSpins && !s->stop.load(); ++spin) {
          _mm_pause();
          j = s->job.load();
        }
        if (j == seen) {
          std::unique_lock<std::mutex> lock(s->mu);
          s->sleepers.fetch_add(1);
          s->wake.wait(lock, [&] { return s->stop.load() || s->job.load() != seen; });
          s->sleepers.fetch_sub(1);
          j = s->job.load();
        }
        if (s->stop.load()) return;
        seen = j;
        s->active.fetch_add(1);
        s->RunChunks(j);
        s->active.fetch_sub(1);
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
  const uint64_t id = s->job.load() + 1;
  s->fn.store(&fn);
  s->n.store(n);
  s->chunks.store(std::min<int64_t>(n, 4 * threads_));
  s->next.store((id & 0xffffffffu) << 32);
  s->job.store(id);
  if (s->sleepers.load() > 0) {
    { std::lock_guard<std::mutex> lock(s->mu); }
    s->wake.notify_all();
  }
  s->RunChunks(id);
  for (int spin = 0; s->active.load() != 0; ++spin) {
    if (spin < kSpins) {
      _mm_pause();
    } else {
      std::this_thread::yield();
    }
  }
}

}  // namespace warden::lm::detail
