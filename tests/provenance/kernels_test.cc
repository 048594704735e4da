// Every fast kernel of the index against its plain reference, on random
// inputs (fixed seeds).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "warden/provenance/bloom.h"
#include "warden/provenance/kernels.h"

namespace warden::provenance {
namespace {

TEST(IndexKernelsTest, PackedArrayRoundTrips) {
  std::mt19937_64 rng(1);
  for (int bits : {1, 3, 7, 8, 13, 24, 31, 40, 56}) {
    std::vector<uint64_t> v(1000);
    for (auto& x : v) x = rng() & ((uint64_t{1} << bits) - 1);
    std::string packed;
    PackInto(v, bits, &packed);
    ASSERT_EQ(packed.size(), PackedBytes(v.size(), bits));
    PackedView view(packed.data(), v.size(), bits);
    for (size_t i = 0; i < v.size(); ++i) ASSERT_EQ(view[i], v[i]) << bits << " " << i;
  }
  EXPECT_EQ(BitsFor(0), 1);
  EXPECT_EQ(BitsFor(255), 8);
  EXPECT_EQ(BitsFor(256), 9);
}

TEST(IndexKernelsTest, SuffixArrayMatchesReference) {
  std::mt19937_64 rng(2);
  for (int trial = 0; trial < 60; ++trial) {
    const size_t n = rng() % 300;
    const uint32_t alphabet = trial % 3 == 0 ? 2 : (trial % 3 == 1 ? 5 : (1u << 24) - 1);
    std::vector<uint32_t> t(n);
    for (auto& x : t) x = static_cast<uint32_t>(rng() % alphabet) + (trial % 2);
    auto sa = BuildSuffixArray(t);
    ASSERT_TRUE(sa.ok());
    ASSERT_EQ(*sa, BuildSuffixArrayReference(t)) << "trial " << trial;
    // Range search against a linear scan, for random patterns and for
    // substrings that do occur.
    for (int q = 0; q < 20 && n > 0; ++q) {
      std::vector<uint32_t> pat;
      if (q % 2 == 0) {
        const size_t at = rng() % n, len = 1 + rng() % 4;
        for (size_t j = at; j < std::min(n, at + len); ++j) pat.push_back(t[j]);
      } else {
        for (size_t j = 0; j < 1 + rng() % 3; ++j) {
          pat.push_back(static_cast<uint32_t>(rng() % alphabet) + (trial % 2));
        }
      }
      if (std::find(pat.begin(), pat.end(), 0u) != pat.end()) continue;  // 0 = separator
      const auto got = SaRange(t, t.size(), *sa, 0, sa->size(), pat);
      const auto want = SaRangeReference(t, *sa, pat);
      ASSERT_EQ(got.second - got.first, want.second - want.first) << "trial " << trial;
      if (want.second > want.first) {
        ASSERT_EQ(got, want);
      }
    }
  }
}

TEST(IndexKernelsTest, RejectsIdsBeyond24Bits) {
  std::vector<uint32_t> t = {1, 1u << 24};
  EXPECT_FALSE(BuildSuffixArray(t).ok());
}

TEST(IndexKernelsTest, WinnowMatchesReference) {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<uint64_t> h(rng() % 120);
    const uint64_t range = trial % 2 ? 4 : ~uint64_t{0};  // many ties, or none
    for (auto& x : h) x = rng() % range;
    const int w = 1 + static_cast<int>(rng() % 10);
    ASSERT_EQ(Winnow(h, w), WinnowReference(h, w)) << "trial " << trial << " w " << w;
  }
}

TEST(IndexKernelsTest, WinnowGuaranteesSharedRunsAreDetected) {
  // Any run of w + k - 1 shared tokens yields a shared fingerprint.
  std::mt19937_64 rng(4);
  const int k = 5, w = 8;
  std::vector<uint64_t> shared(w + k - 1);
  for (auto& x : shared) x = rng();
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<uint64_t> a(rng() % 30), b(rng() % 30);
    for (auto& x : a) x = rng();
    for (auto& x : b) x = rng();
    a.insert(a.begin() + static_cast<long>(a.size() / 2), shared.begin(), shared.end());
    b.insert(b.begin() + static_cast<long>(b.size() / 3), shared.begin(), shared.end());
    std::set<uint64_t> fa;
    for (const auto& f : Winnow(KgramHashes(a, k), w)) fa.insert(f.hash);
    bool found = false;
    for (const auto& f : Winnow(KgramHashes(b, k), w)) found |= fa.contains(f.hash);
    ASSERT_TRUE(found);
  }
}

TEST(IndexKernelsTest, BloomHasNoFalseNegativesAndAboutTheTargetRate) {
  std::mt19937_64 rng(5);
  NgramBloomOptions o;
  o.n = 4;
  o.false_positive_rate = 0.01;
  std::vector<TokenId> text(20000);
  for (auto& t : text) t = static_cast<TokenId>(rng() % 8192);
  auto bloom = NgramBloom::Create(o, text.size(), "test");
  ASSERT_TRUE(bloom.ok());
  bloom->InsertAll(text);
  for (size_t i = 0; i + 4 <= text.size(); ++i) {
    std::span<const TokenId> g(text.data() + i, 4);
    ASSERT_TRUE(bloom->Contains(bloom->PrefixHash(g.first(3)), g[3]));
    ASSERT_TRUE(bloom->ContainsPrefix(bloom->PrefixHash(g.first(3))));
    ASSERT_TRUE(bloom->ContainsReference(g));
  }
  int fp = 0, agree = 0;
  const int trials = 20000;
  for (int i = 0; i < trials; ++i) {
    std::vector<TokenId> g(4);
    for (auto& t : g) t = static_cast<TokenId>(rng() % 8192);
    const bool fast = bloom->Contains(bloom->PrefixHash(std::span(g).first(3)), g[3]);
    agree += fast == bloom->ContainsReference(g);
    fp += fast;
  }
  EXPECT_EQ(agree, trials);
  EXPECT_LT(fp, trials * 0.03);  // target 1%; blocked filters run a little above
  // Round trip.
  auto copy = NgramBloom::Deserialize(bloom->Serialize(), true);
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(copy->k(), bloom->k());
  EXPECT_TRUE(copy->ContainsReference(std::span(text).first(4)));
  EXPECT_FALSE(NgramBloom::Deserialize(bloom->Serialize().substr(0, 100), true).ok());
}

TEST(IndexKernelsTest, ProcessorRefusesExactlyTheBloomHits) {
  NgramBloomOptions o;
  o.n = 3;
  auto bloom = NgramBloom::Create(o, 10, "t");
  ASSERT_TRUE(bloom.ok());
  const std::vector<TokenId> protected_text = {5, 6, 7, 5, 6, 9};
  bloom->InsertAll(protected_text);
  ProtectedNgramProcessor proc({&*bloom}, /*eos=*/0);
  std::vector<lm::TokenCandidate> cands;
  for (TokenId id = 0; id < 64; ++id) cands.push_back({id, 1.0f, 0.0f});
  lm::CandidateArray arr{cands.data(), cands.size()};
  const std::vector<TokenId> history = {1, 5, 6};
  proc.Apply(history, &arr);
  for (const auto& c : cands) {
    const bool refused = std::isinf(c.logit);
    const bool expected = bloom->Contains(bloom->PrefixHash(history), c.id);
    EXPECT_EQ(refused, expected) << c.id;
  }
  EXPECT_TRUE(std::isinf(cands[7].logit));
  EXPECT_TRUE(std::isinf(cands[9].logit));
  EXPECT_EQ(proc.stats().prefix_hits, 1u);

  // Candidates in another order (the processor's slow path) get the same
  // refusals.
  std::vector<lm::TokenCandidate> shuffled;
  for (TokenId id = 63; id >= 0; --id) shuffled.push_back({id, 1.0f, 0.0f});
  std::swap(shuffled[0], shuffled[5]);
  lm::CandidateArray arr2{shuffled.data(), shuffled.size()};
  proc.Apply(history, &arr2);
  for (const auto& c : shuffled) {
    EXPECT_EQ(std::isinf(c.logit), std::isinf(cands[static_cast<size_t>(c.id)].logit)) << c.id;
  }
  // Ids in order at both ends but not in the middle.
  std::vector<lm::TokenCandidate> middle = cands;
  for (auto& c : middle) c.logit = 1.0f;
  std::swap(middle[7], middle[30]);
  lm::CandidateArray arr3{middle.data(), middle.size()};
  proc.Apply(history, &arr3);
  for (const auto& c : middle) {
    EXPECT_EQ(std::isinf(c.logit), std::isinf(cands[static_cast<size_t>(c.id)].logit)) << c.id;
  }
}

TEST(IndexKernelsTest, GroupMasksMatchSingleLookups) {
  std::mt19937_64 rng(6);
  NgramBloomOptions o;
  o.n = 3;
  o.false_positive_rate = 0.2;  // dense, so that masks have many bits
  std::vector<TokenId> text(3000);
  for (auto& t : text) t = static_cast<TokenId>(rng() % 300);
  auto bloom = NgramBloom::Create(o, text.size(), "t");
  ASSERT_TRUE(bloom.ok());
  bloom->InsertAll(text);
  for (int trial = 0; trial < 200; ++trial) {
    const std::vector<TokenId> prefix = {static_cast<TokenId>(rng() % 300),
                                         static_cast<TokenId>(rng() % 300)};
    const uint64_t hp = bloom->PrefixHash(prefix);
    for (uint64_t g = 0; g < 5; ++g) {
      const uint64_t mask = bloom->GroupMask(bloom->Locate(hp, g));
      for (uint64_t j = 0; j < 64; ++j) {
        const TokenId id = static_cast<TokenId>(g * 64 + j);
        const std::vector<TokenId> ngram = {prefix[0], prefix[1], id};
        ASSERT_EQ(((mask >> j) & 1) != 0, bloom->ContainsReference(ngram));
      }
    }
  }
}

}  // namespace
}  // namespace warden::provenance
