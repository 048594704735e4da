// Code-mode provenance tokens: a small lexer per language family that keeps
// keywords and operators and masks identifiers, literals and comments (see
// provenance_tokens.h). It never fails: any byte it does not understand
// becomes a one-character operator token, so hostile input only yields odd
// tokens.
#include <algorithm>
#include <array>
#include <string>
#include <unordered_set>

#include "warden/provenance/tokens.h"

namespace warden::provenance {
namespace {

constexpr char kCodePrefix = '\x01';

const std::unordered_set<std::string_view>& Keywords(CodeLanguage lang) {
  static const std::unordered_set<std::string_view> c_family = {
      "auto",      "bool",     "break",   "case",      "catch",  "char",     "class",    "const",
      "constexpr", "continue", "default", "delete",    "do",     "double",   "else",     "enum",
      "explicit",  "extern",   "false",   "float",     "for",    "friend",   "goto",     "if",
      "inline",    "int",      "long",    "namespace", "new",    "nullptr",  "operator", "private",
      "protected", "public",   "return",  "short",     "signed", "sizeof",   "static",   "struct",
      "switch",    "template", "this",    "throw",     "true",   "try",      "typedef",  "typename",
      "union",     "unsigned", "using",   "virtual",   "void",   "volatile", "while",    "NULL"};
  static const std::unordered_set<std::string_view> java = {
      "abstract", "assert", "boolean",    "break",    "byte",       "case",    "catch",
      "char",     "class",  "const",      "continue", "default",    "do",      "double",
      "else",     "enum",   "extends",    "false",    "final",      "finally", "float",
      "for",      "if",     "implements", "import",   "instanceof", "int",     "interface",
      "long",     "native", "new",        "null",     "package",    "private", "protected",
      "public",   "return", "short",      "static",   "super",      "switch",  "synchronized",
      "this",     "throw",  "throws",     "true",     "try",        "void",    "volatile",
      "while",    "var"};
  static const std::unordered_set<std::string_view> python = {
      "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
      "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
      "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
      "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield"};
  static const std::unordered_set<std::string_view> javascript = {
      "await",   "break",     "case",  "catch",  "class",  "const",      "continue", "debugger",
      "default", "delete",    "do",    "else",   "export", "extends",    "false",    "finally",
      "for",     "function",  "if",    "import", "in",     "instanceof", "let",      "new",
      "null",    "return",    "super", "switch", "this",   "throw",      "true",     "try",
      "typeof",  "undefined", "var",   "void",   "while",  "with",       "yield"};
  switch (lang) {
    case CodeLanguage::kJava:
      return java;
    case CodeLanguage::kPython:
      return python;
    case CodeLanguage::kJavaScript:
      return javascript;
    case CodeLanguage::kCFamily:
      break;
  }
  return c_family;
}

bool IsIdentStart(uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
}
bool IsIdentChar(uint8_t c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(uint8_t c) { return c >= '0' && c <= '9'; }

// Longest operators first, so ">>=" wins over ">>" and ">".
constexpr std::array<std::string_view, 30> kOperators = {
    ">>>=", "<<=", ">>=", "...", "->*", "===", "!==", "**=", "//=", "::",
    "->",   "++",  "--",  "<<",  ">>",  "<=",  ">=",  "==",  "!=",  "&&",
    "||",   "+=",  "-=",  "*=",  "/=",  "%=",  "&=",  "|=",  "^=",  "=>"};

class Lexer {
 public:
  Lexer(std::string_view text, const TokenizeOptions& opts)
      : s_(text), opts_(opts), keywords_(Keywords(opts.language)) {}

  std::vector<ProvenanceToken> Run() {
    const bool hash_comments = opts_.language == CodeLanguage::kPython;
    while (i_ < s_.size()) {
      const uint8_t c = static_cast<uint8_t>(s_[i_]);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++i_;
      } else if (hash_comments && c == '#') {
        SkipLine();
      } else if (!hash_comments && StartsWith("//")) {
        SkipLine();
      } else if (!hash_comments && StartsWith("/*")) {
        const size_t close = s_.find("*/", i_ + 2);
        i_ = close == std::string_view::npos ? s_.size() : close + 2;
      } else if (c == '#' && opts_.language == CodeLanguage::kCFamily) {
        Emit(i_, i_ + 1, "#");  // preprocessor lines keep their words
        ++i_;
      } else if (IsStringStart()) {
        LexString();
      } else if (IsDigit(c) || (c == '.' && i_ + 1 < s_.size() && IsDigit(s_[i_ + 1]))) {
        LexNumber();
      } else if (IsIdentStart(c)) {
        LexIdentifier();
      } else {
        LexOperator();
      }
    }
    return std::move(out_);
  }

 private:
  bool StartsWith(std::string_view p) const { return s_.substr(i_, p.size()) == p; }
  void SkipLine() {
    const size_t nl = s_.find('\n', i_);
    i_ = nl == std::string_view::npos ? s_.size() : nl + 1;
  }
  void Emit(size_t begin, size_t end, std::string_view key) {
    ProvenanceToken t;
    t.key.reserve(key.size() + 1);
    t.key.push_back(kCodePrefix);
    t.key.append(key);
    t.begin = static_cast<uint32_t>(begin);
    t.end = static_cast<uint32_t>(end);
    out_.push_back(std::move(t));
  }

  // Python string prefixes (r, b, f, u and pairs) are folded into the literal.
  size_t StringPrefixLength() const {
    if (opts_.language != CodeLanguage::kPython) return 0;
    size_t k = 0;
    while (k < 2 && i_ + k < s_.size() &&
           std::string_view("rRbBfFuU").find(s_[i_ + k]) != std::string_view::npos) {
      ++k;
    }
    if (i_ + k < s_.size() && (s_[i_ + k] == '"' || s_[i_ + k] == '\'')) return k;
    return 0;
  }
  bool IsStringStart() const {
    const char c = s_[i_];
    if (c == '"' || c == '\'') return true;
    if (c == '`' && opts_.language == CodeLanguage::kJavaScript) return true;
    return StringPrefixLength() > 0;
  }
  void LexString() {
    const size_t begin = i_;
    i_ += StringPrefixLength();
    const char quote = s_[i_];
    const bool triple =
        opts_.language == CodeLanguage::kPython && s_.substr(i_, 3) == std::string(3, quote);
    const bool multiline = triple || quote == '`';
    i_ += triple ? 3 : 1;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '\\') {
        i_ += 2;
        continue;
      }
      if (c == '\n' && !multiline) break;  // unterminated: stop at the line end
      if (c == quote) {
        if (!triple) {
          ++i_;
          break;
        }
        if (s_.substr(i_, 3) == std::string(3, quote)) {
          i_ += 3;
          break;
        }
      }
      ++i_;
    }
    i_ = std::min(i_, s_.size());
    Emit(begin, i_, opts_.mask_literals ? "STR" : s_.substr(begin, i_ - begin));
  }
  void LexNumber() {
    const size_t begin = i_;
    while (i_ < s_.size()) {
      const uint8_t c = static_cast<uint8_t>(s_[i_]);
      if (IsIdentChar(c) || c == '.' || c == '\'') {
        ++i_;
      } else if ((c == '+' || c == '-') && (s_[i_ - 1] == 'e' || s_[i_ - 1] == 'E') &&
                 !(s_[begin] == '0' && i_ > begin + 1 && (s_[begin + 1] | 0x20) == 'x')) {
        ++i_;  // exponent sign, but not in a hex literal such as 0x1e+2
      } else {
        break;
      }
    }
    Emit(begin, i_, opts_.mask_literals ? "NUM" : s_.substr(begin, i_ - begin));
  }
  void LexIdentifier() {
    const size_t begin = i_;
    while (i_ < s_.size() && IsIdentChar(static_cast<uint8_t>(s_[i_]))) ++i_;
    const std::string_view word = s_.substr(begin, i_ - begin);
    if (keywords_.contains(word)) {
      Emit(begin, i_, word);
    } else {
      Emit(begin, i_, opts_.mask_identifiers ? std::string_view("ID") : word);
    }
  }
  void LexOperator() {
    for (std::string_view op : kOperators) {
      if (StartsWith(op)) {
        Emit(i_, i_ + op.size(), op);
        i_ += op.size();
        return;
      }
    }
    Emit(i_, i_ + 1, s_.substr(i_, 1));
    ++i_;
  }

  std::string_view s_;
  const TokenizeOptions& opts_;
  const std::unordered_set<std::string_view>& keywords_;
  size_t i_ = 0;
  std::vector<ProvenanceToken> out_;
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::vector<ProvenanceToken> LexCode(std::string_view text, const TokenizeOptions& opts) {
  return Lexer(text, opts).Run();
}

std::optional<CodeLanguage> LanguageFromPath(std::string_view path) {
  for (std::string_view ext : {".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh"}) {
    if (EndsWith(path, ext)) return CodeLanguage::kCFamily;
  }
  if (EndsWith(path, ".java")) return CodeLanguage::kJava;
  if (EndsWith(path, ".py")) return CodeLanguage::kPython;
  for (std::string_view ext : {".js", ".mjs", ".cjs", ".ts"}) {
    if (EndsWith(path, ext)) return CodeLanguage::kJavaScript;
  }
  return std::nullopt;
}

std::optional<CodeLanguage> LanguageFromName(std::string_view name) {
  if (name == "c" || name == "cpp" || name == "c++") return CodeLanguage::kCFamily;
  if (name == "java") return CodeLanguage::kJava;
  if (name == "python" || name == "py") return CodeLanguage::kPython;
  if (name == "javascript" || name == "js") return CodeLanguage::kJavaScript;
  return std::nullopt;
}

Result<TokenizeOptions> TokenizeOptionsFor(std::string_view language, bool raw) {
  TokenizeOptions o;
  if (language.empty() || language == "text") return o;
  const auto lang = LanguageFromName(language);
  if (!lang) {
    return Status::InvalidArgument("unknown language \"" + std::string(language) +
                                   "\" (text, c, cpp, java, python, javascript)");
  }
  o.mode = TokenMode::kCode;
  o.language = *lang;
  o.mask_identifiers = o.mask_literals = !raw;
  return o;
}

std::string_view LanguageName(CodeLanguage lang) {
  switch (lang) {
    case CodeLanguage::kJava:
      return "java";
    case CodeLanguage::kPython:
      return "python";
    case CodeLanguage::kJavaScript:
      return "javascript";
    case CodeLanguage::kCFamily:
      break;
  }
  return "c";
}

}  // namespace warden::provenance
