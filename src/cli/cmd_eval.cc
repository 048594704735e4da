// `warden watermark eval`: runs the watermark evaluation (watermark_eval.h)
// and writes the markdown page with its SVG figures.
#include <chrono>
#include <cstdio>

#include "cli/common.h"
#include "eval/watermark/watermark_eval.h"
#include "warden/text/corpus.h"

namespace warden::cli {
namespace {

struct EvalFlags {
  std::string model;
  std::string out = "docs/watermark-eval.md";
  bool quick = false;
  int32_t threads = 0;
  uint64_t seed = 1;
  int32_t samples = 0;
  int32_t passages = 0;
  double heldout = 0.1;
  std::string command_line;
};

void Run(const EvalFlags& f) {
  const auto t0 = std::chrono::steady_clock::now();
  auto log = [t0](std::string_view m) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "[%6.1fs] %.*s\n", s, static_cast<int>(m.size()), m.data());
  };
  const std::string model_path = f.model.empty() ? DefaultModelPath() : f.model;
  auto model = LoadModelOrDie(model_path);
  eval::WatermarkEvalOptions opts =
      f.quick ? eval::WatermarkEvalOptions::Quick() : eval::WatermarkEvalOptions();
  opts.threads = f.threads;
  opts.seed = f.seed;
  if (f.samples > 0) opts.samples = f.samples;
  if (f.passages > 0) opts.human_passages = f.passages;
  opts.log = log;

  log("loading the held-out corpus");
  text::DefaultCorpusOptions co;
  co.heldout_fraction = f.heldout;
  co.max_train_bytes = 1;  // only the held-out part is needed
  text::Corpus corpus = OrDie(text::LoadDefaultCorpus(co));
  eval::WatermarkEvalReport report = OrDie(eval::RunWatermarkEval(*model, corpus.heldout, opts));
  OrDie(eval::WriteWatermarkEvalPage(report, eval::CollectEvalPageInfo(f.command_line), f.out));
  log("wrote " + f.out);
}

}  // namespace

void RegisterWatermarkEval(CLI::App* watermark) {
  auto f = std::make_shared<EvalFlags>();
  CLI::App* e = watermark->add_subcommand(
      "eval", "evaluate detectability, calibration, robustness and quality; write a page");
  e->add_option("-m,--model", f->model, "model file")->default_str(DefaultModelPath());
  e->add_option("-o,--out", f->out, "markdown page (figures go to a folder named after it)")
      ->capture_default_str();
  e->add_flag("--quick", f->quick, "tiny counts (a smoke test of a few seconds)");
  e->add_option("--threads", f->threads, "worker threads (0 = all cores)")->capture_default_str();
  e->add_option("--seed", f->seed, "seed of every random choice")->capture_default_str();
  e->add_option("--samples", f->samples, "generations per configuration (0 = preset)");
  e->add_option("--passages", f->passages, "natural human passages at most (0 = preset)");
  e->add_option("--heldout", f->heldout, "held-out fraction the model was trained with")
      ->capture_default_str();
  e->callback([f, e]() {
    // Rebuilt from the options given, so the page can say how to reproduce
    // it.
    f->command_line = "warden watermark eval";
    for (const CLI::Option* o : e->get_options()) {
      if (o->count() == 0 || o->get_name() == "--help") continue;
      f->command_line += " " + o->get_name();
      if (o->get_expected_min() > 0) {
        for (const std::string& r : o->results()) f->command_line += " " + r;
      }
    }
    Run(*f);
  });
}

}  // namespace warden::cli
