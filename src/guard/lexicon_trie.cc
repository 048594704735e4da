// TermTrie: an NFA walk over a trie. State = (node, in-separators); a text
// byte can stand for several letters ("1" is i, l or the digit), looked up
// in a table built from LetterClass.
#include "guard/lexicon_trie.h"

#include <algorithm>

namespace warden::guard {
namespace {

// For each skeleton byte, the term symbols it can stand for.
const std::array<std::string, 256>& InverseClasses() {
  static const auto* table = [] {
    auto* t = new std::array<std::string, 256>();
    for (char x = 'a'; x <= 'z'; ++x) {
      for (unsigned char b : LetterClass(x)) (*t)[b].push_back(x);
    }
    for (int b = 1; b < 256; ++b) {
      if (b < 'a' || b > 'z') (*t)[static_cast<size_t>(b)].push_back(static_cast<char>(b));
    }
    return t;
  }();
  return *table;
}

struct State {
  int32_t node;
  bool sep;
  bool operator==(const State&) const = default;
};

void Push(std::vector<State>* v, State s) {
  if (std::find(v->begin(), v->end(), s) == v->end()) v->push_back(s);
}

}  // namespace

int32_t TermTrie::Child(int32_t node, char symbol) const {
  for (const auto& [sym, child] : nodes_[static_cast<size_t>(node)].children) {
    if (sym == symbol) return child;
  }
  return -1;
}

void TermTrie::Add(const CompiledTerm& term, uint32_t id) {
  int32_t node = 0;
  for (const std::string& cls : term.classes) {
    const char sym = cls[0];
    int32_t next = Child(node, sym);
    if (next < 0) {
      next = static_cast<int32_t>(nodes_.size());
      Node n;
      n.symbol = sym;
      nodes_.push_back(std::move(n));
      nodes_[static_cast<size_t>(node)].children.emplace_back(sym, next);
    }
    node = next;
  }
  nodes_[static_cast<size_t>(node)].terms.push_back(id);
}

void TermTrie::Walk(std::string_view sk, size_t s,
                    std::vector<std::pair<uint32_t, size_t>>* out) const {
  if (s >= sk.size()) return;
  const auto& inv = InverseClasses();
  // Reused between calls: a walk usually dies after a letter or two, so
  // allocation would dominate.
  thread_local std::vector<State> cur, next;
  cur.clear();
  for (char sym : inv[static_cast<unsigned char>(sk[s])]) {
    if (int32_t c = Child(0, sym); c >= 0) Push(&cur, {c, false});
  }
  for (size_t pos = s + 1; !cur.empty(); ++pos) {
    for (const State& st : cur) {
      if (st.sep) continue;
      for (uint32_t id : nodes_[static_cast<size_t>(st.node)].terms) out->emplace_back(id, pos);
    }
    if (pos >= sk.size() || pos - s >= kMaxMatch) break;
    const char c = sk[pos];
    const std::string& syms = inv[static_cast<unsigned char>(c)];
    next.clear();
    for (const State& st : cur) {
      if (IsSeparator(c)) Push(&next, {st.node, true});
      const char own = nodes_[static_cast<size_t>(st.node)].symbol;
      for (char sym : syms) {
        if (sym == own) Push(&next, {st.node, false});
        if (int32_t child = Child(st.node, sym); child >= 0) Push(&next, {child, false});
      }
    }
    cur.swap(next);
  }
}

size_t TermTrie::memory_bytes() const {
  size_t n = nodes_.size() * sizeof(Node);
  for (const Node& node : nodes_) {
    n += node.children.capacity() * sizeof(node.children[0]) +
         node.terms.capacity() * sizeof(uint32_t);
  }
  return n;
}

}  // namespace warden::guard
