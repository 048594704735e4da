// Text-mode provenance tokens: normalized words (see provenance_tokens.h).
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <limits>
#include <string>

#include "warden/provenance/tokens.h"
#include "warden/text/normalize.h"
#include "warden/text/utf8.h"

namespace warden::provenance {
namespace {

bool IsWordCodePoint(UChar32 c) {
  if (c < 0x80) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  return u_isUAlphabetic(c) || u_isdigit(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
}

bool IsIgnorable(UChar32 c) {
  return c >= 0x80 && u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

const text::Normalizer& WordNormalizer() {
  static const text::Normalizer* n = [] {
    text::NormalizeOptions o;
    auto r = text::Normalizer::Create(o);
    // Creating a normalizer with default options only fails when ICU data is
    // missing, which the library cannot run without anyway.
    assert(r.ok());
    return new text::Normalizer(std::move(r).value());
  }();
  return *n;
}

// A non-ASCII word: NFKC with homoglyph folding, then full case folding.
std::string NormalizeWord(std::string_view raw) {
  auto normalized = WordNormalizer().Normalize(raw);
  std::string src = normalized.ok() ? std::move(normalized).value() : std::string(raw);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(src);
  u.foldCase();
  std::string out;
  u.toUTF8String(out);
  return out;
}

}  // namespace

Result<std::vector<ProvenanceToken>> TokenizeTextWords(std::string_view text) {
  std::vector<ProvenanceToken> out;
  out.reserve(text.size() / 5 + 1);  // prose averages about 6 bytes per word
  const size_t n = text.size();
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  size_t i = 0;
  while (i < n) {
    // Skip to the start of a word.
    size_t start = i;
    UChar32 c;
    size_t next = i;
    if (s[i] < 0x80) {
      c = s[i];
      next = i + 1;
    } else {
      int32_t j = static_cast<int32_t>(i);
      U8_NEXT(s, j, static_cast<int32_t>(n), c);
      next = static_cast<size_t>(j);
    }
    if (!IsWordCodePoint(c)) {
      i = next;
      continue;
    }
    // Collect the word's raw bytes, dropping ignorable code points.
    ProvenanceToken t;
    std::string& raw = t.key;
    bool ascii = true;
    i = start;
    size_t end = start;
    while (i < n) {
      if (s[i] < 0x80) {
        const char ch = static_cast<char>(s[i]);
        if (!IsWordCodePoint(ch)) break;
        raw.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
        ++i;
        end = i;
        continue;
      }
      int32_t j = static_cast<int32_t>(i);
      U8_NEXT(s, j, static_cast<int32_t>(n), c);
      if (IsIgnorable(c)) {
        i = static_cast<size_t>(j);
        continue;
      }
      if (!IsWordCodePoint(c)) break;
      raw.append(text.substr(i, static_cast<size_t>(j) - i));
      ascii = false;
      i = static_cast<size_t>(j);
      end = i;
    }
    if (!ascii) t.key = NormalizeWord(raw);
    t.begin = static_cast<uint32_t>(start);
    t.end = static_cast<uint32_t>(end);
    if (!t.key.empty()) out.push_back(std::move(t));
  }
  return out;
}

std::vector<ProvenanceToken> LexCode(std::string_view text, const TokenizeOptions& opts);

Result<std::vector<ProvenanceToken>> TokenizeForProvenance(std::string_view text,
                                                           const TokenizeOptions& opts) {
  // ICU's UTF-8 macros index with int32_t.
  if (text.size() >= static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::OutOfRange("input of " + std::to_string(text.size()) +
                              " bytes is too large to tokenize (limit 2 GiB per document)");
  }
  const size_t bad = text::FindInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    return Status::InvalidArgument("invalid UTF-8 at byte " + std::to_string(bad));
  }
  if (opts.mode == TokenMode::kCode) return LexCode(text, opts);
  return TokenizeTextWords(text);
}

}  // namespace warden::provenance
