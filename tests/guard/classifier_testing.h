// Small synthetic training sets for the guard classifier tests.
#ifndef WARDEN_TESTS_GUARD_CLASSIFIER_TESTING_H_
#define WARDEN_TESTS_GUARD_CLASSIFIER_TESTING_H_

#include <string>
#include <vector>

#include "warden/core/hash.h"
#include "warden/guard/classifier.h"

namespace warden::guard::testing {

// Deterministic filler words shared by every class.
inline std::string Filler(uint64_t seed, int n) {
  static const char* kWords[] = {"the",  "a",    "today", "really", "people", "we",
                                 "some", "just", "very",  "about",  "it",     "was"};
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (!out.empty()) out += ' ';
    out += kWords[core::Mix64(seed * 31 + static_cast<uint64_t>(i)) % 12];
  }
  return out;
}

// Three separable classes named hate / offensive / none: each has its own
// marker words, mixed with shared filler.
inline std::vector<LabeledText> ToyToxicity(int per_class, uint64_t seed) {
  static const char* kMarkers[3][3] = {
      {"zorgon", "blarf", "vexil"}, {"crumb", "snark", "prang"}, {"garden", "sunny", "teacup"}};
  std::vector<LabeledText> out;
  for (int i = 0; i < per_class; ++i) {
    for (int c = 0; c < 3; ++c) {
      const uint64_t s = seed * 1000003 + static_cast<uint64_t>(i * 3 + c);
      std::string text =
          Filler(s, 4) + " " + kMarkers[c][core::Mix64(s) % 3] + " " + Filler(s + 1, 3);
      out.push_back({text, c, {}});
    }
  }
  return out;
}

inline FeatureOptions SmallFeatures() {
  FeatureOptions f;
  f.hash_bits = 12;
  return f;
}

inline LinearTextClassifier TrainToy() {
  TrainOptions opts;
  opts.epochs = 5;
  auto model = LinearTextClassifier::Train({"hate", "offensive", "none"}, ToyToxicity(60, 1),
                                           ToyToxicity(20, 2), SmallFeatures(), opts, nullptr);
  return std::move(model).value();
}

}  // namespace warden::guard::testing

#endif  // WARDEN_TESTS_GUARD_CLASSIFIER_TESTING_H_
