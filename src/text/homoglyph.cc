// TR39 skeleton lookups behind FoldHomoglyph, cached per code point.
#include "warden/text/homoglyph.h"

#include <unicode/uchar.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <array>
#include <atomic>
#include <cctype>
#include <string>
#include <string_view>

namespace warden::text {
namespace {

constexpr uint32_t kNumCodePoints = 0x110000;
// Cache cell values: 0 = not computed yet, kKeep = keep the character,
// otherwise the ASCII byte to fold to.
constexpr uint8_t kUnknown = 0;
constexpr uint8_t kKeep = 1;

// The skeleton of `c`, or "" when ICU fails (then `c` is kept).
std::string Skeleton(const USpoofChecker* sc, uint32_t c) {
  char in[4];
  int32_t n = 0;
  UBool error = false;
  U8_APPEND(in, n, 4, static_cast<UChar32>(c), error);
  if (error) return {};
  char buf[64];
  UErrorCode status = U_ZERO_ERROR;
  const int32_t len = uspoof_getSkeletonUTF8(sc, 0, in, n, buf, sizeof(buf), &status);
  if (U_FAILURE(status) || len < 0 || len > static_cast<int32_t>(sizeof(buf))) return {};
  return std::string(buf, static_cast<size_t>(len));
}

bool IsAsciiAlnum(char ch) {
  return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

// Everything computed once: the spoof checker and, for each ASCII letter or
// digit, its skeleton.
class FoldTables {
 public:
  FoldTables() {
    UErrorCode status = U_ZERO_ERROR;
    checker_ = uspoof_open(&status);
    if (U_FAILURE(status)) {
      // No spoof data in this ICU build: folding becomes the identity.
      if (checker_ != nullptr) uspoof_close(checker_);
      checker_ = nullptr;
      return;
    }
    for (int ch = 0; ch < 128; ++ch) {
      if (IsAsciiAlnum(static_cast<char>(ch))) ascii_skeleton_[ch] = Skeleton(checker_, ch);
    }
  }
  ~FoldTables() {
    if (checker_ != nullptr) uspoof_close(checker_);
  }
  FoldTables(const FoldTables&) = delete;
  FoldTables& operator=(const FoldTables&) = delete;

  uint8_t Compute(uint32_t c) const {
    if (checker_ == nullptr) return kKeep;
    const std::string skel = Skeleton(checker_, c);
    if (skel.empty()) return kKeep;
    // Candidates: ASCII letters/digits with the same skeleton, best first.
    char upper = 0, lower = 0, digit = 0;
    for (int ch = 0; ch < 128; ++ch) {
      if (ascii_skeleton_[ch].empty() || ascii_skeleton_[ch] != skel) continue;
      if (ch >= 'A' && ch <= 'Z' && upper == 0) upper = static_cast<char>(ch);
      if (ch >= 'a' && ch <= 'z' && lower == 0) lower = static_cast<char>(ch);
      if (ch >= '0' && ch <= '9' && digit == 0) digit = static_cast<char>(ch);
    }
    // The skeleton itself is the canonical representative ("l" for the
    // I/l/1 family): prefer it when the category gives no better hint.
    const char self = (skel.size() == 1 && IsAsciiAlnum(skel[0])) ? skel[0] : 0;
    char pick = 0;
    const UChar32 uc = static_cast<UChar32>(c);
    if (u_isdigit(uc)) {
      pick = digit;
    } else if (u_isupper(uc) || u_istitle(uc)) {
      pick = upper;
    } else if (u_islower(uc)) {
      pick = lower;
    }
    if (pick == 0) pick = self;
    if (pick == 0) pick = lower != 0 ? lower : (upper != 0 ? upper : digit);
    return pick == 0 ? kKeep : static_cast<uint8_t>(pick);
  }

 private:
  USpoofChecker* checker_ = nullptr;
  std::array<std::string, 128> ascii_skeleton_;
};

const FoldTables& Tables() {
  static const FoldTables* tables = new FoldTables();  // never destroyed: used at exit too
  return *tables;
}

// Zero-initialized static storage: pages are only touched for the scripts a
// process actually sees. Concurrent first computations of one cell store the
// same value, so relaxed atomics suffice.
std::atomic<uint8_t> g_cache[kNumCodePoints];

}  // namespace

char FoldHomoglyph(uint32_t c) {
  if (c < 0x80 || c >= kNumCodePoints) return 0;
  uint8_t v = g_cache[c].load(std::memory_order_relaxed);
  if (v == kUnknown) {
    v = Tables().Compute(c);
    g_cache[c].store(v, std::memory_order_relaxed);
  }
  return v == kKeep ? 0 : static_cast<char>(v);
}

}  // namespace warden::text
