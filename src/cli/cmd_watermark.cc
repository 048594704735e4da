// `warden watermark ...`: keys, detection with certificates, evaluation.
#include <sys/stat.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "warden/core/io.h"
#include "warden/core/progress.h"
#include "warden/watermark/record.h"
#include "warden/watermark/text_detect.h"

namespace warden::cli {
namespace {

struct DetectFlags {
  std::string model;
  std::string input = "-";
  std::string out = "-";
  bool jsonl = false;
  bool keep_repeats = false;
  bool no_normalize = false;
  int32_t threads = 0;
  watermark::DetectOptions opts;
  WatermarkFlags wm;
};

// The records to certify: the whole input as one text, or one generation
// record per JSONL line (blank lines skipped).
std::vector<watermark::GenerationRecord> ReadRecords(const DetectFlags& f) {
  std::vector<watermark::GenerationRecord> recs;
  if (!f.jsonl) {
    recs.emplace_back().text = OrDie(core::ReadFile(f.input));
    return recs;
  }
  auto reader = OrDie(core::LineReader::Open(f.input));
  std::string line;
  while (reader->Next(&line)) {
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto r = watermark::GenerationRecord::FromJsonLine(line);
    if (!r.ok()) {
      Fail(r.status().WithContext(f.input + ":" + std::to_string(reader->line_number())));
    }
    recs.push_back(std::move(r).value());
  }
  OrDie(reader->status());
  return recs;
}

void RunDetect(DetectFlags f) {
  if (f.input.ends_with(".jsonl") || f.input.ends_with(".jsonl.zst")) f.jsonl = true;
  f.opts.ignore_repeated = !f.keep_repeats;
  OrDie(f.opts.Validate());
  auto model = LoadAnyModelOrDie(f.model.empty() ? DefaultModelPath() : f.model);
  watermark::WatermarkConfig config = OrDie(f.wm.ToConfig(*model));
  watermark::WatermarkKey key = OrDie(f.wm.LoadKey());
  text::NormalizeOptions norm;
  if (f.no_normalize) norm = text::NormalizeOptions{false, false, false, false};
  watermark::TextWatermarkDetector det =
      OrDie(watermark::TextWatermarkDetector::Create(&model->tokenizer(), config, key, norm));

  const std::vector<watermark::GenerationRecord> recs = ReadRecords(f);
  core::Progress progress("detecting", recs.size(), "docs");
  std::vector<Result<nlohmann::json>> certs = det.CertifyBatch(recs, f.opts, f.threads, &progress);
  progress.Finish();

  auto out = OrDie(core::LineWriter::Open(f.out));
  for (size_t i = 0; i < certs.size(); ++i) {
    if (!certs[i].ok()) {
      Fail(f.jsonl ? certs[i].status().WithContext("record " + std::to_string(i + 1))
                   : certs[i].status());
    }
    OrDie(out->Write(f.jsonl ? certs[i]->dump() : certs[i]->dump(2)));
  }
  OrDie(out->Close());
}

void RunKeygen(const std::string& path, bool force) {
  watermark::WatermarkKey key = OrDie(watermark::WatermarkKey::Generate());
  if (path == "-") {
    std::printf("%s\n", key.secret.c_str());
    return;
  }
  if (!force && core::FileExists(path)) Fail(path + ": exists (use --force to replace it)");
  OrDie(core::WriteFileAtomic(path, key.secret + "\n"));
  ::chmod(path.c_str(), 0600);
  std::printf("wrote %s (key id %s)\n", path.c_str(), key.id().c_str());
}

}  // namespace

void RegisterWatermark(CLI::App& app) {
  CLI::App* wm = app.add_subcommand("watermark", "watermark keys, detection and evaluation");
  wm->require_subcommand(1);

  auto d = std::make_shared<DetectFlags>();
  CLI::App* det = wm->add_subcommand("detect", "detect a watermark and print certificates (JSON)");
  det->add_option("input", d->input, "text file, JSONL file (field \"text\"), or '-' for stdin")
      ->capture_default_str();
  det->add_option("-m,--model", d->model, "model whose tokenizer made the text")
      ->default_str(DefaultModelPath());
  det->add_option("-o,--out", d->out, "certificates to this file (JSONL for JSONL input)")
      ->capture_default_str();
  det->add_flag("--jsonl", d->jsonl, "read JSONL even without a .jsonl name");
  det->add_option("--alpha", d->opts.alpha, "significance: 'watermarked' when p < alpha")
      ->capture_default_str();
  det->add_option("--min-tokens", d->opts.min_tokens,
                  "below this many scored tokens: 'insufficient evidence'")
      ->capture_default_str();
  det->add_flag("--windowed", d->opts.windowed,
                "also search the best window (for a passage pasted in human text)");
  det->add_flag("--per-token", d->opts.per_token, "include per-token green/red flags");
  det->add_flag("--keep-repeats", d->keep_repeats,
                "score repeated (context, token) pairs every time (not recommended)");
  det->add_flag("--no-normalize", d->no_normalize, "skip NFKC/invisible/homoglyph normalization");
  det->add_option("--threads", d->threads, "worker threads for JSONL (0 = all cores)");
  d->wm.Register(det, /*watermark_name=*/false);
  det->callback([d]() { RunDetect(*d); });

  auto kpath = std::make_shared<std::string>("-");
  auto force = std::make_shared<bool>(false);
  CLI::App* kg = wm->add_subcommand("keygen", "make a random secret key (64 hex characters)");
  kg->add_option("-o,--out", *kpath, "key file ('-' prints it)")->capture_default_str();
  kg->add_flag("--force", *force, "replace an existing file");
  kg->callback([kpath, force]() { RunKeygen(*kpath, *force); });

  RegisterWatermarkEval(wm);
}

}  // namespace warden::cli
