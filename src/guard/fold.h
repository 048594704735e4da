// Folding for evasion-proof matching: a text becomes a lowercase ASCII
// "skeleton" in which every byte remembers the byte offset of the original
// code point it came from, so matches found in the skeleton are reported on
// the caller's text.
//
// Per code point, in this order:
//   - ill-formed UTF-8: each maximal ill-formed subpart is recorded in
//     `invalid` and becomes kBoundary (scanning goes on after it);
//   - invisible (default-ignorable code points, controls other than
//     whitespace): dropped, so "f<ZWSP>uck" reads "fuck";
//   - whitespace: one ' ';
//   - anything else: NFKD (full-width, ligatures, mathematical letters,
//     circled digits), combining marks dropped ("fück" -> "fuck"), then each
//     remaining non-ASCII character folded to the ASCII letter it imitates
//     (TR39 confusables, text/homoglyph.h), then lowercased. A character that
//     still is not ASCII becomes kOtherLetter (a letter we cannot read, so it
//     joins words) or kBoundary (a symbol, an emoji: separates words).
//
// Thread safety: pure functions; the per-code-point table is built once,
// thread-safely, on first use.
#ifndef WARDEN_SRC_GUARD_FOLD_H_
#define WARDEN_SRC_GUARD_FOLD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::guard {

inline constexpr char kOtherLetter = '\x01';
inline constexpr char kBoundary = '\x02';

struct FoldedText {
  std::string chars;                               // the skeleton
  std::vector<uint32_t> origin;                    // origin[i]: byte offset in the original of
                                                   // the code point that produced chars[i];
                                                   // origin[chars.size()] = end of the text
  std::vector<std::pair<size_t, size_t>> invalid;  // ill-formed byte spans

  // Byte span in the original of skeleton range [b, e), e > b.
  std::pair<size_t, size_t> OriginalSpan(size_t b, size_t e) const;
};

// Folds `text`; `base` is added to every recorded offset (for windows of a
// longer text). `origin_end` of the last code point is stored too.
void FoldForMatching(std::string_view text, size_t base, FoldedText* out);

// A skeleton byte that belongs to a word (letters, digits, kOtherLetter).
inline bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == kOtherLetter;
}

// Length in bytes of the UTF-8 sequence that starts with lead byte `b`
// (1 for anything that is not a valid lead byte).
inline size_t Utf8SequenceLength(uint8_t b) {
  if (b < 0xC0) return 1;
  if (b < 0xE0) return 2;
  if (b < 0xF0) return 3;
  return b < 0xF5 ? 4 : 1;
}

}  // namespace warden::guard

#endif  // WARDEN_SRC_GUARD_FOLD_H_
