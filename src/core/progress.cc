#include "warden/core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace warden::core {

Progress::Progress(std::string label, uint64_t total, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      enabled_(::isatty(2) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { Finish(); }

void Progress::Add(uint64_t n) {
  done_.fetch_add(n, std::memory_order_relaxed);
  Draw(false);
}

void Progress::Set(uint64_t done) {
  done_.store(done, std::memory_order_relaxed);
  Draw(false);
}

void Progress::Finish() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> l(mu_);
  if (finished_) return;
  finished_ = true;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
}

void Progress::Draw(bool final) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> l(mu_, std::try_to_lock);
  if (!l.owns_lock() || finished_) return;
  if (!final && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  const uint64_t done = done_.load(std::memory_order_relaxed);
  const double rate = secs > 0 ? done / secs : 0;
  if (total_ > 0) {
    const double frac = done >= total_ ? 1.0 : static_cast<double>(done) / total_;
    const int width = 30, filled = static_cast<int>(frac * width);
    std::string bar(filled, '#');
    bar.append(width - filled, '.');
    std::fprintf(stderr, "\r\033[K%s [%s] %5.1f%% %.0f %s/s", label_.c_str(), bar.c_str(),
                 frac * 100, rate, unit_.c_str());
  } else {
    std::fprintf(stderr, "\r\033[K%s %llu %s (%.0f/s)", label_.c_str(),
                 static_cast<unsigned long long>(done), unit_.c_str(), rate);
  }
  std::fflush(stderr);
}

}  // namespace warden::core
