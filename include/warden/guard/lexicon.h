// Guardrails: word and phrase filters that survive evasion.
//
// A lexicon is a list of denied terms (words or phrases) with a severity.
// Matching runs on the folded skeleton of the text (guard/fold.h: invisible
// characters dropped, NFKD with accents stripped, ICU confusables folded,
// lowercased) and each term letter also accepts its leetspeak forms
// ("a" = a 4 @ ^ *, "s" = s 5 $ z, ...), repeats ("fuuuck"), and
// separators between letters ("f.u.c.k", "f_u_c_k", "f u c k"; a match that
// spans whitespace is kept only when every whitespace-separated piece is a
// single letter, or when the term itself is a phrase with that many words).
//
// Whole-word against substring: a term matches only as a whole word (plus a
// common inflection: s, es, ed, er, ers, ing, in, y), so "Scunthorpe",
// "assessment" and "cocktail" stay clean. A term written "*fuck*" in a list
// matches inside words too (for stems no innocent English word contains).
// Allowlisted words or phrases suppress any match lying inside them.
//
// Multi-pattern matching: one trie of all terms walked with a small set of
// active states (Vectorscan took 100 s to build the evasion-tolerant
// patterns of the data lists); ScanReference is the naive per-term matcher
// it is tested against. Findings: category "profanity" (type = the lexicon category), or
// "hate" / type "slur" for ethnic, racial and orientation slurs of severity
// >= 2 of 3; score = severity in [0, 1]; spans are byte offsets into the
// original text; evidence = the original matched text and the term.
//
// Data: the LDNOOBW and Surge AI lists are read at run time from
// <data dir>/guard (core::ResourcePaths::data_dir, given by the caller),
// never committed. Without them, a small warden-authored list
// (BuiltinDenyList) is used, so a fresh machine still filters the commonest
// terms.
//
// Thread safety: a LexiconScanner is immutable; Scan is safe from any number
// of threads (scratch space comes from an internal pool).
#ifndef WARDEN_GUARD_LEXICON_H_
#define WARDEN_GUARD_LEXICON_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/guard/guard.h"

namespace warden::guard {

struct LexiconTerm {
  std::string text;                    // as written in the list
  double severity = 0.67;              // [0, 1]
  bool substring = false;              // match inside words too
  std::string category = "profanity";  // or "hate"
  std::string type = "profanity";      // finer kind ("sexual", "slur", ...)
};

// Readers of the supported list formats. Pure-digit terms ("69") are
// dropped: as whole words they are ordinary numbers.
//  - LDNOOBW: one term per line (severity 0.67);
//  - Surge AI profanity CSV: text, canonical forms, categories, severity 1-3;
//  - warden lists: "term[<TAB>severity[<TAB>category[<TAB>type]]]", '#'
//    comments, "*term*" for substring matching.
Result<std::vector<LexiconTerm>> LoadLdnoobw(const std::string& path);
Result<std::vector<LexiconTerm>> LoadSurgeCsv(const std::string& path);
Result<std::vector<LexiconTerm>> LoadTermList(const std::string& path);
Result<std::vector<std::string>> LoadAllowList(const std::string& path);

// The warden-authored fallback list and the default allowlist.
std::vector<LexiconTerm> BuiltinDenyList();
std::vector<std::string> BuiltinAllowList();

// LDNOOBW + Surge from `data_dir`/guard when both exist, else (and when
// `data_dir` is empty) the builtin list; `*from_data` tells which. The
// caller resolves `data_dir` (core::ResolveResourcePaths).
std::vector<LexiconTerm> LoadDefaultLexicon(const std::string& data_dir, bool* from_data);

class LexiconScanner final : public Scanner {
 public:
  // Fails on an empty deny list or a term that has no letters or digits.
  static Result<std::unique_ptr<LexiconScanner>> Create(std::vector<LexiconTerm> deny,
                                                        std::vector<std::string> allow);
  ~LexiconScanner() override;

  std::string_view name() const override { return "lexicon"; }
  Status Scan(std::string_view text, std::vector<Finding>* out) const override;
  // The naive matcher (every term tried at every position), same findings.
  Status ScanReference(std::string_view text, std::vector<Finding>* out) const;

  // True when `text` contains a denied match that ends at or after byte
  // `from` (for vetoing tokens): the end of the text counts as a word end.
  bool MatchEndsAtOrAfter(std::string_view text, size_t from) const;

  size_t term_count() const;

 private:
  struct Impl;
  explicit LexiconScanner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace warden::guard

#endif  // WARDEN_GUARD_LEXICON_H_
