#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "text/pretokenize.h"
#include "text/text_test_util.h"
#include "warden/text/bpe_tokenizer.h"

namespace warden::text {
namespace {

using Pair = std::pair<TokenId, TokenId>;

BpeTokenizer TrainOn(const std::vector<std::string>& texts, int32_t vocab, int32_t threads = 1) {
  BpeTokenizer::TrainOptions opts;
  opts.vocab_size = vocab;
  opts.threads = threads;
  auto t = BpeTokenizer::Train(texts, opts);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

const BpeTokenizer& EnglishTokenizer() {
  static const BpeTokenizer* tok = new BpeTokenizer(TrainOn({testing::EnglishText(60000)}, 500));
  return *tok;
}

// Reference encoder: per pre-token, repeatedly merge the leftmost
// occurrence of the lowest-rank pair.
std::vector<TokenId> ReferenceEncode(const BpeTokenizer& tok, std::string_view s) {
  std::map<Pair, int> rank;
  for (size_t r = 0; r < tok.merges().size(); ++r) {
    rank[{tok.merges()[r].left, tok.merges()[r].right}] = static_cast<int>(r);
  }
  std::vector<TokenId> out;
  for (std::string_view piece : text::PreTokenize(s)) {
    std::vector<TokenId> sym;
    for (char c : piece) sym.push_back(static_cast<uint8_t>(c));
    while (true) {
      int best = -1;
      size_t pos = 0;
      for (size_t i = 0; i + 1 < sym.size(); ++i) {
        auto it = rank.find({sym[i], sym[i + 1]});
        if (it != rank.end() && (best < 0 || it->second < best)) {
          best = it->second;
          pos = i;
        }
      }
      if (best < 0) break;
      sym[pos] = tok.merges()[best].result;
      sym.erase(sym.begin() + static_cast<long>(pos) + 1);
    }
    out.insert(out.end(), sym.begin(), sym.end());
  }
  return out;
}

// Reference trainer: recount every pair from scratch before each merge.
std::vector<Pair> ReferenceTrain(const std::vector<std::string>& texts, int32_t vocab,
                                 int64_t min_count) {
  std::map<std::string, int64_t> types;
  for (const auto& t : texts) {
    for (auto p : text::PreTokenize(t)) ++types[std::string(p)];
  }
  std::vector<std::pair<std::vector<TokenId>, int64_t>> words;
  for (const auto& [w, c] : types) {
    std::vector<TokenId> sym;
    for (char ch : w) sym.push_back(static_cast<uint8_t>(ch));
    words.emplace_back(sym, c);
  }
  std::vector<Pair> merges;
  while (257 + static_cast<int32_t>(merges.size()) < vocab) {
    std::map<Pair, int64_t> counts;
    for (const auto& [sym, c] : words) {
      for (size_t i = 0; i + 1 < sym.size(); ++i) counts[{sym[i], sym[i + 1]}] += c;
    }
    Pair best{};
    int64_t best_count = 0;
    for (const auto& [p, c] : counts) {  // map order: ties go to the smallest pair
      if (c > best_count) {
        best = p;
        best_count = c;
      }
    }
    if (best_count < min_count || best_count == 0) break;
    const TokenId id = 257 + static_cast<TokenId>(merges.size());
    merges.push_back(best);
    for (auto& [sym, c] : words) {
      std::vector<TokenId> next;
      for (size_t i = 0; i < sym.size(); ++i) {
        if (i + 1 < sym.size() && sym[i] == best.first && sym[i + 1] == best.second) {
          next.push_back(id);
          ++i;
        } else {
          next.push_back(sym[i]);
        }
      }
      sym = std::move(next);
    }
  }
  return merges;
}

std::vector<Pair> MergesOf(const BpeTokenizer& tok) {
  std::vector<Pair> out;
  for (const auto& m : tok.merges()) out.emplace_back(m.left, m.right);
  return out;
}

TEST(BpeTest, VocabularyLayout) {
  const BpeTokenizer& tok = EnglishTokenizer();
  EXPECT_EQ(tok.vocab_size(), 500);
  EXPECT_EQ(tok.eos(), 256);
  EXPECT_EQ(tok.TokenBytes(256), "");
  EXPECT_EQ(tok.TokenBytes('a'), "a");
  EXPECT_EQ(tok.TokenBytes(0xFF), "\xFF");
  EXPECT_EQ(tok.TokenBytes(-1), "");
  EXPECT_EQ(tok.TokenBytes(500), "");
  ASSERT_EQ(tok.merges().size(), 500u - 257u);
  for (size_t r = 0; r < tok.merges().size(); ++r) {
    const auto& m = tok.merges()[r];
    EXPECT_EQ(m.result, 257 + static_cast<TokenId>(r));
    EXPECT_EQ(tok.TokenBytes(m.result),
              std::string(tok.TokenBytes(m.left)) + std::string(tok.TokenBytes(m.right)));
  }
  // The most frequent English pair comes first.
  EXPECT_EQ(tok.TokenBytes(tok.merges()[0].result).size(), 2u);
  EXPECT_EQ(tok.fingerprint().size(), 16u);
}

TEST(BpeTest, CompressesEnglish) {
  const BpeTokenizer& tok = EnglishTokenizer();
  const std::string text = testing::EnglishText(5000, 99);
  std::vector<TokenId> ids;
  ASSERT_TRUE(tok.Encode(text, &ids).ok());
  EXPECT_LT(ids.size() * 2, text.size()) << "fewer than 2 bytes per token";
  EXPECT_EQ(tok.Decode(ids), text);
  // Frequent words are single tokens.
  ids.clear();
  ASSERT_TRUE(tok.Encode(" the", &ids).ok());
  EXPECT_EQ(ids.size(), 1u);
}

TEST(BpeTest, EncodeMatchesReference) {
  const BpeTokenizer& tok = EnglishTokenizer();
  std::mt19937 rng(17);
  for (int iter = 0; iter < 300; ++iter) {
    std::string s;
    if (iter % 3 == 0) {
      s = testing::RandomUtf8(rng, rng() % 80);
    } else {
      // Perturbed English: random slices of the sample with random edits.
      const std::string_view src = testing::kEnglishSample;
      const size_t a = rng() % src.size();
      s = std::string(src.substr(a, rng() % 200));
      for (int k = 0; k < 3 && !s.empty(); ++k) s[rng() % s.size()] = "aeiou .,\n"[rng() % 9];
    }
    std::vector<TokenId> ids;
    ASSERT_TRUE(tok.Encode(s, &ids).ok());
    ASSERT_EQ(ids, ReferenceEncode(tok, s)) << ::testing::PrintToString(s);
    ASSERT_EQ(tok.Decode(ids), s);
    for (TokenId id : ids) ASSERT_NE(id, tok.eos());
  }
}

TEST(BpeTest, RoundTripsRandomUtf8) {
  const BpeTokenizer& tok = EnglishTokenizer();
  std::mt19937 rng(23);
  for (int iter = 0; iter < 500; ++iter) {
    const std::string s = testing::RandomUtf8(rng, rng() % 300);
    std::vector<TokenId> ids;
    ASSERT_TRUE(tok.Encode(s, &ids).ok());
    ASSERT_EQ(tok.Decode(ids), s);
  }
  // Long runs without breaks are cut into pieces but still round-trip.
  const std::string long_word(10000, 'e');
  std::vector<TokenId> ids;
  ASSERT_TRUE(tok.Encode(long_word, &ids).ok());
  EXPECT_EQ(tok.Decode(ids), long_word);
}

TEST(BpeTest, EncodeAppendsAndRejectsInvalidUtf8) {
  const BpeTokenizer& tok = EnglishTokenizer();
  std::vector<TokenId> ids = {1, 2, 3};
  ASSERT_TRUE(tok.Encode("", &ids).ok());
  EXPECT_EQ(ids, (std::vector<TokenId>{1, 2, 3}));
  const Status s = tok.Encode("valid then \xC0\xAF", &ids);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("offset 11"), std::string::npos) << s.message();
  EXPECT_EQ(ids, (std::vector<TokenId>{1, 2, 3}));
  ASSERT_TRUE(tok.Encode("hi", &ids).ok());
  ASSERT_GT(ids.size(), 3u);
  EXPECT_EQ(std::vector<TokenId>(ids.begin(), ids.begin() + 3), (std::vector<TokenId>{1, 2, 3}));
  EXPECT_EQ(tok.Decode(std::vector<TokenId>(ids.begin() + 3, ids.end())), "hi");
}

TEST(BpeTest, DecodeSkipsInvalidIdsAndEos) {
  const BpeTokenizer& tok = EnglishTokenizer();
  const std::vector<TokenId> ids = {'a', 256, -5, 1 << 25, 'b'};
  EXPECT_EQ(tok.Decode(ids), "ab");
  const std::vector<TokenId> split = {'a', 0xC3};  // half of "é"
  EXPECT_EQ(tok.Decode(split), "a\xC3");
  EXPECT_EQ(tok.DecodeValid(split), "a\xEF\xBF\xBD");
}

TEST(BpeTest, TrainingMatchesReferenceTrainer) {
  std::mt19937 rng(31);
  for (int iter = 0; iter < 12; ++iter) {
    std::vector<std::string> texts;
    // Small alphabets make ties, overlapping pairs ("aaaa") and long chains
    // of merges common.
    const std::string alphabet = iter % 2 ? "ab " : "abcde .\n";
    for (int d = 0; d < 5; ++d) {
      std::string t;
      for (size_t i = 0, n = 50 + rng() % 300; i < n; ++i) t += alphabet[rng() % alphabet.size()];
      texts.push_back(t);
    }
    const int32_t vocab = 257 + 1 + static_cast<int32_t>(rng() % 80);
    const int64_t min_count = 1 + iter % 3;
    BpeTokenizer::TrainOptions opts;
    opts.vocab_size = vocab;
    opts.min_pair_count = static_cast<int32_t>(min_count);
    opts.threads = 1 + iter % 3;
    auto tok = BpeTokenizer::Train(texts, opts);
    ASSERT_TRUE(tok.ok());
    ASSERT_EQ(MergesOf(*tok), ReferenceTrain(texts, vocab, min_count)) << "iteration " << iter;
  }
}

TEST(BpeTest, TrainingIsDeterministicAcrossThreadCounts) {
  std::vector<std::string> texts;
  for (uint32_t d = 0; d < 8; ++d) texts.push_back(testing::EnglishText(8000, d));
  const BpeTokenizer a = TrainOn(texts, 600, 1);
  const BpeTokenizer b = TrainOn(texts, 600, 4);
  const BpeTokenizer c = TrainOn(texts, 600, 1);
  EXPECT_EQ(MergesOf(a), MergesOf(b));
  EXPECT_EQ(MergesOf(a), MergesOf(c));
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  const BpeTokenizer smaller = TrainOn(texts, 500, 1);
  EXPECT_NE(a.fingerprint(), smaller.fingerprint());
}

TEST(BpeTest, TrainingStopsAtMinPairCount) {
  BpeTokenizer::TrainOptions opts;
  opts.vocab_size = 5000;
  opts.min_pair_count = 2;
  auto tok = BpeTokenizer::Train(std::vector<std::string>{"abc abc xyz"}, opts);
  ASSERT_TRUE(tok.ok());
  // " abc" occurs once, "abc" once; only pairs seen twice merge: a+b, ab+c.
  EXPECT_EQ(tok->vocab_size(), 259);
  EXPECT_EQ(tok->TokenBytes(258), "abc");
}

TEST(BpeTest, TrainRejectsBadOptionsAndInput) {
  BpeTokenizer::TrainOptions opts;
  opts.vocab_size = 256;
  EXPECT_EQ(BpeTokenizer::Train(std::vector<std::string>{"x"}, opts).status().code(),
            StatusCode::kInvalidArgument);
  opts.vocab_size = (1 << 20) + 1;
  EXPECT_FALSE(BpeTokenizer::Train(std::vector<std::string>{"x"}, opts).ok());
  opts.vocab_size = 300;
  EXPECT_FALSE(BpeTokenizer::Train(std::vector<std::string>{"ok", "bad \xFF"}, opts).ok());
  auto empty = BpeTokenizer::Train(std::vector<std::string>{}, opts);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->vocab_size(), 257);
  std::vector<TokenId> ids;
  ASSERT_TRUE(empty->Encode("hi", &ids).ok());
  EXPECT_EQ(ids, (std::vector<TokenId>{'h', 'i'}));
}

TEST(BpeTest, LargeTextIsSlicedWithoutChangingCounts) {
  // A text over 1 MiB is cut into slices for parallel counting; the merges
  // must equal those of the reference, which pre-tokenizes it in one go.
  const std::string big = testing::EnglishText(1500000, 5);
  const std::vector<std::string> texts = {big};
  const BpeTokenizer tok = TrainOn(texts, 400, 2);
  EXPECT_EQ(MergesOf(tok), ReferenceTrain(texts, 400, 2));
}

TEST(BpeTest, ConcurrentEncodeIsSafe) {
  const BpeTokenizer& tok = EnglishTokenizer();
  const std::string text = testing::EnglishText(20000, 3);
  std::vector<TokenId> expected;
  ASSERT_TRUE(tok.Encode(text, &expected).ok());
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<TokenId> ids;
      ok[t] = tok.Encode(text, &ids).ok() && ids == expected;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok, (std::vector<int>{1, 1, 1, 1}));
}

}  // namespace
}  // namespace warden::text
