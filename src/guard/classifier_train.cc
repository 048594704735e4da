// Training of LinearTextClassifier: AdaGrad on the class-weighted
// multinomial log-loss with L2, then temperature scaling on a held-apart
// calibration split (Guo et al. 2017, "On Calibration of Modern Neural
// Networks": one scalar T minimizing the calibration NLL keeps the argmax and
// fixes over-confidence).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "warden/core/hash.h"
#include "warden/guard/classifier.h"

namespace warden::guard {
namespace {

struct Example {
  FeatureVector f;
  int label = 0;
};

// Deterministic on every standard library, unlike std::shuffle.
void Shuffle(std::vector<size_t>* v, uint64_t* state) {
  for (size_t i = v->size(); i > 1; --i) {
    *state += 0x9E3779B97F4A7C15ULL;
    const size_t j = core::Mix64(*state) % i;
    std::swap((*v)[i - 1], (*v)[j]);
  }
}

void Softmax(std::vector<double>* v) {
  const double mx = *std::max_element(v->begin(), v->end());
  double sum = 0;
  for (double& x : *v) sum += (x = std::exp(x - mx));
  for (double& x : *v) x /= sum;
}

// Mean negative log-likelihood of the labels at temperature t.
double MeanNll(const std::vector<std::vector<double>>& logits, const std::vector<int>& labels,
               double t) {
  double total = 0;
  std::vector<double> p;
  for (size_t i = 0; i < logits.size(); ++i) {
    p = logits[i];
    for (double& x : p) x /= t;
    Softmax(&p);
    total -= std::log(std::max(p[static_cast<size_t>(labels[i])], 1e-12));
  }
  return logits.empty() ? 0 : total / static_cast<double>(logits.size());
}

// Golden-section search of log T in [-3, 3]; the NLL is unimodal in T.
double FitTemperature(const std::vector<std::vector<double>>& logits,
                      const std::vector<int>& labels) {
  if (logits.empty()) return 1;
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double a = -3, b = 3;
  double c = b - phi * (b - a), d = a + phi * (b - a);
  double fc = MeanNll(logits, labels, std::exp(c)), fd = MeanNll(logits, labels, std::exp(d));
  for (int it = 0; it < 60; ++it) {
    if (fc < fd) {
      b = d, d = c, fd = fc;
      c = b - phi * (b - a);
      fc = MeanNll(logits, labels, std::exp(c));
    } else {
      a = c, c = d, fc = fd;
      d = a + phi * (b - a);
      fd = MeanNll(logits, labels, std::exp(d));
    }
  }
  return std::exp((a + b) / 2);
}

}  // namespace

Result<LinearTextClassifier> LinearTextClassifier::Train(
    const std::vector<std::string>& class_names, const std::vector<LabeledText>& train,
    const std::vector<LabeledText>& calibration, const FeatureOptions& features,
    const TrainOptions& opts, TrainReport* report) {
  const auto start = std::chrono::steady_clock::now();
  const size_t k = class_names.size();
  if (k < 2 || k > 16) return Status::InvalidArgument("guard classifier: need 2..16 classes");
  for (const std::string& n : class_names) {
    if (n.empty() || n.size() > 64)
      return Status::InvalidArgument("guard classifier: bad class name");
  }
  if (features.hash_bits < 8 || features.hash_bits > 24) {
    return Status::InvalidArgument("guard classifier: hash bits must be in 8..24");
  }
  if (features.char_max != 0 &&
      (features.char_min < 1 || features.char_min > features.char_max || features.char_max > 8)) {
    return Status::InvalidArgument("guard classifier: bad character n-gram range");
  }
  if (train.empty()) return Status::InvalidArgument("guard classifier: no training examples");
  if (opts.epochs < 1 || !(opts.learning_rate > 0) || !(opts.l2 >= 0)) {
    return Status::InvalidArgument("guard classifier: bad training options");
  }
  auto normalizer = ClassifierNormalizer::Create();
  if (!normalizer.ok()) return normalizer.status();

  auto featurize = [&](const std::vector<LabeledText>& in, std::vector<Example>* out) -> Status {
    out->resize(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      if (in[i].label < 0 || static_cast<size_t>(in[i].label) >= k) {
        return Status::InvalidArgument("guard classifier: label out of range");
      }
      ExtractFeatures(features, normalizer->Normalize(in[i].text), in[i].signals, false,
                      &(*out)[i].f);
      (*out)[i].label = in[i].label;
    }
    return Status::Ok();
  };
  std::vector<Example> examples, calib;
  WARDEN_RETURN_IF_ERROR(featurize(train, &examples));
  WARDEN_RETURN_IF_ERROR(featurize(calibration, &calib));

  std::vector<double> count(k, 0);
  for (const Example& e : examples) count[static_cast<size_t>(e.label)] += 1;
  std::vector<double> class_weight(k, 1);
  for (size_t c = 0; c < k; ++c) {
    if (count[c] > 0) {
      class_weight[c] =
          std::pow(static_cast<double>(examples.size()) / (static_cast<double>(k) * count[c]),
                   opts.class_weight_power);
    }
  }

  const size_t buckets = size_t{1} << features.hash_bits;
  std::vector<float> w(buckets * k, 0), g2(buckets * k, 0);
  std::vector<float> b(k, 0), b2(k, 0);
  std::vector<size_t> order(examples.size());
  std::iota(order.begin(), order.end(), 0);
  uint64_t rng = opts.seed;
  std::vector<double> z(k), grad(k);
  const float lr = static_cast<float>(opts.learning_rate);
  const float l2 = static_cast<float>(opts.l2);
  constexpr float kEps = 1e-8f;
  for (int epoch = 0; epoch < opts.epochs; ++epoch) {
    Shuffle(&order, &rng);
    for (size_t idx : order) {
      const Example& e = examples[idx];
      for (size_t c = 0; c < k; ++c) z[c] = b[c];
      for (size_t i = 0; i < e.f.buckets.size(); ++i) {
        const float* row = w.data() + static_cast<size_t>(e.f.buckets[i]) * k;
        const float v = e.f.ValueAt(i);
        for (size_t c = 0; c < k; ++c) z[c] += row[c] * v;
      }
      Softmax(&z);
      const double cw = class_weight[static_cast<size_t>(e.label)];
      for (size_t c = 0; c < k; ++c) {
        grad[c] = cw * (z[c] - (static_cast<int>(c) == e.label ? 1.0 : 0.0));
        const float gb = static_cast<float>(grad[c]);
        b2[c] += gb * gb;
        b[c] -= lr * gb / (std::sqrt(b2[c]) + kEps);
      }
      for (size_t i = 0; i < e.f.buckets.size(); ++i) {
        float* row = w.data() + static_cast<size_t>(e.f.buckets[i]) * k;
        float* acc = g2.data() + static_cast<size_t>(e.f.buckets[i]) * k;
        const float v = e.f.ValueAt(i);
        for (size_t c = 0; c < k; ++c) {
          const float g = static_cast<float>(grad[c]) * v + l2 * row[c];
          acc[c] += g * g;
          row[c] -= lr * g / (std::sqrt(acc[c]) + kEps);
        }
      }
    }
  }

  LinearTextClassifier model;
  model.class_names_ = class_names;
  model.features_ = features;
  WARDEN_RETURN_IF_ERROR(Quantize(w, b, k, &model));

  // Calibrate the quantized model, the one that will be used.
  std::vector<std::vector<double>> logits(calib.size());
  std::vector<int> labels(calib.size());
  for (size_t i = 0; i < calib.size(); ++i) {
    model.Logits(calib[i].f, &logits[i]);
    labels[i] = calib[i].label;
  }
  // Stored as f32: keep exactly what a reloaded model will use.
  model.temperature_ = static_cast<float>(FitTemperature(logits, labels));
  if (report != nullptr) {
    report->train_examples = examples.size();
    report->calibration_examples = calib.size();
    report->temperature = model.temperature_;
    report->calibration_nll_before = MeanNll(logits, labels, 1.0);
    report->calibration_nll_after = MeanNll(logits, labels, model.temperature_);
    report->seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return model;
}

}  // namespace warden::guard
