// `warden guard train|eval`: train the guard classifiers and evaluate them.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "cli/common.h"
#include "eval/guard/classifier_eval.h"
#include "warden/core/io.h"
#include "warden/core/paths.h"
#include "warden/guard/classifier_recipe.h"

namespace warden::cli {
namespace {

struct DataFlags {
  std::string data_dir;  // "" = resolved (core::ResolveResourcePaths)
  std::string benign = "data/guard/benign_requests.tsv";
  uint64_t seed = guard::GuardDataConfig{}.seed;
  void Register(CLI::App* app) {
    app->add_option("--data-dir", data_dir,
                    "directory holding guard/ (default $WARDEN_DATA_DIR, else ../shared/data "
                    "from the working directory or from the executable's grandparent)");
    app->add_option("--benign", benign, "benign request set (group<TAB>text lines)");
    app->add_option("--seed", seed, "split seed");
  }
  std::string DataDir() const {
    core::ResourcePaths explicit_paths;
    explicit_paths.data_dir = data_dir;
    return core::ResolveResourcePaths(explicit_paths).data_dir;
  }
  guard::GuardDataConfig ToConfig() const { return {DataDir(), benign, seed}; }
  std::string Args() const {
    return "--data-dir " + DataDir() + " --benign " + benign + " --seed " + std::to_string(seed);
  }
};

}  // namespace

void RegisterGuardModels(CLI::App* guard) {
  {
    auto* cmd = guard->add_subcommand("train", "train the toxicity and injection classifiers");
    auto data = std::make_shared<DataFlags>();
    auto out = std::make_shared<std::string>(std::string(guard::kDefaultGuardModelsDir));
    data->Register(cmd);
    cmd->add_option("-o,--out", *out, "models directory (default models/guard)");
    auto cfg_flags = std::make_shared<guard::GuardTrainConfig>();
    cmd->add_option("--toxigen-repeat", cfg_flags->toxigen_repeat,
                    "times the TOXIGEN training part is repeated");
    cmd->add_option("--tox-class-weight", cfg_flags->toxicity_train.class_weight_power,
                    "class weight power of the toxicity model (0 none, 1 balanced)");
    cmd->add_option("--tox-epochs", cfg_flags->toxicity_train.epochs, "toxicity epochs");
    cmd->add_option("--tox-lr", cfg_flags->toxicity_train.learning_rate, "toxicity AdaGrad step");
    cmd->add_option("--tox-l2", cfg_flags->toxicity_train.l2, "toxicity L2 per update");
    cmd->add_option("--inj-epochs", cfg_flags->injection_train.epochs, "injection epochs");
    cmd->add_option("--inj-lr", cfg_flags->injection_train.learning_rate, "injection AdaGrad step");
    cmd->add_option("--inj-l2", cfg_flags->injection_train.l2, "injection L2 per update");
    cmd->callback([data, out, cfg_flags] {
      guard::GuardTrainConfig cfg = *cfg_flags;
      cfg.data = data->ToConfig();
      cfg.out_dir = *out;
      cfg.command = "warden guard train " + data->Args() + " --out " + *out + " --toxigen-repeat " +
                    std::to_string(cfg.toxigen_repeat) + " --tox-class-weight " +
                    std::to_string(cfg.toxicity_train.class_weight_power) + " --tox-epochs " +
                    std::to_string(cfg.toxicity_train.epochs) + " --tox-lr " +
                    std::to_string(cfg.toxicity_train.learning_rate) + " --tox-l2 " +
                    std::to_string(cfg.toxicity_train.l2) + " --inj-epochs " +
                    std::to_string(cfg.injection_train.epochs) + " --inj-lr " +
                    std::to_string(cfg.injection_train.learning_rate) + " --inj-l2 " +
                    std::to_string(cfg.injection_train.l2);
      OrDie(guard::TrainGuardModels(cfg));
      std::printf("wrote %s/%s, %s/%s and %s/MANIFEST.md\n", out->c_str(),
                  std::string(guard::kToxicityModelFile).c_str(), out->c_str(),
                  std::string(guard::kInjectionModelFile).c_str(), out->c_str());
    });
  }
  {
    auto* cmd = guard->add_subcommand("eval", "evaluate the guard classifiers");
    auto data = std::make_shared<DataFlags>();
    auto models = std::make_shared<std::string>();  // "" = <models dir>/guard, as guard scan
    auto out = std::make_shared<std::string>("docs/guard-eval-classifiers.md");
    data->Register(cmd);
    cmd->add_option("-m,--models", *models,
                    "models directory (default <models dir>/guard: $WARDEN_MODELS_DIR, else "
                    "models/ from the working directory or beside the executable)");
    cmd->add_option("-o,--out", *out, "page to write ('-' for stdout)");
    cmd->callback([data, models, out] {
      if (models->empty()) *models = core::ResolveResourcePaths({}).models_dir + "/guard";
      eval::GuardEvalConfig cfg;
      cfg.data = data->ToConfig();
      cfg.models_dir = *models;
      cfg.command = "warden guard eval " + data->Args() + " --models " + *models + " --out " + *out;
      const std::string page = OrDie(eval::EvaluateGuardModels(cfg));
      if (*out == "-") {
        std::fputs(page.c_str(), stdout);
      } else {
        OrDie(core::WriteFileAtomic(*out, page));
        std::printf("wrote %s\n", out->c_str());
      }
    });
  }
}

}  // namespace warden::cli
