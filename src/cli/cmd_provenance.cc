// `warden provenance ...`: check outputs against an index (check), and the
// evaluation that writes docs/provenance-eval.md (eval). Parsing and
// printing only.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "eval/provenance/provenance_eval.h"
#include "warden/core/io.h"
#include "warden/provenance/check.h"

namespace warden::cli {
namespace {

struct CheckFlags {
  std::string index;
  std::string input = "-";
  bool jsonl = false;
  std::string lang;
  bool raw = false;
  bool copilot = false;
  std::string action = "flag";
  std::vector<std::string> templates;
  provenance::ProvenancePolicy policy;
};

void RunCheck(const CheckFlags& f) {
  auto index = OrDie(provenance::ProvenanceIndex::Open(f.index));
  provenance::CheckOptions o;
  o.tokenize = OrDie(provenance::TokenizeOptionsFor(f.lang, f.raw));
  o.policy = f.policy;
  o.policy.on_match = OrDie(provenance::ParsePolicyAction(f.action));
  if (f.copilot) {
    o.policy.min_span_tokens = 1;
    o.policy.min_span_chars = 150;
  }
  for (const std::string& t : f.templates) o.templates.push_back(OrDie(core::ReadFile(t)));
  auto checker = OrDie(provenance::ProvenanceChecker::Create(index.get(), std::move(o)));
  if (!f.jsonl) {
    const std::string text = OrDie(core::ReadFile(f.input));
    std::printf("%s\n", provenance::CheckReportJson(OrDie(checker->Check(text))).c_str());
    return;
  }
  auto reader = OrDie(core::LineReader::Open(f.input));
  std::string line;
  while (reader->Next(&line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = f.input + ":" + std::to_string(reader->line_number());
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("text") || !j["text"].is_string()) {
      Fail(where + ": expected a JSON object with a string field \"text\"");
    }
    nlohmann::json out = nlohmann::json::parse(
        provenance::CheckReportJson(OrDie(checker->Check(j["text"].get<std::string>()))));
    if (j.contains("id")) out["id"] = j["id"];
    std::printf("%s\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  }
  OrDie(reader->status());
}

struct EvalFlags {
  eval::ProvenanceEvalOptions opts;
  std::string out = "docs/provenance-eval.md";
};

}  // namespace

void RegisterProvenance(CLI::App& app) {
  CLI::App* prov = app.add_subcommand("provenance", "check outputs against protected content");
  prov->require_subcommand(1);

  auto f = std::make_shared<CheckFlags>();
  CLI::App* check = prov->add_subcommand(
      "check", "matching spans, near copies, verdict and sources of an output (JSON per output)");
  check->add_option("-i,--index", f->index, "index directory")->required();
  check->add_option("input", f->input, "text file, or JSONL with --jsonl ('-' = stdin)")
      ->capture_default_str();
  check->add_flag("--jsonl", f->jsonl, "one {\"id\",\"text\"} object per line");
  check->add_option("--lang", f->lang,
                    "text (default) or a code language: c, cpp, java, python, javascript");
  check->add_flag("--raw-identifiers", f->raw,
                  "code: keep identifier names (index built the same way)");
  check->add_option("--min-tokens", f->policy.min_span_tokens, "shortest span reported (tokens)")
      ->capture_default_str();
  check
      ->add_option("--min-chars", f->policy.min_span_chars,
                   "shortest span reported (normalized characters)")
      ->capture_default_str();
  check->add_flag("--copilot", f->copilot,
                  "spans of 150+ characters (--min-tokens 1 --min-chars 150)");
  check->add_option("--near", f->policy.near_copy_threshold, "near-copy containment threshold")
      ->capture_default_str();
  check->add_option("--policy", f->action, "verdict on a match: allow, flag, block, replace")
      ->capture_default_str();
  check->add_option("--replacement", f->policy.replacement, "text that replaces matched spans")
      ->capture_default_str();
  check->add_option("--max-refs", f->policy.max_references, "sources per span, near copies listed")
      ->capture_default_str();
  check->add_option("--template", f->templates, "template/boilerplate file that does not count");
  check->callback([f]() { RunCheck(*f); });

  auto e = std::make_shared<EvalFlags>();
  CLI::App* eval = prov->add_subcommand("eval", "run the evaluation and write its page");
  eval->add_option("--irplag", e->opts.irplag_zip, "IR-Plag-Dataset.zip (skipped when empty)");
  eval->add_option("--threshold", e->opts.irplag_threshold, "IR-Plag containment threshold")
      ->capture_default_str();
  eval->add_option("--text-outputs", e->opts.text_outputs, "outputs per text condition")
      ->capture_default_str();
  eval->add_option("--blocking-texts", e->opts.blocking_texts, "protected texts for blocking")
      ->capture_default_str();
  eval->add_option("-o,--out", e->out, "Markdown page ('-' = stdout)")->capture_default_str();
  eval->callback([e, eval]() {
    const eval::ProvenanceEvalResult r = OrDie(eval::RunProvenanceEval(e->opts));
    std::string cmd = "warden provenance eval";
    if (!e->opts.irplag_zip.empty()) cmd += " --irplag " + e->opts.irplag_zip;
    if (e->opts.text_outputs != 300)
      cmd += " --text-outputs " + std::to_string(e->opts.text_outputs);
    if (e->opts.blocking_texts != 100)
      cmd += " --blocking-texts " + std::to_string(e->opts.blocking_texts);
    std::string previous;
    if (e->out != "-" && core::FileExists(e->out)) previous = OrDie(core::ReadFile(e->out));
    const std::string md = eval::ProvenanceEvalMarkdown(r, cmd, previous);
    if (e->out == "-") {
      std::fwrite(md.data(), 1, md.size(), stdout);
    } else {
      OrDie(core::WriteFileAtomic(e->out, md));
      std::printf("wrote %s\n", e->out.c_str());
    }
    (void)eval;
  });
}

}  // namespace warden::cli
