// Keyed hashing behind every watermark scheme (internal to src/watermark).
//
// Generation (processors.cc) and detection (detector.cc) must agree bit for
// bit, so every hash that decides greenness or a Gumbel uniform lives here.
//
// Why 32-bit mixing for greenness: the processor tests every token of the
// vocabulary at every step, and 32-bit multiplies vectorize (8 lanes in
// AVX2), while 64-bit ones do not below AVX-512. Two rounds of a full-
// avalanche 32-bit mixer keyed by a 64-bit context seed give lists that look
// independent across contexts; the green test is `hash < gamma * 2^32`.
//
// Thread safety: everything here is immutable after construction (and
// PrecomputeTokenHashes, which is part of construction).
#ifndef WARDEN_SRC_WATERMARK_GREEN_H_
#define WARDEN_SRC_WATERMARK_GREEN_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "warden/core/hash.h"
#include "warden/lm/sampler.h"
#include "warden/watermark/watermark.h"

namespace warden::watermark::detail {

// A bijective 32-bit mixer with full avalanche (the "lowbias32" constants
// found by Wellons' hash prospector).
constexpr uint32_t Mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

// Subkeys derived from the secret, one per use, so no hash value of one
// role can be replayed in another.
struct KeySchedule {
  uint64_t seed = 0;    // starts LeftHash chains
  uint32_t tok_a = 0;   // token hash, input whitening
  uint32_t tok_b = 0;   // token hash, between rounds
  uint32_t ctx_c = 0;   // expands a 32-bit min-hash seed into a context seed
  uint64_t gumbel = 0;  // Gumbel uniforms

  static KeySchedule From(const WatermarkKey& key);
};

// The context of one position, enough to decide every candidate.
struct Context {
  uint32_t lo = 0;    // green hash input whitening
  uint32_t hi = 0;    // green hash, between rounds
  uint32_t min = 0;   // min-hash of the h previous tokens (kMinHash, kSelfHash)
  uint64_t full = 0;  // 64-bit context seed (LeftHash chain, or expanded min)
};

// The membership function of one (key, scheme, gamma, h, seeding).
class GreenFunction {
 public:
  GreenFunction(const WatermarkConfig& config, const WatermarkKey& key);

  Scheme scheme() const { return scheme_; }
  Seeding seeding() const { return seeding_; }
  int32_t context_width() const { return h_; }
  // P(green) for a random key is threshold / 2^32 (gamma, to 2^-32).
  uint64_t threshold() const { return threshold_; }
  const KeySchedule& keys() const { return keys_; }

  // Keyed hash of one token: the Unigram list and min-hash seeding use it.
  uint32_t TokenHash(TokenId v) const {
    return Mix32(Mix32(static_cast<uint32_t>(v) ^ keys_.tok_a) + keys_.tok_b);
  }

  // Context of the position right after prev[0..h-1] (prev.size() == h,
  // oldest first). For kUnigram the context is ignored.
  Context MakeContext(std::span<const TokenId> prev) const {
    Context c;
    if (seeding_ == Seeding::kLeftHash) {
      uint64_t s = keys_.seed;
      for (size_t j = 0; j < prev.size(); ++j) {
        s = core::Mix64(s +
                        ((static_cast<uint64_t>(j + 1) << 32) | static_cast<uint32_t>(prev[j])));
      }
      c.full = s;
      c.lo = static_cast<uint32_t>(s);
      c.hi = static_cast<uint32_t>(s >> 32);
    } else {
      uint32_t m = UINT32_MAX;
      for (TokenId t : prev) m = std::min(m, TokenHash(t));
      c = FromMin(m);
    }
    return c;
  }

  // The context seed a min-hash value stands for.
  Context FromMin(uint32_t m) const {
    Context c;
    c.min = m;
    c.lo = m;
    c.hi = (m * 0x9e3779b1U) ^ keys_.ctx_c;
    c.full = core::Mix64(keys_.gumbel ^ m);
    return c;
  }

  static uint32_t GreenHash(const Context& c, uint32_t v) { return Mix32(Mix32(v ^ c.lo) ^ c.hi); }

  // The reference definition of membership; every fast path must agree.
  bool IsGreen(const Context& c, TokenId v) const {
    switch (scheme_) {
      case Scheme::kUnigram:
        return TokenHash(v) < threshold_;
      case Scheme::kKgw:
        if (seeding_ == Seeding::kSelfHash) {
          const Context self = FromMin(std::min(c.min, TokenHash(v)));
          return GreenHash(self, static_cast<uint32_t>(v)) < threshold_;
        }
        return GreenHash(c, static_cast<uint32_t>(v)) < threshold_;
      case Scheme::kGumbel:
        break;
    }
    return false;
  }

  // A 64-bit key of everything that decides token v's outcome at context c:
  // two positions with equal keys are the same trial, so detection counts
  // only the first (independent trials are what make the p-values exact).
  uint64_t TrialKey(const Context& c, TokenId v) const {
    const uint32_t u = static_cast<uint32_t>(v);
    switch (scheme_) {
      case Scheme::kUnigram:
        return u;
      case Scheme::kKgw:
        if (seeding_ == Seeding::kLeftHash)
          return core::Mix64(c.full ^ (u * 0x9e3779b97f4a7c15ULL));
        if (seeding_ == Seeding::kSelfHash) {
          return (static_cast<uint64_t>(std::min(c.min, TokenHash(v))) << 32) | u;
        }
        return (static_cast<uint64_t>(c.min) << 32) | u;
      case Scheme::kGumbel:
        return GumbelBits(c, v);
    }
    return u;
  }

  // 64 keyed bits for (context, token): the Gumbel uniform's source.
  uint64_t GumbelBits(const Context& c, TokenId v) const {
    return core::Mix64(c.full + core::Mix64(static_cast<uint32_t>(v) ^ keys_.gumbel));
  }
  // The uniform in (0, 1), never 0 or 1: the top 52 bits, centred, so that
  // both r and 1 - r are exact doubles.
  static double Uniform(uint64_t bits) {
    return (static_cast<double>(bits >> 12) + 0.5) * 0x1.0p-52;
  }
  // -log(1 - r) for r = Uniform(bits), accurate also for r near 1.
  static double ExpScore(uint64_t bits) {
    const double m = static_cast<double>(bits >> 12);
    return -std::log((0x1.0p52 - m - 0.5) * 0x1.0p-52);
  }

  // Green bits of candidates[0..n) at context c (kKgw or kUnigram): bit i%8
  // of masks[i/8]. `masks` has room for (n + 7) / 8 bytes. Uses AVX2 when
  // the CPU has it; the result always equals GreenMasksScalar.
  void GreenMasks(const Context& c, const lm::TokenCandidate* candidates, size_t n,
                  uint8_t* masks) const;
  void GreenMasksScalar(const Context& c, const lm::TokenCandidate* candidates, size_t n,
                        uint8_t* masks) const;
  // Adds delta to the logit of every green candidate (kKgw or kUnigram),
  // leaving ids, p and red logits untouched; AVX2 when available, always
  // equal to AddToGreenScalar.
  void AddToGreen(const Context& c, lm::TokenCandidate* candidates, size_t n, float delta) const;
  void AddToGreenScalar(const Context& c, lm::TokenCandidate* candidates, size_t n,
                        float delta) const;
  // Tabulates TokenHash for ids [0, vocab_size), which GreenMasks and
  // AddToGreen then load instead of computing (kUnigram, kSelfHash) on
  // candidate arrays in id order. Results are identical either way.
  void PrecomputeTokenHashes(int32_t vocab_size);
  std::span<const uint32_t> token_hash_table() const { return token_hash_table_; }

  // Whether GreenMasks and AddToGreen take the AVX2 path on this machine.
  static bool HasAvx2();

 private:
  Scheme scheme_;
  Seeding seeding_;
  int32_t h_;
  uint64_t threshold_;
  KeySchedule keys_;
  std::vector<uint32_t> token_hash_table_;  // empty unless precomputed
};

}  // namespace warden::watermark::detail

#endif  // WARDEN_SRC_WATERMARK_GREEN_H_
