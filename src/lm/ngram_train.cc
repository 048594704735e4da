// Training of the interpolated modified Kneser-Ney model (see ngram.h) and
// writing of the model file (docs/formats.md, "N-gram model file").
//
// Counting is by sorting packed integer keys: every highest-order n-gram
// becomes one key (tokens oldest first in the high bits), each thread sorts
// the keys of its share of the documents and collapses runs into (key,
// count) entries, and the sorted lists are merged. A lower order is derived
// from the order above by dropping the oldest token of each distinct n-gram
// and counting again, which yields both raw counts (summed) and continuation
// counts (one per distinct left extension) in one pass. Sorted by key, the
// entries of an order are grouped by context, which is the layout the model
// file needs.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "lm/ngram_format.h"
#include "warden/core/hash.h"
#include "warden/core/io.h"
#include "warden/core/parallel.h"
#include "warden/lm/ngram.h"
#include "warden/text/bpe_tokenizer.h"

namespace warden::lm {
namespace {

using detail::ContextInfo;
using detail::Key128;
using detail::Successor;

template <typename Key>
struct Entry {
  Key key;
  uint32_t raw;   // occurrences ending at a predicted position
  uint32_t cont;  // distinct one-token left extensions (lower orders only)
};

// Merges sorted lists of distinct keys, summing the counts of equal keys.
template <typename Key>
std::vector<Entry<Key>> MergeTwo(const std::vector<Entry<Key>>& a,
                                 const std::vector<Entry<Key>>& b) {
  std::vector<Entry<Key>> out;
  out.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].key < b[j].key) {
      out.push_back(a[i++]);
    } else if (b[j].key < a[i].key) {
      out.push_back(b[j++]);
    } else {
      out.push_back({a[i].key, a[i].raw + b[j].raw, a[i].cont + b[j].cont});
      ++i, ++j;
    }
  }
  out.insert(out.end(), a.begin() + i, a.end());
  out.insert(out.end(), b.begin() + j, b.end());
  return out;
}

template <typename Key>
std::vector<Entry<Key>> MergeAll(std::vector<std::vector<Entry<Key>>> lists, int threads) {
  while (lists.size() > 1) {
    std::vector<std::vector<Entry<Key>>> next((lists.size() + 1) / 2);
    const int pairs = static_cast<int>(lists.size() / 2);
    std::vector<std::vector<Entry<Key>>> merged(pairs);
    for (int start = 0; start < pairs; start += threads) {
      const int batch = std::min(threads, pairs - start);
      core::ParallelFor(batch, batch, [&](size_t begin, size_t end, int) {
        for (size_t t = begin; t < end; ++t) {
          const size_t p = static_cast<size_t>(start) + t;
          merged[p] = MergeTwo(lists[2 * p], lists[2 * p + 1]);
          std::vector<Entry<Key>>().swap(lists[2 * p]);
          std::vector<Entry<Key>>().swap(lists[2 * p + 1]);
        }
      });
    }
    for (int p = 0; p < pairs; ++p) next[p] = std::move(merged[p]);
    if (lists.size() % 2) next.back() = std::move(lists.back());
    lists = std::move(next);
  }
  return lists.empty() ? std::vector<Entry<Key>>{} : std::move(lists[0]);
}

// Chen & Goodman's estimates D(k) = k - (k+1) Y n_{k+1} / n_k with
// Y = n1 / (n1 + 2 n2). Tiny or odd corpora can make them undefined or push
// them outside (0, k); such a discount falls back to k / 2, which keeps every
// level's leftover mass positive and every count's discounted mass >= 0.
std::array<double, 3> EstimateDiscounts(const std::array<uint64_t, 5>& n) {
  std::array<double, 3> d = {0.5, 1.0, 1.5};
  if (n[1] == 0 || n[2] == 0) return d;
  const double y = static_cast<double>(n[1]) / (static_cast<double>(n[1]) + 2.0 * n[2]);
  for (int k = 1; k <= 3; ++k) {
    if (n[k] == 0) continue;
    const double est = k - (k + 1) * y * static_cast<double>(n[k + 1]) / static_cast<double>(n[k]);
    if (std::isfinite(est) && est > 0 && est < k) d[k - 1] = est;
  }
  return d;
}

inline double Discount(const std::array<double, 3>& d, uint32_t a) {
  return a >= 3 ? d[2] : d[a - 1];
}

struct OrderTables {
  std::string keys;  // packed contexts, key_bytes each
  std::vector<ContextInfo> infos;
  std::vector<Successor> successors;
};

template <typename T>
std::string_view AsBytes(const std::vector<T>& v) {
  return {reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T)};
}

template <typename Key>
class Trainer {
 public:
  Trainer(int order, int vocab, int eos, int threads, int64_t prune_above)
      : order_(order),
        vocab_(vocab),
        eos_(eos),
        bits_(detail::BitsPerToken(vocab)),
        threads_(threads),
        prune_above_(prune_above),
        context_key_bytes_((order - 1) * detail::BitsPerToken(vocab) <= 64 ? 8 : 16) {}

  void Run(std::span<const std::vector<TokenId>> docs) {
    std::vector<Entry<Key>> list = CountTopOrder(docs);
    tables_.resize(order_ + 1);
    discounts_.resize(order_ + 1);
    for (int n = order_; n >= 1; --n) {
      if (n < order_) list = Lower(list, n);
      BuildOrder(list, n);
    }
  }

  std::string Write(const text::BpeTokenizer& tokenizer, NgramStats* stats) const;

 private:
  uint32_t Adjusted(const Entry<Key>& e, int n) const {
    if (n == order_) return e.raw;
    // An n-gram starting with <eos> begins in the start-of-document padding,
    // which has no left extensions: continuation counts would undercount it.
    if (n >= 2 && static_cast<int>(e.key >> (bits_ * (n - 1))) == eos_) return e.raw;
    return e.cont;
  }

  std::vector<Entry<Key>> CountTopOrder(std::span<const std::vector<TokenId>> docs) {
    // Split the documents into contiguous shares of about equal size.
    std::vector<size_t> bounds = {0};
    uint64_t total = 0;
    for (const auto& d : docs) total += d.size() + 1;
    training_tokens_ = total;
    const int shares = static_cast<int>(std::min<uint64_t>(threads_, docs.size()));
    uint64_t acc = 0;
    for (size_t i = 0; i < docs.size(); ++i) {
      acc += docs[i].size() + 1;
      if (bounds.size() < static_cast<size_t>(shares) && acc * shares >= total * bounds.size()) {
        bounds.push_back(i + 1);
      }
    }
    while (bounds.size() <= static_cast<size_t>(shares)) bounds.push_back(docs.size());
    bounds.back() = docs.size();

    const Key mask = detail::LowMask<Key>(order_ * bits_);
    Key pad = 0;
    for (int i = 0; i + 1 < order_; ++i) pad = (pad << bits_) | static_cast<Key>(eos_);
    std::vector<std::vector<Entry<Key>>> lists(shares);
    // One share per thread.
    core::ParallelFor(shares, shares, [&](size_t, size_t, int s) {
      std::vector<Key> keys;
      size_t count = 0;
      for (size_t i = bounds[s]; i < bounds[s + 1]; ++i) count += docs[i].size() + 1;
      keys.reserve(count);
      for (size_t i = bounds[s]; i < bounds[s + 1]; ++i) {
        Key k = pad;
        for (TokenId t : docs[i]) {
          k = ((k << bits_) | static_cast<Key>(static_cast<uint32_t>(t))) & mask;
          keys.push_back(k);
        }
        keys.push_back(((k << bits_) | static_cast<Key>(eos_)) & mask);
      }
      std::sort(keys.begin(), keys.end());
      auto& out = lists[s];
      for (size_t i = 0; i < keys.size();) {
        size_t j = i + 1;
        while (j < keys.size() && keys[j] == keys[i]) ++j;
        out.push_back({keys[i], static_cast<uint32_t>(j - i), 0});
        i = j;
      }
    });
    return MergeAll(std::move(lists), threads_);
  }

  // Order n from the distinct (n+1)-grams: drop each one's oldest token.
  std::vector<Entry<Key>> Lower(std::vector<Entry<Key>>& upper, int n) {
    const Key mask = detail::LowMask<Key>(n * bits_);
    const int shares =
        static_cast<int>(std::max<size_t>(1, std::min<size_t>(threads_, upper.size() / 4096 + 1)));
    std::vector<std::vector<Entry<Key>>> lists(shares);
    // Contiguous shares [size * s / shares, size * (s + 1) / shares); shares
    // <= size unless upper is empty.
    core::ParallelFor(upper.size(), shares, [&](size_t lo, size_t hi, int s) {
      std::vector<Entry<Key>> part;
      part.reserve(hi - lo);
      for (size_t i = lo; i < hi; ++i) part.push_back({upper[i].key & mask, upper[i].raw, 1});
      std::sort(part.begin(), part.end(),
                [](const Entry<Key>& a, const Entry<Key>& b) { return a.key < b.key; });
      auto& out = lists[s];
      for (size_t i = 0; i < part.size();) {
        Entry<Key> e = part[i++];
        while (i < part.size() && part[i].key == e.key) {
          e.raw += part[i].raw;
          e.cont += 1;
          ++i;
        }
        out.push_back(e);
      }
    });
    std::vector<Entry<Key>>().swap(upper);
    return MergeAll(std::move(lists), threads_);
  }

  void BuildOrder(const std::vector<Entry<Key>>& list, int n) {
    std::array<uint64_t, 5> coc = {0, 0, 0, 0, 0};
    for (const auto& e : list) {
      const uint32_t a = Adjusted(e, n);
      if (a >= 1 && a <= 4) ++coc[a];
    }
    const std::array<double, 3> d = EstimateDiscounts(coc);
    discounts_[n] = d;

    if (n == 1) {
      double total = 0, left = 0;
      for (const auto& e : list) {
        const uint32_t a = Adjusted(e, 1);
        total += a;
        left += std::min<double>(Discount(d, a), a);
      }
      unigram_.assign(vocab_, 0.0f);
      const double uniform = (left / total) / vocab_;
      std::vector<double> p(vocab_, uniform);
      for (const auto& e : list) {
        const uint32_t a = Adjusted(e, 1);
        p[static_cast<size_t>(e.key)] += std::max(a - Discount(d, a), 0.0) / total;
      }
      for (int w = 0; w < vocab_; ++w) unigram_[w] = static_cast<float>(p[w]);
      return;
    }

    OrderTables& t = tables_[n];
    const bool prune = prune_above_ > 0 && n > prune_above_;
    const Key last_mask = detail::LowMask<Key>(bits_);
    for (size_t i = 0; i < list.size();) {
      const Key ctx = list[i].key >> bits_;
      size_t j = i;
      double total = 0;
      while (j < list.size() && (list[j].key >> bits_) == ctx) total += Adjusted(list[j++], n);
      double left = 0;
      const size_t first = t.successors.size();
      for (size_t k = i; k < j; ++k) {
        const uint32_t a = Adjusted(list[k], n);
        if (prune && a == 1) {
          left += a;  // the whole count goes to the shorter context
          continue;
        }
        left += Discount(d, a);
        t.successors.push_back({static_cast<uint32_t>(list[k].key & last_mask),
                                static_cast<float>((a - Discount(d, a)) / total)});
      }
      if (t.successors.size() > first) {
        const size_t at = t.keys.size();
        t.keys.resize(at + context_key_bytes_);
        if (context_key_bytes_ == 8) {
          detail::StoreKey<uint64_t>(static_cast<uint64_t>(ctx), t.keys.data() + at);
        } else {
          detail::StoreKey<Key128>(static_cast<Key128>(ctx), t.keys.data() + at);
        }
        t.infos.push_back({static_cast<uint32_t>(first), static_cast<float>(left / total)});
      }
      i = j;
    }
    t.infos.push_back({static_cast<uint32_t>(t.successors.size()), 0.0f});
  }

  const int order_, vocab_, eos_, bits_, threads_;
  const int64_t prune_above_;
  const int context_key_bytes_;
  uint64_t training_tokens_ = 0;
  std::vector<OrderTables> tables_;
  std::vector<std::array<double, 3>> discounts_;
  std::vector<float> unigram_;
};

template <typename Key>
std::string Trainer<Key>::Write(const text::BpeTokenizer& tokenizer, NgramStats* stats) const {
  struct Piece {
    uint32_t id;
    std::string_view bytes;
  };
  const std::string tok = tokenizer.Serialize();
  std::vector<double> discounts;
  for (int n = 1; n <= order_; ++n) {
    discounts.insert(discounts.end(), discounts_[n].begin(), discounts_[n].end());
  }
  std::vector<Piece> pieces = {{detail::kSecTokenizer, tok},
                               {detail::kSecDiscounts, AsBytes(discounts)},
                               {detail::kSecUnigram, AsBytes(unigram_)}};
  for (int n = 2; n <= order_; ++n) {
    pieces.push_back({detail::SecContextKeys(n), tables_[n].keys});
    pieces.push_back({detail::SecContextInfos(n), AsBytes(tables_[n].infos)});
    pieces.push_back({detail::SecSuccessors(n), AsBytes(tables_[n].successors)});
  }
  auto align = [](uint64_t x) {
    return (x + detail::kSectionAlign - 1) / detail::kSectionAlign * detail::kSectionAlign;
  };
  uint64_t offset = align(detail::kHeaderSize + pieces.size() * detail::kSectionEntrySize);
  std::vector<detail::SectionEntry> table;
  for (const Piece& p : pieces) {
    table.push_back({p.id, 0, offset, p.bytes.size()});
    offset = align(offset + p.bytes.size());
  }
  std::string out(offset, '\0');
  std::memcpy(out.data() + detail::kHeaderSize, table.data(), table.size() * sizeof(table[0]));
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (!pieces[i].bytes.empty()) {
      std::memcpy(out.data() + table[i].offset, pieces[i].bytes.data(), pieces[i].bytes.size());
    }
  }
  detail::Header h{};
  std::memcpy(h.magic, detail::kMagic, 4);
  h.version = detail::kVersion;
  h.header_size = detail::kHeaderSize;
  h.order = static_cast<uint32_t>(order_);
  h.vocab_size = static_cast<uint32_t>(vocab_);
  h.eos = static_cast<uint32_t>(eos_);
  h.bits_per_token = static_cast<uint32_t>(bits_);
  h.key_bytes = static_cast<uint32_t>(context_key_bytes_);
  h.section_count = static_cast<uint32_t>(pieces.size());
  h.file_size = out.size();
  h.training_tokens = training_tokens_;
  std::memcpy(out.data(), &h, sizeof(h));
  h.checksum = detail::FileChecksum(out);
  std::memcpy(out.data(), &h, sizeof(h));

  if (stats != nullptr) {
    stats->order = order_;
    stats->vocab_size = vocab_;
    stats->training_tokens = training_tokens_;
    stats->contexts.assign(1, 1);
    stats->ngrams.assign(1, static_cast<uint64_t>(vocab_));
    for (int n = 2; n <= order_; ++n) {
      stats->contexts.push_back(tables_[n].infos.size() - 1);
      stats->ngrams.push_back(tables_[n].successors.size());
    }
    stats->discounts.assign(discounts_.begin() + 1, discounts_.end());
    stats->file_bytes = out.size();
  }
  return out;
}

}  // namespace

Result<std::string> NgramModel::TrainToBytes(const text::BpeTokenizer& tokenizer,
                                             std::span<const std::vector<TokenId>> docs,
                                             const NgramTrainOptions& opts, NgramStats* stats) {
  if (std::endian::native != std::endian::little) {
    return Status::Unimplemented("n-gram models need a little-endian machine");
  }
  if (opts.order < 1 || opts.order > detail::kMaxOrder) {
    return Status::InvalidArgument("n-gram order must be in 1..8, got " +
                                   std::to_string(opts.order));
  }
  if (opts.prune_singletons_above_order < 0) {
    return Status::InvalidArgument("prune_singletons_above_order must be >= 0");
  }
  const int32_t vocab = tokenizer.vocab_size();
  const TokenId eos = tokenizer.eos();
  if (vocab < 1 || vocab > detail::kMaxVocab) {
    return Status::OutOfRange("tokenizer vocabulary size " + std::to_string(vocab) +
                              " outside 1..2^20");
  }
  if (eos < 0 || eos >= vocab) return Status::InvalidArgument("tokenizer has no <eos> token");
  const int bits = detail::BitsPerToken(vocab);
  if (opts.order * bits > 128) {
    return Status::OutOfRange("n-gram order " + std::to_string(opts.order) + " with " +
                              std::to_string(bits) + "-bit token ids exceeds 128-bit keys");
  }
  if (docs.empty()) return Status::InvalidArgument("n-gram training: no documents");
  uint64_t total = 0;
  for (size_t i = 0; i < docs.size(); ++i) {
    for (TokenId t : docs[i]) {
      if (t < 0 || t >= vocab) {
        return Status::InvalidArgument("n-gram training: document " + std::to_string(i) +
                                       " has token id " + std::to_string(t) +
                                       " outside the vocabulary");
      }
    }
    total += docs[i].size() + 1;
  }
  // Counts and successor offsets are 32-bit.
  if (total >= std::numeric_limits<uint32_t>::max()) {
    return Status::OutOfRange("n-gram training: corpus has 2^32 tokens or more");
  }
  const int threads = std::clamp(core::ResolveThreads(opts.threads), 1, 64);
  if (opts.order * bits <= 64) {
    Trainer<uint64_t> t(opts.order, vocab, eos, threads, opts.prune_singletons_above_order);
    t.Run(docs);
    return t.Write(tokenizer, stats);
  }
  Trainer<Key128> t(opts.order, vocab, eos, threads, opts.prune_singletons_above_order);
  t.Run(docs);
  return t.Write(tokenizer, stats);
}

Status NgramModel::Train(const text::BpeTokenizer& tokenizer,
                         std::span<const std::vector<TokenId>> docs, const NgramTrainOptions& opts,
                         const std::string& path, NgramStats* stats) {
  WARDEN_ASSIGN_OR_RETURN(std::string bytes, TrainToBytes(tokenizer, docs, opts, stats));
  return core::WriteFileAtomic(path, bytes);
}

}  // namespace warden::lm
