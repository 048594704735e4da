// UTF-8 validation, repair and decoding, shared by every module that takes
// text from outside (tokenizers, the normalizer, guard scanners, generation).
// All functions are pure and thread-safe.
#ifndef WARDEN_TEXT_UTF8_H_
#define WARDEN_TEXT_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace warden::text {

// Offset of the first byte that is not part of valid UTF-8 (overlongs,
// surrogates and code points above U+10FFFF are invalid), or npos.
size_t FindInvalidUtf8(std::string_view s);

// Obvious, slow implementation of FindInvalidUtf8 (decode the code point,
// then check length, range and surrogates), kept as the oracle for the fast
// one in randomized tests.
size_t FindInvalidUtf8Reference(std::string_view s);

// Length of the maximal ill-formed subpart that starts at `p` (Unicode 15,
// section 3.9, "U+FFFD substitution of maximal subparts"): at least 1, at
// most 3, never more than `n`. `p` must point at the start of an invalid
// sequence, i.e. at an offset FindInvalidUtf8 returned.
size_t InvalidSubpartLength(const uint8_t* p, size_t n);

// Appends `s` to `out`, replacing each maximal ill-formed subpart by U+FFFD,
// so the result is always valid UTF-8.
void AppendRepairedUtf8(std::string_view s, std::string* out);

// Decodes the code point at `p` of already validated UTF-8 and advances `p`.
inline uint32_t DecodeValidUtf8(const uint8_t*& p) {
  uint32_t c = *p++;
  if (c < 0x80) return c;
  if (c < 0xE0) return ((c & 0x1F) << 6) | (*p++ & 0x3F);
  if (c < 0xF0) {
    uint32_t r = ((c & 0x0F) << 12) | ((p[0] & 0x3Fu) << 6) | (p[1] & 0x3Fu);
    p += 2;
    return r;
  }
  uint32_t r = ((c & 0x07) << 18) | ((p[0] & 0x3Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
  p += 3;
  return r;
}

// Appends the UTF-8 form of a scalar value (not a surrogate, <= U+10FFFF).
inline void AppendUtf8(uint32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace warden::text

#endif  // WARDEN_TEXT_UTF8_H_
