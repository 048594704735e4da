// Shared plumbing of the `warden` command: option groups, error exit, model
// and key loading. Argument parsing and printing only; the work is done by
// the library.
#ifndef WARDEN_SRC_CLI_COMMON_H_
#define WARDEN_SRC_CLI_COMMON_H_

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "warden/core/status.h"
#include "warden/lm/lm.h"
#include "warden/lm/ngram.h"
#include "warden/lm/train.h"
#include "warden/watermark/watermark.h"

namespace warden::cli {

// Prints "warden: <message>" on stderr and exits with status 1.
[[noreturn]] void Fail(const Status& s);
[[noreturn]] void Fail(const std::string& message);

template <typename T>
T OrDie(Result<T> r) {
  if (!r.ok()) Fail(r.status());
  return std::move(r).value();
}
inline void OrDie(const Status& s) {
  if (!s.ok()) Fail(s);
}

// $WARDEN_MODEL, else models/default.wlm.
std::string DefaultModelPath();
std::unique_ptr<lm::NgramModel> LoadModelOrDie(const std::string& path);
// Either kind of model (lm::OpenModel; `threads` per session of a GGUF
// model), with a hint on how to make one when the file is missing.
std::unique_ptr<lm::LanguageModel> LoadAnyModelOrDie(const std::string& path, int threads = 1);

// Two lines: what was trained, and how long each stage took.
void PrintTrainReport(const std::string& path, const lm::ModelTrainReport& r);

// --scheme, --gamma, --delta, --context-width, --seeding, --key-file, --key-env
struct WatermarkFlags {
  std::string scheme = "kgw";
  double gamma = 0.25;
  std::string delta = "2";
  int32_t context_width = 1;
  std::string seeding = "lefthash";
  std::string key_file;
  std::string key_env = "WARDEN_WATERMARK_KEY";

  void Register(CLI::App* app, bool with_scheme_flag_name_watermark);
  // Parses the strings and fills vocabulary and tokenizer from the model.
  Result<watermark::WatermarkConfig> ToConfig(const lm::LanguageModel& model) const;
  Result<watermark::WatermarkKey> LoadKey() const;
};

void RegisterLm(CLI::App& app);
void RegisterGenerate(CLI::App& app);
void RegisterWatermark(CLI::App& app);
void RegisterDemo(CLI::App& app);
void RegisterWatermarkEval(CLI::App* watermark);
void RegisterModel(CLI::App& app);       // cmd_model.cc: warden model ...
void RegisterGuard(CLI::App& app);       // cmd_guard.cc: warden guard ...
void RegisterIndex(CLI::App& app);       // cmd_index.cc: warden index ...
void RegisterProvenance(CLI::App& app);  // cmd_provenance.cc: warden provenance ...
void RegisterFairness(CLI::App& app);    // cmd_fairness.cc: warden fairness ...
void RegisterRemote(CLI::App& app);      // cmd_remote.cc: warden remote ...
// cmd_guard_models.cc: `warden guard train|eval` (classifiers), called by
// RegisterGuard with the `guard` subcommand.
void RegisterGuardModels(CLI::App* guard);

}  // namespace warden::cli

#endif  // WARDEN_SRC_CLI_COMMON_H_
