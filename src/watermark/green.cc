// Keyed membership: key schedule and the batch green-mask kernels.
#include "watermark/green.h"

#include <cmath>
#include <cstddef>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define WARDEN_WATERMARK_X86 1
#endif

namespace warden::watermark::detail {
namespace {

// Domain constants: distinct hashes of the same secret for each subkey.
constexpr uint64_t kSeedDomain = 0x57415244454e5731ULL;  // "WARDENW1"

uint64_t Subkey(uint64_t root, uint64_t index) {
  return core::Mix64(root + 0x9e3779b97f4a7c15ULL * index);
}

#ifdef WARDEN_WATERMARK_X86

// How a batch computes each lane's hash; chosen once per call.
enum class Mode { kUnigram, kSeeded, kSelfHash };

Mode ModeOf(Scheme scheme, Seeding seeding) {
  if (scheme == Scheme::kUnigram) return Mode::kUnigram;
  return seeding == Seeding::kSelfHash ? Mode::kSelfHash : Mode::kSeeded;
}

static_assert(sizeof(lm::TokenCandidate) == 12 && offsetof(lm::TokenCandidate, id) == 0,
              "the AVX2 kernel loads ids at a stride of 3 int32s");

__attribute__((target("avx2"))) inline __m256i Mix32x8(__m256i x) {
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
  x = _mm256_mullo_epi32(x, _mm256_set1_epi32(0x7feb352d));
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 15));
  x = _mm256_mullo_epi32(x, _mm256_set1_epi32(static_cast<int32_t>(0x846ca68bU)));
  x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
  return x;
}

// The ids of 8 consecutive candidates (at int32 offsets 0, 3, ..., 21):
// three plain loads and lane permutes, cheaper than a gather.
__attribute__((target("avx2"))) inline __m256i LoadIds8(const lm::TokenCandidate* c) {
  const int32_t* p = reinterpret_cast<const int32_t*>(c);
  const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 8));
  const __m256i v2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 16));
  const __m256i p0 = _mm256_permutevar8x32_epi32(v0, _mm256_setr_epi32(0, 3, 6, 0, 0, 0, 0, 0));
  const __m256i p1 = _mm256_permutevar8x32_epi32(v1, _mm256_setr_epi32(0, 0, 0, 1, 4, 7, 0, 0));
  const __m256i p2 = _mm256_permutevar8x32_epi32(v2, _mm256_setr_epi32(0, 0, 0, 0, 0, 0, 2, 5));
  return _mm256_blend_epi32(_mm256_blend_epi32(p0, p1, 0x38), p2, 0xc0);
}

// Broadcast constants of one call, and the optional token-hash table.
struct LaneConsts {
  __m256i sign, thr, tok_a, tok_b, lo, hi, cmin, golden, ctx_c, iota;
  const uint32_t* table;
  size_t table_size;
};

__attribute__((target("avx2"))) inline __m256i Broadcast(uint64_t v) {
  return _mm256_set1_epi32(static_cast<int32_t>(static_cast<uint32_t>(v)));
}

__attribute__((target("avx2"))) inline LaneConsts MakeLaneConsts(const GreenFunction& f,
                                                                 const Context& c) {
  const KeySchedule& k = f.keys();
  constexpr auto b = Broadcast;
  const std::span<const uint32_t> table = f.token_hash_table();
  return LaneConsts{b(0x80000000U), b(f.threshold() ^ 0x80000000U),
                    b(k.tok_a),     b(k.tok_b),
                    b(c.lo),        b(c.hi),
                    b(c.min),       b(0x9e3779b1U),
                    b(k.ctx_c),     _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                    table.data(),   table.size()};
}

// TokenHash of the 8 ids in v, which sit at candidate index `base`. When the
// candidates are in id order (a full-vocabulary array, the usual case) and
// the table covers them, one load replaces two rounds of mixing.
__attribute__((target("avx2"))) inline __m256i TokenHashLanes(__m256i v, size_t base,
                                                              const LaneConsts& k) {
  if (base + 8 <= k.table_size) {
    const __m256i want = _mm256_add_epi32(k.iota, Broadcast(base));
    if (_mm256_movemask_epi8(_mm256_cmpeq_epi32(v, want)) == -1) {
      return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(k.table + base));
    }
  }
  return Mix32x8(_mm256_add_epi32(Mix32x8(_mm256_xor_si256(v, k.tok_a)), k.tok_b));
}

// All-ones lanes where the id in that lane is green: GreenFunction::IsGreen
// in 8 lanes.
template <Mode kMode>
__attribute__((target("avx2"))) inline __m256i GreenLanes(__m256i v, size_t base,
                                                          const LaneConsts& k) {
  __m256i u;
  if constexpr (kMode == Mode::kUnigram) {
    u = TokenHashLanes(v, base, k);
  } else if constexpr (kMode == Mode::kSeeded) {
    u = Mix32x8(_mm256_xor_si256(Mix32x8(_mm256_xor_si256(v, k.lo)), k.hi));
  } else {
    const __m256i th = TokenHashLanes(v, base, k);
    const __m256i s = _mm256_min_epu32(th, k.cmin);
    const __m256i shi = _mm256_xor_si256(_mm256_mullo_epi32(s, k.golden), k.ctx_c);
    u = Mix32x8(_mm256_xor_si256(Mix32x8(_mm256_xor_si256(v, s)), shi));
  }
  return _mm256_cmpgt_epi32(k.thr, _mm256_xor_si256(u, k.sign));
}

// Whole blocks of 8 only (the loads cover exactly 8 candidates); callers
// finish the remainder with the scalar path. Returns the count done.
template <Mode kMode>
__attribute__((target("avx2"))) size_t GreenMasksAvx2(const GreenFunction& f, const Context& c,
                                                      const lm::TokenCandidate* cand, size_t n,
                                                      uint8_t* masks) {
  const LaneConsts k = MakeLaneConsts(f, c);
  const size_t blocks = n / 8;
  for (size_t b = 0; b < blocks; ++b) {
    const __m256i green = GreenLanes<kMode>(LoadIds8(cand + 8 * b), 8 * b, k);
    masks[b] = static_cast<uint8_t>(_mm256_movemask_ps(_mm256_castsi256_ps(green)));
  }
  return blocks * 8;
}

// Adds delta to green logits in place, 8 candidates (24 int32/float slots)
// at a time: the green lanes are spread back to the logit slots (int32
// offsets 1, 4, ..., 22) and only those slots take logit + delta, so ids, p
// and red logits keep their exact bits. Branch-free: a branch per green
// token mispredicts on a random list and costs more than the hashing.
template <Mode kMode>
__attribute__((target("avx2"))) size_t AddToGreenAvx2(const GreenFunction& f, const Context& c,
                                                      lm::TokenCandidate* cand, size_t n,
                                                      float delta) {
  const LaneConsts k = MakeLaneConsts(f, c);
  const __m256 d = _mm256_set1_ps(delta);
  // Lane k's logit sits at int32 3k + 1: in v0 at 1, 4, 7 (lanes 0-2), in
  // v1 at 2, 5 (lanes 3-4), in v2 at 0, 3, 6 (lanes 5-7).
  const __m256i to0 = _mm256_setr_epi32(0, 0, 0, 0, 1, 0, 0, 2);
  const __m256i to1 = _mm256_setr_epi32(0, 0, 3, 0, 0, 4, 0, 0);
  const __m256i to2 = _mm256_setr_epi32(5, 0, 0, 6, 0, 0, 7, 0);
  const __m256 at0 = _mm256_castsi256_ps(_mm256_setr_epi32(0, -1, 0, 0, -1, 0, 0, -1));
  const __m256 at1 = _mm256_castsi256_ps(_mm256_setr_epi32(0, 0, -1, 0, 0, -1, 0, 0));
  const __m256 at2 = _mm256_castsi256_ps(_mm256_setr_epi32(-1, 0, 0, -1, 0, 0, -1, 0));
  const size_t blocks = n / 8;
  for (size_t b = 0; b < blocks; ++b) {
    float* p = reinterpret_cast<float*>(cand + 8 * b);
    const __m256 green = _mm256_castsi256_ps(GreenLanes<kMode>(LoadIds8(cand + 8 * b), 8 * b, k));
    const __m256 m0 = _mm256_and_ps(_mm256_permutevar8x32_ps(green, to0), at0);
    const __m256 m1 = _mm256_and_ps(_mm256_permutevar8x32_ps(green, to1), at1);
    const __m256 m2 = _mm256_and_ps(_mm256_permutevar8x32_ps(green, to2), at2);
    const __m256 v0 = _mm256_loadu_ps(p);
    const __m256 v1 = _mm256_loadu_ps(p + 8);
    const __m256 v2 = _mm256_loadu_ps(p + 16);
    _mm256_storeu_ps(p, _mm256_blendv_ps(v0, _mm256_add_ps(v0, d), m0));
    _mm256_storeu_ps(p + 8, _mm256_blendv_ps(v1, _mm256_add_ps(v1, d), m1));
    _mm256_storeu_ps(p + 16, _mm256_blendv_ps(v2, _mm256_add_ps(v2, d), m2));
  }
  return blocks * 8;
}

#endif  // WARDEN_WATERMARK_X86

}  // namespace

KeySchedule KeySchedule::From(const WatermarkKey& key) {
  const uint64_t root = core::Hash64(key.secret, kSeedDomain);
  KeySchedule k;
  k.seed = Subkey(root, 1);
  k.tok_a = static_cast<uint32_t>(Subkey(root, 2));
  k.tok_b = static_cast<uint32_t>(Subkey(root, 3));
  k.ctx_c = static_cast<uint32_t>(Subkey(root, 4));
  k.gumbel = Subkey(root, 5);
  return k;
}

GreenFunction::GreenFunction(const WatermarkConfig& config, const WatermarkKey& key)
    : scheme_(config.scheme),
      seeding_(config.seeding),
      h_(config.context_width),
      keys_(KeySchedule::From(key)) {
  // Clamped to [1, 2^32 - 1] so the comparison fits 32 bits; gamma in
  // (0, 1) only moves by 2^-32.
  const double t = std::round(config.gamma * 4294967296.0);
  threshold_ = t < 1 ? 1 : (t > 4294967295.0 ? 4294967295ULL : static_cast<uint64_t>(t));
}

void GreenFunction::PrecomputeTokenHashes(int32_t vocab_size) {
  token_hash_table_.resize(static_cast<size_t>(std::max(0, vocab_size)));
  for (size_t v = 0; v < token_hash_table_.size(); ++v) {
    token_hash_table_[v] = TokenHash(static_cast<TokenId>(v));
  }
}

void GreenFunction::GreenMasksScalar(const Context& c, const lm::TokenCandidate* candidates,
                                     size_t n, uint8_t* masks) const {
  for (size_t b = 0; b < (n + 7) / 8; ++b) masks[b] = 0;
  for (size_t i = 0; i < n; ++i) {
    if (IsGreen(c, candidates[i].id)) masks[i / 8] |= static_cast<uint8_t>(1U << (i % 8));
  }
}

bool GreenFunction::HasAvx2() {
#ifdef WARDEN_WATERMARK_X86
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
#else
  return false;
#endif
}

void GreenFunction::GreenMasks(const Context& c, const lm::TokenCandidate* candidates, size_t n,
                               uint8_t* masks) const {
  size_t done = 0;
#ifdef WARDEN_WATERMARK_X86
  if (HasAvx2() && scheme_ != Scheme::kGumbel) {
    switch (ModeOf(scheme_, seeding_)) {
      case Mode::kUnigram:
        done = GreenMasksAvx2<Mode::kUnigram>(*this, c, candidates, n, masks);
        break;
      case Mode::kSeeded:
        done = GreenMasksAvx2<Mode::kSeeded>(*this, c, candidates, n, masks);
        break;
      case Mode::kSelfHash:
        done = GreenMasksAvx2<Mode::kSelfHash>(*this, c, candidates, n, masks);
        break;
    }
  }
#endif
  // `done` is a multiple of 8, so the tail starts on a mask byte.
  GreenMasksScalar(c, candidates + done, n - done, masks + done / 8);
}

void GreenFunction::AddToGreenScalar(const Context& c, lm::TokenCandidate* candidates, size_t n,
                                     float delta) const {
  for (size_t i = 0; i < n; ++i) {
    if (IsGreen(c, candidates[i].id)) candidates[i].logit += delta;
  }
}

void GreenFunction::AddToGreen(const Context& c, lm::TokenCandidate* candidates, size_t n,
                               float delta) const {
  size_t done = 0;
#ifdef WARDEN_WATERMARK_X86
  if (HasAvx2() && scheme_ != Scheme::kGumbel) {
    switch (ModeOf(scheme_, seeding_)) {
      case Mode::kUnigram:
        done = AddToGreenAvx2<Mode::kUnigram>(*this, c, candidates, n, delta);
        break;
      case Mode::kSeeded:
        done = AddToGreenAvx2<Mode::kSeeded>(*this, c, candidates, n, delta);
        break;
      case Mode::kSelfHash:
        done = AddToGreenAvx2<Mode::kSelfHash>(*this, c, candidates, n, delta);
        break;
    }
  }
#endif
  AddToGreenScalar(c, candidates + done, n - done, delta);
}

}  // namespace warden::watermark::detail
