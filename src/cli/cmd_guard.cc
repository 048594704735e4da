// `warden guard`: guardrail scanners. This branch only registers the
// subcommand and the classifier commands (cmd_guard_models.cc); `guard scan`
// and the policies are added by the guard scanning work.
#include "cli/common.h"

namespace warden::cli {

void RegisterGuard(CLI::App& app) {
  auto* guard = app.add_subcommand("guard", "guardrails: classifiers, filters, policies");
  guard->require_subcommand(1);
  RegisterGuardModels(guard);
}

}  // namespace warden::cli
