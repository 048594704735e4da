// Homoglyph folding for the normalizer: which single ASCII letter or digit a
// non-ASCII character imitates, according to Unicode TR39 confusables
// (through ICU's spoof checker).
#ifndef WARDEN_TEXT_HOMOGLYPH_H_
#define WARDEN_TEXT_HOMOGLYPH_H_

#include <cstdint>

namespace warden::text {

// The ASCII letter or digit that code point `c` (>= 0x80, a scalar value)
// should be folded to, or 0 to keep `c`.
//
// Rule: take the TR39 skeleton of `c` alone. When the skeleton is the
// skeleton of one or more ASCII letters/digits, `c` folds to one of them,
// chosen by `c`'s own category so case and digits survive: Cyrillic "І"
// (skeleton "l", like ASCII "I", "l" and "1") folds to "I", Cyrillic "і" to
// "i", Cyrillic "р" to "p". Characters whose skeleton is a multi-letter
// ASCII string that no single ASCII character has ("æ" -> "ae") are kept:
// they are letters in their own right, not look-alikes.
//
// Results are computed on first use and cached in a process-wide table of
// atomics; safe to call from any number of threads.
char FoldHomoglyph(uint32_t c);

}  // namespace warden::text

#endif  // WARDEN_TEXT_HOMOGLYPH_H_
