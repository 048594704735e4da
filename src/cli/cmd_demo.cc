// `warden demo`: the main job on the embedded default. Trains the default
// model if it is missing, generates a watermarked and a plain text with the
// same prompt and seed, detects both and prints their certificates.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "warden/core/io.h"
#include "warden/lm/generate.h"
#include "warden/lm/train.h"
#include "warden/watermark/text_detect.h"

namespace warden::cli {
namespace {

struct DemoFlags {
  std::string model;
  std::string key_file = "models/demo.key";
  std::string prompt = "The";
  int32_t tokens = 200;
  uint64_t seed = 1;
  WatermarkFlags wm;
};

void EnsureModel(const std::string& path) {
  if (core::FileExists(path)) return;
  std::printf("== %s is missing: training the default model (under a minute)\n", path.c_str());
  std::fflush(stdout);
  const std::string inputs[] = {"default"};
  const std::vector<std::string> texts =
      OrDie(lm::ReadTrainingTexts(inputs, text::DefaultCorpusOptions{}));
  PrintTrainReport(path, OrDie(TrainModel(texts, lm::ModelTrainOptions{}, path)));
}

void EnsureKey(const std::string& path) {
  if (core::FileExists(path)) return;
  // A demo key made on this machine; real deployments use keygen and keep it secret.
  watermark::WatermarkKey key = OrDie(watermark::WatermarkKey::Generate());
  OrDie(core::WriteFileAtomic(path, key.secret + "\n"));
}

std::string GenerateText(const lm::LanguageModel& model, const DemoFlags& f,
                         const watermark::WatermarkConfig* wm, const watermark::WatermarkKey& key) {
  lm::SamplerOptions so;
  so.seed = f.seed;
  lm::SamplerChain chain(so);
  if (wm != nullptr) OrDie(watermark::AttachWatermark(*wm, key, &chain));
  lm::GenerateOptions go;
  go.max_tokens = f.tokens;
  go.min_tokens = f.tokens;
  return OrDie(Generate(model, chain, f.prompt, go)).text;
}

void Run(DemoFlags f) {
  const std::string model_path = f.model.empty() ? DefaultModelPath() : f.model;
  EnsureModel(model_path);  // a file that exists (GGUF or not) is left alone
  auto model = LoadAnyModelOrDie(model_path);
  if (f.wm.key_file.empty()) {
    EnsureKey(f.key_file);
    f.wm.key_file = f.key_file;
  }
  watermark::WatermarkConfig config = OrDie(f.wm.ToConfig(*model));
  watermark::WatermarkKey key = OrDie(f.wm.LoadKey());
  std::printf("== model: %s\n", model->description().c_str());
  std::printf("== watermark: %s, key id %s\n",
              watermark::WatermarkSpec::From(config, key).ToJson().dump().c_str(),
              key.id().c_str());

  const std::string marked = GenerateText(*model, f, &config, key);
  const std::string plain = GenerateText(*model, f, nullptr, key);
  watermark::TextWatermarkDetector det = OrDie(watermark::TextWatermarkDetector::Create(
      &model->tokenizer(), config, key, text::NormalizeOptions{}));
  watermark::DetectOptions opts;
  for (const auto& [label, text] : {std::pair{"watermarked", &marked}, {"plain", &plain}}) {
    std::printf("\n== %s text (%d tokens, seed %llu)\n%s\n", label, f.tokens,
                static_cast<unsigned long long>(f.seed), text->c_str());
    nlohmann::json cert = OrDie(det.Certify(*text, opts));
    std::printf("== certificate of the %s text\n%s\n", label, cert.dump(2).c_str());
  }
}

}  // namespace

void RegisterDemo(CLI::App& app) {
  auto f = std::make_shared<DemoFlags>();
  CLI::App* d = app.add_subcommand(
      "demo",
      "train the default model if missing, generate watermarked and plain text, detect both");
  d->add_option("-m,--model", f->model, "model file")->default_str(DefaultModelPath());
  d->add_option("--demo-key", f->key_file, "key file made on first use (when no --key-file)")
      ->capture_default_str();
  d->add_option("-p,--prompt", f->prompt, "prompt")->capture_default_str();
  d->add_option("--tokens", f->tokens, "tokens per text")->capture_default_str();
  d->add_option("--seed", f->seed, "sampling seed")->capture_default_str();
  f->wm.Register(d, /*watermark_name=*/true);
  d->callback([f]() { Run(*f); });
}

}  // namespace warden::cli
