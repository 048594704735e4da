// `warden`: the command line over the library.
#include <CLI/CLI.hpp>

#include "cli/common.h"
#include "warden/core/version.h"

int main(int argc, char** argv) {
  CLI::App app{"warden: responsible generative AI (watermarks, guardrails, provenance, fairness)"};
  app.set_version_flag("--version", std::string(warden::core::kVersion));
  app.require_subcommand(1);
  warden::cli::RegisterDemo(app);
  warden::cli::RegisterLm(app);
  warden::cli::RegisterGenerate(app);
  warden::cli::RegisterWatermark(app);
  warden::cli::RegisterModel(app);
  warden::cli::RegisterGuard(app);
  warden::cli::RegisterIndex(app);
  warden::cli::RegisterProvenance(app);
  warden::cli::RegisterFairness(app);
  warden::cli::RegisterRemote(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
