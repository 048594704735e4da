// A progress bar on stderr for long runs, drawn only when stderr is a
// terminal (so logs and CI output stay clean). Redraws at most 10 times a
// second. Thread safety: Update may be called from several threads.
#ifndef WARDEN_CORE_PROGRESS_H_
#define WARDEN_CORE_PROGRESS_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace warden::core {

class Progress {
 public:
  // total = 0 when unknown (then counts are shown without a bar).
  Progress(std::string label, uint64_t total, std::string unit = "items");
  ~Progress();  // calls Finish()
  void Add(uint64_t n);
  void Set(uint64_t done);
  void Finish();
  bool enabled() const { return enabled_; }

 private:
  void Draw(bool final);
  std::string label_, unit_;
  uint64_t total_;
  std::atomic<uint64_t> done_{0};
  bool enabled_;
  bool finished_ = false;
  std::mutex mu_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace warden::core

#endif  // WARDEN_CORE_PROGRESS_H_
