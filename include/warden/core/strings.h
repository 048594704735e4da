// Small string helpers shared by the modules: trimming, splitting text into
// lines, decoding base64. They work on views and return views into their
// input where they can (Trim, SplitLines): the caller keeps the input alive
// for as long as it uses the result.
//
// Thread safety: all functions are pure and thread-safe.
#ifndef WARDEN_CORE_STRINGS_H_
#define WARDEN_CORE_STRINGS_H_

#include <string>
#include <string_view>
#include <vector>

namespace warden::core {

// The C locale's isspace set.
inline constexpr std::string_view kWhitespace = " \t\n\r\f\v";

// `s` without leading and trailing characters from `chars`. Readers of line
// and field formats pass a narrower set (" \t\r", " \t") on purpose.
std::string_view Trim(std::string_view s, std::string_view chars = kWhitespace);

// The lines of `text`, split on '\n' (a '\r' before it is kept). A final '\n'
// ends the last line rather than starting an empty one, so "" has no lines,
// "a\n" and "a" have one and "a\n\n" has two ("a" and "").
std::vector<std::string_view> SplitLines(std::string_view text);

// Which characters DecodeBase64Prefix reads as the digits 62 and 63.
enum class Base64Alphabet {
  kStandard,  // '+' and '/' (RFC 4648 section 4)
  kUrlSafe,   // '-' and '_' (RFC 4648 section 5)
  kEither,    // both, for inputs of unknown flavour
};

// Decodes the base64 digits of `s` up to its first character outside the
// alphabet (the '=' padding included) and drops the leftover bits that do not
// fill a byte. Never fails: a caller that needs strict decoding checks the
// input first.
std::string DecodeBase64Prefix(std::string_view s,
                               Base64Alphabet alphabet = Base64Alphabet::kStandard);

}  // namespace warden::core

#endif  // WARDEN_CORE_STRINGS_H_
