// The guard classifier: normalization, training, calibration and the model
// file (round trip, and refusal of damaged files).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "guard/classifier_testing.h"
#include "warden/core/hash.h"
#include "warden/guard/classifier.h"

namespace warden::guard {
namespace {

using testing::ToyToxicity;
using testing::TrainToy;

std::string Norm(std::string_view s) {
  static const ClassifierNormalizer n = ClassifierNormalizer::Create().value();
  return n.Normalize(s);
}

TEST(ClassifierNormalizerTest, FoldsEvasions) {
  EXPECT_EQ(Norm("Sh1t HAPPENS!!!"), "shit happens");
  EXPECT_EQ(Norm("f.u.c.k this"), "fuck this");
  EXPECT_EQ(Norm("F U C K this"), "fuck this");
  EXPECT_EQ(Norm("fuuuuuck"), "fuuck");
  EXPECT_EQ(Norm("a$$ h0le"), "ass hole");
  EXPECT_EQ(Norm("b\xE2\x80\x8Bitch"), "bitch");  // zero-width space inside
  EXPECT_EQ(Norm("\xD1\x96"
                 "di"
                 "\xD0\xBE"
                 "t"),
            "idiot");                      // Cyrillic i and o
  EXPECT_EQ(Norm("ＩＤＩＯＴ"), "idiot");  // full width
  EXPECT_EQ(Norm("don't"), "dont");
}

TEST(ClassifierNormalizerTest, KeepsOrdinaryText) {
  EXPECT_EQ(Norm("On the 1st of May, 2024 at 10am"), "on the 1st of may 2024 at 10am");
  EXPECT_EQ(Norm("RT @someone: see https://t.co/x &amp; more"), "rt @user see http more");
  EXPECT_EQ(Norm("I am a cat"), "i am a cat");  // two single letters stay apart
  EXPECT_EQ(Norm(""), "");
}

TEST(ClassifierNormalizerTest, DropsInvalidUtf8) {
  EXPECT_EQ(Norm("bad\xFF\xFEword"), "bad word");
  EXPECT_EQ(Norm("\xC0\xAF"), "");
}

TEST(ClassifierFeaturesTest, NamesMatchBuckets) {
  FeatureVector a, b;
  ExtractFeatures(FeatureOptions{}, "hello world", {"override"}, true, &a);
  ExtractFeatures(FeatureOptions{}, "hello world", {"override"}, false, &b);
  EXPECT_EQ(a.buckets, b.buckets);
  ASSERT_EQ(a.names.size(), a.buckets.size());
  EXPECT_EQ(a.names[0], "hello");
  EXPECT_EQ(a.names.back(), "signal:override");
  EXPECT_EQ(a.num_signals, 1u);
  EXPECT_FLOAT_EQ(a.value, 1.0f / std::sqrt(static_cast<float>(a.buckets.size() - 1)));
  EXPECT_FLOAT_EQ(a.ValueAt(a.buckets.size() - 1), 1.0f);
}

TEST(ClassifierTrainTest, LearnsSeparableToyProblem) {
  TrainReport report;
  TrainOptions opts;
  opts.epochs = 5;
  auto model =
      LinearTextClassifier::Train({"hate", "offensive", "none"}, ToyToxicity(60, 1),
                                  ToyToxicity(20, 2), testing::SmallFeatures(), opts, &report);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(report.train_examples, 180u);
  EXPECT_EQ(report.calibration_examples, 60u);
  int correct = 0, total = 0;
  for (const LabeledText& t : ToyToxicity(30, 3)) {
    const std::vector<double> p = model->Predict(t.text);
    correct += std::max_element(p.begin(), p.end()) - p.begin() == t.label;
    ++total;
  }
  EXPECT_EQ(correct, total);
  // Calibration never makes the held-apart log-loss worse.
  EXPECT_LE(report.calibration_nll_after, report.calibration_nll_before + 1e-9);
  EXPECT_GT(report.temperature, 0);
}

TEST(ClassifierTrainTest, DeterministicForASeed) {
  EXPECT_EQ(TrainToy().Serialize(), TrainToy().Serialize());
}

TEST(ClassifierTrainTest, RejectsBadInput) {
  EXPECT_FALSE(LinearTextClassifier::Train({"a"}, ToyToxicity(2, 1), {}, {}, {}, nullptr).ok());
  EXPECT_FALSE(LinearTextClassifier::Train({"a", "b"}, {}, {}, {}, {}, nullptr).ok());
  std::vector<LabeledText> bad = {{"x", 5, {}}};
  EXPECT_FALSE(LinearTextClassifier::Train({"a", "b"}, bad, {}, {}, {}, nullptr).ok());
  FeatureOptions f;
  f.hash_bits = 30;
  EXPECT_FALSE(LinearTextClassifier::Train({"a", "b"}, ToyToxicity(2, 1), {}, f, {}, nullptr).ok());
}

TEST(ClassifierCalibrationTest, MoreEvidenceNeverLowersProbability) {
  const LinearTextClassifier m = TrainToy();
  // One, two, three markers of class 0 among the same filler.
  double last = 0;
  std::string text = "we just really";
  for (int i = 0; i < 3; ++i) {
    text += i % 2 ? " blarf" : " zorgon";
    const double p = m.Predict(text)[0];
    EXPECT_GE(p, last) << text;
    last = p;
  }
  EXPECT_GT(last, 0.8);
  // Probabilities are a distribution.
  const std::vector<double> p = m.Predict("garden party");
  EXPECT_NEAR(p[0] + p[1] + p[2], 1.0, 1e-9);
}

TEST(ClassifierExplainTest, NamesTheMarker) {
  const LinearTextClassifier m = TrainToy();
  const auto top = m.Explain("we were there zorgon today", {}, 0, 3);
  ASSERT_FALSE(top.empty());
  std::string all;
  for (const auto& f : top) all += f.feature + " ";
  EXPECT_EQ(top[0].feature, "zorgon") << all;
  EXPECT_GT(top[0].weight, 0);
}

TEST(ClassifierFormatTest, RoundTrips) {
  const LinearTextClassifier m = TrainToy();
  const std::string bytes = m.Serialize();
  auto back = LinearTextClassifier::Parse(bytes, "toy");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->Serialize(), bytes);
  EXPECT_EQ(back->class_names(), m.class_names());
  EXPECT_DOUBLE_EQ(back->temperature(), m.temperature());
  for (const char* t : {"zorgon today", "snark it", "garden", ""}) {
    EXPECT_EQ(back->Predict(t), m.Predict(t)) << t;
  }
}

// Rewrites the trailing checksum so a mutation reaches the field checks.
std::string Reseal(std::string bytes) {
  bytes.resize(bytes.size() - 8);
  const uint64_t sum = core::Hash64(bytes);
  bytes.append(reinterpret_cast<const char*>(&sum), 8);
  return bytes;
}

TEST(ClassifierFormatTest, RefusesDamagedFiles) {
  const std::string good = TrainToy().Serialize();
  auto refused = [](const std::string& bytes, const std::string& needle) {
    auto r = LinearTextClassifier::Parse(bytes, "m.wgc");
    EXPECT_FALSE(r.ok());
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
    }
  };
  refused("", "bad magic");
  refused("WGCLS", "bad magic");
  std::string flipped = good;
  flipped[100] ^= 1;
  refused(flipped, "checksum");
  refused(good.substr(0, good.size() - 1), "checksum");
  refused(Reseal(good.substr(0, good.size() - 10)), "weights");
  std::string bits = good;
  bits[12] = 30;  // hash_bits
  refused(Reseal(bits), "hash bits");
  std::string classes = good;
  classes[16] = 1;  // num_classes
  refused(Reseal(classes), "class count");
  std::string version = good;
  version[8] = 9;
  auto v = LinearTextClassifier::Parse(Reseal(version), "m.wgc");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kUnimplemented);
  std::string temp = good;
  const float nan = std::nanf("");
  std::memcpy(&temp[32], &nan, 4);
  refused(Reseal(temp), "temperature");
}

TEST(ClassifierFormatTest, LoadNamesMissingFile) {
  auto r = LinearTextClassifier::Load("/nonexistent/dir/toxicity.wgc");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/dir/toxicity.wgc"), std::string::npos);
}

}  // namespace
}  // namespace warden::guard
