#include "cli/common.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "warden/lm/open_model.h"

namespace warden::cli {

void Fail(const Status& s) { Fail(s.message()); }

void Fail(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "warden: %s\n", message.c_str());
  std::exit(1);
}

std::string DefaultModelPath() {
  const char* env = std::getenv("WARDEN_MODEL");
  return env != nullptr && *env != '\0' ? env : "models/default.wlm";
}

namespace {

// A missing model file gets a hint on how to make one.
[[noreturn]] void FailLoading(const Status& s) {
  if (s.code() == StatusCode::kNotFound) {
    Fail(s.message() + " (train one with `warden lm train`, or run `warden demo`)");
  }
  Fail(s);
}

}  // namespace

std::unique_ptr<lm::NgramModel> LoadModelOrDie(const std::string& path) {
  auto m = lm::NgramModel::Load(path);
  if (!m.ok()) FailLoading(m.status());
  return std::move(m).value();
}

std::unique_ptr<lm::LanguageModel> LoadAnyModelOrDie(const std::string& path, int threads) {
  lm::OpenModelOptions options;
  options.threads = threads;
  auto m = lm::OpenModel(path, options);
  if (!m.ok()) FailLoading(m.status());
  return std::move(m).value();
}

void PrintTrainReport(const std::string& path, const lm::ModelTrainReport& r) {
  std::printf("trained %s: %llu documents, %.1f MB, %llu tokens; order %d, vocabulary %d\n",
              path.c_str(), static_cast<unsigned long long>(r.documents), r.bytes / 1e6,
              static_cast<unsigned long long>(r.tokens), r.stats.order, r.stats.vocab_size);
  std::printf("time: bpe %.1fs, tokenize %.1fs, n-grams %.1fs; file %.1f MB\n", r.bpe_seconds,
              r.encode_seconds, r.ngram_seconds, r.stats.file_bytes / 1e6);
}

void WatermarkFlags::Register(CLI::App* app, bool watermark_name) {
  app->add_option(
         watermark_name ? "--watermark" : "--scheme", scheme,
         "watermark scheme: kgw, unigram, gumbel" + std::string(watermark_name ? " or none" : ""))
      ->capture_default_str();
  app->add_option("--gamma", gamma, "green fraction (kgw, unigram)")->capture_default_str();
  app->add_option("--delta", delta, "green logit bias; 'inf' keeps only green tokens")
      ->capture_default_str();
  app->add_option("--context-width", context_width, "h: previous tokens seeding the lists")
      ->capture_default_str();
  app->add_option("--seeding", seeding, "lefthash, minhash or selfhash")->capture_default_str();
  app->add_option("--key-file", key_file, "file holding the secret key (>= 16 bytes)");
  app->add_option("--key-env", key_env, "environment variable holding the key")
      ->capture_default_str();
}

Result<watermark::WatermarkConfig> WatermarkFlags::ToConfig(const lm::LanguageModel& model) const {
  watermark::WatermarkConfig c;
  WARDEN_ASSIGN_OR_RETURN(c.scheme, watermark::ParseScheme(scheme));
  WARDEN_ASSIGN_OR_RETURN(c.seeding, watermark::ParseSeeding(seeding));
  c.gamma = gamma;
  if (delta == "inf" || delta == "infinity") {
    c.delta = std::numeric_limits<double>::infinity();
  } else {
    char* end = nullptr;
    c.delta = std::strtod(delta.c_str(), &end);
    if (end == delta.c_str() || *end != '\0' || std::isnan(c.delta)) {
      return Status::InvalidArgument("--delta: not a number: " + delta);
    }
  }
  c.context_width = context_width;
  c.vocab_size = model.vocab_size();
  c.tokenizer_fingerprint = model.tokenizer().fingerprint();
  WARDEN_RETURN_IF_ERROR(c.Validate());
  return c;
}

Result<watermark::WatermarkKey> WatermarkFlags::LoadKey() const {
  if (!key_file.empty()) return watermark::WatermarkKey::FromFile(key_file);
  auto k = watermark::WatermarkKey::FromEnv(key_env);
  if (!k.ok() && k.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("no watermark key: pass --key-file FILE or set $" + key_env +
                            " (make one with `warden watermark keygen`)");
  }
  return k;
}

}  // namespace warden::cli
