// Normalizer: invisible-character removal, NFKC (ICU), homoglyph folding
// and optional whitespace collapsing, in that order.
//
// Invisible characters go first so that a combining mark hidden behind a
// zero-width joiner still composes with its base under NFKC. Folding runs on
// NFKC output (so "ｒ" is already "r"); when it changes anything, NFKC runs
// once more, because a folded base letter may now compose with a following
// combining mark (Cyrillic "е" + U+0301 -> "é").
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <exception>
#include <string>

#include "warden/text/homoglyph.h"
#include "warden/text/normalize.h"
#include "warden/text/utf8.h"

namespace warden::text {
namespace {

using text::AppendUtf8;
using text::DecodeValidUtf8;

// Bytes that pass through the ASCII fast path unchanged: printable ASCII and
// the three whitespace controls that text files really contain.
constexpr bool IsPlainAsciiByte(uint8_t b) {
  return (b >= 0x20 && b < 0x7F) || b == '\n' || b == '\t' || b == '\r';
}

bool IsPlainAscii(std::string_view s, bool collapse_whitespace) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  // Branch-light accumulation: the common all-plain case reads every byte
  // exactly once without early exits.
  bool ok = true;
  for (size_t i = 0; i < n; ++i) ok &= IsPlainAsciiByte(p[i]);
  if (!ok || !collapse_whitespace) return ok;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] == '\t' || p[i] == '\r') return false;
    if (p[i] == ' ' && i + 1 < n && p[i + 1] == ' ') return false;
  }
  return true;
}

// Position of the first byte at or after `from` that is not plain ASCII,
// or s.size().
size_t FindNotPlain(std::string_view s, size_t from) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  while (from < n && IsPlainAsciiByte(p[from])) ++from;
  return from;
}

// Invisible: default-ignorable code points (zero-width spaces and joiners,
// soft hyphen, bidi controls, variation selectors, tags, BOM, fillers) and
// control characters other than whitespace.
bool IsInvisible(uint32_t c) {
  if (c < 0x20) return !(c >= '\t' && c <= '\r');
  if (c < 0x7F) return false;
  if (c <= 0x9F) return c != 0x85;  // DEL and C1 controls, NEL is whitespace
  if (c < 0xAD) return false;
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

// Whitespace that collapse_whitespace merges; "\n" is kept as a line break.
bool IsCollapsibleSpace(uint32_t c) {
  if (c == '\n') return false;
  if (c < 0x80) return c == ' ' || (c >= '\t' && c <= '\r');
  return u_isUWhiteSpace(static_cast<UChar32>(c));
}

// Returns true and fills `out` when something was removed.
bool RemoveInvisible(std::string_view in, std::string* out) {
  const auto* begin = reinterpret_cast<const uint8_t*>(in.data());
  const auto* end = begin + in.size();
  const uint8_t* p = begin;
  const uint8_t* kept = begin;  // start of the pending run to copy
  bool changed = false;
  while (p < end) {
    const uint8_t* start = p;
    if (IsPlainAsciiByte(*p)) {
      ++p;
      continue;
    }
    const uint32_t c = DecodeValidUtf8(p);
    if (!IsInvisible(c)) continue;
    if (!changed) {
      out->clear();
      out->reserve(in.size());
      changed = true;
    }
    out->append(reinterpret_cast<const char*>(kept), static_cast<size_t>(start - kept));
    kept = p;
  }
  if (changed) out->append(reinterpret_cast<const char*>(kept), static_cast<size_t>(end - kept));
  return changed;
}

bool FoldHomoglyphs(std::string_view in, std::string* out) {
  const auto* begin = reinterpret_cast<const uint8_t*>(in.data());
  const auto* end = begin + in.size();
  const uint8_t* p = begin;
  const uint8_t* kept = begin;
  bool changed = false;
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const uint8_t* start = p;
    const char folded = text::FoldHomoglyph(DecodeValidUtf8(p));
    if (folded == 0) continue;
    if (!changed) {
      out->clear();
      out->reserve(in.size());
      changed = true;
    }
    out->append(reinterpret_cast<const char*>(kept), static_cast<size_t>(start - kept));
    out->push_back(folded);
    kept = p;
  }
  if (changed) out->append(reinterpret_cast<const char*>(kept), static_cast<size_t>(end - kept));
  return changed;
}

std::string CollapseWhitespace(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  const auto* end = p + in.size();
  bool in_run = false;
  while (p < end) {
    const uint8_t* start = p;
    const uint32_t c = DecodeValidUtf8(p);
    if (IsCollapsibleSpace(c)) {
      if (!in_run) out.push_back(' ');
      in_run = true;
      continue;
    }
    in_run = false;
    out.append(reinterpret_cast<const char*>(start), static_cast<size_t>(p - start));
  }
  return out;
}

}  // namespace

std::string NormalizeOptions::Name() const {
  std::string name;
  auto add = [&name](bool on, const char* part) {
    if (!on) return;
    if (!name.empty()) name += '+';
    name += part;
  };
  add(nfkc, "nfkc");
  add(remove_invisible, "invisible");
  add(fold_homoglyphs, "homoglyph");
  add(collapse_whitespace, "collapse-ws");
  return name.empty() ? "none" : name;
}

struct Normalizer::Impl {
  NormalizeOptions opts;
  const icu::Normalizer2* nfkc = nullptr;  // ICU-owned singleton, thread-safe

  Status Nfkc(std::string_view in, std::string* out) const {
    out->clear();
    out->reserve(in.size() + in.size() / 8);
    icu::StringByteSink<std::string> sink(out);
    UErrorCode status = U_ZERO_ERROR;
    nfkc->normalizeUTF8(0, icu::StringPiece(in.data(), static_cast<int32_t>(in.size())), sink,
                        nullptr, status);
    if (U_FAILURE(status)) {
      return Status::Internal(std::string("NFKC normalization failed: ") + u_errorName(status));
    }
    return Status::Ok();
  }

  // The full pipeline on one segment (valid UTF-8).
  Result<std::string> Pipeline(std::string_view in) const {
    std::string a, b;
    std::string_view cur = in;
    if (opts.remove_invisible && RemoveInvisible(cur, &a)) cur = a;
    if (opts.nfkc) {
      WARDEN_RETURN_IF_ERROR(Nfkc(cur, &b));
      std::swap(a, b);
      cur = a;
    }
    if (opts.fold_homoglyphs && FoldHomoglyphs(cur, &b)) {
      std::swap(a, b);
      cur = a;
      if (opts.nfkc) {
        WARDEN_RETURN_IF_ERROR(Nfkc(cur, &b));
        std::swap(a, b);
        cur = a;
      }
    }
    if (opts.collapse_whitespace) return CollapseWhitespace(cur);
    if (cur.data() == a.data()) return a;
    return std::string(cur);
  }

  Result<std::string> Run(std::string_view in) const {
    if (in.size() > static_cast<size_t>(INT32_MAX)) {
      return Status::OutOfRange("text to normalize is larger than 2 GiB");
    }
    const size_t bad = FindInvalidUtf8(in);
    if (bad != std::string_view::npos) {
      return Status::InvalidArgument("invalid UTF-8 at byte offset " + std::to_string(bad));
    }
    if (IsPlainAscii(in, opts.collapse_whitespace)) return std::string(in);
    // Whitespace runs may span lines, so collapsing sees the whole text.
    if (opts.collapse_whitespace) return Pipeline(in);

    // Every step commutes with cutting the text right after a "\n": nothing
    // composes with or reorders across a newline, and the other steps are
    // per character. So plain-ASCII lines are copied and only segments of
    // lines around other characters go through ICU.
    constexpr size_t kMinSegment = 4096;  // amortizes the per-call overhead
    std::string out;
    out.reserve(in.size());
    size_t pos = 0;
    const size_t n = in.size();
    while (pos < n) {
      const size_t j = FindNotPlain(in, pos);
      if (j == n) {
        out.append(in.substr(pos));
        break;
      }
      size_t begin = in.rfind('\n', j);
      begin = (begin == std::string_view::npos || begin < pos) ? pos : begin + 1;
      out.append(in.substr(pos, begin - pos));
      const size_t target = std::max(j, begin + kMinSegment);
      size_t end = target >= n ? std::string_view::npos : in.find('\n', target);
      end = end == std::string_view::npos ? n : end + 1;
      WARDEN_ASSIGN_OR_RETURN(std::string seg, Pipeline(in.substr(begin, end - begin)));
      out += seg;
      pos = end;
    }
    return out;
  }
};

Result<Normalizer> Normalizer::Create(const NormalizeOptions& opts) {
  auto impl = std::make_unique<Impl>();
  impl->opts = opts;
  UErrorCode status = U_ZERO_ERROR;
  impl->nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status) || impl->nfkc == nullptr) {
    return Status::Internal(std::string("ICU NFKC data unavailable: ") + u_errorName(status));
  }
  return Normalizer(std::move(impl));
}

Normalizer::Normalizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Normalizer::Normalizer(Normalizer&&) noexcept = default;
Normalizer& Normalizer::operator=(Normalizer&&) noexcept = default;
Normalizer::~Normalizer() = default;

const NormalizeOptions& Normalizer::options() const { return impl_->opts; }

Result<std::string> Normalizer::Normalize(std::string_view utf8) const {
  try {
    return impl_->Run(utf8);
  } catch (const std::exception& e) {  // allocation failure inside ICU or std
    return Status::Internal(std::string("normalization failed: ") + e.what());
  }
}

}  // namespace warden::text
