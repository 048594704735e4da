// `warden generate`: stream text from the embedded n-gram model or a GGUF
// transformer, optionally watermarked.
#include <cstdio>
#include <memory>

#include "cli/common.h"
#include "warden/core/io.h"
#include "warden/lm/generate.h"
#include "warden/lm/train.h"
#include "warden/watermark/record.h"

namespace warden::cli {
namespace {

struct GenerateFlags {
  std::string model;
  std::string prompt;
  std::string prompts_file;
  std::string jsonl_out;
  int32_t count = 1;
  int threads = 1;
  lm::GenerateOptions gen;
  lm::SamplerOptions sampler;
  WatermarkFlags wm;
  GenerateFlags() { wm.scheme = "none"; }
};

void Run(const GenerateFlags& f) {
  const std::string path = f.model.empty() ? DefaultModelPath() : f.model;
  auto model = LoadAnyModelOrDie(path, f.threads);
  OrDie(lm::SamplerChain::Validate(f.sampler));
  const bool watermark = f.wm.scheme != "none";
  watermark::WatermarkConfig config;
  watermark::WatermarkKey key;
  if (watermark) {
    config = OrDie(f.wm.ToConfig(*model));
    key = OrDie(f.wm.LoadKey());
  }
  std::vector<std::string> prompts;
  if (!f.prompts_file.empty()) {
    prompts = OrDie(lm::ReadDocuments(f.prompts_file, "prompt"));
  } else {
    prompts.assign(static_cast<size_t>(std::max(1, f.count)), f.prompt);
  }
  std::unique_ptr<core::LineWriter> out;
  if (!f.jsonl_out.empty()) out = OrDie(core::LineWriter::Open(f.jsonl_out));

  for (size_t i = 0; i < prompts.size(); ++i) {
    lm::SamplerOptions so = f.sampler;
    so.seed = f.sampler.seed + i;  // distinct, reproducible samples
    lm::SamplerChain chain(so);
    if (watermark) OrDie(watermark::AttachWatermark(config, key, &chain));
    std::function<Status(std::string_view)> stream;
    if (!out) {
      stream = [](std::string_view piece) {
        std::fwrite(piece.data(), 1, piece.size(), stdout);
        std::fflush(stdout);
        return Status::Ok();
      };
    }
    lm::Generation g = OrDie(Generate(*model, chain, prompts[i], f.gen, stream));
    if (out) {
      watermark::GenerationRecord rec;
      rec.prompt = prompts[i];
      rec.text = std::move(g.text);
      rec.tokens = g.tokens.size();
      rec.seed = so.seed;
      if (watermark) rec.watermark = watermark::WatermarkSpec::From(config, key);
      OrDie(out->Write(rec.ToJsonLine()));
    } else {
      std::fputc('\n', stdout);
      if (i + 1 < prompts.size()) std::fputc('\n', stdout);
    }
  }
  if (out) OrDie(out->Close());
}

}  // namespace

void RegisterGenerate(CLI::App& app) {
  auto f = std::make_shared<GenerateFlags>();
  CLI::App* g = app.add_subcommand("generate", "generate text, streamed to stdout");
  g->add_option("-m,--model", f->model, "model file")->default_str(DefaultModelPath());
  g->add_option("-p,--prompt", f->prompt, "text to continue");
  g->add_option("--prompts", f->prompts_file, "JSONL file of {\"prompt\": ...} records");
  g->add_option("-n,--count", f->count, "number of samples for --prompt")->capture_default_str();
  g->add_option("--jsonl", f->jsonl_out,
                "write JSONL records (text, watermark spec) to this file instead of streaming");
  g->add_option("--max-tokens", f->gen.max_tokens, "tokens to generate at most")
      ->capture_default_str();
  g->add_option("--min-tokens", f->gen.min_tokens, "never stop before this many tokens")
      ->capture_default_str();
  g->add_option("--temperature", f->sampler.temperature, "0 = greedy")->capture_default_str();
  g->add_option("--top-k", f->sampler.top_k, "0 = off")->capture_default_str();
  g->add_option("--top-p", f->sampler.top_p, "1 = off")->capture_default_str();
  g->add_option("--seed", f->sampler.seed, "sampling seed")->capture_default_str();
  g->add_option("--threads", f->threads, "threads for a GGUF model")->capture_default_str();
  f->wm.Register(g, /*watermark_name=*/true);
  g->callback([f]() { Run(*f); });
}

}  // namespace warden::cli
