// Fan-out helpers for the library's data-parallel loops: one rule for how
// many threads a "threads" option means (ResolveThreads) and two ways to run
// a loop over [0, n) on short-lived threads, the caller's included.
//
// ParallelFor cuts [0, n) into contiguous chunks fixed by n and the thread
// count alone, for work whose result depends on the partition (per-chunk
// partial results merged afterwards). ParallelForDynamic hands out blocks of
// `grain` indices in order as threads become free, for per-index work of
// uneven cost whose result does not depend on which thread ran it.
//
// Ownership: nothing is retained; `fn` is only used during the call.
// Thread safety: the functions are reentrant. `fn` runs on several threads
// at once and must synchronise any state that chunks share. Persistent pools
// for fine-grained loops (the transformer's) live with their users.
#ifndef WARDEN_CORE_PARALLEL_H_
#define WARDEN_CORE_PARALLEL_H_

#include <cstddef>
#include <functional>

namespace warden::core {

// The number of threads a "threads" option asks for: `requested` when it is
// positive, otherwise (0 = all cores) std::thread::hardware_concurrency(),
// at least 1.
int ResolveThreads(int requested);

// Calls fn(begin, end, worker) for k = min(threads, n) contiguous chunks
// covering [0, n): chunk w is [n * w / k, n * (w + 1) / k) and is passed
// worker = w. `threads` is the count to use (see ResolveThreads); below 1 it
// means 1. Chunk 0 runs on the calling thread; if a thread cannot be started
// its chunk runs on the calling thread too, so the partition never changes.
// Does nothing when n == 0. If `fn` throws, the first exception (by time) is
// rethrown after every started chunk has finished.
void ParallelFor(size_t n, int threads,
                 const std::function<void(size_t begin, size_t end, int worker)>& fn);

// Calls fn(begin, end, worker) on blocks [i, min(i + grain, n)) for i = 0,
// grain, 2 * grain, ..., handed out in order to min(threads, ceil(n / grain))
// threads (the caller's is worker 0; worker ids are in [0, threads)). A
// worker that cannot be started leaves its share to the others. grain == 0
// means 1. If `fn` throws, no further blocks are handed out and the first
// exception is rethrown once all workers have stopped.
void ParallelForDynamic(size_t n, int threads, size_t grain,
                        const std::function<void(size_t begin, size_t end, int worker)>& fn);

}  // namespace warden::core

#endif  // WARDEN_CORE_PARALLEL_H_
