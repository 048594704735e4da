// PCRE2 pre-tokenizers of the byte-level BPE families (see the header).
//
// The patterns follow what each model's own tokenizer.json declares (and
// llama.cpp's table of them); contractions use explicit case classes
// ('[sS]') rather than (?i) so Unicode case folding cannot widen them
// (with (?i) and UCP, 's would also match U+017F LONG S).
#include "text/model_vocab_pretok.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <string>

namespace warden::text {
namespace {

// GPT-2 (2019): contractions, letters, digits, other symbols, each with an
// optional leading space; whitespace runs leave their last space to the next
// word.
constexpr const char* kGpt2 =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// Llama 3: case-insensitive contractions, a word may take one leading
// non-letter/non-digit (not a newline), digits in groups of 1-3, symbols
// keep trailing newlines, newline runs absorb preceding whitespace.
constexpr const char* kLlama3 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// Qwen2: Llama 3's pattern with every digit on its own.
constexpr const char* kQwen2 =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// SmolLM (and StarCoder): digits split one by one first, then GPT-2's rules.
constexpr const char* kDigits = R"(\p{N})";

}  // namespace

Result<std::vector<std::string>> PreTokenizerPatterns(std::string_view name) {
  if (name == "gpt2" || name == "default" || name.empty()) return std::vector<std::string>{kGpt2};
  if (name == "llama-bpe" || name == "llama3") return std::vector<std::string>{kLlama3};
  if (name == "qwen2") return std::vector<std::string>{kQwen2};
  if (name == "smollm" || name == "starcoder") return std::vector<std::string>{kDigits, kGpt2};
  return Status::NotFound("unknown pre-tokenizer \"" + std::string(name) +
                          "\" (supported: default, gpt2, llama-bpe, qwen2, smollm)");
}

struct ModelPreTokenizer::Pattern {
  pcre2_code* code = nullptr;
  ~Pattern() { pcre2_code_free(code); }
};

ModelPreTokenizer::~ModelPreTokenizer() = default;

Result<std::unique_ptr<ModelPreTokenizer>> ModelPreTokenizer::Compile(std::string_view name) {
  WARDEN_ASSIGN_OR_RETURN(std::vector<std::string> patterns, PreTokenizerPatterns(name));
  std::unique_ptr<ModelPreTokenizer> pre(new ModelPreTokenizer());
  for (const std::string& p : patterns) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    auto pattern = std::make_unique<Pattern>();
    pattern->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(p.data()), p.size(),
                                  PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr);
    if (pattern->code == nullptr) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(error, message, sizeof(message));
      return Status::Internal("pre-tokenizer " + std::string(name) + ": pattern error at " +
                              std::to_string(offset) + ": " +
                              reinterpret_cast<const char*>(message));
    }
    // JIT is an optimization only; the interpreter gives the same matches.
    pcre2_jit_compile(pattern->code, PCRE2_JIT_COMPLETE);
    pre->patterns_.push_back(std::move(pattern));
  }
  return pre;
}

namespace {

// Cuts `text` into matches of `code` and the (non-empty) text between them.
Status SplitOne(const pcre2_code* code, pcre2_match_data* md, std::string_view text,
                std::vector<std::string_view>* out) {
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t start = 0;
  size_t gap_start = 0;
  while (start < text.size()) {
    const int rc = pcre2_match(code, subject, text.size(), start, PCRE2_NO_UTF_CHECK, md, nullptr);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(rc, message, sizeof(message));
      return Status::OutOfRange(std::string("pre-tokenizer: ") +
                                reinterpret_cast<const char*>(message));
    }
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    size_t begin = ov[0], end = ov[1];
    if (end == begin) {
      // No pattern here matches empty text; step one character regardless so
      // a future pattern that could cannot loop forever.
      ++end;
      while (end < text.size() && (static_cast<uint8_t>(text[end]) & 0xC0) == 0x80) ++end;
      start = end;
      continue;
    }
    if (begin > gap_start) out->push_back(text.substr(gap_start, begin - gap_start));
    out->push_back(text.substr(begin, end - begin));
    start = gap_start = end;
  }
  if (gap_start < text.size()) out->push_back(text.substr(gap_start));
  return Status::Ok();
}

struct MatchDataDeleter {
  void operator()(pcre2_match_data* md) const { pcre2_match_data_free(md); }
};

}  // namespace

Status ModelPreTokenizer::Split(std::string_view text, std::vector<std::string_view>* out) const {
  if (text.empty()) return Status::Ok();
  std::unique_ptr<pcre2_match_data, MatchDataDeleter> md(pcre2_match_data_create(4, nullptr));
  if (md == nullptr) return Status::Internal("pre-tokenizer: out of memory");
  std::vector<std::string_view> current{text};
  std::vector<std::string_view> next;
  for (size_t k = 0; k < patterns_.size(); ++k) {
    std::vector<std::string_view>& dest = k + 1 == patterns_.size() ? *out : next;
    if (&dest == &next) next.clear();
    for (std::string_view piece : current) {
      WARDEN_RETURN_IF_ERROR(SplitOne(patterns_[k]->code, md.get(), piece, &dest));
    }
    if (&dest == &next) current.swap(next);
  }
  return Status::Ok();
}

}  // namespace warden::text
