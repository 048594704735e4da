// Edits an adversary (or an ordinary editor) makes to watermarked text, used
// by the robustness part of the watermark evaluation (watermark_eval.h):
// random token deletion, insertion and substitution on token ids, and
// WordNet synonym substitution on words.
//
// Every attack draws from an explicit EvalRng so that results depend on the
// seed only, never on thread scheduling.
//
// Thread safety: the functions are pure given their RNG; a SynonymTable is
// immutable after Load and may be shared between threads.
#ifndef WARDEN_SRC_EVAL_WATERMARK_ATTACKS_H_
#define WARDEN_SRC_EVAL_WATERMARK_ATTACKS_H_

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "warden/core/status.h"
#include "warden/text/tokenizer.h"

namespace warden::eval {

// A seeded generator whose outputs are the same with every standard library
// (std::uniform_int_distribution is implementation-defined; this is not).
class EvalRng {
 public:
  explicit EvalRng(uint64_t seed) : gen_(seed) {}
  // Uniform in [0, n); n > 0.
  uint64_t Below(uint64_t n);
  // Uniform in [0, 1).
  double Unit();

 private:
  std::mt19937_64 gen_;
};

// The seed of one (purpose, index) stream, derived from the run's seed.
uint64_t StreamSeed(uint64_t seed, std::string_view purpose, uint64_t index);

// round(rate * n) distinct positions of [0, n), sorted.
std::vector<size_t> PickPositions(size_t n, double rate, EvalRng& rng);

// Removes round(rate * n) tokens at random positions.
std::vector<TokenId> DeleteTokens(std::span<const TokenId> tokens, double rate, EvalRng& rng);
// Inserts round(rate * n) random ids from [0, vocab_size), never `avoid`
// (the end-of-text token), each before a random original position.
std::vector<TokenId> InsertTokens(std::span<const TokenId> tokens, double rate, int32_t vocab_size,
                                  TokenId avoid, EvalRng& rng);
// Replaces round(rate * n) tokens at random positions by random ids (never
// `avoid`, never the id it replaces).
std::vector<TokenId> SubstituteTokens(std::span<const TokenId> tokens, double rate,
                                      int32_t vocab_size, TokenId avoid, EvalRng& rng);

// Single-word synonyms from WordNet's data.{noun,verb,adj,adv}: two words
// are synonyms when they share a synset. Keys and synonyms are lowercase
// ASCII letters only (multi-word lemmas, hyphenated and non-ASCII ones are
// left out).
class SynonymTable {
 public:
  // Reads `<dir>/data.noun` etc. Fails with NotFound (naming the Debian
  // package wordnet-base) when none can be read.
  static Result<SynonymTable> Load(const std::string& dir);
  // From data-file text directly (tests).
  static SynonymTable FromDataText(std::string_view data);

  // Synonyms of a lowercase word, or empty.
  std::span<const std::string> Synonyms(std::string_view lower_word) const;
  size_t words() const { return table_.size(); }

  struct Substitution {
    std::string text;
    int64_t words = 0;     // ASCII-letter words in the input
    int64_t replaced = 0;  // words replaced
  };
  // Replaces round(rate * words) of the words of `text` that have a synonym
  // (all of them when fewer have one) by a random synonym, keeping the
  // capitalization pattern (lower, Capitalized, UPPER). Words are maximal
  // runs of ASCII letters; everything else is copied unchanged, so valid
  // UTF-8 stays valid.
  Substitution Substitute(std::string_view text, double rate, EvalRng& rng) const;

 private:
  void AddDataText(std::string_view data);
  std::unordered_map<std::string, std::vector<std::string>> table_;
};

}  // namespace warden::eval

#endif  // WARDEN_SRC_EVAL_WATERMARK_ATTACKS_H_
