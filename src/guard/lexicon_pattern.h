// A lexicon term compiled for skeleton matching (see guard_lexicon.h): one
// character class per term letter (the letter and its leetspeak forms), each
// repeatable, with separators allowed between letters; an optional
// inflection suffix for whole-word terms. The fast path walks all terms at
// once in a trie (lexicon_trie.cc); the reference path simulates each term's
// automaton on its own (ReferenceEnds); both feed AcceptCandidate, the shared
// word-boundary and whitespace rules.
#ifndef WARDEN_SRC_GUARD_LEXICON_PATTERN_H_
#define WARDEN_SRC_GUARD_LEXICON_PATTERN_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/guard/lexicon.h"

namespace warden::guard {

struct CompiledTerm {
  LexiconTerm term;
  std::vector<std::string> classes;  // bytes each letter position accepts
  size_t words = 1;                  // words in the term
  std::string key;                   // canonical form, for de-duplication
};

// The text bytes a term letter accepts: itself and its leetspeak forms.
std::string LetterClass(char letter);

// Inflections a whole-word term may carry ("fucking", "bitches").
inline constexpr std::string_view kSuffixes[] = {"s",   "es", "ed", "er", "ers",
                                                 "ing", "in", "y",  "z"};

// Longest match, in skeleton bytes, before inflection (bounds the work per
// start position on hostile input such as endless separators).
inline constexpr size_t kMaxMatch = 200;

// Where a term may start: anywhere for substring terms, else at a position
// not preceded by a word character.
bool MayStartAt(const CompiledTerm& t, std::string_view skeleton, size_t s);

// The separators allowed between letters of a word.
bool IsSeparator(char c);

// Builds the classes of `term`; fails when it has no letter or digit.
Result<CompiledTerm> CompileTerm(const LexiconTerm& term);

// Reference: every end e (exclusive) such that skeleton[s, e) matches `t`.
void ReferenceEnds(const CompiledTerm& t, std::string_view skeleton, size_t s,
                   std::vector<size_t>* ends);

// Word-boundary (unless substring) and whitespace rules for the candidate
// match skeleton[s, e). `left_open`: position 0 is the start of the text (a
// word start) rather than the start of a window inside a longer text.
bool AcceptCandidate(const CompiledTerm& t, std::string_view skeleton, size_t s, size_t e,
                     bool left_open);

}  // namespace warden::guard

#endif  // WARDEN_SRC_GUARD_LEXICON_PATTERN_H_
