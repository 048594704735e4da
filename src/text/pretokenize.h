// The BPE pre-tokenizer: splits text into the pieces that merges never
// cross. Part of the tokenizer's identity: any change to these rules must
// bump kPreTokenizerVersion (it enters the fingerprint and the blob).
//
// Bytes are classified as
//   letter   A-Z a-z and every byte >= 0x80 (so a multi-byte character is
//            never split, and all non-ASCII text counts as letters),
//   digit    0-9,
//   space    ' ',
//   blank    '\t' '\v' '\f',
//   newline  '\n' '\r',
//   punct    everything else (ASCII punctuation, symbols, other controls).
// Scanning left to right, each piece is one of
//   1. [space] letter+        one optional leading space, then letters;
//   2. [space] digit{1,3}     digits in groups of at most three, from the
//                             left ("12345" -> "123" "45"; only the first
//                             group can carry the space);
//   3. [space] punct+
//   4. newline+
//   5. (space|blank)+         a whitespace run; when it is followed by a
//                             letter, digit or punct, is longer than one
//                             byte and ends in ' ', that last space is left
//                             to start the next piece ("a   b" -> "a" "  "
//                             " b").
// No piece is longer than kMaxPieceBytes: longer runs are cut into chunks,
// a letter run preferably before the lead byte of a UTF-8 sequence. Pieces
// are non-empty and concatenate back to the input, for any bytes at all.
//
// Thread safety: pure functions.
#ifndef WARDEN_SRC_TEXT_PRETOKENIZE_H_
#define WARDEN_SRC_TEXT_PRETOKENIZE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace warden::text {

inline constexpr uint32_t kPreTokenizerVersion = 1;
inline constexpr size_t kMaxPieceBytes = 64;

enum class ByteClass : uint8_t { kLetter, kDigit, kSpace, kBlank, kNewline, kPunct };

inline constexpr std::array<ByteClass, 256> kByteClasses = [] {
  std::array<ByteClass, 256> t{};
  for (int b = 0; b < 256; ++b) {
    ByteClass c = ByteClass::kPunct;
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b >= 0x80) {
      c = ByteClass::kLetter;
    } else if (b >= '0' && b <= '9') {
      c = ByteClass::kDigit;
    } else if (b == ' ') {
      c = ByteClass::kSpace;
    } else if (b == '\t' || b == '\v' || b == '\f') {
      c = ByteClass::kBlank;
    } else if (b == '\n' || b == '\r') {
      c = ByteClass::kNewline;
    }
    t[b] = c;
  }
  return t;
}();

inline ByteClass ClassOf(char b) { return kByteClasses[static_cast<uint8_t>(b)]; }

// Calls fn(std::string_view piece) for each piece of `text`, in order.
template <typename Fn>
void ForEachPreToken(std::string_view text, Fn&& fn) {
  const char* s = text.data();
  const size_t n = text.size();
  size_t i = 0;
  auto attaches = [](ByteClass c) {
    return c == ByteClass::kLetter || c == ByteClass::kDigit || c == ByteClass::kPunct;
  };
  while (i < n) {
    const size_t start = i;
    ByteClass c = ClassOf(s[i]);
    if (c == ByteClass::kSpace && i + 1 < n && attaches(ClassOf(s[i + 1]))) {
      ++i;
      c = ClassOf(s[i]);
    }
    const size_t limit = (n - start < kMaxPieceBytes) ? n : start + kMaxPieceBytes;
    size_t end = i + 1;
    switch (c) {
      case ByteClass::kLetter:
      case ByteClass::kPunct:
      case ByteClass::kNewline:
        while (end < limit && ClassOf(s[end]) == c) ++end;
        if (c == ByteClass::kLetter && end == limit && end < n && ClassOf(s[end]) == c) {
          // Cut before a UTF-8 lead byte when one is close, so that whole
          // characters stay together when possible.
          size_t cut = end;
          while (cut > i + 1 && cut + 3 >= end && (static_cast<uint8_t>(s[cut]) & 0xC0) == 0x80) {
            --cut;
          }
          if ((static_cast<uint8_t>(s[cut]) & 0xC0) != 0x80) end = cut;
        }
        break;
      case ByteClass::kDigit:
        while (end < limit && end < i + 3 && ClassOf(s[end]) == c) ++end;
        break;
      case ByteClass::kSpace:
      case ByteClass::kBlank:
        while (end < limit &&
               (ClassOf(s[end]) == ByteClass::kSpace || ClassOf(s[end]) == ByteClass::kBlank)) {
          ++end;
        }
        if (end < n && end - start > 1 && s[end - 1] == ' ' && attaches(ClassOf(s[end]))) {
          --end;
        }
        break;
    }
    fn(std::string_view(s + start, end - start));
    i = end;
  }
}

// The pieces of `text`, as views into it.
inline std::vector<std::string_view> PreTokenize(std::string_view text) {
  std::vector<std::string_view> pieces;
  ForEachPreToken(text, [&pieces](std::string_view p) { pieces.push_back(p); });
  return pieces;
}

}  // namespace warden::text

#endif  // WARDEN_SRC_TEXT_PRETOKENIZE_H_
