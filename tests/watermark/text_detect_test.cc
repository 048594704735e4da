#include "warden/watermark/text_detect.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "warden/text/bpe_tokenizer.h"

namespace warden::watermark {
namespace {

text::BpeTokenizer TrainTokenizer() {
  std::vector<std::string> texts;
  std::mt19937 rng(1);
  const char* words[] = {"the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "far"};
  for (int d = 0; d < 200; ++d) {
    std::string t;
    for (int w = 0; w < 30; ++w) t += std::string(w ? " " : "") + words[rng() % 10];
    texts.push_back(t);
  }
  text::BpeTokenizer::TrainOptions o;
  o.vocab_size = 400;
  return std::move(text::BpeTokenizer::Train(texts, o)).value();
}

WatermarkConfig ConfigFor(const text::Tokenizer& t) {
  WatermarkConfig c;
  c.vocab_size = t.vocab_size();
  c.tokenizer_fingerprint = t.fingerprint();
  return c;
}

TEST(TextDetectTest, RefusesAForeignTokenizer) {
  text::BpeTokenizer tok = TrainTokenizer();
  auto key = *WatermarkKey::FromSecret("text-detect-test-key-123");
  WatermarkConfig c = ConfigFor(tok);
  c.tokenizer_fingerprint = "0000000000000000";
  auto d = TextWatermarkDetector::Create(&tok, c, key, text::NormalizeOptions{});
  EXPECT_EQ(d.status().code(), StatusCode::kMismatch);
  c = ConfigFor(tok);
  c.vocab_size += 1;
  EXPECT_EQ(TextWatermarkDetector::Create(&tok, c, key, text::NormalizeOptions{}).status().code(),
            StatusCode::kMismatch);
}

TEST(TextDetectTest, HomoglyphsAndInvisiblesDoNotChangeTheTokens) {
  text::BpeTokenizer tok = TrainTokenizer();
  auto key = *WatermarkKey::FromSecret("text-detect-test-key-123");
  auto d = TextWatermarkDetector::Create(&tok, ConfigFor(tok), key, text::NormalizeOptions{});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  auto plain = d->Tokenize("the cat sat on a mat");
  // Cyrillic "а" (U+0430) for Latin "a", a zero-width space, full-width "ｃ".
  auto disguised = d->Tokenize(
      "the c\xd0\xb0t s\xe2\x80\x8b"
      "at on a m\xd0\xb0t");
  auto fullwidth = d->Tokenize(
      "the \xef\xbd\x83"
      "at sat on a mat");
  ASSERT_TRUE(plain.ok() && disguised.ok() && fullwidth.ok());
  EXPECT_EQ(*plain, *disguised);
  EXPECT_EQ(*plain, *fullwidth);
  EXPECT_FALSE(d->Tokenize("bad \xc3 utf8").ok());
}

TEST(TextDetectTest, CertifyRefusesAnIncompatibleClaim) {
  text::BpeTokenizer tok = TrainTokenizer();
  auto key = *WatermarkKey::FromSecret("text-detect-test-key-123");
  auto d = TextWatermarkDetector::Create(&tok, ConfigFor(tok), key, text::NormalizeOptions{});
  ASSERT_TRUE(d.ok());
  WatermarkSpec claimed = d->detector().spec();
  auto ok = d->Certify("the cat sat on the mat and the dog ran far", DetectOptions{}, &claimed);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)["verdict"], "insufficient evidence");
  claimed.gamma = 0.5;
  auto bad = d->Certify("the cat sat", DetectOptions{}, &claimed);
  EXPECT_EQ(bad.status().code(), StatusCode::kMismatch);
  EXPECT_NE(bad.status().message().find("gamma"), std::string::npos);
}

// CertifyBatch: one result per record, in input order, each equal to
// Certify on that record alone, whatever the thread count; a bad record
// fails alone.
TEST(TextDetectTest, CertifyBatchMatchesCertifyInOrder) {
  text::BpeTokenizer tok = TrainTokenizer();
  auto key = *WatermarkKey::FromSecret("text-detect-test-key-123");
  auto d = TextWatermarkDetector::Create(&tok, ConfigFor(tok), key, text::NormalizeOptions{});
  ASSERT_TRUE(d.ok());
  WatermarkSpec wrong = d->detector().spec();
  wrong.gamma = 0.5;
  std::vector<GenerationRecord> recs(9);
  const char* texts[] = {"the cat sat on the mat", "a dog ran far and the cat sat",
                         "the mat the mat the mat"};
  for (size_t i = 0; i < recs.size(); ++i) {
    recs[i].text = texts[i % 3];
    if (i % 2 == 0) recs[i].watermark = d->detector().spec();
  }
  recs[4].watermark = wrong;
  recs[7].text = "bad \xc3 utf8";
  DetectOptions opts;
  opts.min_tokens = 1;
  for (int threads : {1, 3, 0}) {
    auto certs = d->CertifyBatch(recs, opts, threads);
    ASSERT_EQ(certs.size(), recs.size());
    for (size_t i = 0; i < recs.size(); ++i) {
      auto one = d->Certify(recs[i].text, opts, recs[i].watermark ? &*recs[i].watermark : nullptr);
      ASSERT_EQ(certs[i].ok(), one.ok()) << i;
      if (one.ok()) {
        EXPECT_EQ(certs[i]->dump(), one->dump()) << i;
      } else {
        EXPECT_EQ(certs[i].status().message(), one.status().message()) << i;
      }
    }
    EXPECT_EQ(certs[4].status().code(), StatusCode::kMismatch);
    EXPECT_FALSE(certs[7].ok());
  }
  EXPECT_TRUE(d->CertifyBatch({}, opts, 4).empty());
}

}  // namespace
}  // namespace warden::watermark
