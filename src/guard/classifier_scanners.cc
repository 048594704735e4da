// ToxicityScanner, InjectionScanner and loading them for the policy layer.
#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "warden/guard/classifier.h"

namespace warden::guard {
namespace {

// Splits `text` into windows of whole sentences of at most `max_bytes`
// (a longer sentence is cut at a space, else at a UTF-8 boundary), so that
// a long document is judged passage by passage and each finding points at
// the passage that drove it. A text within the limit is one window.
std::vector<std::pair<size_t, size_t>> Windows(std::string_view text, size_t max_bytes) {
  std::vector<std::pair<size_t, size_t>> out;
  if (text.size() <= max_bytes || max_bytes < 16) {
    out.emplace_back(0, text.size());
    return out;
  }
  size_t begin = 0;
  while (begin < text.size()) {
    const size_t limit = std::min(text.size(), begin + max_bytes);
    if (limit == text.size()) {
      out.emplace_back(begin, limit);
      break;
    }
    // The last sentence end (". ", "! ", "? ", "\n") before the limit.
    size_t cut = 0;
    for (size_t i = limit; i > begin + max_bytes / 4; --i) {
      const char c = text[i - 1];
      if (c == '\n' || ((c == '.' || c == '!' || c == '?') && i < text.size() &&
                        (text[i] == ' ' || text[i] == '\n'))) {
        cut = i;
        break;
      }
    }
    if (cut == 0) {
      for (size_t i = limit; i > begin + max_bytes / 2; --i) {
        if (text[i - 1] == ' ') {
          cut = i;
          break;
        }
      }
    }
    if (cut == 0) {
      cut = limit;
      while (cut > begin + 1 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    }
    out.emplace_back(begin, cut);
    begin = cut;
  }
  return out;
}

std::string FormatEvidence(const std::vector<FeatureContribution>& features,
                           const std::vector<std::string>& signals) {
  std::string out;
  if (!signals.empty()) {
    out = "signals:";
    for (const std::string& s : signals) out += " " + s;
  }
  for (const FeatureContribution& f : features) {
    if (!out.empty()) out += "; ";
    char weight[32];
    std::snprintf(weight, sizeof(weight), " %+.2f", f.weight);
    out += f.feature + weight;
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<ToxicityScanner>> ToxicityScanner::Create(LinearTextClassifier model,
                                                                 ClassifierScannerOptions opts) {
  const int hate = model.ClassIndex("hate"), offensive = model.ClassIndex("offensive"),
            none = model.ClassIndex("none");
  if (hate < 0 || offensive < 0 || none < 0) {
    return Status::Mismatch("toxicity model needs classes hate, offensive and none");
  }
  std::unique_ptr<ToxicityScanner> s(new ToxicityScanner(std::move(model), opts));
  s->hate_ = hate;
  s->offensive_ = offensive;
  s->none_ = none;
  return s;
}

Status ToxicityScanner::Scan(std::string_view text, std::vector<Finding>* out) const {
  for (const auto& [begin, end] : Windows(text, opts_.window_bytes)) {
    const std::string_view window = text.substr(begin, end - begin);
    const std::string normalized = model_.normalizer().Normalize(window);
    if (normalized.empty()) continue;
    const std::vector<double> p = model_.PredictNormalized(normalized, {});
    const double toxicity = 1.0 - p[static_cast<size_t>(none_)];
    const struct {
      const char* category;
      double score;
      int cls;
      bool against;
    } cats[] = {{"toxicity", toxicity, none_, true},
                {"hate", p[static_cast<size_t>(hate_)], hate_, false},
                {"offensive", p[static_cast<size_t>(offensive_)], offensive_, false}};
    for (const auto& c : cats) {
      if (c.score < opts_.min_score) continue;
      Finding f;
      f.category = c.category;
      f.type = c.category;
      if (c.cls == none_) {
        f.type = p[static_cast<size_t>(hate_)] > p[static_cast<size_t>(offensive_)] ? "hate"
                                                                                    : "offensive";
      }
      f.score = std::clamp(c.score, 0.0, 1.0);
      f.begin = begin;
      f.end = end;
      f.evidence =
          FormatEvidence(model_.Explain(window, {}, c.cls, opts_.evidence_features, c.against), {});
      f.scanner = std::string(name());
      out->push_back(std::move(f));
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<InjectionScanner>> InjectionScanner::Create(LinearTextClassifier model,
                                                                   ClassifierScannerOptions opts) {
  const int inj = model.ClassIndex("injection");
  if (inj < 0 || model.ClassIndex("benign") < 0) {
    return Status::Mismatch("injection model needs classes benign and injection");
  }
  std::unique_ptr<InjectionScanner> s(new InjectionScanner(std::move(model), opts));
  s->injection_ = inj;
  return s;
}

namespace {
std::vector<std::string> SignalNames(const std::vector<InjectionSignal>& signals) {
  std::vector<std::string> names;
  for (const InjectionSignal& s : signals) {
    if (std::find(names.begin(), names.end(), s.name) == names.end()) names.push_back(s.name);
  }
  return names;
}
}  // namespace

double InjectionScanner::Score(std::string_view text) const {
  const std::string normalized = model_.normalizer().Normalize(text);
  const std::vector<std::string> names = SignalNames(FindInjectionSignals(text, normalized));
  return model_.PredictNormalized(normalized, names)[static_cast<size_t>(injection_)];
}

Status InjectionScanner::Scan(std::string_view text, std::vector<Finding>* out) const {
  for (const auto& [begin, end] : Windows(text, opts_.window_bytes)) {
    const std::string_view window = text.substr(begin, end - begin);
    const std::string normalized = model_.normalizer().Normalize(window);
    const std::vector<InjectionSignal> signals = FindInjectionSignals(window, normalized);
    const std::vector<std::string> names = SignalNames(signals);
    if (normalized.empty() && names.empty()) continue;
    const double p = model_.PredictNormalized(normalized, names)[static_cast<size_t>(injection_)];
    if (p < opts_.min_score) continue;
    Finding f;
    f.category = "injection";
    f.type = names.empty() ? "classifier" : names.front();
    f.score = std::clamp(p, 0.0, 1.0);
    f.begin = begin;
    f.end = end;
    f.evidence = FormatEvidence(
        model_.Explain(window, names, injection_, opts_.evidence_features, false), names);
    f.scanner = std::string(name());
    out->push_back(std::move(f));
  }
  return Status::Ok();
}

Result<std::vector<std::unique_ptr<Scanner>>> LoadClassifierScanners(
    const std::string& models_dir, const ClassifierScannerOptions& opts) {
  std::vector<std::unique_ptr<Scanner>> out;
  const std::string dir = models_dir.empty() ? std::string(kDefaultGuardModelsDir) : models_dir;
  WARDEN_ASSIGN_OR_RETURN(LinearTextClassifier tox,
                          LinearTextClassifier::Load(dir + "/" + std::string(kToxicityModelFile)));
  WARDEN_ASSIGN_OR_RETURN(std::unique_ptr<ToxicityScanner> ts,
                          ToxicityScanner::Create(std::move(tox), opts));
  out.push_back(std::move(ts));
  WARDEN_ASSIGN_OR_RETURN(LinearTextClassifier inj,
                          LinearTextClassifier::Load(dir + "/" + std::string(kInjectionModelFile)));
  WARDEN_ASSIGN_OR_RETURN(std::unique_ptr<InjectionScanner> is,
                          InjectionScanner::Create(std::move(inj), opts));
  out.push_back(std::move(is));
  return out;
}

}  // namespace warden::guard
