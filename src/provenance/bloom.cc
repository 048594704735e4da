// The protected n-gram Bloom filter and its logits processor (see
// provenance_bloom.h).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "warden/core/hash.h"
#include "warden/provenance/bloom.h"

namespace warden::provenance {
namespace {

constexpr uint64_t kPrefixMarker = 0xffffffffULL;
constexpr uint32_t kSerialVersion = 1;
constexpr size_t kHeaderBytes = 40;  // version, n, k, pad, blocks, fingerprint[16]

uint64_t FastRange(uint64_t h, uint64_t n) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(h) * n) >> 64);
}

}  // namespace

Result<NgramBloom> NgramBloom::Create(const NgramBloomOptions& opts, uint64_t expected_ngrams,
                                      std::string tokenizer_fingerprint) {
  if (opts.n < 2 || opts.n > 64) {
    return Status::InvalidArgument("bloom n must be in [2, 64], got " + std::to_string(opts.n));
  }
  if (!(opts.false_positive_rate > 0 && opts.false_positive_rate < 0.5)) {
    return Status::InvalidArgument("bloom false-positive rate must be in (0, 0.5)");
  }
  const double items = static_cast<double>(std::max<uint64_t>(expected_ngrams, 1)) * 2;
  const double ln2 = std::log(2.0);
  const double bits = -items * std::log(opts.false_positive_rate) / (ln2 * ln2);
  NgramBloom b;
  b.n_ = opts.n;
  b.k_ = std::clamp(static_cast<int32_t>(std::lround(bits / items * ln2)), 1, 8);
  b.blocks_ = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(bits / 512.0)));
  if (b.blocks_ > (uint64_t{1} << 34)) return Status::OutOfRange("bloom filter over 1 TB");
  b.fingerprint_ = std::move(tokenizer_fingerprint);
  b.owned_.assign(b.blocks_ * 8, 0);
  b.words_ = b.owned_.data();
  return b;
}

// Where the group of 64 candidates (prefix, last / 64) lives: its block and
// the seed of the per-word rotations. Probe i of candidate `last` is bit
// ((last % 64) + shift_i) % 64 of word (first_word + i) % 8, so for a fixed
// prefix and group the i-th probes of the 64 candidates are 64 distinct bits
// of one word, and the membership of all 64 is an AND of k rotated words.
NgramBloom::Probe NgramBloom::Locate(uint64_t prefix_hash, uint64_t group) const {
  const uint64_t h = core::Mix64(prefix_hash ^ core::Mix64(group + 0x51afd7ed558ccd1ULL));
  return {words_ + FastRange(h, blocks_) * 8, core::Mix64(h + 0x632be59bd9b4e019ULL)};
}

uint64_t NgramBloom::GroupMask(const Probe& p) const {
  uint64_t mask = ~uint64_t{0};
  const uint64_t first = p.seed & 7;
  for (int i = 0; i < k_; ++i) {
    const int shift = static_cast<int>((p.seed >> (3 + 6 * i)) & 63);
    mask &= std::rotr(p.block[(first + static_cast<uint64_t>(i)) & 7], shift);
  }
  return mask;
}

void NgramBloom::SetBits(uint64_t prefix_hash, uint64_t last) {
  const Probe p = Locate(prefix_hash, last >> 6);
  uint64_t* blk = owned_.data() + (p.block - words_);
  const uint64_t first = p.seed & 7;
  for (int i = 0; i < k_; ++i) {
    const uint64_t shift = (p.seed >> (3 + 6 * i)) & 63;
    blk[(first + static_cast<uint64_t>(i)) & 7] |= uint64_t{1} << (((last & 63) + shift) & 63);
  }
}

bool NgramBloom::TestBits(uint64_t prefix_hash, uint64_t last) const {
  return (GroupMask(Locate(prefix_hash, last >> 6)) >> (last & 63)) & 1;
}

uint64_t NgramBloom::PrefixHash(std::span<const TokenId> history) const {
  uint64_t h = 0x243f6a8885a308d3ULL;
  for (size_t i = history.size() - static_cast<size_t>(n_ - 1); i < history.size(); ++i) {
    h = core::Mix64(h ^
                    (static_cast<uint64_t>(static_cast<uint32_t>(history[i])) + 0x100000000ULL));
  }
  return h;
}

void NgramBloom::Insert(std::span<const TokenId> ngram) {
  const uint64_t hp = PrefixHash(ngram.first(static_cast<size_t>(n_ - 1)));
  SetBits(hp, kPrefixMarker);
  SetBits(hp, static_cast<uint32_t>(ngram.back()));
}

void NgramBloom::InsertAll(std::span<const TokenId> tokens) {
  for (size_t i = 0; i + static_cast<size_t>(n_) <= tokens.size(); ++i) {
    Insert(tokens.subspan(i, static_cast<size_t>(n_)));
  }
}

bool NgramBloom::ContainsPrefix(uint64_t prefix_hash) const {
  return TestBits(prefix_hash, kPrefixMarker);
}

bool NgramBloom::Contains(uint64_t prefix_hash, TokenId last) const {
  return TestBits(prefix_hash, static_cast<uint32_t>(last));
}

bool NgramBloom::ContainsReference(std::span<const TokenId> ngram) const {
  if (ngram.size() != static_cast<size_t>(n_)) return false;
  uint64_t hp = 0x243f6a8885a308d3ULL;
  for (size_t i = 0; i + 1 < ngram.size(); ++i) {
    hp =
        core::Mix64(hp ^ (static_cast<uint64_t>(static_cast<uint32_t>(ngram[i])) + 0x100000000ULL));
  }
  // Bit by bit, as Insert defines them, without rotated-word masks.
  const uint64_t last = static_cast<uint32_t>(ngram.back());
  const uint64_t h = core::Mix64(hp ^ core::Mix64((last >> 6) + 0x51afd7ed558ccd1ULL));
  const uint64_t block = FastRange(h, blocks_);
  const uint64_t seed = core::Mix64(h + 0x632be59bd9b4e019ULL);
  for (int i = 0; i < k_; ++i) {
    const uint64_t word = block * 8 + ((seed & 7) + static_cast<uint64_t>(i)) % 8;
    const uint64_t bit = (last % 64 + ((seed >> (3 + 6 * i)) & 63)) % 64;
    uint64_t w;
    std::memcpy(&w, reinterpret_cast<const char*>(words_) + word * 8, 8);
    if (((w >> bit) & 1) == 0) return false;
  }
  return true;
}

std::string NgramBloom::Serialize() const {
  std::string out(kHeaderBytes, '\0');
  const uint32_t v = kSerialVersion, n = static_cast<uint32_t>(n_), k = static_cast<uint32_t>(k_);
  std::memcpy(out.data(), &v, 4);
  std::memcpy(out.data() + 4, &n, 4);
  std::memcpy(out.data() + 8, &k, 4);
  std::memcpy(out.data() + 16, &blocks_, 8);
  std::memcpy(out.data() + 24, fingerprint_.data(), std::min<size_t>(16, fingerprint_.size()));
  out.append(reinterpret_cast<const char*>(words_), blocks_ * 64);
  return out;
}

Result<NgramBloom> NgramBloom::Deserialize(std::string_view bytes, bool copy) {
  if (bytes.size() < kHeaderBytes) return Status::Corruption("bloom section truncated");
  uint32_t v, n, k;
  uint64_t blocks;
  std::memcpy(&v, bytes.data(), 4);
  std::memcpy(&n, bytes.data() + 4, 4);
  std::memcpy(&k, bytes.data() + 8, 4);
  std::memcpy(&blocks, bytes.data() + 16, 8);
  if (v != kSerialVersion) {
    return Status::Corruption("bloom section version " + std::to_string(v) + " (expected 1)");
  }
  if (n < 2 || n > 64 || k < 1 || k > 8 || blocks == 0 || blocks > (uint64_t{1} << 34) ||
      (bytes.size() - kHeaderBytes) / 64 != blocks || (bytes.size() - kHeaderBytes) % 64 != 0) {
    return Status::Corruption("bloom section header inconsistent with its size");
  }
  NgramBloom b;
  b.n_ = static_cast<int32_t>(n);
  b.k_ = static_cast<int32_t>(k);
  b.blocks_ = blocks;
  b.fingerprint_.assign(bytes.data() + 24, 16);
  b.fingerprint_.resize(strnlen(b.fingerprint_.c_str(), 16));
  const char* data = bytes.data() + kHeaderBytes;
  if (copy || reinterpret_cast<uintptr_t>(data) % alignof(uint64_t) != 0) {
    b.owned_.resize(blocks * 8);
    std::memcpy(b.owned_.data(), data, blocks * 64);
    b.words_ = b.owned_.data();
  } else {
    b.words_ = reinterpret_cast<const uint64_t*>(data);
  }
  return b;
}

namespace {

// Whether every candidate sits at the index of its id. Checked only on steps
// that continue a protected prefix, after the fast path, so that a caller
// with an unusual order still gets every protected token refused.
bool InIdOrder(const lm::CandidateArray& c) {
  for (size_t i = 0; i < c.size; ++i) {
    if (c.data[i].id != static_cast<TokenId>(i)) return false;
  }
  return true;
}

}  // namespace

ProtectedNgramProcessor::ProtectedNgramProcessor(std::vector<const NgramBloom*> blooms, TokenId eos)
    : blooms_(std::move(blooms)), eos_(eos) {}

void ProtectedNgramProcessor::Apply(std::span<const TokenId> history,
                                    lm::CandidateArray* candidates) {
  ++stats_.steps;
  constexpr float kRefused = -std::numeric_limits<float>::infinity();
  bool hit = false;
  for (const NgramBloom* bloom : blooms_) {
    if (history.size() < static_cast<size_t>(bloom->n() - 1)) continue;
    const uint64_t hp = bloom->PrefixHash(history);
    if (!bloom->ContainsPrefix(hp)) continue;
    hit = true;
    // One membership mask per group of 64 ids. The blocks of all groups are
    // located and prefetched first so that their cache misses overlap.
    const size_t groups = (candidates->size + 63) / 64;
    probes_.resize(groups);
    masks_.resize(groups);
    for (size_t g = 0; g < groups; ++g) {
      probes_[g] = bloom->Locate(hp, g);
      __builtin_prefetch(probes_[g].block);
    }
    // The sampler hands candidates in id order (data[i].id == i): then only
    // the set bits of the masks need visiting. Otherwise, every candidate.
    const bool identity =
        candidates->size > 0 && candidates->data[0].id == 0 &&
        candidates->data[candidates->size - 1].id == static_cast<TokenId>(candidates->size - 1) &&
        !candidates->sorted;
    for (size_t g = 0; g < groups; ++g) {
      masks_[g] = bloom->GroupMask(probes_[g]);
      if (!identity) continue;
      for (uint64_t m = masks_[g]; m != 0; m &= m - 1) {
        const size_t id = g * 64 + static_cast<size_t>(std::countr_zero(m));
        if (id >= candidates->size) break;
        lm::TokenCandidate& c = candidates->data[id];
        if (c.id != static_cast<TokenId>(id)) continue;  // not in id order after all: see below
        if (c.logit != kRefused) {
          c.logit = kRefused;
          ++stats_.vetoed_tokens;
        }
      }
    }
    if (identity && InIdOrder(*candidates)) continue;
    for (size_t i = 0; i < candidates->size; ++i) {
      lm::TokenCandidate& c = candidates->data[i];
      const uint32_t id = static_cast<uint32_t>(c.id);
      const uint64_t mask =
          (id >> 6) < groups ? masks_[id >> 6] : bloom->GroupMask(bloom->Locate(hp, id >> 6));
      if (((mask >> (id & 63)) & 1) && c.logit != kRefused) {
        c.logit = kRefused;
        ++stats_.vetoed_tokens;
      }
    }
  }
  if (!hit) return;
  ++stats_.prefix_hits;
  int64_t eos_index = -1;
  for (size_t i = 0; i < candidates->size; ++i) {
    if (candidates->data[i].logit != kRefused) return;
    if (candidates->data[i].id == eos_) eos_index = static_cast<int64_t>(i);
  }
  // Everything refused: let decoding end rather than divide by zero.
  if (eos_index >= 0) candidates->data[eos_index].logit = 0.0f;
}

}  // namespace warden::provenance
