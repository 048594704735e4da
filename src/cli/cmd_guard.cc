// `warden guard scan|unmask|eval-rules` (and, through RegisterGuardModels,
// the classifier commands). Argument parsing and printing only.
//
// Exit codes of `guard scan`: 0 every text allowed (possibly masked or
// annotated), 2 at least one text blocked, 1 an error.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/common.h"
#include "eval/guard/rules_eval.h"
#include "warden/core/io.h"
#include "warden/core/paths.h"
#include "warden/guard/classifier.h"
#include "warden/guard/policy.h"

namespace warden::cli {
namespace {

using guard::Finding;

struct ScanFlags {
  std::string policy = "default";
  bool input = false;
  bool output = false;
  bool jsonl = false;
  std::string field = "text";
  std::string vault;
  std::string models;  // "" = <models dir>/guard
  bool no_classifiers = false;
  std::string file = "-";
};

nlohmann::json FindingJson(const guard::Finding& f) {
  return {{"category", f.category}, {"type", f.type}, {"score", f.score},
          {"begin", f.begin},       {"end", f.end},   {"evidence", f.evidence},
          {"scanner", f.scanner}};
}

std::string ReadAll(const std::string& file) {
  if (file != "-") return OrDie(core::ReadFile(file));
  std::stringstream ss;
  ss << std::cin.rdbuf();
  return ss.str();
}

void RunScan(const ScanFlags& fl) {
  const core::ResourcePaths paths = core::ResolveResourcePaths({});
  guard::Policy policy = OrDie(guard::LoadPolicy(fl.policy, paths));
  std::vector<std::unique_ptr<guard::Scanner>> extra;
  if (!fl.no_classifiers) {
    auto cls =
        guard::LoadClassifierScanners(fl.models.empty() ? paths.models_dir + "/guard" : fl.models);
    if (cls.ok()) {
      extra = std::move(cls).value();
    } else {
      std::fprintf(stderr, "warden: classifiers not loaded (%s); rules only\n",
                   cls.status().message().c_str());
    }
  }
  auto g = OrDie(guard::Guard::Create(policy, paths, std::move(extra)));
  const guard::Direction dir = fl.output ? guard::Direction::kOutput : guard::Direction::kInput;
  const std::string vault_path = !fl.vault.empty() ? fl.vault : policy.vault_path;
  guard::Vault vault;
  if (policy.pseudonyms && !vault_path.empty()) {
    OrDie(guard::CheckVaultLocation(vault_path));
    vault = OrDie(guard::Vault::Load(vault_path));
  }
  const std::string data = ReadAll(fl.file);
  bool any_blocked = false;
  auto report = [&](const std::string& text, size_t line) {
    const guard::Verdict v = OrDie(g->Apply(text, dir, &vault));
    any_blocked |= v.blocked;
    if (fl.jsonl) {
      nlohmann::json out = {{"line", line}, {"blocked", v.blocked}, {"actions", v.actions}};
      out["text"] = v.blocked ? nlohmann::json(nullptr) : nlohmann::json(v.text);
      out["findings"] = nlohmann::json::array();
      for (const guard::Finding& f : v.findings) out["findings"].push_back(FindingJson(f));
      std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return;
    }
    for (const guard::Finding& f : v.findings) {
      std::printf("finding\t%s\t%s\t%.2f\t%zu-%zu\t%s\n", f.category.c_str(), f.type.c_str(),
                  f.score, f.begin, f.end, f.evidence.c_str());
    }
    for (const std::string& a : v.actions) std::printf("action\t%s\n", a.c_str());
    std::printf("%s\n", v.blocked ? "verdict\tblocked" : "verdict\tallowed");
    if (!v.blocked) std::printf("%s\n", v.text.c_str());
  };
  if (fl.jsonl) {
    std::istringstream in(data);
    std::string line;
    size_t n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty()) continue;
      const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded() || !j.is_object() || !j.contains(fl.field) || !j[fl.field].is_string()) {
        Fail(fl.file + ":" + std::to_string(n) + ": expected a JSON object with a string \"" +
             fl.field + "\"");
      }
      report(j[fl.field].get<std::string>(), n);
    }
  } else {
    report(data, 1);
  }
  if (policy.pseudonyms && !vault_path.empty() && vault.size() > 0) OrDie(vault.Save(vault_path));
  std::fflush(stdout);
  if (any_blocked) std::exit(2);
}

void RunEvalRules(const core::ResourcePaths& paths, const std::string& data_dir_flag,
                  const std::string& out_path, const std::string& names_out) {
  const eval::RulesEvalPage page = OrDie(eval::RenderRulesEval({paths, data_dir_flag}));
  if (!names_out.empty()) OrDie(core::WriteFileAtomic(names_out, page.gazetteer));
  OrDie(core::WriteFileAtomic(out_path, page.markdown));
  std::printf("wrote %s: structured PII F1 %.3f, evasions caught %.3f, false positives %.3f\n",
              out_path.c_str(), page.structured_f1, page.caught, page.false_positive_rate);
}

}  // namespace

void RegisterGuard(CLI::App& app) {
  auto* guard = app.add_subcommand("guard", "guardrails: classifiers, filters, policies");
  guard->require_subcommand(1);

  auto fl = std::make_shared<ScanFlags>();
  auto* scan = guard->add_subcommand(
      "scan", "scan text (or JSONL) with a policy; exit 0 allowed, 2 blocked, 1 error");
  scan->add_option("--policy", fl->policy, "policy name (policies/NAME.toml) or file")
      ->capture_default_str();
  scan->add_flag("--input", fl->input, "apply the policy's input (prompt) rules (default)");
  scan->add_flag("--output", fl->output, "apply the policy's output (generated text) rules");
  scan->add_flag("--jsonl", fl->jsonl, "one JSON object per line; scans its --field");
  scan->add_option("--field", fl->field, "JSONL field holding the text")->capture_default_str();
  scan->add_option("--vault", fl->vault,
                   "pseudonym vault file (overrides the policy's; never inside a git work tree)");
  scan->add_option("--models", fl->models,
                   "classifier models directory (default <models dir>/guard: $WARDEN_MODELS_DIR, "
                   "./models, or models/ next to the executable)");
  scan->add_flag("--no-classifiers", fl->no_classifiers, "rules only (lexicon, PII, secrets)");
  scan->add_option("file", fl->file, "text file, or - for stdin")->capture_default_str();
  scan->callback([fl] {
    if (fl->input && fl->output) Fail("--input and --output are exclusive");
    RunScan(*fl);
  });

  auto unmask_vault = std::make_shared<std::string>();
  auto unmask_file = std::make_shared<std::string>("-");
  auto* unmask = guard->add_subcommand("unmask", "restore pseudonymized values from a vault");
  unmask->add_option("--vault", *unmask_vault, "vault file")->required();
  unmask->add_option("file", *unmask_file, "text file, or - for stdin");
  unmask->callback([unmask_vault, unmask_file] {
    const guard::Vault v = OrDie(guard::Vault::Load(*unmask_vault));
    std::printf("%s", v.Unmask(ReadAll(*unmask_file)).c_str());
  });

  auto data_dir = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>("docs/guard-eval.md");
  auto names_out = std::make_shared<std::string>();
  auto* eval = guard->add_subcommand(
      "eval-rules", "evaluate PII and the evasion suite; writes docs/guard-eval.md");
  eval->add_option("--data-dir", *data_dir,
                   "data directory (default $WARDEN_DATA_DIR or the shared data)");
  eval->add_option("--out", *out, "Markdown page to write")->capture_default_str();
  eval->add_option("--write-names", *names_out,
                   "also write the person-name gazetteer built from the training half");
  eval->callback([data_dir, out, names_out] {
    core::ResourcePaths explicit_paths;
    explicit_paths.data_dir = *data_dir;
    RunEvalRules(core::ResolveResourcePaths(explicit_paths), *data_dir, *out, *names_out);
  });

  RegisterGuardModels(guard);
}

}  // namespace warden::cli
