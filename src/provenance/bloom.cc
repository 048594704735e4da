// The protected n-gram Bloom filter and its logits processor (see
// provenance_bloom.h).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "warden/hash.h"
#include "warden/provenance_bloom.h"

namespace warden {
namespace {

constexpr uint64_t kPrefixMarker = 0xffffffffULL;
constexpr uint32_t kSerialVersion = 1;
constexpr size_t kHeaderBytes = 40;  // version, n, k, pad, blocks, fingerprint[16]

uint64_t FastRange(uint64_t h, uint64_t n) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(h) * n) >> 64);
}

uint64_t BitSeed(uint64_t prefix_hash, uint64_t last) {
  return Mix64(prefix_hash ^ (last * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL));
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
  b.k_ = std::clamp(static_cast<int32_t>(std::lround(bits / items * ln2)), 1, 14);
  b.blocks_ = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(bits / 512.0)));
  if (b.blocks_ > (uint64_t{1} << 34)) return Status::OutOfRange("bloom filter over 1 TB");
  b.fingerprint_ = std::move(tokenizer_fingerprint);
  b.owned_.assign(b.blocks_ * 8, 0);
  b.words_ = b.owned_.data();
  return b;
}

uint64_t NgramBloom::BlockIndex(uint64_t prefix_hash, uint64_t group) const {
  return FastRange(Mix64(prefix_hash ^ Mix64(group + 0x51afd7ed558ccd1ULL)), blocks_);
}

void NgramBloom::SetBits(uint64_t prefix_hash, uint64_t last) {
  uint64_t* blk = owned_.data() + BlockIndex(prefix_hash, last >> 6) * 8;
  uint64_t g = BitSeed(prefix_hash, last);
  for (int i = 0, used = 0; i < k_; ++i, used += 9) {
    if (used + 9 > 64) {
      g = Mix64(g);
      used = 0;
    }
    const uint64_t bit = (g >> used) & 511;
    blk[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
}

bool NgramBloom::TestBits(uint64_t prefix_hash, uint64_t last) const {
  const uint64_t* blk = block(BlockIndex(prefix_hash, last >> 6));
  uint64_t g = BitSeed(prefix_hash, last);
  for (int i = 0, used = 0; i < k_; ++i, used += 9) {
    if (used + 9 > 64) {
      g = Mix64(g);
      used = 0;
    }
    const uint64_t bit = (g >> used) & 511;
    if (!((blk[bit >> 6] >> (bit & 63)) & 1)) return false;
  }
  return true;
}

uint64_t NgramBloom::PrefixHash(std::span<const TokenId> history) const {
  uint64_t h = 0x243f6a8885a308d3ULL;
  for (size_t i = history.size() - static_cast<size_t>(n_ - 1); i < history.size(); ++i) {
    h = Mix64(h ^ (static_cast<uint64_t>(static_cast<uint32_t>(history[i])) + 0x100000000ULL));
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
    hp = Mix64(hp ^ (static_cast<uint64_t>(static_cast<uint32_t>(ngram[i])) + 0x100000000ULL));
  }
  const uint64_t last = static_cast<uint32_t>(ngram.back());
  const uint64_t blk = FastRange(Mix64(hp ^ Mix64((last >> 6) + 0x51afd7ed558ccd1ULL)), blocks_);
  uint64_t g = BitSeed(hp, last);
  int used = 0;
  for (int i = 0; i < k_; ++i) {
    if (used + 9 > 64) {
      g = Mix64(g);
      used = 0;
    }
    const uint64_t bit = blk * 512 + ((g >> used) & 511);
    used += 9;
    uint64_t word;
    std::memcpy(&word, reinterpret_cast<const char*>(words_) + (bit / 64) * 8, 8);
    if (((word >> (bit % 64)) & 1) == 0) return false;
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
  if (n < 2 || n > 64 || k < 1 || k > 14 || blocks == 0 || blocks > (uint64_t{1} << 34) ||
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

ProtectedNgramProcessor::ProtectedNgramProcessor(std::vector<const NgramBloom*> blooms,
                                                 TokenId eos)
    : blooms_(std::move(blooms)), eos_(eos) {}

void ProtectedNgramProcessor::Apply(std::span<const TokenId> history,
                                    CandidateArray* candidates) {
  ++stats_.steps;
  constexpr float kRefused = -std::numeric_limits<float>::infinity();
  bool hit = false;
  for (const NgramBloom* bloom : blooms_) {
    if (history.size() < static_cast<size_t>(bloom->n() - 1)) continue;
    const uint64_t hp = bloom->PrefixHash(history);
    if (!bloom->ContainsPrefix(hp)) continue;
    hit = true;
    for (size_t i = 0; i < candidates->size; ++i) {
      TokenCandidate& c = candidates->data[i];
      if (c.logit != kRefused && bloom->Contains(hp, c.id)) {
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

}  // namespace warden
