// The training recipe of the committed guard models: which data, which
// splits, which options, and the manifest that records them.
#include <cstdio>
#include <string>
#include <unordered_set>
#include <vector>

#include "guard/sha256.h"
#include "warden/core/hash.h"
#include "warden/core/io.h"
#include "warden/guard/classifier_recipe.h"

namespace warden::guard {
namespace {

// Davidson tweets also serve as benign examples for the injection model (one
// in this many training tweets), so that "informal text" is not what the
// model learns to call benign or not.
constexpr size_t kTweetsAsBenignEvery = 12;

std::string Fixed(double v, int digits = 4) {
  char b[64];
  std::snprintf(b, sizeof(b), "%.*f", digits, v);
  return b;
}

Result<std::string> FileSha(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(std::string bytes, core::ReadFile(path));
  return Sha256Hex(bytes);
}

LabeledText WithSignals(const ClassifierNormalizer& n, std::string text, int label) {
  LabeledText t{std::move(text), label, {}};
  for (const InjectionSignal& s : FindInjectionSignals(t.text, n.Normalize(t.text))) {
    bool seen = false;
    for (const std::string& have : t.signals) seen |= have == s.name;
    if (!seen) t.signals.push_back(s.name);
  }
  return t;
}

}  // namespace

GuardTrainConfig::GuardTrainConfig() {
  toxicity_features.hash_bits = 18;
  // Chosen on the Davidson calibration split and the TOXIGEN held-out part
  // (see MANIFEST.md), never on the test split or HateCheck.
  toxicity_train.epochs = 5;
  toxicity_train.learning_rate = 0.05;
  toxicity_train.l2 = 1e-4;
  toxicity_train.class_weight_power = 0.5;
  injection_features.hash_bits = 16;
  // Same step and regularization as toxicity; balanced classes (attacks are
  // few).
  injection_train.epochs = 5;
  injection_train.learning_rate = 0.05;
  injection_train.l2 = 1e-4;
  injection_train.class_weight_power = 1.0;
}

Result<GuardDatasets> LoadGuardDatasets(const GuardDataConfig& cfg) {
  const std::string g = cfg.data_dir + "/guard/";
  const std::string davidson_path = g + "davidson_labeled_data.csv";
  const std::string toxigen_dir = g + "toxigen_demonstrations";
  const std::string attacks_path = g + "purplellama_prompt_injection.json";
  GuardDatasets d;
  WARDEN_ASSIGN_OR_RETURN(auto normalizer, ClassifierNormalizer::Create());

  WARDEN_ASSIGN_OR_RETURN(std::vector<LabeledText> davidson, LoadDavidson(davidson_path));
  std::vector<std::string> strata;
  for (const LabeledText& t : davidson) strata.push_back(std::to_string(t.label));
  const std::vector<int> split = StratifiedSplit(strata, 0.2, 0.1, cfg.seed);
  std::unordered_set<uint64_t> seen;
  for (size_t i = 0; i < davidson.size(); ++i) {
    if (split[i] != kTest) seen.insert(core::Hash64(normalizer.Normalize(davidson[i].text)));
  }
  std::vector<LabeledText> tweets_as_benign;
  for (size_t i = 0; i < davidson.size(); ++i) {
    if (split[i] == kTest) {
      if (seen.count(core::Hash64(normalizer.Normalize(davidson[i].text)))) {
        ++d.davidson_test_duplicates_dropped;
        continue;
      }
      d.tox_test.push_back(davidson[i]);
    } else if (split[i] == kCalibration) {
      d.tox_calibration.push_back(davidson[i]);
    } else {
      if (d.tox_train.size() % kTweetsAsBenignEvery == 0) {
        tweets_as_benign.push_back({davidson[i].text, 0, {}});
      }
      d.tox_train.push_back(davidson[i]);
    }
  }
  WARDEN_ASSIGN_OR_RETURN(std::vector<LabeledText> toxigen, LoadToxigen(toxigen_dir));
  std::vector<std::string> toxigen_strata;
  for (const LabeledText& t : toxigen) toxigen_strata.push_back(std::to_string(t.label));
  const std::vector<int> toxigen_split = StratifiedSplit(toxigen_strata, 0.2, 0.0, cfg.seed + 3);
  for (size_t i = 0; i < toxigen.size(); ++i) {
    (toxigen_split[i] == kTest ? d.toxigen_test : d.toxigen_train).push_back(toxigen[i]);
  }

  WARDEN_ASSIGN_OR_RETURN(std::vector<TextWithGroup> attacks, LoadInjectionAttacks(attacks_path));
  WARDEN_ASSIGN_OR_RETURN(std::vector<TextWithGroup> benign, LoadBenignRequests(cfg.benign_path));
  std::vector<std::string> variants, templates;
  for (const auto& a : attacks) variants.push_back(a.group);
  for (const auto& b : benign) templates.push_back(b.group);
  const std::vector<int> attack_split = StratifiedSplit(variants, 0.5, 0.15, cfg.seed + 1);
  const std::vector<int> benign_split = GroupSplit(templates, 0.35, 0.15, cfg.seed + 2);
  for (size_t i = 0; i < attacks.size(); ++i) {
    if (attack_split[i] == kTest) {
      d.inj_test_attacks.push_back(attacks[i]);
    } else {
      auto& dst = attack_split[i] == kCalibration ? d.inj_calibration : d.inj_train;
      dst.push_back(WithSignals(normalizer, attacks[i].text, 1));
    }
  }
  std::unordered_set<std::string> all_templates, test_templates;
  for (size_t i = 0; i < benign.size(); ++i) {
    all_templates.insert(benign[i].group);
    if (benign_split[i] == kTest) {
      test_templates.insert(benign[i].group);
      d.inj_test_benign.push_back(benign[i]);
    } else {
      auto& dst = benign_split[i] == kCalibration ? d.inj_calibration : d.inj_train;
      dst.push_back(WithSignals(normalizer, benign[i].text, 0));
    }
  }
  for (LabeledText& t : tweets_as_benign) {
    d.inj_train.push_back(WithSignals(normalizer, std::move(t.text), 0));
  }
  d.benign_templates_total = all_templates.size();
  d.benign_templates_test = test_templates.size();

  // Paths in the manifest are relative to the data directory (or as given,
  // for the benign set), so it does not depend on where the data lives.
  for (const std::string& p : {davidson_path, attacks_path}) {
    WARDEN_ASSIGN_OR_RETURN(std::string sha, FileSha(p));
    d.checksums.emplace_back(p.substr(cfg.data_dir.size() + 1), sha);
  }
  WARDEN_ASSIGN_OR_RETURN(std::string benign_sha, FileSha(cfg.benign_path));
  d.checksums.emplace_back(cfg.benign_path, benign_sha);
  // TOXIGEN: one digest over the sorted files' names and contents.
  std::string all;
  WARDEN_ASSIGN_OR_RETURN(std::vector<LabeledText> again, LoadToxigen(toxigen_dir));
  for (const LabeledText& t : again) all += std::to_string(t.label) + "\t" + t.text + "\n";
  d.checksums.emplace_back("guard/toxigen_demonstrations (labels and lines, sorted by file)",
                           Sha256Hex(all));
  return d;
}

Result<std::string> TrainGuardModels(const GuardTrainConfig& cfg) {
  WARDEN_ASSIGN_OR_RETURN(GuardDatasets d, LoadGuardDatasets(cfg.data));
  TrainReport tox_report, inj_report;
  std::vector<LabeledText> tox_train = d.tox_train;
  for (int r = 0; r < cfg.toxigen_repeat; ++r) {
    tox_train.insert(tox_train.end(), d.toxigen_train.begin(), d.toxigen_train.end());
  }
  WARDEN_ASSIGN_OR_RETURN(
      LinearTextClassifier tox,
      LinearTextClassifier::Train(ToxicityClasses(), tox_train, d.tox_calibration,
                                  cfg.toxicity_features, cfg.toxicity_train, &tox_report));
  WARDEN_ASSIGN_OR_RETURN(
      LinearTextClassifier inj,
      LinearTextClassifier::Train(InjectionClasses(), d.inj_train, d.inj_calibration,
                                  cfg.injection_features, cfg.injection_train, &inj_report));
  const std::string tox_path = cfg.out_dir + "/" + std::string(kToxicityModelFile);
  const std::string inj_path = cfg.out_dir + "/" + std::string(kInjectionModelFile);
  WARDEN_RETURN_IF_ERROR(tox.Save(tox_path));
  WARDEN_RETURN_IF_ERROR(inj.Save(inj_path));

  // Held-out figures for the manifest (the full page is `warden guard eval`).
  std::vector<int> labels;
  std::vector<std::vector<double>> probs;
  for (const LabeledText& t : d.tox_test) {
    labels.push_back(t.label);
    probs.push_back(tox.Predict(t.text));
  }
  const MulticlassMetrics m = ComputeMulticlassMetrics(ToxicityClasses(), labels, probs);
  // Validation: the calibration split, which is what hyperparameters were
  // chosen on (never the test split).
  labels.clear();
  probs.clear();
  for (const LabeledText& t : d.tox_calibration) {
    labels.push_back(t.label);
    probs.push_back(tox.Predict(t.text));
  }
  const MulticlassMetrics val = ComputeMulticlassMetrics(ToxicityClasses(), labels, probs);
  size_t toxigen_ok = 0;
  for (const LabeledText& t : d.toxigen_test) {
    const std::vector<double> p = tox.Predict(t.text);
    toxigen_ok += (p[0] > p[2]) == (t.label == 0);
  }

  auto describe = [](const FeatureOptions& f, const TrainOptions& t) {
    return "2^" + std::to_string(f.hash_bits) + " buckets, word unigrams" +
           (f.word_bigrams ? " + bigrams" : "") + ", char " + std::to_string(f.char_min) + "-" +
           std::to_string(f.char_max) + "-grams; AdaGrad lr " + Fixed(t.learning_rate, 3) + ", " +
           std::to_string(t.epochs) + " epochs, L2 " + Fixed(t.l2, 7) + ", class weight power " +
           Fixed(t.class_weight_power, 2) + ", seed " + std::to_string(t.seed);
  };
  std::string md = "# Guard classifier models\n\n";
  md += "Written by `warden guard train`; do not edit by hand. Command:\n\n```\n" + cfg.command +
        "\n```\n\nSplit seed " + std::to_string(cfg.data.seed) +
        " (see include/warden/guard/classifier_recipe.h for the splits). "
        "Format: include/warden/guard/classifier.h.\n\n";
  md += "## Data (sha256)\n\n| file | sha256 |\n|---|---|\n";
  for (const auto& [path, sha] : d.checksums) md += "| " + path + " | `" + sha + "` |\n";
  md +=
      "\n## Models\n\n| file | classes | features and training | train / calibration "
      "examples | temperature | calibration NLL before -> after | bytes "
      "|\n|---|---|---|---|---|---|---|\n";
  auto row = [&](const std::string& file, const LinearTextClassifier& c, const TrainReport& r,
                 const FeatureOptions& f, const TrainOptions& t) {
    std::string classes;
    for (const std::string& n : c.class_names()) classes += (classes.empty() ? "" : ", ") + n;
    md += "| " + file + " | " + classes + " | " + describe(f, t) + " | " +
          std::to_string(r.train_examples) + " / " + std::to_string(r.calibration_examples) +
          " | " + Fixed(r.temperature, 3) + " | " + Fixed(r.calibration_nll_before) + " -> " +
          Fixed(r.calibration_nll_after) + " | " + std::to_string(c.Serialize().size()) + " |\n";
  };
  row(std::string(kToxicityModelFile), tox, tox_report, cfg.toxicity_features, cfg.toxicity_train);
  row(std::string(kInjectionModelFile), inj, inj_report, cfg.injection_features,
      cfg.injection_train);
  md += "\nToxicity training: Davidson train split (" + std::to_string(d.tox_train.size()) +
        " tweets) + " + std::to_string(d.toxigen_train.size()) +
        " TOXIGEN demonstrations (80%; hate_* as hate, neutral_* as none) repeated " +
        std::to_string(cfg.toxigen_repeat) +
        " times. Injection training: "
        "PurpleLlama attacks (train half) + benign requests of the training templates + one in " +
        std::to_string(kTweetsAsBenignEvery) + " Davidson training tweets as benign.\n";
  md +=
      "\n## Validation figures (hyperparameters were chosen on these)\n\nDavidson calibration "
      "split (" +
      std::to_string(d.tox_calibration.size()) + " tweets): weighted F1 " + Fixed(val.weighted_f1) +
      ", macro F1 " + Fixed(val.macro_f1) + ", hate F1 " + Fixed(val.classes[0].f1) +
      ". TOXIGEN held-out part (" + std::to_string(d.toxigen_test.size()) +
      " statements): P(hate) > P(none) accuracy " +
      Fixed(d.toxigen_test.empty()
                ? 0
                : static_cast<double>(toxigen_ok) / static_cast<double>(d.toxigen_test.size())) +
      ".\n";
  md += "\n## Held-out figures\n\nDavidson test split (" + std::to_string(d.tox_test.size()) +
        " tweets): accuracy " + Fixed(m.accuracy) + ", macro F1 " + Fixed(m.macro_f1) +
        ", weighted F1 " + Fixed(m.weighted_f1);
  for (const ClassMetrics& c : m.classes) {
    md += ", " + c.name + " F1 " + Fixed(c.f1) + " (AUC " + Fixed(c.roc_auc) + ")";
  }
  md +=
      ".\n\nEvery figure, HateCheck and injection included: docs/guard-eval-classifiers.md "
      "(`warden guard eval`).\n";
  WARDEN_RETURN_IF_ERROR(core::WriteFileAtomic(cfg.out_dir + "/MANIFEST.md", md));
  return md;
}

}  // namespace warden::guard
