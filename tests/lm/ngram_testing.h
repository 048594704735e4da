// Shared helpers of the n-gram model tests (tests/lm/ngram_*_test.cc).
#ifndef WARDEN_TESTS_LM_NGRAM_TESTING_H_
#define WARDEN_TESTS_LM_NGRAM_TESTING_H_

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "warden/lm/ngram.h"
#include "warden/text/bpe_tokenizer.h"

namespace warden::lm::testing {

// A byte-level tokenizer without merges: vocabulary 257 (bytes + <eos>),
// which makes token ids 9 bits wide, so order 8 exercises the 128-bit keys.
inline text::BpeTokenizer ByteTokenizer() {
  text::BpeTokenizer::TrainOptions o;
  o.vocab_size = 257;
  o.threads = 1;
  std::vector<std::string> texts = {"a"};
  auto t = text::BpeTokenizer::Train(texts, o);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

// A tokenizer with more than 512 ids (10-bit ids), so that order 8 needs
// 16-byte context keys.
inline text::BpeTokenizer WideTokenizer() {
  std::vector<std::string> texts;
  std::mt19937_64 rng(42);
  for (int i = 0; i < 400; ++i) {
    std::string word;
    for (int c = 0; c < 6; ++c) word.push_back(static_cast<char>('a' + rng() % 26));
    texts.push_back(word + " " + word + " " + word);
  }
  text::BpeTokenizer::TrainOptions o;
  o.vocab_size = 600;
  o.threads = 1;
  auto t = text::BpeTokenizer::Train(texts, o);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_GT(t->vocab_size(), 512);
  return std::move(t).value();
}

// Random documents over a small alphabet starting at `base`, with a skewed
// (roughly Zipfian) token distribution and some repeated phrases so that
// higher-order n-grams recur.
inline std::vector<std::vector<TokenId>> RandomDocs(std::mt19937_64& rng, int docs, int max_len,
                                                    int alphabet, TokenId base = 'a') {
  std::vector<double> weights;
  for (int i = 0; i < alphabet; ++i) weights.push_back(1.0 / (i + 1));
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  std::vector<std::vector<TokenId>> out(docs);
  for (auto& d : out) {
    const int len = static_cast<int>(rng() % (max_len + 1));
    while (static_cast<int>(d.size()) < len) {
      if (d.size() >= 3 && rng() % 4 == 0) {
        const size_t from = rng() % (d.size() - 2);
        d.insert(d.end(), d.begin() + from, d.begin() + from + 3);  // a repeat
      } else {
        d.push_back(base + pick(rng));
      }
    }
    d.resize(len);
  }
  return out;
}

inline std::unique_ptr<lm::NgramModel> TrainModel(const text::BpeTokenizer& tok,
                                                  const std::vector<std::vector<TokenId>>& docs,
                                                  const NgramTrainOptions& opts) {
  auto bytes = NgramModel::TrainToBytes(tok, docs, opts);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  if (!bytes.ok()) return nullptr;
  auto model = NgramModel::LoadFromBytes(*bytes, "test-model");
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  if (!model.ok()) return nullptr;
  return std::move(model).value();
}

}  // namespace warden::lm::testing

#endif  // WARDEN_TESTS_LM_NGRAM_TESTING_H_
