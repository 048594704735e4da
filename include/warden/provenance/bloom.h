// Decode-time blocking of protected n-grams (MemFree decoding, Ippolito et
// al. 2023): a Bloom filter of every n-gram of protected text, in the
// model's own token ids, and a logits processor that refuses any candidate
// token that would complete one of them.
//
// Layout, chosen for the per-step cost: the filter is split into 512-bit
// blocks (one cache line, eight 64-bit words). An n-gram (prefix of n-1
// tokens, last token c) lives in the block chosen by hash(prefix, c / 64);
// its k <= 8 probes are one bit in each of k of the block's words, at
// (c % 64 + shift_i) % 64 with shifts drawn from the same hash. So for one
// prefix, the membership of 64 consecutive candidate ids is the AND of k
// rotated words, and a decoding step tests the whole vocabulary with one
// block per 64 ids. The (n-1)-gram prefixes themselves are also inserted
// (with a reserved last token), so a step whose history ends in no
// protected prefix is rejected with one lookup.
// A Bloom filter has no false negatives, so with the processor on no
// protected n-gram can be emitted; false positives only veto an innocent
// token now and then (rate set by `false_positive_rate`).
//
// Thread safety: a built or loaded NgramBloom is immutable and may be shared.
// The processor keeps per-step counters and belongs to one generation.
#ifndef WARDEN_PROVENANCE_BLOOM_H_
#define WARDEN_PROVENANCE_BLOOM_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/lm/sampler.h"
#include "warden/text/tokenizer.h"

namespace warden::provenance {

struct NgramBloomOptions {
  int32_t n = 8;                      // n-gram length in model tokens, 2..64
  double false_positive_rate = 0.01;  // target, for the n-grams inserted
};

class NgramBloom {
 public:
  // An empty filter sized for `expected_ngrams` n-grams (and as many
  // prefixes). `tokenizer_fingerprint` names the token ids' vocabulary.
  static Result<NgramBloom> Create(const NgramBloomOptions& opts, uint64_t expected_ngrams,
                                   std::string tokenizer_fingerprint);
  // Inserts every n-gram (and its prefix) of `tokens`.
  void InsertAll(std::span<const TokenId> tokens);
  void Insert(std::span<const TokenId> ngram);  // size n

  // Hash of the last n-1 tokens of `history` (history.size() >= n-1).
  uint64_t PrefixHash(std::span<const TokenId> history) const;
  bool ContainsPrefix(uint64_t prefix_hash) const;
  bool Contains(uint64_t prefix_hash, TokenId last) const;
  // Reference for Contains: the plain bit-by-bit definition, recomputing
  // every hash. For tests.
  bool ContainsReference(std::span<const TokenId> ngram) const;

  // The block and rotation seed of a group of 64 candidate ids, and the
  // membership bits of all 64 at once (bit j: id group * 64 + j).
  struct Probe {
    const uint64_t* block;
    uint64_t seed;
  };
  Probe Locate(uint64_t prefix_hash, uint64_t group) const;
  uint64_t GroupMask(const Probe& probe) const;

  int32_t n() const { return n_; }
  int32_t k() const { return k_; }
  uint64_t blocks() const { return blocks_; }
  uint64_t bytes() const { return blocks_ * 64; }
  const std::string& tokenizer_fingerprint() const { return fingerprint_; }

  // Serialized form (the index's bloom section, docs/provenance-format.md).
  std::string Serialize() const;
  // Validates untrusted bytes. `copy` = false keeps a view into `bytes`,
  // which must then outlive the filter (a mapped index file).
  static Result<NgramBloom> Deserialize(std::string_view bytes, bool copy);

 private:
  NgramBloom() = default;
  void SetBits(uint64_t prefix_hash, uint64_t last);
  bool TestBits(uint64_t prefix_hash, uint64_t last) const;

  int32_t n_ = 0;
  int32_t k_ = 0;
  uint64_t blocks_ = 0;
  std::string fingerprint_;
  std::vector<uint64_t> owned_;
  const uint64_t* words_ = nullptr;
};

// Counters of a ProtectedNgramProcessor, for evaluation and benchmarks.
struct BlockingStats {
  uint64_t steps = 0;          // Apply calls
  uint64_t prefix_hits = 0;    // steps whose history ended in a protected prefix
  uint64_t vetoed_tokens = 0;  // candidates refused, all steps together
};

// Sets the logit of every candidate that would complete a protected n-gram
// to -infinity. If that would refuse every candidate, the end-of-text token
// (when the vocabulary has one) is left allowed so that decoding can stop.
class ProtectedNgramProcessor final : public lm::LogitsProcessor {
 public:
  // The filters (one per index shard) must outlive the processor.
  ProtectedNgramProcessor(std::vector<const NgramBloom*> blooms, TokenId eos);
  std::string_view name() const override { return "provenance-block"; }
  void Apply(std::span<const TokenId> history, lm::CandidateArray* candidates) override;
  void Reset() override { stats_ = {}; }
  const BlockingStats& stats() const { return stats_; }

 private:
  std::vector<const NgramBloom*> blooms_;
  TokenId eos_;
  BlockingStats stats_;
  std::vector<NgramBloom::Probe> probes_;  // per-step scratch
  std::vector<uint64_t> masks_;
};

}  // namespace warden::provenance

#endif  // WARDEN_PROVENANCE_BLOOM_H_
