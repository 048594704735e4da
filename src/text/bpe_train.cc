// BpeTokenizer::Train: pre-token counting in parallel, then the classic
// merge loop over word types with an incremental pair index.
//
// The merge loop keeps, for every adjacent symbol pair, its total count over
// all word occurrences and the list of word types that (may) contain it. A
// max-heap of (count, pair) entries picks the next merge; entries go stale
// when counts drop and are re-checked lazily when they reach the top. Each
// merge then only rewrites the word types that contain the pair, so the
// cost follows the number of pair occurrences, not vocabulary x corpus.
#include <algorithm>
#include <cstring>
#include <queue>
#include <unordered_map>

#include "text/bpe_impl.h"
#include "text/pretokenize.h"
#include "warden/core/parallel.h"
#include "warden/text/bpe_tokenizer.h"
#include "warden/text/utf8.h"

namespace warden::text {
namespace {

// Counts of distinct pre-tokens, keyed by views into the training texts:
// an open-addressing table, several times faster than std::unordered_map on
// the tens of millions of lookups a large corpus needs.
class PieceCounter {
 public:
  PieceCounter() : slots_(1 << 12), mask_((1 << 12) - 1) {}

  void Add(std::string_view piece, int64_t count) {
    const uint64_t h = text::HashPiece(piece);
    size_t i = h & mask_;
    while (true) {
      Slot& s = slots_[i];
      if (s.hash == 0) break;
      if (s.hash == h && s.len == piece.size() && std::memcmp(s.data, piece.data(), s.len) == 0) {
        s.count += count;
        return;
      }
      i = (i + 1) & mask_;
    }
    slots_[i] = Slot{h, piece.data(), static_cast<uint32_t>(piece.size()), count};
    if (++size_ * 2 > slots_.size()) Grow();
  }

  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const Slot& s : slots_) {
      if (s.hash != 0) fn(std::string_view(s.data, s.len), s.count);
    }
  }
  size_t size() const { return size_; }
  void swap(PieceCounter& o) noexcept {
    slots_.swap(o.slots_);
    std::swap(mask_, o.mask_);
    std::swap(size_, o.size_);
  }

 private:
  struct Slot {
    uint64_t hash = 0;  // HashPiece never returns 0
    const char* data = nullptr;
    uint32_t len = 0;
    int64_t count = 0;
  };

  void Grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.hash == 0) continue;
      size_t i = s.hash & mask_;
      while (slots_[i].hash != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t mask_;
  size_t size_ = 0;
};

// A slice of one training text that pre-tokenizes exactly like the same
// bytes in place: slices are cut right after a '\n' that is followed by
// neither '\n' nor '\r', where a piece always ends.
struct Slice {
  std::string_view text;
};

constexpr size_t kSliceBytes = 1 << 20;

void SliceText(std::string_view text, std::vector<Slice>* out) {
  while (text.size() > kSliceBytes) {
    size_t cut = std::string_view::npos;
    for (size_t i = kSliceBytes; i + 1 < text.size(); ++i) {
      if (text[i] == '\n' && text[i + 1] != '\n' && text[i + 1] != '\r') {
        cut = i + 1;
        break;
      }
    }
    if (cut == std::string_view::npos) break;
    out->push_back({text.substr(0, cut)});
    text.remove_prefix(cut);
  }
  if (!text.empty()) out->push_back({text});
}

void CountSlices(const std::vector<Slice>& slices, size_t begin, size_t end, PieceCounter* counts) {
  for (size_t i = begin; i < end; ++i) {
    text::ForEachPreToken(slices[i].text, [counts](std::string_view p) { counts->Add(p, 1); });
  }
}

struct Word {
  uint32_t offset;  // into the symbol arena
  uint32_t length;  // current number of symbols
  int64_t count;    // occurrences in the corpus
};

struct PairStats {
  int64_t count = 0;
  std::vector<int32_t> words;  // may hold duplicates and stale entries
};

struct HeapEntry {
  int64_t count;
  uint64_t key;
  // Max-heap on count; on ties the smallest (left, right) wins.
  bool operator<(const HeapEntry& o) const {
    if (count != o.count) return count < o.count;
    return key > o.key;
  }
};

class MergeTrainer {
 public:
  MergeTrainer(const std::vector<std::pair<std::string_view, int64_t>>& types) {
    size_t total = 0;
    for (const auto& t : types) total += t.first.size();
    symbols_.reserve(total);
    words_.reserve(types.size());
    for (const auto& [bytes, count] : types) {
      if (bytes.size() < 2) continue;  // nothing to merge
      words_.push_back(
          {static_cast<uint32_t>(symbols_.size()), static_cast<uint32_t>(bytes.size()), count});
      for (char c : bytes) symbols_.push_back(static_cast<uint8_t>(c));
    }
    pairs_.reserve(1 << 16);
    for (size_t w = 0; w < words_.size(); ++w) {
      const Word& word = words_[w];
      const TokenId* s = symbols_.data() + word.offset;
      for (uint32_t i = 0; i + 1 < word.length; ++i) {
        Add(text::PairKey(s[i], s[i + 1]), word.count, static_cast<int32_t>(w));
      }
    }
    for (const auto& [key, stats] : pairs_) heap_.push({stats.count, key});
  }

  // Learns up to `max_merges` merges with count >= min_count.
  std::vector<std::pair<TokenId, TokenId>> Run(size_t max_merges, int64_t min_count) {
    std::vector<std::pair<TokenId, TokenId>> merges;
    while (merges.size() < max_merges && !heap_.empty()) {
      const HeapEntry top = heap_.top();
      heap_.pop();
      auto it = pairs_.find(top.key);
      const int64_t actual = it == pairs_.end() ? 0 : it->second.count;
      if (actual != top.count) {
        // Increases always push a fresh entry, so a stale one only matters
        // when the count dropped.
        if (actual > 0 && actual < top.count) heap_.push({actual, top.key});
        continue;
      }
      if (actual < min_count) break;
      const auto left = static_cast<TokenId>(top.key >> 32);
      const auto right = static_cast<TokenId>(top.key & 0xFFFFFFFFu);
      const TokenId result = text::kFirstMergeId + static_cast<TokenId>(merges.size());
      merges.emplace_back(left, right);
      ApplyMerge(top.key, left, right, result);
    }
    return merges;
  }

 private:
  void Add(uint64_t key, int64_t delta, int32_t word) {
    PairStats& st = pairs_[key];
    st.count += delta;
    if (delta > 0 && (st.words.empty() || st.words.back() != word)) st.words.push_back(word);
  }

  void ApplyMerge(uint64_t key, TokenId a, TokenId b, TokenId ab) {
    std::vector<int32_t> words = std::move(pairs_[key].words);
    pairs_.erase(key);
    merging_ = key;
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    touched_.clear();
    for (int32_t w : words) {
      Word& word = words_[w];
      TokenId* s = symbols_.data() + word.offset;
      const uint32_t n = word.length;
      const int64_t c = word.count;
      // Compact in place: s[0, out) is the merged prefix, s[in, n) unread.
      uint32_t out = 0, in = 0;
      while (in < n) {
        if (in + 1 < n && s[in] == a && s[in + 1] == b) {
          if (out > 0) {
            AddOther(text::PairKey(s[out - 1], a), -c, w);
            AddOther(text::PairKey(s[out - 1], ab), c, w);
          }
          if (in + 2 < n) {
            AddOther(text::PairKey(b, s[in + 2]), -c, w);
            AddOther(text::PairKey(ab, s[in + 2]), c, w);
          }
          s[out++] = ab;
          in += 2;
        } else {
          s[out++] = s[in++];
        }
      }
      word.length = out;
    }
    std::sort(touched_.begin(), touched_.end());
    touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
    for (uint64_t k : touched_) {
      auto it = pairs_.find(k);
      if (it != pairs_.end() && it->second.count > 0) heap_.push({it->second.count, k});
    }
  }

  // Like Add, for pairs other than the one being merged (that one is gone).
  // A left neighbour that is itself a fresh `ab` from this pass produced the
  // pair (ab, a) a moment ago; the decrement cancels it, as it should.
  void AddOther(uint64_t key, int64_t delta, int32_t word) {
    // (a, a) merges see their own pair as a neighbour ("a a a"); it is gone.
    if (key == merging_) return;
    Add(key, delta, word);
    if (delta > 0) touched_.push_back(key);
  }

  std::vector<TokenId> symbols_;
  std::vector<Word> words_;
  std::unordered_map<uint64_t, PairStats> pairs_;
  std::priority_queue<HeapEntry> heap_;
  std::vector<uint64_t> touched_;
  uint64_t merging_ = 0;
};

}  // namespace

Result<BpeTokenizer> BpeTokenizer::Train(std::span<const std::string> texts,
                                         const TrainOptions& opts) {
  if (opts.vocab_size < text::kFirstMergeId || opts.vocab_size > text::kMaxVocabSize) {
    return Status::InvalidArgument("BPE vocab_size " + std::to_string(opts.vocab_size) +
                                   " outside [257, 1048576]");
  }
  for (size_t d = 0; d < texts.size(); ++d) {
    const size_t bad = FindInvalidUtf8(texts[d]);
    if (bad != std::string_view::npos) {
      return Status::InvalidArgument("training text " + std::to_string(d) +
                                     ": invalid UTF-8 at byte offset " + std::to_string(bad));
    }
  }
  try {
    std::vector<Slice> slices;
    for (const std::string& t : texts) SliceText(t, &slices);
    const size_t threads = std::max<size_t>(
        1, std::min(static_cast<size_t>(core::ResolveThreads(opts.threads)), slices.size()));

    // Slices are handed out one at a time; each worker counts into its own
    // table, and the merged totals do not depend on who counted what.
    std::vector<PieceCounter> counts(threads);
    try {
      core::ParallelForDynamic(slices.size(), static_cast<int>(threads), 1,
                               [&](size_t begin, size_t end, int worker) {
                                 CountSlices(slices, begin, end, &counts[worker]);
                               });
    } catch (...) {
      return Status::OutOfRange("BPE training: out of memory while counting");
    }
    for (size_t t = 1; t < threads; ++t) {
      counts[t].ForEach([&](std::string_view piece, int64_t c) { counts[0].Add(piece, c); });
      PieceCounter().swap(counts[t]);
    }
    // Sorted by bytes, so the result does not depend on hash or thread order.
    std::vector<std::pair<std::string_view, int64_t>> types;
    types.reserve(counts[0].size());
    counts[0].ForEach([&](std::string_view piece, int64_t c) { types.emplace_back(piece, c); });
    PieceCounter().swap(counts[0]);
    std::sort(types.begin(), types.end());

    MergeTrainer trainer(types);
    auto merges = trainer.Run(static_cast<size_t>(opts.vocab_size - text::kFirstMergeId),
                              std::max<int64_t>(1, opts.min_pair_count));
    WARDEN_ASSIGN_OR_RETURN(auto impl, Impl::Build(std::move(merges)));
    return BpeTokenizer(std::move(impl));
  } catch (const std::bad_alloc&) {
    return Status::OutOfRange("BPE training: out of memory");
  } catch (const std::system_error& e) {
    return Status::Internal(std::string("BPE training: cannot start threads: ") + e.what());
  }
}

}  // namespace warden::text
