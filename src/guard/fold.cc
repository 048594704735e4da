// Skeleton folding with an offset map (see fold.h). The table for the Basic
// Multilingual Plane is computed once (ICU NFKD + homoglyph fold per code
// point); supplementary code points (mathematical alphanumerics, emoji) are
// rare and computed on the fly.
#include "guard/fold.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <memory>
#include <mutex>

#include "warden/text/homoglyph.h"
#include "warden/text/utf8.h"

namespace warden::guard {
namespace {

// What one code point folds to: up to 3 skeleton bytes (len 0 = dropped).
struct FoldEntry {
  uint8_t len = 0;
  char c[3] = {0, 0, 0};
};

bool IsInvisible(uint32_t c) {
  if (c < 0x20) return !(c >= '\t' && c <= '\r');
  if (c < 0x7F) return false;
  if (c <= 0x9F) return c != 0x85;
  if (c < 0xAD) return false;
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

char FoldAsciiByte(uint32_t c) {
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  if (c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return ' ';
  return static_cast<char>(c);
}

// Greek and Cyrillic letters used as Latin look-alikes whose TR39 skeleton
// is not a single ASCII letter (so text/homoglyph.h keeps them): "κ" for k,
// "т" for t, "н" for h, "м" for m.
char ExtraFold(uint32_t c) {
  switch (c) {
    case 0x03BA:
    case 0x039A:
    case 0x043A:
    case 0x041A:
    case 0x049B:
      return 'k';
    case 0x03BD:
      return 'v';
    case 0x03B9:
      return 'i';
    case 0x03C4:
    case 0x0442:
    case 0x0422:
      return 't';
    case 0x043D:
    case 0x041D:
      return 'h';
    case 0x043C:
    case 0x041C:
      return 'm';
    case 0x0432:
    case 0x0412:
      return 'b';
    case 0x03C9:
    case 0x0448:
      return 'w';
    case 0x0438:
      return 'u';
    case 0x0433:
      return 'r';
    case 0x03B7:
      return 'n';
    default:
      return 0;
  }
}

FoldEntry ComputeEntry(uint32_t c) {
  FoldEntry e;
  if (c < 0x80) {
    if (IsInvisible(c)) return e;
    e.len = 1;
    e.c[0] = FoldAsciiByte(c);
    return e;
  }
  if (IsInvisible(c)) return e;
  if (u_isUWhiteSpace(static_cast<UChar32>(c))) {
    e.len = 1;
    e.c[0] = ' ';
    return e;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  icu::UnicodeString decomposed;
  if (U_SUCCESS(status)) {
    decomposed = nfkd->normalize(icu::UnicodeString(static_cast<UChar32>(c)), status);
  }
  if (U_FAILURE(status)) decomposed = icu::UnicodeString(static_cast<UChar32>(c));
  for (int32_t i = 0; i < decomposed.length() && e.len < 3;) {
    const UChar32 d = decomposed.char32At(i);
    i += U16_LENGTH(d);
    const int8_t type = u_charType(d);
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK ||
        type == U_COMBINING_SPACING_MARK) {
      continue;
    }
    char out;
    if (char extra = ExtraFold(static_cast<uint32_t>(d)); extra != 0) {
      out = extra;
    } else if (d < 0x80) {
      if (IsInvisible(static_cast<uint32_t>(d))) continue;
      out = FoldAsciiByte(static_cast<uint32_t>(d));
    } else if (char folded = text::FoldHomoglyph(static_cast<uint32_t>(d)); folded != 0) {
      out = FoldAsciiByte(static_cast<uint8_t>(folded));
    } else if (u_isUWhiteSpace(d)) {
      out = ' ';
    } else {
      out = u_isalpha(d) ? kOtherLetter : kBoundary;
    }
    e.c[e.len++] = out;
  }
  return e;
}

const std::array<FoldEntry, 0x10000>& BmpTable() {
  static const auto* table = [] {
    auto* t = new std::array<FoldEntry, 0x10000>();
    for (uint32_t c = 0; c < 0x10000; ++c) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;
      (*t)[c] = ComputeEntry(c);
    }
    return t;
  }();
  return *table;
}

}  // namespace

std::pair<size_t, size_t> FoldedText::OriginalSpan(size_t b, size_t e) const {
  // The end is the start of the next skeleton byte's code point, unless
  // that is the same code point (an expansion such as "ﬀ" -> "ff").
  size_t end = origin[e];
  if (end == origin[e - 1]) {
    // e is inside an expansion: extend to the end of that code point.
    size_t k = e;
    while (k < chars.size() && origin[k] == origin[e - 1]) ++k;
    end = origin[k];
  }
  return {origin[b], end};
}

void FoldForMatching(std::string_view text, size_t base, FoldedText* out) {
  const auto& table = BmpTable();
  out->chars.clear();
  out->origin.clear();
  out->invalid.clear();
  out->chars.reserve(text.size());
  out->origin.reserve(text.size() + 1);
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const uint8_t b = p[i];
    if (b < 0x80) {
      if (b >= 0x20 && b < 0x7F) {
        out->chars.push_back(b >= 'A' && b <= 'Z' ? static_cast<char>(b + 32)
                                                  : static_cast<char>(b));
        out->origin.push_back(static_cast<uint32_t>(base + i));
      } else if (const FoldEntry& e = table[b]; e.len != 0) {
        out->chars.push_back(e.c[0]);
        out->origin.push_back(static_cast<uint32_t>(base + i));
      }
      ++i;
      continue;
    }
    const size_t bad = text::FindInvalidUtf8(text.substr(i, 4));
    if (bad == 0) {
      const size_t len = text::InvalidSubpartLength(p + i, n - i);
      out->invalid.emplace_back(base + i, base + i + len);
      out->chars.push_back(kBoundary);
      out->origin.push_back(static_cast<uint32_t>(base + i));
      i += len;
      continue;
    }
    const uint8_t* q = p + i;
    const uint32_t c = text::DecodeValidUtf8(q);
    const FoldEntry e = c < 0x10000 ? table[c] : ComputeEntry(c);
    for (uint8_t k = 0; k < e.len; ++k) {
      out->chars.push_back(e.c[k]);
      out->origin.push_back(static_cast<uint32_t>(base + i));
    }
    i = static_cast<size_t>(q - p);
  }
  out->origin.push_back(static_cast<uint32_t>(base + n));
}

}  // namespace warden::guard
