// Term compilation, the regular expression, the reference automaton and the
// acceptance rules shared by both matchers.
#include "guard/lexicon_pattern.h"

#include <algorithm>

#include "guard/fold.h"

namespace warden::guard {

// Leetspeak and masking forms of a letter; "*" stands for a masked vowel.
std::string LetterClass(char c) {
  std::string cls(1, c);
  switch (c) {
    case 'a':
      cls += "4@^*";
      break;
    case 'b':
      cls += "8";
      break;
    case 'c':
      cls += "(<";
      break;
    case 'e':
      cls += "3*";
      break;
    case 'g':
      cls += "96";
      break;
    case 'h':
      cls += "#";
      break;
    case 'i':
      cls += "1!|l*";
      break;
    case 'l':
      cls += "1|i";
      break;
    case 'o':
      cls += "0*";
      break;
    case 's':
      cls += "5$z";
      break;
    case 't':
      cls += "7+";
      break;
    case 'u':
      cls += "v*";
      break;
    default:
      break;
  }
  return cls;
}

namespace {

// A digit or symbol written inside a word of a term is leetspeak for a
// letter ("b1tch", "@ss"); elsewhere ("2 girls 1 cup") it is itself.
char DeLeet(char c) {
  switch (c) {
    case '4':
    case '@':
    case '^':
      return 'a';
    case '8':
      return 'b';
    case '3':
      return 'e';
    case '9':
      return 'g';
    case '1':
    case '!':
    case '|':
      return 'i';
    case '0':
      return 'o';
    case '5':
    case '$':
      return 's';
    case '7':
    case '+':
      return 't';
    default:
      return 0;
  }
}

bool IsTermLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool InClass(const std::string& cls, char c) { return cls.find(c) != std::string::npos; }

}  // namespace

bool IsSeparator(char c) {
  switch (c) {
    case ' ':
    case '.':
    case '-':
    case '_':
    case '*':
    case '~':
    case '\'':
    case '"':
    case '`':
    case ',':
    case ':':
    case ';':
    case '/':
    case '\\':
    case '|':
    case '+':
    case '=':
    case kBoundary:
      return true;
    default:
      return false;
  }
}

Result<CompiledTerm> CompileTerm(const LexiconTerm& term) {
  FoldedText folded;
  FoldForMatching(term.text, 0, &folded);
  std::string s = folded.chars;
  CompiledTerm t;
  t.term = term;
  // Split into words on anything that is not a letter, digit or leet symbol.
  std::vector<std::string> words;
  std::string cur;
  for (char c : s) {
    if (IsTermLetter(c) || DeLeet(c) != 0 || c == '&') {
      cur.push_back(c);
    } else if (!cur.empty()) {
      words.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(cur);
  for (const std::string& w : words) {
    const bool has_letter =
        std::any_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    for (char c : w) {
      if (c >= 'a' && c <= 'z') {
        t.classes.push_back(LetterClass(c));
      } else if (has_letter && DeLeet(c) != 0) {
        t.classes.push_back(LetterClass(DeLeet(c)));
      } else {
        t.classes.push_back(std::string(1, c));
      }
      t.key.push_back(t.classes.back()[0]);
    }
    t.key.push_back(' ');
  }
  t.words = std::max<size_t>(1, words.size());
  if (t.classes.empty()) {
    return Status::InvalidArgument("lexicon term \"" + term.text + "\" has no letters");
  }
  if (!t.key.empty()) t.key.pop_back();
  if (term.substring) t.key = "*" + t.key + "*";
  return t;
}

void ReferenceEnds(const CompiledTerm& t, std::string_view sk, size_t s,
                   std::vector<size_t>* ends) {
  ends->clear();
  const size_t m = t.classes.size();
  // State 2j: just read letter j; 2j+1: in separators after letter j.
  std::vector<char> cur(2 * m, 0), next(2 * m, 0);
  if (s >= sk.size() || !InClass(t.classes[0], sk[s])) return;
  cur[0] = 1;
  std::vector<size_t> raw;
  for (size_t pos = s + 1;; ++pos) {
    if (cur[2 * (m - 1)]) raw.push_back(pos);
    if (pos >= sk.size() || pos - s >= kMaxMatch) break;
    const char c = sk[pos];
    std::fill(next.begin(), next.end(), 0);
    bool any = false;
    for (size_t j = 0; j < m; ++j) {
      if (!cur[2 * j] && !cur[2 * j + 1]) continue;
      if (IsSeparator(c)) next[2 * j + 1] = 1;
      if (InClass(t.classes[j], c)) next[2 * j] = 1;
      if (j + 1 < m && InClass(t.classes[j + 1], c)) next[2 * (j + 1)] = 1;
    }
    for (char v : next) any |= v != 0;
    if (!any) break;
    cur.swap(next);
  }
  for (size_t e : raw) {
    ends->push_back(e);
    if (t.term.substring) continue;
    for (std::string_view suf : kSuffixes) {
      if (sk.substr(e, suf.size()) == suf) ends->push_back(e + suf.size());
    }
  }
  std::sort(ends->begin(), ends->end());
  ends->erase(std::unique(ends->begin(), ends->end()), ends->end());
}

bool MayStartAt(const CompiledTerm& t, std::string_view sk, size_t s) {
  return t.term.substring || s == 0 || !IsWordChar(sk[s - 1]);
}

bool AcceptCandidate(const CompiledTerm& t, std::string_view sk, size_t s, size_t e,
                     bool left_open) {
  if (s == 0 && !left_open) return false;  // may be the tail of a longer word
  if (!t.term.substring) {
    if (s > 0 && IsWordChar(sk[s - 1])) return false;
    if (e < sk.size() && IsWordChar(sk[e])) return false;
  }
  // Whitespace inside the match: "f u c k" (single letters) or a phrase.
  size_t chunks = 0;
  bool all_single = true;
  char first = 0;
  bool in_chunk = false;
  for (size_t i = s; i < e; ++i) {
    const char c = sk[i];
    if (c == ' ') {
      in_chunk = false;
      continue;
    }
    if (!in_chunk) {
      ++chunks;
      in_chunk = true;
      first = 0;
    }
    if (IsSeparator(c)) continue;
    if (first == 0) {
      first = c;
    } else if (c != first) {
      all_single = false;
    }
  }
  return chunks <= t.words || all_single;
}

}  // namespace warden::guard
