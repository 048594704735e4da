// End-to-end detection from raw UTF-8: normalization + tokenization +
// scoring with repeated-pair removal, in bytes/s (the target is
// 10 MB/s per core). Uses the default model's tokenizer when
// models/default.wlm exists (run from the repository root), else a BPE
// trained on the fortunes.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "warden/lm/ngram.h"
#include "warden/text/bpe_tokenizer.h"
#include "warden/text/corpus.h"
#include "warden/watermark/text_detect.h"

namespace warden {
namespace {

struct Fixture {
  std::unique_ptr<lm::NgramModel> model;
  std::unique_ptr<text::BpeTokenizer> own;
  const text::Tokenizer* tok = nullptr;
  std::string text;
};

const Fixture& Get() {
  static const Fixture* f = [] {
    auto* fx = new Fixture;
    text::DefaultCorpusOptions co;
    auto corpus = text::LoadDefaultCorpus(co);
    if (corpus.ok()) {
      for (const auto& d : corpus->heldout) {
        fx->text += d.text;
        fx->text += "\n\n";
        if (fx->text.size() > (4u << 20)) break;
      }
    }
    if (auto m = lm::NgramModel::Load("models/default.wlm"); m.ok()) {
      fx->model = std::move(m).value();
      fx->tok = &fx->model->tokenizer();
    } else {
      std::vector<std::string> texts = {fx->text.empty() ? std::string("the cat sat") : fx->text};
      text::BpeTokenizer::TrainOptions o;
      fx->own = std::make_unique<text::BpeTokenizer>(
          std::move(text::BpeTokenizer::Train(texts, o)).value());
      fx->tok = fx->own.get();
    }
    if (fx->text.empty()) fx->text = "The quick brown fox jumps over the lazy dog. ";
    while (fx->text.size() < (4u << 20)) fx->text += fx->text;
    return fx;
  }();
  return *f;
}

void BM_DetectText(benchmark::State& state) {
  const Fixture& f = Get();
  watermark::WatermarkConfig c;
  c.vocab_size = f.tok->vocab_size();
  c.context_width = static_cast<int32_t>(state.range(0));
  c.seeding = c.context_width == 1 ? watermark::Seeding::kLeftHash : watermark::Seeding::kSelfHash;
  auto key = watermark::WatermarkKey::FromSecret("benchmark-key-0123456789");
  auto det = watermark::TextWatermarkDetector::Create(f.tok, c, *key, text::NormalizeOptions{});
  if (!det.ok()) {
    state.SkipWithError(det.status().ToString().c_str());
    return;
  }
  watermark::DetectOptions opts;
  for (auto _ : state) {
    auto r = det->Detect(f.text, opts);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.text.size()));
}
BENCHMARK(BM_DetectText)->Arg(1)->Arg(4)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace warden
