// Normalization and hashed features of the guard classifiers.
//
// The normalized form is a list of words separated by single spaces: the
// classifier never sees punctuation, case, markup or the tricks people use
// to hide a word from a filter, so one spelling learned in training covers
// its obfuscated variants at scan time.
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <cctype>

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/hash.h"
#include "warden/guard/classifier.h"
#include "warden/text/utf8.h"

namespace warden::guard {
namespace {

constexpr uint64_t kWordSeed = 0x57u;
constexpr uint64_t kBigramSeed = 0x42u;
constexpr uint64_t kCharSeed = 0x43u;
constexpr uint64_t kSignalSeed = 0x58u;

bool IsAsciiLetter(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
// Letters of any script: after case folding, bytes >= 0x80 only occur in
// non-ASCII code points, which we treat as word characters.
bool IsWordByte(char c) {
  return IsAsciiLetter(c) || IsDigit(c) || static_cast<unsigned char>(c) >= 0x80;
}

// What a leetspeak character stands for inside a word, or 0.
char LeetLetter(char c) {
  switch (c) {
    case '0':
      return 'o';
    case '1':
      return 'i';
    case '3':
      return 'e';
    case '4':
      return 'a';
    case '5':
      return 's';
    case '7':
      return 't';
    case '9':
      return 'g';
    case '@':
      return 'a';
    case '$':
      return 's';
    case '!':
      return 'i';
    case '|':
      return 'l';
    case '+':
      return 't';
    default:
      return 0;
  }
}

// "1st", "2nd", "90s", "10am", "5k": numbers with a suffix, not leetspeak.
bool IsNumberWithSuffix(std::string_view t) {
  size_t i = 0;
  while (i < t.size() && IsDigit(t[i])) ++i;
  if (i == 0) return false;
  std::string_view rest = t.substr(i);
  return rest.empty() || rest == "st" || rest == "nd" || rest == "rd" || rest == "th" ||
         rest == "s" || rest == "am" || rest == "pm" || rest == "k" || rest == "m";
}

// "f.u.c.k", "f-u-c-k", "f*u*c*k": single letters joined by one separator.
bool IsSeparatedLetters(std::string_view t) {
  if (t.size() < 5 || t.size() % 2 == 0) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (i % 2 == 0 && !IsAsciiLetter(t[i])) return false;
    if (i % 2 == 1 && (IsWordByte(t[i]) || t[i] != t[1])) return false;
  }
  return true;
}

// Folds one whitespace-delimited, lowercased token into words, appended to
// `words`.
void FoldToken(std::string_view tok, std::vector<std::string>* words) {
  if (tok.starts_with("http://") || tok.starts_with("https://") || tok.starts_with("www.")) {
    words->push_back("http");
    return;
  }
  if (tok.size() > 1 && tok[0] == '@' && (IsWordByte(tok[1]) || tok[1] == '_')) {
    words->push_back("@user");
    return;
  }
  std::string t(tok);
  if (IsSeparatedLetters(t)) {
    std::string joined;
    for (size_t i = 0; i < t.size(); i += 2) joined.push_back(t[i]);
    t = joined;
  }
  // Leetspeak: a digit or symbol with a letter after it somewhere in the
  // token, or a digit after a letter ("b1tch", "@ss", "sh1t", "fuk3r").
  size_t first_letter = std::string::npos, last_letter = std::string::npos;
  for (size_t i = 0; i < t.size(); ++i) {
    if (IsAsciiLetter(t[i])) {
      if (first_letter == std::string::npos) first_letter = i;
      last_letter = i;
    }
  }
  if (first_letter != std::string::npos && !IsNumberWithSuffix(t)) {
    for (size_t i = 0; i < t.size(); ++i) {
      const char l = LeetLetter(t[i]);
      if (l == 0) continue;
      const bool inside = i < last_letter && (i + 1 < t.size()) &&
                          (IsWordByte(t[i + 1]) || LeetLetter(t[i + 1]) != 0);
      const bool trailing_digit = (IsDigit(t[i]) || t[i] == '$') && i > first_letter;
      if (inside || trailing_digit) t[i] = l;
    }
  }
  // Split on what is not a word character; apostrophes vanish ("don't").
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words->push_back(std::move(word));
    word.clear();
  };
  for (char c : t) {
    if (c == '\'') continue;
    if (IsWordByte(c)) {
      // Runs of one letter longer than two become two ("fuuuck" -> "fuuck").
      const size_t n = word.size();
      if (n >= 2 && word[n - 1] == c && word[n - 2] == c && IsAsciiLetter(c)) continue;
      word.push_back(c);
    } else {
      flush();
    }
  }
  flush();
}

std::string CaseFold(std::string_view s) {
  bool ascii = true;
  for (char c : s) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    std::string out(s);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }
  icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  u.foldCase(U_FOLD_CASE_DEFAULT);
  std::string out;
  u.toUTF8String(out);
  return out;
}

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s->find(from, pos)) != std::string::npos) {
    s->replace(pos, from.size(), to);
    pos += to.size();
  }
}

uint32_t Bucket(uint64_t h, uint32_t bits) { return static_cast<uint32_t>(h >> (64 - bits)); }

}  // namespace

Result<ClassifierNormalizer> ClassifierNormalizer::Create() {
  text::NormalizeOptions opts;
  opts.collapse_whitespace = true;
  WARDEN_ASSIGN_OR_RETURN(text::Normalizer n, text::Normalizer::Create(opts));
  return ClassifierNormalizer(std::move(n));
}

std::string ClassifierNormalizer::Normalize(std::string_view text) const {
  // Ill-formed bytes are dropped: scanners look at what can be read.
  std::string valid;
  if (text::FindInvalidUtf8(text) != std::string_view::npos) {
    while (!text.empty()) {
      const size_t bad = text::FindInvalidUtf8(text);
      if (bad == std::string_view::npos) {
        valid.append(text);
        break;
      }
      valid.append(text.substr(0, bad));
      valid.push_back(' ');
      text.remove_prefix(
          bad + text::InvalidSubpartLength(reinterpret_cast<const uint8_t*>(text.data()) + bad,
                                           text.size() - bad));
    }
    text = valid;
  }
  Result<std::string> unicode = unicode_.Normalize(text);
  std::string folded = CaseFold(unicode.ok() ? std::string_view(*unicode) : text);
  ReplaceAll(&folded, "&amp;", "&");
  ReplaceAll(&folded, "&lt;", "<");
  ReplaceAll(&folded, "&gt;", ">");
  ReplaceAll(&folded, "&quot;", "\"");
  ReplaceAll(&folded, "&#8220;", "\"");
  ReplaceAll(&folded, "&#8221;", "\"");
  ReplaceAll(&folded, "&#8217;", "'");

  std::vector<std::string> words;
  size_t i = 0;
  while (i < folded.size()) {
    while (i < folded.size() && std::isspace(static_cast<unsigned char>(folded[i]))) ++i;
    size_t j = i;
    while (j < folded.size() && !std::isspace(static_cast<unsigned char>(folded[j]))) ++j;
    if (j > i) FoldToken(std::string_view(folded).substr(i, j - i), &words);
    i = j;
  }
  // Letters spaced apart ("f u c k", "b l a c k") join into one word.
  std::string out;
  for (size_t w = 0; w < words.size();) {
    size_t run = w;
    while (run < words.size() && words[run].size() == 1 && IsAsciiLetter(words[run][0])) ++run;
    if (!out.empty()) out.push_back(' ');
    if (run - w >= 3) {
      for (size_t k = w; k < run; ++k) out += words[k];
      w = run;
    } else {
      out += words[w];
      ++w;
    }
  }
  return out;
}

void ExtractFeatures(const FeatureOptions& opts, std::string_view normalized,
                     const std::vector<std::string>& signals, bool with_names, FeatureVector* out) {
  out->buckets.clear();
  out->names.clear();
  const uint32_t bits = opts.hash_bits;
  uint64_t prev_hash = 0;
  bool have_prev = false;
  std::string_view prev_word;
  std::string padded;
  std::vector<size_t> cp_starts;
  size_t pos = 0;
  while (pos < normalized.size()) {
    size_t end = normalized.find(' ', pos);
    if (end == std::string_view::npos) end = normalized.size();
    const std::string_view word = normalized.substr(pos, end - pos);
    pos = end + 1;
    if (word.empty()) continue;
    const uint64_t h = core::Hash64(word, kWordSeed);
    if (opts.word_unigrams) {
      out->buckets.push_back(Bucket(h, bits));
      if (with_names) out->names.emplace_back(word);
    }
    if (opts.word_bigrams && have_prev) {
      out->buckets.push_back(
          Bucket(core::Mix64(prev_hash * 0x9E3779B97F4A7C15ULL ^ h ^ kBigramSeed), bits));
      if (with_names) out->names.push_back(std::string(prev_word) + " " + std::string(word));
    }
    prev_hash = h;
    prev_word = word;
    have_prev = true;
    if (opts.char_max == 0) continue;
    padded.assign("<");
    padded.append(word);
    padded.push_back('>');
    cp_starts.clear();
    for (size_t b = 0; b < padded.size(); ++b) {
      if ((static_cast<unsigned char>(padded[b]) & 0xC0) != 0x80) cp_starts.push_back(b);
    }
    const size_t ncp = cp_starts.size();
    cp_starts.push_back(padded.size());
    for (size_t n = opts.char_min; n <= opts.char_max; ++n) {
      if (n > ncp) break;
      // The whole padded word is already the unigram feature's business.
      for (size_t s = 0; s + n <= ncp; ++s) {
        if (n == ncp && n > opts.char_min) continue;
        const std::string_view gram =
            std::string_view(padded).substr(cp_starts[s], cp_starts[s + n] - cp_starts[s]);
        out->buckets.push_back(Bucket(core::Hash64(gram, kCharSeed), bits));
        // Named after their word, so evidence adds up per word.
        if (with_names) out->names.emplace_back(word);
      }
    }
  }
  const size_t ngrams = out->buckets.size();
  out->value =
      ngrams == 0 ? 0.0f : static_cast<float>(1.0 / std::sqrt(static_cast<double>(ngrams)));
  for (const std::string& s : signals) {
    out->buckets.push_back(Bucket(core::Hash64(s, kSignalSeed), bits));
    if (with_names) out->names.push_back("signal:" + s);
  }
  out->num_signals = signals.size();
}

}  // namespace warden::guard
