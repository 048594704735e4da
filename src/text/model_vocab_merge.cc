// The two merge algorithms of model tokenizers (see model_tok_impl.h).
//
// Both keep the symbols of one piece in a doubly linked list over an array
// and candidate pairs in a heap, so a piece of n characters costs
// O(n log n) rather than the O(n^2) of rescanning after each merge. Stale
// heap entries (a side was merged away since) are recognized and skipped.
#include <cstring>
#include <queue>

#include "text/model_vocab_impl.h"
#include "warden/text/utf8.h"

namespace warden::text {

namespace {

struct Symbol {
  uint32_t begin = 0;  // byte offset in the piece (SPM) / unused (BPE)
  uint32_t size = 0;   // bytes (SPM); 0 marks a symbol merged away
  int32_t prev = -1, next = -1;
  TokenId id = -1;  // BPE only
};

// SPM candidate: higher score first; among equal scores the leftmost.
struct SpmBigram {
  float score;
  int32_t left, right;
  uint32_t size;  // byte size of the merged text, to detect stale entries
};
struct SpmBigramLess {
  bool operator()(const SpmBigram& a, const SpmBigram& b) const {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  }
};

}  // namespace

void SpmEncodePiece(const SpmTables& t, std::string_view text, std::vector<TokenId>* out) {
  if (text.empty()) return;
  std::vector<Symbol> sym;
  sym.reserve(text.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  for (uint32_t i = 0; i < text.size();) {
    const uint8_t* p = bytes + i;
    DecodeValidUtf8(p);
    const auto len = static_cast<uint32_t>(p - (bytes + i));
    Symbol s;
    s.begin = i;
    s.size = len;
    s.prev = static_cast<int32_t>(sym.size()) - 1;
    s.next = i + len < text.size() ? static_cast<int32_t>(sym.size()) + 1 : -1;
    sym.push_back(s);
    i += len;
  }

  std::priority_queue<SpmBigram, std::vector<SpmBigram>, SpmBigramLess> heap;
  auto try_add = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0) return;
    const std::string_view merged = text.substr(sym[left].begin, sym[left].size + sym[right].size);
    auto it = t.mergeable->find(merged);
    if (it == t.mergeable->end()) return;
    const float score = t.scores->empty() ? 0.0f : (*t.scores)[it->second];
    heap.push({score, left, right, static_cast<uint32_t>(merged.size())});
  };
  for (int32_t i = 1; i < static_cast<int32_t>(sym.size()); ++i) try_add(i - 1, i);

  while (!heap.empty()) {
    const SpmBigram b = heap.top();
    heap.pop();
    Symbol& l = sym[b.left];
    Symbol& r = sym[b.right];
    if (l.size == 0 || r.size == 0 || l.size + r.size != b.size || l.next != b.right) continue;
    l.size += r.size;
    r.size = 0;
    l.next = r.next;
    if (r.next >= 0) sym[r.next].prev = b.left;
    try_add(l.prev, b.left);
    try_add(b.left, l.next);
  }

  for (int32_t i = 0; i >= 0 && i < static_cast<int32_t>(sym.size()); i = sym[i].next) {
    const std::string_view piece = text.substr(sym[i].begin, sym[i].size);
    auto it = t.mergeable->find(piece);
    if (it != t.mergeable->end()) {
      out->push_back(it->second);
      continue;
    }
    // Only single characters can be missing (merges form vocabulary tokens).
    // A lone U+2581 stands for a space: its fallback is the space byte, so
    // the ids decode to the text (SentencePiece's decoder does the same).
    if (piece == "\xE2\x96\x81" && t.byte_tokens[' '] >= 0) {
      out->push_back(t.byte_tokens[' ']);
      continue;
    }
    bool all_bytes = true;
    for (char c : piece) all_bytes = all_bytes && t.byte_tokens[static_cast<uint8_t>(c)] >= 0;
    if (all_bytes) {
      for (char c : piece) out->push_back(t.byte_tokens[static_cast<uint8_t>(c)]);
    } else {
      out->push_back(t.unk);
    }
  }
}

namespace {

// BPE candidate: lowest rank first; among equal ranks the leftmost.
struct BpePair {
  uint32_t rank;
  int32_t left, right;
  TokenId left_id, right_id, result;
};
struct BpePairGreater {
  bool operator()(const BpePair& a, const BpePair& b) const {
    return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
  }
};

uint64_t PairKey(TokenId l, TokenId r) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(l)) << 32) | static_cast<uint32_t>(r);
}

}  // namespace

void BpeEncodePiece(const BpeTables& t, std::string_view piece, std::vector<TokenId>* out) {
  if (piece.empty()) return;
  if (piece.size() == 1) {
    out->push_back(t.byte_tokens[static_cast<uint8_t>(piece[0])]);
    return;
  }
  const auto n = static_cast<int32_t>(piece.size());
  std::vector<Symbol> sym(n);
  for (int32_t i = 0; i < n; ++i) {
    sym[i].id = t.byte_tokens[static_cast<uint8_t>(piece[i])];
    sym[i].size = 1;
    sym[i].prev = i - 1;
    sym[i].next = i + 1 < n ? i + 1 : -1;
  }
  std::priority_queue<BpePair, std::vector<BpePair>, BpePairGreater> heap;
  auto try_add = [&](int32_t left, int32_t right) {
    if (left < 0 || right < 0) return;
    auto it = t.merges.find(PairKey(sym[left].id, sym[right].id));
    if (it == t.merges.end()) return;
    heap.push({static_cast<uint32_t>(it->second >> 32), left, right, sym[left].id, sym[right].id,
               static_cast<TokenId>(it->second & 0xFFFFFFFFu)});
  };
  for (int32_t i = 1; i < n; ++i) try_add(i - 1, i);
  while (!heap.empty()) {
    const BpePair p = heap.top();
    heap.pop();
    Symbol& l = sym[p.left];
    Symbol& r = sym[p.right];
    if (l.size == 0 || r.size == 0 || l.next != p.right || l.id != p.left_id ||
        r.id != p.right_id) {
      continue;
    }
    l.id = p.result;
    r.size = 0;
    l.next = r.next;
    if (r.next >= 0) sym[r.next].prev = p.left;
    try_add(l.prev, p.left);
    try_add(p.left, l.next);
  }
  for (int32_t i = 0; i >= 0; i = sym[i].next) out->push_back(sym[i].id);
}

}  // namespace warden::text
