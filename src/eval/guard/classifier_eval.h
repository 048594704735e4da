// Evaluation of the guard classifiers behind `warden guard eval` and
// docs/guard-eval-classifiers.md: re-derives the held-out splits of the
// training recipe (warden/guard/classifier_recipe.h), loads the committed
// models and writes the page.
//
// Thread safety: plain functions over their arguments.
#ifndef WARDEN_SRC_EVAL_GUARD_CLASSIFIER_EVAL_H_
#define WARDEN_SRC_EVAL_GUARD_CLASSIFIER_EVAL_H_

#include <string>

#include "warden/core/status.h"
#include "warden/guard/classifier_recipe.h"

namespace warden::eval {

struct GuardEvalConfig {
  guard::GuardDataConfig data;
  std::string models_dir = "models/guard";
  std::string command;  // printed on the page
};
// Runs the whole evaluation; returns the markdown page.
Result<std::string> EvaluateGuardModels(const GuardEvalConfig& cfg);

}  // namespace warden::eval

#endif  // WARDEN_SRC_EVAL_GUARD_CLASSIFIER_EVAL_H_
