// BpeTokenizer: tables built from the merge list, and encoding.
#include <algorithm>
#include <atomic>
#include <climits>
#include <unordered_map>

#include "text/bpe_impl.h"
#include "text/pretokenize.h"
#include "warden/text/bpe_tokenizer.h"
#include "warden/text/utf8.h"

namespace warden::text {

void PairRankMap::Build(const std::vector<std::pair<uint64_t, int32_t>>& entries) {
  size_t cap = 16;
  while (cap < entries.size() * 2 + 1) cap <<= 1;  // load factor <= 1/2
  slots_.assign(cap, Slot{});
  mask_ = cap - 1;
  for (const auto& [key, rank] : entries) {
    size_t i = core::Mix64(key) & mask_;
    while (slots_[i].key != kEmpty && slots_[i].key != key) i = (i + 1) & mask_;
    slots_[i].key = key;
    slots_[i].rank = rank;
  }
}

namespace {

std::atomic<uint64_t> g_next_instance_id{1};

// Per-thread memory of pieces that missed the tokenizer's whole-piece
// cache: after warm-up almost every piece of running text is a hit. Two
// slots, so alternating between two tokenizers on one thread does not
// thrash; a full cache is simply emptied (cheap, and it adapts to drift).
constexpr size_t kThreadCacheEntries = size_t{1} << 14;
struct ThreadCache {
  uint64_t owner = 0;
  PieceCache cache;
};
thread_local ThreadCache t_caches[2];
thread_local unsigned t_next_victim = 0;

PieceCache& ThreadCacheFor(uint64_t owner) {
  for (ThreadCache& c : t_caches) {
    if (c.owner == owner) return c.cache;
  }
  ThreadCache& c = t_caches[t_next_victim++ % 2];
  c.owner = owner;
  if (c.cache.capacity() == 0) {
    c.cache.Reset(kThreadCacheEntries);
  } else {
    c.cache.Clear();
  }
  return c.cache;
}

void AppendU32(std::string* s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace

Result<std::unique_ptr<BpeTokenizer::Impl>> BpeTokenizer::Impl::Build(
    std::vector<std::pair<TokenId, TokenId>> pairs) {
  using text::kFirstMergeId;
  if (pairs.size() > static_cast<size_t>(text::kMaxVocabSize - kFirstMergeId)) {
    return Status::Corruption("BPE tokenizer: too many merges (" + std::to_string(pairs.size()) +
                              ")");
  }
  auto impl = std::make_unique<Impl>();
  impl->merges.reserve(pairs.size());
  const size_t vocab = kFirstMergeId + pairs.size();
  impl->token_offsets.reserve(vocab + 1);
  impl->token_offsets.push_back(0);
  for (int b = 0; b < text::kNumByteTokens; ++b) {
    impl->token_bytes.push_back(static_cast<char>(b));
    impl->token_offsets.push_back(static_cast<uint32_t>(impl->token_bytes.size()));
  }
  impl->token_offsets.push_back(static_cast<uint32_t>(impl->token_bytes.size()));  // <eos>

  std::vector<std::pair<uint64_t, int32_t>> entries;
  entries.reserve(pairs.size());
  std::unordered_map<uint64_t, int32_t> seen;
  seen.reserve(pairs.size());
  for (size_t r = 0; r < pairs.size(); ++r) {
    const auto [left, right] = pairs[r];
    const TokenId result = kFirstMergeId + static_cast<TokenId>(r);
    auto valid = [result](TokenId id) { return id >= 0 && id < result && id != text::kEosId; };
    if (!valid(left) || !valid(right)) {
      return Status::Corruption("BPE tokenizer: merge " + std::to_string(r) + " (" +
                                std::to_string(left) + ", " + std::to_string(right) +
                                ") references an invalid or later token id");
    }
    const uint64_t key = text::PairKey(left, right);
    if (!seen.emplace(key, static_cast<int32_t>(r)).second) {
      return Status::Corruption("BPE tokenizer: merge " + std::to_string(r) +
                                " repeats an earlier merge");
    }
    // Token lengths can double with each merge; the arena stays far below
    // 4 GiB for any realistic vocabulary, but hostile blobs could chain
    // merges into huge tokens, so bound each token.
    const size_t len = (impl->token_offsets[left + 1] - impl->token_offsets[left]) +
                       (impl->token_offsets[right + 1] - impl->token_offsets[right]);
    if (len > text::kMaxPieceBytes) {
      return Status::Corruption("BPE tokenizer: merge " + std::to_string(r) +
                                " makes a token longer than " +
                                std::to_string(text::kMaxPieceBytes) + " bytes");
    }
    const std::string left_bytes(impl->Bytes(left));
    impl->token_bytes += left_bytes;
    impl->token_bytes += impl->Bytes(right);
    impl->token_offsets.push_back(static_cast<uint32_t>(impl->token_bytes.size()));
    impl->merges.push_back(Merge{left, right, result});
    entries.emplace_back(key, static_cast<int32_t>(r));
  }
  impl->ranks.Build(entries);

  // Fingerprint: pre-tokenizer version and merges, little-endian u32s.
  std::string fp;
  fp.reserve(8 + pairs.size() * 8);
  AppendU32(&fp, text::kPreTokenizerVersion);
  AppendU32(&fp, static_cast<uint32_t>(pairs.size()));
  for (const auto& [left, right] : pairs) {
    AppendU32(&fp, static_cast<uint32_t>(left));
    AppendU32(&fp, static_cast<uint32_t>(right));
  }
  impl->fingerprint = core::Hex64(core::Hash64(fp));

  // Precompute the encoding of every vocabulary entry that is a whole piece.
  std::vector<std::string_view> whole;
  for (TokenId t = kFirstMergeId; t < static_cast<TokenId>(vocab); ++t) {
    const std::string_view bytes = impl->Bytes(t);
    size_t count = 0;
    text::ForEachPreToken(bytes, [&count](std::string_view) { ++count; });
    if (count == 1) whole.push_back(bytes);
  }
  impl->whole_pieces.Reset(whole.size());
  std::vector<TokenId> ids;
  for (std::string_view bytes : whole) {
    ids.clear();
    impl->EncodePiece(bytes, &ids);
    impl->whole_pieces.Insert(bytes, text::HashPiece(bytes), ids);
  }
  impl->instance_id = g_next_instance_id.fetch_add(1, std::memory_order_relaxed);
  return impl;
}

void BpeTokenizer::Impl::EncodePiece(std::string_view piece, std::vector<TokenId>* out) const {
  // Longer pieces never come from the pre-tokenizer; handle them anyway.
  while (piece.size() > text::kMaxPieceBytes) {
    EncodePiece(piece.substr(0, text::kMaxPieceBytes), out);
    piece.remove_prefix(text::kMaxPieceBytes);
  }
  const int n = static_cast<int>(piece.size());
  if (n == 0) return;
  if (n == 1) {
    out->push_back(static_cast<uint8_t>(piece[0]));
    return;
  }
  // Quadratic in the piece length, but pieces are short and this touches
  // only two small arrays; each merge costs two hash lookups.
  TokenId sym[text::kMaxPieceBytes];
  int32_t rank[text::kMaxPieceBytes];
  auto rank_of = [this](TokenId a, TokenId b) {
    const int32_t r = ranks.Find(text::PairKey(a, b));
    return r == PairRankMap::kNone ? INT32_MAX : r;
  };
  for (int i = 0; i < n; ++i) sym[i] = static_cast<uint8_t>(piece[i]);
  for (int i = 0; i + 1 < n; ++i) rank[i] = rank_of(sym[i], sym[i + 1]);
  int m = n;
  while (m > 1) {
    int32_t best = INT32_MAX;
    int pos = -1;
    for (int i = 0; i + 1 < m; ++i) {
      if (rank[i] < best) {
        best = rank[i];
        pos = i;
      }
    }
    if (pos < 0) break;
    sym[pos] = text::kFirstMergeId + best;
    // Drop sym[pos + 1] and the rank of the pair it started. Plain loops:
    // the tails are a few elements, too short for a memmove call to pay.
    for (int i = pos + 1; i + 1 < m; ++i) sym[i] = sym[i + 1];
    for (int i = pos + 1; i + 2 < m; ++i) rank[i] = rank[i + 1];
    --m;
    if (pos > 0) rank[pos - 1] = rank_of(sym[pos - 1], sym[pos]);
    if (pos + 1 < m) rank[pos] = rank_of(sym[pos], sym[pos + 1]);
  }
  out->insert(out->end(), sym, sym + m);
}

BpeTokenizer::BpeTokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BpeTokenizer::BpeTokenizer(BpeTokenizer&&) noexcept = default;
BpeTokenizer& BpeTokenizer::operator=(BpeTokenizer&&) noexcept = default;
BpeTokenizer::~BpeTokenizer() = default;

int32_t BpeTokenizer::vocab_size() const { return impl_->vocab_size(); }

Status BpeTokenizer::Encode(std::string_view text, std::vector<TokenId>* out) const {
  const size_t bad = FindInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    return Status::InvalidArgument("invalid UTF-8 at byte offset " + std::to_string(bad));
  }
  const Impl& impl = *impl_;
  const size_t old_size = out->size();
  try {
    PieceCache& recent = ThreadCacheFor(impl.instance_id);
    text::ForEachPreToken(text, [&](std::string_view piece) {
      if (piece.size() == 1) {
        out->push_back(static_cast<uint8_t>(piece[0]));
        return;
      }
      const uint64_t h = text::HashPiece(piece);
      bool found;
      std::span<const TokenId> ids = impl.whole_pieces.Find(piece, h, &found);
      if (!found) ids = recent.Find(piece, h, &found);
      if (found) {
        for (TokenId id : ids) out->push_back(id);
        return;
      }
      const size_t before = out->size();
      impl.EncodePiece(piece, out);
      if (recent.full()) recent.Clear();
      recent.Insert(piece, h, std::span<const TokenId>(out->data() + before, out->size() - before));
    });
  } catch (const std::bad_alloc&) {
    out->resize(old_size);
    return Status::OutOfRange("out of memory while encoding " + std::to_string(text.size()) +
                              " bytes");
  }
  return Status::Ok();
}

std::string_view BpeTokenizer::TokenBytes(TokenId id) const {
  if (id < 0 || id >= impl_->vocab_size()) return {};
  return impl_->Bytes(id);
}

std::string BpeTokenizer::fingerprint() const { return impl_->fingerprint; }

TokenId BpeTokenizer::eos() const { return text::kEosId; }

std::span<const BpeTokenizer::Merge> BpeTokenizer::merges() const { return impl_->merges; }

}  // namespace warden::text
