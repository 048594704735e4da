// LinearTextClassifier: prediction, explanation and the model file.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "warden/core/hash.h"
#include "warden/core/io.h"
#include "warden/guard/classifier.h"
#include "warden/text/utf8.h"

namespace warden::guard {
namespace {

constexpr char kMagic[8] = {'W', 'G', 'C', 'L', 'S', '\0', '\0', '\1'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kMaxClasses = 16;
constexpr uint32_t kMaxNameBytes = 64;
constexpr uint32_t kFlagUnigrams = 1, kFlagBigrams = 2;

template <typename T>
void Put(std::string* out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out->append(b, sizeof(T));
}

// Bounds-checked little-endian reader over the file bytes.
class Reader {
 public:
  explicit Reader(std::string_view d) : d_(d) {}
  template <typename T>
  bool Get(T* v) {
    if (d_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(v, d_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool Bytes(size_t n, std::string_view* v) {
    if (d_.size() - pos_ < n) return false;
    *v = d_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  size_t pos() const { return pos_; }

 private:
  std::string_view d_;
  size_t pos_ = 0;
};

std::shared_ptr<const ClassifierNormalizer> SharedNormalizer() {
  // ICU's normalizer instances are process-wide singletons; one wrapper
  // serves every model.
  static const auto* shared = [] {
    auto n = ClassifierNormalizer::Create();
    return new std::shared_ptr<const ClassifierNormalizer>(
        n.ok() ? std::make_shared<const ClassifierNormalizer>(std::move(n).value()) : nullptr);
  }();
  return *shared;
}

void SoftmaxInPlace(std::vector<double>* v) {
  const double mx = *std::max_element(v->begin(), v->end());
  double sum = 0;
  for (double& x : *v) sum += (x = std::exp(x - mx));
  for (double& x : *v) x /= sum;
}

}  // namespace

Status LinearTextClassifier::Quantize(const std::vector<float>& w, const std::vector<float>& b,
                                      size_t k, LinearTextClassifier* out) {
  out->bias_ = b;
  out->scale_.assign(k, 0);
  std::vector<float> maxabs(k, 0);
  for (size_t i = 0; i < w.size(); ++i) {
    if (!std::isfinite(w[i])) return Status::Internal("guard classifier: training diverged");
    maxabs[i % k] = std::max(maxabs[i % k], std::fabs(w[i]));
  }
  for (size_t c = 0; c < k; ++c) out->scale_[c] = maxabs[c] > 0 ? maxabs[c] / 32767.0f : 1.0f;
  out->weights_.resize(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    out->weights_[i] = static_cast<int16_t>(std::lround(w[i] / out->scale_[i % k]));
  }
  out->normalizer_ = SharedNormalizer();
  if (out->normalizer_ == nullptr) return Status::Internal("guard classifier: ICU unavailable");
  return Status::Ok();
}

int LinearTextClassifier::ClassIndex(std::string_view name) const {
  for (size_t i = 0; i < class_names_.size(); ++i) {
    if (class_names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

void LinearTextClassifier::Logits(const FeatureVector& f, std::vector<double>* logits) const {
  const size_t k = class_names_.size();
  // Integer sums per class, scaled once: the n-grams share one value, the
  // signals another.
  int64_t acc[kMaxClasses] = {}, sig[kMaxClasses] = {};
  const size_t ngrams = f.buckets.size() - f.num_signals;
  for (size_t i = 0; i < f.buckets.size(); ++i) {
    const int16_t* row = weights_.data() + static_cast<size_t>(f.buckets[i]) * k;
    int64_t* dst = i < ngrams ? acc : sig;
    for (size_t c = 0; c < k; ++c) dst[c] += row[c];
  }
  logits->resize(k);
  for (size_t c = 0; c < k; ++c) {
    (*logits)[c] =
        bias_[c] + static_cast<double>(scale_[c]) *
                       (f.value * static_cast<double>(acc[c]) + static_cast<double>(sig[c]));
  }
}

std::vector<double> LinearTextClassifier::PredictNormalized(
    std::string_view normalized, const std::vector<std::string>& signals) const {
  FeatureVector f;
  ExtractFeatures(features_, normalized, signals, false, &f);
  std::vector<double> p;
  Logits(f, &p);
  for (double& x : p) x /= temperature_;
  SoftmaxInPlace(&p);
  return p;
}

std::vector<double> LinearTextClassifier::Predict(std::string_view text,
                                                  const std::vector<std::string>& signals) const {
  return PredictNormalized(normalizer_->Normalize(text), signals);
}

std::vector<FeatureContribution> LinearTextClassifier::Explain(
    std::string_view text, const std::vector<std::string>& signals, int cls, size_t top,
    bool against) const {
  std::vector<FeatureContribution> out;
  const size_t k = class_names_.size();
  if (cls < 0 || static_cast<size_t>(cls) >= k) return out;
  FeatureVector f;
  ExtractFeatures(features_, normalizer_->Normalize(text), signals, true, &f);
  // Repeated features add up; one line each.
  std::unordered_map<std::string, double> total;
  for (size_t i = 0; i < f.buckets.size(); ++i) {
    const int16_t* row = weights_.data() + static_cast<size_t>(f.buckets[i]) * k;
    double mean = 0;
    for (size_t c = 0; c < k; ++c) mean += scale_[c] * row[c];
    mean /= static_cast<double>(k);
    const double own = scale_[cls] * row[cls];
    double contribution = (own - mean) * f.ValueAt(i) / temperature_;
    if (against) contribution = -contribution;
    total[f.names[i]] += contribution;
  }
  for (auto& [name, w] : total) {
    if (w > 0) out.push_back({name, w});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.feature < b.feature;
  });
  if (out.size() > top) out.resize(top);
  return out;
}

std::string LinearTextClassifier::Serialize() const {
  std::string out(kMagic, sizeof(kMagic));
  Put<uint32_t>(&out, kVersion);
  Put<uint32_t>(&out, features_.hash_bits);
  Put<uint32_t>(&out, static_cast<uint32_t>(class_names_.size()));
  Put<uint32_t>(&out, (features_.word_unigrams ? kFlagUnigrams : 0) |
                          (features_.word_bigrams ? kFlagBigrams : 0));
  Put<uint32_t>(&out, features_.char_min);
  Put<uint32_t>(&out, features_.char_max);
  Put<float>(&out, static_cast<float>(temperature_));
  for (size_t c = 0; c < class_names_.size(); ++c) {
    Put<uint32_t>(&out, static_cast<uint32_t>(class_names_[c].size()));
    out += class_names_[c];
    Put<float>(&out, bias_[c]);
    Put<float>(&out, scale_[c]);
  }
  out.append(reinterpret_cast<const char*>(weights_.data()), weights_.size() * sizeof(int16_t));
  Put<uint64_t>(&out, core::Hash64(out));
  return out;
}

Result<LinearTextClassifier> LinearTextClassifier::Parse(std::string_view bytes,
                                                         std::string_view what) {
  const std::string w(what);
  auto bad = [&w](const std::string& m) { return Status::Corruption(w + ": " + m); };
  if (bytes.size() < sizeof(kMagic) + 8 || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return bad("not a warden guard classifier (bad magic)");
  }
  uint64_t stored_sum = 0;
  std::memcpy(&stored_sum, bytes.data() + bytes.size() - 8, 8);
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  if (core::Hash64(body) != stored_sum) return bad("checksum mismatch");
  Reader r(body);
  std::string_view skip;
  (void)r.Bytes(sizeof(kMagic), &skip);
  uint32_t version = 0, bits = 0, k = 0, flags = 0, cmin = 0, cmax = 0;
  float temperature = 0;
  if (!r.Get(&version) || !r.Get(&bits) || !r.Get(&k) || !r.Get(&flags) || !r.Get(&cmin) ||
      !r.Get(&cmax) || !r.Get(&temperature)) {
    return bad("truncated header");
  }
  if (version != kVersion) {
    return Status(StatusCode::kUnimplemented, w + ": model format version " +
                                                  std::to_string(version) + ", this build reads " +
                                                  std::to_string(kVersion));
  }
  if (bits < 8 || bits > 24) return bad("hash bits " + std::to_string(bits) + " not in 8..24");
  if (k < 2 || k > kMaxClasses) return bad("class count " + std::to_string(k) + " not in 2..16");
  if ((flags & ~(kFlagUnigrams | kFlagBigrams)) != 0) return bad("unknown feature flags");
  if (cmax != 0 && (cmin < 1 || cmin > cmax || cmax > 8)) return bad("bad character n-gram range");
  if (!std::isfinite(temperature) || temperature <= 0.01f || temperature > 100.0f) {
    return bad("temperature out of range");
  }
  LinearTextClassifier m;
  m.features_.hash_bits = bits;
  m.features_.word_unigrams = (flags & kFlagUnigrams) != 0;
  m.features_.word_bigrams = (flags & kFlagBigrams) != 0;
  m.features_.char_min = cmin;
  m.features_.char_max = cmax;
  m.temperature_ = temperature;
  for (uint32_t c = 0; c < k; ++c) {
    uint32_t len = 0;
    std::string_view name;
    float bias = 0, scale = 0;
    if (!r.Get(&len) || len == 0 || len > kMaxNameBytes || !r.Bytes(len, &name) || !r.Get(&bias) ||
        !r.Get(&scale)) {
      return bad("bad class entry " + std::to_string(c));
    }
    if (text::FindInvalidUtf8(name) != std::string_view::npos)
      return bad("class name is not UTF-8");
    if (!std::isfinite(bias) || !std::isfinite(scale) || scale <= 0 || std::fabs(bias) > 1e4f ||
        scale > 1.0f) {
      return bad("class " + std::string(name) + ": bias or scale out of range");
    }
    m.class_names_.emplace_back(name);
    m.bias_.push_back(bias);
    m.scale_.push_back(scale);
  }
  const size_t n = (size_t{1} << bits) * k;
  if (body.size() - r.pos() != n * sizeof(int16_t)) {
    return bad("weights are " + std::to_string(body.size() - r.pos()) + " bytes, expected " +
               std::to_string(n * sizeof(int16_t)));
  }
  m.weights_.resize(n);
  std::memcpy(m.weights_.data(), body.data() + r.pos(), n * sizeof(int16_t));
  m.normalizer_ = SharedNormalizer();
  if (m.normalizer_ == nullptr) return Status::Internal("guard classifier: ICU unavailable");
  return m;
}

Result<LinearTextClassifier> LinearTextClassifier::Load(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(std::string bytes, core::ReadFile(path));
  return Parse(bytes, path);
}

Status LinearTextClassifier::Save(const std::string& path) const {
  return core::WriteFileAtomic(path, Serialize());
}

}  // namespace warden::guard
