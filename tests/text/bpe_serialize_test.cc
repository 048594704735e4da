#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "text/text_test_util.h"
#include "warden/core/hash.h"
#include "warden/text/bpe_tokenizer.h"

namespace warden::text {
namespace {

const BpeTokenizer& Tok() {
  static const BpeTokenizer* tok = [] {
    BpeTokenizer::TrainOptions opts;
    opts.vocab_size = 400;
    opts.threads = 1;
    auto t = BpeTokenizer::Train(std::vector<std::string>{testing::EnglishText(20000)}, opts);
    EXPECT_TRUE(t.ok());
    return new BpeTokenizer(std::move(t).value());
  }();
  return *tok;
}

void PutU32(std::string* s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*s)[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// Rewrites the trailing checksum so that a test reaches the checks behind it.
void Reseal(std::string* blob) {
  const uint64_t h = core::Hash64(std::string_view(*blob).substr(0, blob->size() - 8));
  for (int i = 0; i < 8; ++i)
    (*blob)[blob->size() - 8 + i] = static_cast<char>((h >> (8 * i)) & 0xFF);
}

void ExpectCorruption(std::string_view blob, std::string_view why) {
  auto r = BpeTokenizer::Deserialize(blob);
  ASSERT_FALSE(r.ok()) << why;
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << why;
  EXPECT_NE(r.status().message().find("BPE tokenizer"), std::string::npos) << r.status().message();
}

TEST(BpeSerializeTest, RoundTrip) {
  const std::string blob = Tok().Serialize();
  ASSERT_EQ(blob.substr(0, 4), "WBPE");
  EXPECT_EQ(blob.size(), 20u + 8u * Tok().merges().size() + 8u);
  auto back = BpeTokenizer::Deserialize(blob);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->vocab_size(), Tok().vocab_size());
  EXPECT_EQ(back->fingerprint(), Tok().fingerprint());
  EXPECT_EQ(back->Serialize(), blob);
  const std::string text = testing::EnglishText(3000, 8);
  std::vector<TokenId> a, b;
  ASSERT_TRUE(Tok().Encode(text, &a).ok());
  ASSERT_TRUE(back->Encode(text, &b).ok());
  EXPECT_EQ(a, b);
}

TEST(BpeSerializeTest, EmptyVocabularyRoundTrips) {
  auto t = BpeTokenizer::Train(std::vector<std::string>{}, {});
  ASSERT_TRUE(t.ok());
  auto back = BpeTokenizer::Deserialize(t->Serialize());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->vocab_size(), 257);
}

TEST(BpeSerializeTest, RejectsEveryTruncation) {
  const std::string blob = Tok().Serialize();
  for (size_t n = 0; n < blob.size(); ++n) {
    ExpectCorruption(std::string_view(blob).substr(0, n), "truncated to " + std::to_string(n));
  }
  ExpectCorruption(blob + "x", "trailing byte");
}

TEST(BpeSerializeTest, RejectsEveryBitFlip) {
  const std::string blob = Tok().Serialize();
  for (size_t i = 0; i < blob.size(); ++i) {
    for (int bit = 0; bit < 8; bit += 3) {
      std::string bad = blob;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      ExpectCorruption(bad, "flip at " + std::to_string(i));
    }
  }
}

TEST(BpeSerializeTest, RejectsSemanticErrorsBehindAValidChecksum) {
  const std::string blob = Tok().Serialize();
  {
    std::string bad = blob;
    PutU32(&bad, 4, 2);  // format version
    Reseal(&bad);
    ExpectCorruption(bad, "version");
  }
  {
    std::string bad = blob;
    PutU32(&bad, 8, 99);  // pre-tokenizer version
    Reseal(&bad);
    ExpectCorruption(bad, "pre-tokenizer version");
  }
  {
    std::string bad = blob;
    PutU32(&bad, 12, 258);  // vocab size disagrees with the merge count
    Reseal(&bad);
    ExpectCorruption(bad, "vocab size");
  }
  {
    std::string bad = blob;
    PutU32(&bad, 20, 300);  // merge 0 references a later id
    Reseal(&bad);
    ExpectCorruption(bad, "forward reference");
  }
  {
    std::string bad = blob;
    PutU32(&bad, 20 + 8 * 5, 256);  // merge 5 uses <eos>
    Reseal(&bad);
    ExpectCorruption(bad, "eos merge");
  }
  {
    std::string bad = blob;  // merge 1 repeats merge 0
    std::memcpy(bad.data() + 28, bad.data() + 20, 8);
    Reseal(&bad);
    ExpectCorruption(bad, "duplicate");
  }
  {
    // Huge merge count: the size check must not overflow or allocate.
    std::string bad = blob;
    PutU32(&bad, 12, 0xFFFFFFFFu);
    PutU32(&bad, 16, 0xFFFFFFFEu);
    Reseal(&bad);
    ExpectCorruption(bad, "huge count");
  }
}

TEST(BpeSerializeTest, RejectsChainsOfOverlongTokens) {
  // Each merge doubles the previous token: token lengths explode unless
  // bounded. The blob is otherwise well-formed.
  std::string blob = "WBPE";
  const uint32_t merges = 40;
  auto put = [&blob](uint32_t v) {
    for (int i = 0; i < 4; ++i) blob.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  put(1);
  put(1);
  put(257 + merges);
  put(merges);
  put('a');
  put('a');
  for (uint32_t i = 1; i < merges; ++i) {
    put(257 + i - 1);
    put(257 + i - 1);
  }
  blob.append(8, '\0');
  Reseal(&blob);
  ExpectCorruption(blob, "overlong tokens");
}

TEST(BpeSerializeTest, RandomBlobsNeverCrash) {
  std::mt19937 rng(1234);
  const std::string good = Tok().Serialize();
  for (int iter = 0; iter < 2000; ++iter) {
    std::string s;
    if (iter % 2 == 0) {
      s = "WBPE";
      for (size_t i = 0, n = rng() % 64; i < n; ++i) s += static_cast<char>(rng() % 256);
    } else {
      s = good;
      for (int k = 0; k < 4; ++k) s[rng() % s.size()] = static_cast<char>(rng() % 256);
      if (rng() % 2) Reseal(&s);
    }
    auto r = BpeTokenizer::Deserialize(s);
    if (r.ok()) {
      // Whatever parsed must be usable.
      std::vector<TokenId> ids;
      ASSERT_TRUE(r->Encode("the keeper", &ids).ok());
      EXPECT_EQ(r->Decode(ids), "the keeper");
    }
  }
}

}  // namespace
}  // namespace warden::text
