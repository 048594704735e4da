// `warden watermark ...`: keys, detection with certificates, evaluation.
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/common.h"
#include "warden/core/io.h"
#include "warden/core/progress.h"
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

struct Record {
  std::string text;
  std::optional<watermark::WatermarkSpec> claimed;
  nlohmann::json certificate;
  Status status;
};

std::vector<Record> ReadRecords(const DetectFlags& f) {
  std::vector<Record> recs;
  if (!f.jsonl) {
    recs.push_back({OrDie(core::ReadFile(f.input)), std::nullopt, {}, {}});
    return recs;
  }
  auto reader = OrDie(core::LineReader::Open(f.input));
  std::string line;
  while (reader->Next(&line)) {
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const std::string where = f.input + ":" + std::to_string(reader->line_number());
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) Fail(where + ": not a JSON object");
    auto t = j.find("text");
    if (t == j.end() || !t->is_string()) Fail(where + ": no string field \"text\"");
    Record r{t->get<std::string>(), std::nullopt, {}, {}};
    if (auto w = j.find("watermark"); w != j.end()) {
      auto spec = watermark::WatermarkSpec::FromJson(*w);
      if (!spec.ok()) Fail(spec.status().WithContext(where + ": watermark"));
      r.claimed = *spec;
    }
    recs.push_back(std::move(r));
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

  std::vector<Record> recs = ReadRecords(f);
  const int threads = f.threads > 0 ? f.threads : std::max(1u, std::thread::hardware_concurrency());
  std::atomic<size_t> next{0};
  core::Progress progress("detecting", recs.size(), "docs");
  auto work = [&]() {
    for (size_t i; (i = next.fetch_add(1)) < recs.size();) {
      Record& r = recs[i];
      auto c = det.Certify(r.text, f.opts, r.claimed ? &*r.claimed : nullptr);
      if (c.ok()) {
        r.certificate = std::move(c).value();
      } else {
        r.status = c.status();
      }
      progress.Add(1);
    }
  };
  std::vector<std::thread> pool;
  for (int i = 1; i < threads && static_cast<size_t>(i) < recs.size(); ++i) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  progress.Finish();

  auto out = OrDie(core::LineWriter::Open(f.out));
  for (size_t i = 0; i < recs.size(); ++i) {
    if (!recs[i].status.ok()) {
      Fail(f.jsonl ? recs[i].status.WithContext("record " + std::to_string(i + 1))
                   : recs[i].status);
    }
    OrDie(out->Write(f.jsonl ? recs[i].certificate.dump() : recs[i].certificate.dump(2)));
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
