// The token streams that provenance indexes and queries are built over.
//
// Copies rarely survive byte for byte: prose gets re-cased, re-punctuated and
// re-spaced; code gets reformatted, its variables renamed and its constants
// changed. So the index is not over bytes or model tokens but over
// normalized "provenance tokens", each a short string key:
//
//  - text mode: words. A word is a run of letters, digits and combining
//    marks (Unicode properties through ICU); default-ignorable code points
//    (zero-width joiners, soft hyphens...) inside a word are skipped, so
//    "pa<ZWSP>ss" is "pass". ASCII words are lowercased; other words go
//    through warden's Normalizer (NFKC, homoglyphs folded to ASCII) and
//    Unicode case folding. Whitespace and punctuation produce no tokens, so
//    "Hello,  World!" and "hello world" have the same stream.
//  - code mode: a lexer for C/C++, Java, Python or JavaScript. Keywords and
//    operators are their own tokens; identifiers become the class "ID",
//    numbers "NUM", string and character literals "STR"; comments and
//    layout produce nothing. Renaming, constant changes and reformatting
//    therefore leave the stream unchanged (MOSS/Dolos-style masking). Code
//    keys start with "\x01" so that a code stream never matches prose.
//    With mask_identifiers = false identifiers keep their (case-sensitive)
//    names, which is the "without normalization" baseline of the evaluation.
//
// Each token carries the byte range [begin, end) of the input it came from,
// so matches can be reported in the caller's own offsets.
//
// Invalid UTF-8 gives InvalidArgument naming the first bad byte's offset.
// Thread safety: pure functions; safe from any thread.
#ifndef WARDEN_PROVENANCE_TOKENS_H_
#define WARDEN_PROVENANCE_TOKENS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"

namespace warden::provenance {

enum class TokenMode : uint8_t { kText = 0, kCode = 1 };
enum class CodeLanguage : uint8_t { kCFamily = 0, kJava = 1, kPython = 2, kJavaScript = 3 };

struct ProvenanceToken {
  std::string key;
  uint32_t begin = 0;  // byte offsets into the tokenized input
  uint32_t end = 0;
};

struct TokenizeOptions {
  TokenMode mode = TokenMode::kText;
  CodeLanguage language = CodeLanguage::kCFamily;  // code mode only
  bool mask_identifiers = true;                    // code mode only
  bool mask_literals = true;                       // code mode only
};

// Fails on invalid UTF-8 or inputs of 2 GiB or more.
Result<std::vector<ProvenanceToken>> TokenizeForProvenance(std::string_view text,
                                                           const TokenizeOptions& opts);

// Language from a file name: .c .h .cc .cpp .cxx .hpp .hh -> C family,
// .java, .py, .js .mjs .cjs .ts -> JavaScript; nullopt for anything else.
std::optional<CodeLanguage> LanguageFromPath(std::string_view path);
// "c", "cpp", "java", "python", "javascript"/"js"; nullopt when unknown.
std::optional<CodeLanguage> LanguageFromName(std::string_view name);
std::string_view LanguageName(CodeLanguage lang);
// Options for a query: "" or "text" = prose, else a language name (code
// mode, masking unless `raw` is set). InvalidArgument for unknown names.
Result<TokenizeOptions> TokenizeOptionsFor(std::string_view language, bool raw = false);

}  // namespace warden::provenance

#endif  // WARDEN_PROVENANCE_TOKENS_H_
