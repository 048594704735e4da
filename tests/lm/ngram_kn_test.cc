// The trainer against an independent, brute-force implementation of
// interpolated modified Kneser-Ney written straight from the formulas in
// ngram.h (maps of token vectors, no packing, no sorting, no file), and
// against probabilities worked out by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "lm/ngram_testing.h"
#include "warden/lm/ngram.h"
#include "warden/text/bpe_tokenizer.h"

namespace warden::lm {
namespace {

using Gram = std::vector<TokenId>;

class ReferenceKn {
 public:
  ReferenceKn(const std::vector<std::vector<TokenId>>& docs, int order, int vocab, TokenId eos,
              int prune_above)
      : order_(order), vocab_(vocab), eos_(eos), prune_above_(prune_above) {
    raw_.resize(order + 1);
    left_.resize(order + 1);
    for (const auto& doc : docs) {
      Gram padded(order - 1, eos);
      padded.insert(padded.end(), doc.begin(), doc.end());
      padded.push_back(eos);
      for (size_t i = order - 1; i < padded.size(); ++i) {
        for (int n = 1; n <= order; ++n) {
          Gram g(padded.begin() + (i + 1 - n), padded.begin() + (i + 1));
          raw_[n][g] += 1;
          if (n < order) left_[n][g].insert(padded[i - n]);
        }
      }
    }
    discounts_.resize(order + 1);
    for (int n = 1; n <= order; ++n) {
      std::array<double, 5> c = {0, 0, 0, 0, 0};
      for (const auto& [g, count] : raw_[n]) {
        const int64_t a = Adjusted(g);
        if (a <= 4) c[a] += 1;
      }
      std::array<double, 3> d = {0.5, 1.0, 1.5};
      if (c[1] > 0 && c[2] > 0) {
        const double y = c[1] / (c[1] + 2 * c[2]);
        for (int k = 1; k <= 3; ++k) {
          if (c[k] == 0) continue;
          const double est = k - (k + 1) * y * c[k + 1] / c[k];
          if (est > 0 && est < k) d[k - 1] = est;
        }
      }
      discounts_[n] = d;
    }
  }

  int64_t Adjusted(const Gram& g) const {
    const int n = static_cast<int>(g.size());
    if (n == order_ || (n >= 2 && g[0] == eos_)) return raw_[n].at(g);
    return static_cast<int64_t>(left_[n].at(g).size());
  }

  double D(int n, int64_t a) const { return discounts_[n][std::min<int64_t>(a, 3) - 1]; }

  // P_n(w | h), h holding exactly n-1 tokens.
  double P(const Gram& h, TokenId w) const {
    const int n = static_cast<int>(h.size()) + 1;
    if (n == 1) {
      double total = 0, left = 0, own = 0;
      for (const auto& [g, count] : raw_[1]) {
        const int64_t a = Adjusted(g);
        total += a;
        left += D(1, a);
        if (g[0] == w) own = a - D(1, a);
      }
      return own / total + left / total / vocab_;
    }
    const Gram shorter(h.begin() + 1, h.end());
    double total = 0, left = 0, own = 0;
    // The n-grams extending h are contiguous in the map, from h itself on.
    for (auto it = raw_[n].lower_bound(h);
         it != raw_[n].end() && std::equal(h.begin(), h.end(), it->first.begin()); ++it) {
      const Gram& g = it->first;
      const TokenId x = g.back();
      const int64_t a = Adjusted(g);
      total += a;
      const bool pruned = prune_above_ > 0 && n > prune_above_ && a == 1;
      left += pruned ? a : D(n, a);
      if (x == w && !pruned) own = a - D(n, a);
    }
    if (total == 0) return P(shorter, w);
    return own / total + left / total * P(shorter, w);
  }

  // P(w | context) with the context padded by <eos> on the left.
  double Prob(const Gram& context, TokenId w) const {
    Gram padded(order_ - 1, eos_);
    padded.insert(padded.end(), context.begin(), context.end());
    return P(Gram(padded.end() - (order_ - 1), padded.end()), w);
  }

 private:
  int order_, vocab_;
  TokenId eos_;
  int prune_above_;
  std::vector<std::map<Gram, int64_t>> raw_;
  std::vector<std::map<Gram, std::set<TokenId>>> left_;
  std::vector<std::array<double, 3>> discounts_;
};

// Order 2, one document "a b a b c": worked out on paper.
//   bigrams (raw): <eos>a 1, ab 2, ba 1, bc 1, c<eos> 1 -> n1=4, n2=1:
//     Y = 4/6, D1 = 1 - 2Y/4 = 2/3, D2 = 2 (not < 2: falls back to 1).
//   unigrams (continuation): a 2 ({<eos>, b}), b 1, c 1, <eos> 1 -> n1=3,
//     n2=1: Y = 3/5, D1 = 3/5, D2 falls back to 1. Total 5, left mass
//     3 * 0.6 + 1 = 2.8, so gamma = 0.56, spread over 257 tokens.
TEST(NgramKn, HandComputedBigram) {
  const text::BpeTokenizer tok = testing::ByteTokenizer();
  const TokenId eos = tok.eos();
  const TokenId a = 'a', b = 'b', c = 'c', z = 'z';
  const std::vector<std::vector<TokenId>> docs = {{a, b, a, b, c}};
  NgramTrainOptions opts;
  opts.order = 2;
  auto model = testing::TrainModel(tok, docs, opts);
  ASSERT_NE(model, nullptr);

  const double u = 0.56 / 257;
  const double p1_a = 1.0 / 5 + u, p1_b = 0.4 / 5 + u, p1_c = 0.4 / 5 + u, p1_eos = 0.4 / 5 + u;
  auto prob = [&](std::vector<TokenId> ctx, TokenId w) { return std::exp(model->LogProb(ctx, w)); };
  EXPECT_NEAR(prob({z}, a), p1_a, 1e-7);              // unseen context: unigram
  EXPECT_NEAR(prob({z}, z), u, 1e-9);                 // unseen token: uniform share
  EXPECT_NEAR(prob({a}, b), 0.5 + 0.5 * p1_b, 1e-7);  // ab: (2 - 1)/2, gamma 1/2
  EXPECT_NEAR(prob({b}, c), 1.0 / 6 + 2.0 / 3 * p1_c, 1e-7);
  EXPECT_NEAR(prob({b}, a), 1.0 / 6 + 2.0 / 3 * p1_a, 1e-7);
  EXPECT_NEAR(prob({}, a), 1.0 / 3 + 2.0 / 3 * p1_a, 1e-7);  // start of document
  EXPECT_NEAR(prob({c}, eos), 1.0 / 3 + 2.0 / 3 * p1_eos, 1e-7);
  EXPECT_NEAR(prob({a}, z), 0.5 * u, 1e-9);

  const auto& s = model->stats();
  EXPECT_NEAR(s.discounts[1][0], 2.0 / 3, 1e-12);
  EXPECT_NEAR(s.discounts[1][1], 1.0, 1e-12);
  EXPECT_NEAR(s.discounts[0][0], 0.6, 1e-12);
  EXPECT_EQ(s.training_tokens, 6u);
}

void CompareWithReference(int order, int prune_above, uint64_t seed, bool wide = false) {
  SCOPED_TRACE("order " + std::to_string(order) + " prune " + std::to_string(prune_above) +
               " seed " + std::to_string(seed));
  const text::BpeTokenizer tok = wide ? testing::WideTokenizer() : testing::ByteTokenizer();
  std::mt19937_64 rng(seed);
  const TokenId base = wide ? 510 : 'a';  // wide: ids on both sides of 512
  const auto docs = testing::RandomDocs(rng, 12, 40, 6, base);
  NgramTrainOptions opts;
  opts.order = order;
  opts.threads = 1 + static_cast<int>(seed % 3);
  opts.prune_singletons_above_order = prune_above;
  auto model = testing::TrainModel(tok, docs, opts);
  ASSERT_NE(model, nullptr);
  const ReferenceKn ref(docs, order, tok.vocab_size(), tok.eos(), prune_above);

  const std::vector<TokenId> candidates = {base,     base + 1, base + 2,  base + 3,
                                           base + 5, base + 9, tok.eos(), 0};
  for (int trial = 0; trial < 40; ++trial) {
    std::vector<TokenId> ctx;
    if (trial % 2 == 0 && !docs[trial % docs.size()].empty()) {
      const auto& d = docs[trial % docs.size()];  // a context that occurs
      const size_t end = rng() % (d.size() + 1);
      const size_t len = std::min<size_t>(end, rng() % (order + 1));
      ctx.assign(d.begin() + (end - len), d.begin() + end);
    } else {
      const int len = static_cast<int>(rng() % (order + 2));
      for (int i = 0; i < len; ++i) ctx.push_back(candidates[rng() % candidates.size()]);
    }
    for (TokenId w : candidates) {
      const double want = ref.Prob(ctx, w);
      const double got = std::exp(model->LogProb(ctx, w));
      ASSERT_NEAR(got, want, 1e-6 * want) << "trial " << trial << " token " << w;
    }
  }
}

TEST(NgramKn, MatchesBruteForceReference) {
  for (int order = 1; order <= 5; ++order) {
    for (uint64_t seed = 1; seed <= 3; ++seed) CompareWithReference(order, 0, seed);
  }
}

TEST(NgramKn, MatchesBruteForceReferenceWithPruning) {
  for (int order = 2; order <= 4; ++order) {
    for (int prune = 1; prune < order; ++prune) CompareWithReference(order, prune, 7 + prune);
  }
}

TEST(NgramKn, MatchesBruteForceReferenceWith128BitKeys) {
  // 9-bit ids: order 8 needs 72-bit n-gram keys and 63-bit context keys.
  CompareWithReference(8, 0, 11);
  CompareWithReference(8, 3, 12);
  // 10-bit ids: 80-bit n-gram keys and 70-bit (16-byte) context keys.
  CompareWithReference(8, 0, 13, /*wide=*/true);
  CompareWithReference(7, 2, 14, /*wide=*/true);
  CompareWithReference(3, 0, 15, /*wide=*/true);
}

}  // namespace
}  // namespace warden::lm
