// The fast multi-pattern matcher of the lexicon: all terms in one trie over
// their canonical letters, walked from each possible start position with a
// small set of active states, so that leetspeak forms, repeated letters and
// separators are followed without expanding them into patterns. Reports the
// same raw ends as ReferenceEnds (lexicon_pattern.h) does term by term.
//
// Thread safety: immutable after Build; Walk is const.
#ifndef WARDEN_SRC_GUARD_LEXICON_TRIE_H_
#define WARDEN_SRC_GUARD_LEXICON_TRIE_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "guard/lexicon_pattern.h"

namespace warden::guard {

class TermTrie {
 public:
  // Adds term `id`; its letter symbols are classes[j][0].
  void Add(const CompiledTerm& term, uint32_t id);
  // Appends (term id, end) for every term matching skeleton[s, end),
  // end exclusive, before inflections; in increasing end order per term.
  void Walk(std::string_view skeleton, size_t s,
            std::vector<std::pair<uint32_t, size_t>>* out) const;
  bool empty() const { return nodes_.size() <= 1; }
  size_t memory_bytes() const;

 private:
  struct Node {
    char symbol = 0;  // the letter (or literal) of the edge into this node
    std::vector<std::pair<char, int32_t>> children;
    std::vector<uint32_t> terms;  // terms ending here
  };
  int32_t Child(int32_t node, char symbol) const;

  std::vector<Node> nodes_ = std::vector<Node>(1);
};

}  // namespace warden::guard

#endif  // WARDEN_SRC_GUARD_LEXICON_TRIE_H_
