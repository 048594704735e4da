// Text normalization applied before tokenization at detection time, so that
// cosmetic edits do not hide a watermark (the guard's folding and the
// provenance tokens build on the same ICU pieces).
//
// Steps, each optional, applied in this order:
//  - invisible characters removed: default-ignorable code points (zero-width
//    spaces and joiners, soft hyphen, bidi controls, variation selectors,
//    tag characters, BOM, Hangul fillers...) and control characters other
//    than "\t" "\n" "\v" "\f" "\r" (C0, DEL, C1 except NEL). First, so that a
//    mark hidden behind a joiner still composes in the next step;
//  - NFKC (compatibility composition): full-width letters, ligatures,
//    superscripts become their plain forms;
//  - homoglyphs folded: a non-ASCII character whose confusable skeleton
//    (Unicode TR39, through ICU) is that of an ASCII letter or digit becomes
//    that ASCII character, chosen by its case (Cyrillic "і" -> "i", "І" ->
//    "I"), so the Cyrillic "а" in "pаypal" reads as Latin "a". Letters whose
//    skeleton is several ASCII letters ("æ" -> "ae") are kept. ASCII is never
//    changed. NFKC runs again after a fold, so the output stays NFKC;
//  - whitespace runs other than "\n" collapsed to one ASCII space (off by
//    default: it changes tokenization of indented text).
//
// Input must be valid UTF-8; invalid input gives InvalidArgument with the
// offset of the first bad byte. Pure-ASCII input without control characters
// takes a fast path that copies it through; in longer texts, such lines are
// copied and only the other lines go through ICU.
//
// Thread safety: a Normalizer is immutable after construction and may be
// shared between threads.
#ifndef WARDEN_TEXT_NORMALIZE_H_
#define WARDEN_TEXT_NORMALIZE_H_

#include <memory>
#include <string>
#include <string_view>

#include "warden/core/status.h"

namespace warden::text {

struct NormalizeOptions {
  bool nfkc = true;
  bool remove_invisible = true;
  bool fold_homoglyphs = true;
  bool collapse_whitespace = false;
  // Stable short name of these options, recorded in certificates.
  std::string Name() const;
};

class Normalizer {
 public:
  static Result<Normalizer> Create(const NormalizeOptions& opts);
  Normalizer(Normalizer&&) noexcept;
  Normalizer& operator=(Normalizer&&) noexcept;
  ~Normalizer();

  Result<std::string> Normalize(std::string_view utf8) const;
  const NormalizeOptions& options() const;

 private:
  struct Impl;
  explicit Normalizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace warden::text

#endif  // WARDEN_TEXT_NORMALIZE_H_
