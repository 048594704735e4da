// Strict UTF-8 validation (Unicode 15, table 3-7) with an ASCII fast path.
#include "warden/text/utf8.h"

#include <bit>
#include <cstring>

namespace warden::text {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ULL;

inline uint64_t Load64(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof(w));
  return w;
}

// Valid range of the second byte for each lead byte; the remaining
// continuation bytes are always 80..BF. Leads C0, C1 and F5..FF (and bare
// continuation bytes) have no valid sequence and are rejected before this.
struct SecondByteRange {
  uint8_t lo, hi;
};
inline SecondByteRange SecondRange(uint8_t lead) {
  switch (lead) {
    case 0xE0:
      return {0xA0, 0xBF};  // below: overlong 3-byte forms
    case 0xED:
      return {0x80, 0x9F};  // above: UTF-16 surrogates
    case 0xF0:
      return {0x90, 0xBF};  // below: overlong 4-byte forms
    case 0xF4:
      return {0x80, 0x8F};  // above: beyond U+10FFFF
    default:
      return {0x80, 0xBF};
  }
}

// Sequence length announced by a lead byte, 0 when it can never start a
// valid sequence.
inline size_t SequenceLength(uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xC2) return 0;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  if (lead < 0xF5) return 4;
  return 0;
}

// Number of bytes at `p` (at most `n`) that form a valid prefix of the
// sequence announced by p[0], lead included; equals SequenceLength when the
// whole sequence is valid.
inline size_t ValidPrefix(const uint8_t* p, size_t n) {
  const size_t len = SequenceLength(p[0]);
  if (len <= 1) return len;
  if (n < 2) return 1;
  const SecondByteRange r = SecondRange(p[0]);
  if (p[1] < r.lo || p[1] > r.hi) return 1;
  size_t k = 2;
  while (k < len && k < n && (p[k] & 0xC0) == 0x80) ++k;
  return k;
}

}  // namespace

size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // Most text is ASCII: skip it eight bytes at a time, and land exactly on
    // the first non-ASCII byte of a word.
    while (i + 8 <= n) {
      const uint64_t high = Load64(p + i) & kHighBits;
      if (high != 0) {
        i += static_cast<size_t>(std::countr_zero(high)) / 8;
        break;
      }
      i += 8;
    }
    if (i >= n) break;
    const uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    const size_t len = SequenceLength(c);
    if (len == 0 || ValidPrefix(p + i, n - i) != len) return i;
    i += len;
  }
  return std::string_view::npos;
}

size_t FindInvalidUtf8Reference(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const uint8_t c = p[i];
    size_t len;
    uint32_t cp;
    if ((c & 0x80) == 0) {
      len = 1;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (n - i < len) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len]) return i;                // overlong
    if (cp >= 0xD800 && cp <= 0xDFFF) return i;  // surrogate
    if (cp > 0x10FFFF) return i;                 // out of range
    i += len;
  }
  return std::string_view::npos;
}

size_t InvalidSubpartLength(const uint8_t* p, size_t n) {
  if (n == 0) return 0;
  const size_t k = ValidPrefix(p, n);
  return k == 0 ? 1 : k;
}

void AppendRepairedUtf8(std::string_view s, std::string* out) {
  while (!s.empty()) {
    const size_t bad = FindInvalidUtf8(s);
    if (bad == std::string_view::npos) {
      out->append(s);
      return;
    }
    out->append(s.substr(0, bad));
    out->append("\xEF\xBF\xBD");  // U+FFFD
    const size_t skip =
        InvalidSubpartLength(reinterpret_cast<const uint8_t*>(s.data()) + bad, s.size() - bad);
    s.remove_prefix(bad + skip);
  }
}

}  // namespace warden::text
