// Orchestration of the watermark evaluation (watermark_eval.h): generation
// and detectability, calibration on human passages, robustness to edits,
// and quality. Each phase spreads independent items (a sample, a passage)
// over the worker threads; every random choice comes from a stream seeded by
// (run seed, purpose, index), so results do not depend on the thread count.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>

#include "eval/watermark/attacks.h"
#include "eval/watermark/data.h"
#include "eval/watermark/watermark_eval.h"
#include "warden/core/parallel.h"
#include "warden/lm/generate.h"
#include "warden/watermark/text_detect.h"

namespace warden::eval {

WatermarkEvalOptions WatermarkEvalOptions::Quick() {
  WatermarkEvalOptions o;
  o.samples = 10;
  o.tokens = 100;
  o.lengths = {25, 50, 100};
  o.gammas = {0.25};
  o.deltas = {2, std::numeric_limits<double>::infinity()};
  o.human_passages = 300;
  o.calibration_keys = 3;
  o.attack_rates = {0.2};
  o.paste_fractions = {0.25};
  return o;
}

Status WatermarkEvalOptions::Validate() const {
  if (samples < 1) return Status::InvalidArgument("samples must be >= 1");
  if (lengths.empty()) return Status::InvalidArgument("no detection lengths");
  for (int32_t t : lengths) {
    if (t < 1 || t > tokens) {
      return Status::InvalidArgument("detection length " + std::to_string(t) + " outside 1.." +
                                     std::to_string(tokens));
    }
  }
  for (double g : gammas) {
    if (!(g > 0 && g < 1)) return Status::InvalidArgument("gamma must be in (0, 1)");
  }
  for (double d : deltas) {
    if (!(d >= 0)) return Status::InvalidArgument("delta must be >= 0");
  }
  if (prompt_words < 1) return Status::InvalidArgument("prompt_words must be >= 1");
  if (human_passages < 1 || min_passage_tokens < 1) {
    return Status::InvalidArgument("human_passages and min_passage_tokens must be >= 1");
  }
  if (!(repetitive_fraction >= 0 && repetitive_fraction <= 1)) {
    return Status::InvalidArgument("repetitive_fraction must be in [0, 1]");
  }
  for (double r : attack_rates) {
    if (!(r >= 0 && r < 1)) return Status::InvalidArgument("attack rates must be in [0, 1)");
  }
  for (double f : paste_fractions) {
    if (!(f > 0 && f <= 1)) return Status::InvalidArgument("paste fractions must be in (0, 1]");
  }
  if (calibration_keys < 1) return Status::InvalidArgument("calibration_keys must be >= 1");
  if (threads < 0) return Status::InvalidArgument("threads must be >= 0");
  return Status::Ok();
}

namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The schemes' fixed context widths: h = 1 for plain KGW (the most robust),
// h = 4 for SelfHash (as in "On the Reliability of Watermarks for LLMs") and
// for Gumbel, whose choice is deterministic given the context, so a short
// context makes an n-gram model loop.
constexpr int32_t kSelfHashWidth = 4;
constexpr int32_t kGumbelWidth = 4;

struct Arm {
  std::string label;
  watermark::WatermarkConfig config;
  bool watermarked = true;
};

watermark::WatermarkConfig MakeConfig(const lm::LanguageModel& model, watermark::Scheme scheme,
                                      watermark::Seeding seeding, int32_t width, double gamma,
                                      double delta) {
  watermark::WatermarkConfig c;
  c.scheme = scheme;
  c.seeding = seeding;
  c.context_width = width;
  c.gamma = gamma;
  c.delta = delta;
  c.vocab_size = model.vocab_size();
  c.tokenizer_fingerprint = model.tokenizer().fingerprint();
  return c;
}

// The outcome of one detection, as far as the report needs it.
struct Det {
  bool decided = false;  // enough scored tokens for a verdict
  double p = 1;
  double log10_p = 0;
  double z = 0;
  int64_t scored = 0;
};

Det Summarize(const watermark::DetectionResult& r) {
  Det d;
  d.decided = r.verdict != watermark::Verdict::kInsufficientEvidence;
  d.p = r.decision_p_value;
  d.log10_p = r.window ? r.window->log10_corrected_p_value : r.whole.log10_p_value;
  d.z = r.window ? r.window->best.z : r.whole.z;
  d.scored = r.whole.scored;
  return d;
}

double Share(std::span<const Det> dets, double alpha) {
  if (dets.empty()) return 0;
  int64_t hit = 0;
  for (const Det& d : dets) hit += d.decided && d.p < alpha ? 1 : 0;
  return static_cast<double>(hit) / static_cast<double>(dets.size());
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Sample {
  std::vector<TokenId> prompt;
  std::vector<TokenId> tokens;
  lm::LogLikelihood ll;
  double distinct_bigrams = 0;
};

class EvalRun {
 public:
  EvalRun(const lm::LanguageModel& model, std::span<const text::CorpusDocument> heldout,
          const WatermarkEvalOptions& opts, watermark::WatermarkKey key)
      : model_(model), heldout_(heldout), opts_(opts), key_(std::move(key)) {
    threads_ = core::ResolveThreads(opts.threads);
  }

  Result<WatermarkEvalReport> Run();

 private:
  void Log(const std::string& m) const {
    if (opts_.log) opts_.log(m);
  }
  void BuildArms();
  Status Generate();
  Status Detectability();
  Status Calibration();
  Status KeySpread(std::span<const std::vector<TokenId>> ids, const watermark::WatermarkConfig& kgw,
                   const watermark::WatermarkConfig& unigram);
  Status Robustness();
  void Quality();
  Result<watermark::TextWatermarkDetector> Detector(const watermark::WatermarkConfig& c) const {
    return watermark::TextWatermarkDetector::Create(&model_.tokenizer(), c, key_,
                                                    text::NormalizeOptions{});
  }
  // Decodes ids to valid UTF-8, as a user copying the text would get it.
  std::string Text(std::span<const TokenId> ids) const {
    return model_.tokenizer().DecodeValid(ids);
  }

  const lm::LanguageModel& model_;
  std::span<const text::CorpusDocument> heldout_;
  const WatermarkEvalOptions& opts_;
  watermark::WatermarkKey key_;
  int threads_ = 1;
  std::vector<Arm> arms_;  // arms_[0] is the plain baseline
  std::vector<std::string> prompts_;
  std::vector<std::vector<Sample>> samples_;  // [arm][sample]
  std::vector<HumanPassage> passages_;
  WatermarkEvalReport report_;
};

void EvalRun::BuildArms() {
  const double inf = std::numeric_limits<double>::infinity();
  arms_.push_back(
      {"plain",
       MakeConfig(model_, watermark::Scheme::kKgw, watermark::Seeding::kLeftHash, 1, 0.25, 0),
       false});
  auto grid = [&](const std::string& label, watermark::Scheme s, watermark::Seeding seeding,
                  int32_t width) {
    for (double g : opts_.gammas) {
      for (double d : opts_.deltas)
        arms_.push_back({label, MakeConfig(model_, s, seeding, width, g, d)});
    }
  };
  grid("KGW LeftHash h=1", watermark::Scheme::kKgw, watermark::Seeding::kLeftHash, 1);
  if (opts_.selfhash)
    grid("KGW SelfHash h=4", watermark::Scheme::kKgw, watermark::Seeding::kSelfHash,
         kSelfHashWidth);
  grid("Unigram", watermark::Scheme::kUnigram, watermark::Seeding::kLeftHash, 1);
  arms_.push_back(
      {"Gumbel h=4", MakeConfig(model_, watermark::Scheme::kGumbel, watermark::Seeding::kLeftHash,
                                kGumbelWidth, 0.25, inf)});
  // The robustness configurations must be generated even when the grid
  // leaves them out.
  for (auto [label, s] :
       {std::pair<std::string, watermark::Scheme>{"KGW LeftHash h=1", watermark::Scheme::kKgw},
        {"Unigram", watermark::Scheme::kUnigram}}) {
    bool found = false;
    for (const Arm& a : arms_)
      found |= a.label == label && a.config.gamma == 0.25 && a.config.delta == 2;
    if (!found)
      arms_.push_back({label, MakeConfig(model_, s, watermark::Seeding::kLeftHash, 1, 0.25, 2)});
  }
}

Status EvalRun::Generate() {
  const size_t n = static_cast<size_t>(opts_.samples);
  samples_.assign(arms_.size(), std::vector<Sample>(n));
  lm::GenerateOptions gen;
  gen.max_tokens = opts_.tokens;
  gen.min_tokens = opts_.tokens;
  for (size_t a = 0; a < arms_.size(); ++a) {
    Log("generating " + std::to_string(a + 1) + "/" + std::to_string(arms_.size()) + ": " +
        arms_[a].label + (arms_[a].watermarked ? "" : " (no watermark)"));
    WARDEN_RETURN_IF_ERROR(eval::ParallelFor(n, threads_, [&](size_t i) -> Status {
      lm::SamplerOptions so;  // temperature 1, no truncation
      // The same seed for every arm: watermarked and plain samples differ
      // only by the watermark.
      so.seed = eval::StreamSeed(opts_.seed, "sample", i);
      lm::SamplerChain chain(so);
      if (arms_[a].watermarked) {
        WARDEN_RETURN_IF_ERROR(watermark::AttachWatermark(arms_[a].config, key_, &chain));
      }
      WARDEN_ASSIGN_OR_RETURN(lm::Generation g,
                              warden::lm::Generate(model_, chain, prompts_[i], gen));
      Sample& s = samples_[a][i];
      s.prompt = std::move(g.prompt_tokens);
      s.tokens = std::move(g.tokens);
      std::vector<TokenId> all = s.prompt;
      all.insert(all.end(), s.tokens.begin(), s.tokens.end());
      WARDEN_ASSIGN_OR_RETURN(s.ll, lm::ScoreTokens(model_, all, s.prompt.size()));
      std::set<std::pair<TokenId, TokenId>> bigrams;
      for (size_t k = 1; k < s.tokens.size(); ++k) bigrams.insert({s.tokens[k - 1], s.tokens[k]});
      s.distinct_bigrams = s.tokens.size() > 1 ? static_cast<double>(bigrams.size()) /
                                                     static_cast<double>(s.tokens.size() - 1)
                                               : 1;
      return Status::Ok();
    }));
  }
  return Status::Ok();
}

Status EvalRun::Detectability() {
  const size_t n = static_cast<size_t>(opts_.samples);
  for (size_t a = 1; a < arms_.size(); ++a) {
    WARDEN_ASSIGN_OR_RETURN(watermark::TextWatermarkDetector det, Detector(arms_[a].config));
    std::vector<std::vector<Det>> dets(opts_.lengths.size(), std::vector<Det>(n));
    WARDEN_RETURN_IF_ERROR(eval::ParallelFor(n, threads_, [&](size_t i) -> Status {
      const std::vector<TokenId>& toks = samples_[a][i].tokens;
      for (size_t l = 0; l < opts_.lengths.size(); ++l) {
        const size_t t = std::min(toks.size(), static_cast<size_t>(opts_.lengths[l]));
        WARDEN_ASSIGN_OR_RETURN(
            watermark::DetectionResult r,
            det.Detect(Text(std::span(toks).first(t)), watermark::DetectOptions{}));
        dets[l][i] = Summarize(r);
      }
      return Status::Ok();
    }));
    for (size_t l = 0; l < opts_.lengths.size(); ++l) {
      DetectabilityRow row;
      row.label = arms_[a].label;
      row.config = arms_[a].config;
      row.length = opts_.lengths[l];
      row.samples = opts_.samples;
      row.tpr_1e2 = Share(dets[l], 1e-2);
      row.tpr_1e3 = Share(dets[l], 1e-3);
      std::vector<double> z, lp;
      double scored = 0;
      for (const Det& d : dets[l]) {
        z.push_back(d.z);
        lp.push_back(d.log10_p);
        scored += static_cast<double>(d.scored);
      }
      row.median_z = Median(z);
      row.median_log10_p = Median(lp);
      row.mean_scored = scored / static_cast<double>(n);
      report_.detectability.push_back(std::move(row));
    }
  }
  return Status::Ok();
}

Status EvalRun::Calibration() {
  PassageOptions po;
  po.max_natural = opts_.human_passages;
  po.min_tokens = opts_.min_passage_tokens;
  po.repetitive_fraction = opts_.repetitive_fraction;
  po.seed = opts_.seed;
  po.threads = threads_;
  Log("building human passages from " + std::to_string(heldout_.size()) + " held-out documents");
  WARDEN_ASSIGN_OR_RETURN(passages_, eval::MakeHumanPassages(heldout_, model_.tokenizer(), po));
  std::vector<std::vector<TokenId>> ids(passages_.size());
  {
    WARDEN_ASSIGN_OR_RETURN(watermark::TextWatermarkDetector tok, Detector(arms_[1].config));
    WARDEN_RETURN_IF_ERROR(eval::ParallelFor(passages_.size(), threads_, [&](size_t i) -> Status {
      WARDEN_ASSIGN_OR_RETURN(ids[i], tok.Tokenize(passages_[i].text));
      return Status::Ok();
    }));
  }
  double total_tokens = 0;
  for (const HumanPassage& p : passages_) {
    (p.repetitive ? report_.repetitive_passages : report_.natural_passages) += 1;
    if (!p.repetitive) total_tokens += static_cast<double>(p.tokens);
  }
  report_.mean_passage_tokens = report_.natural_passages > 0
                                    ? total_tokens / static_cast<double>(report_.natural_passages)
                                    : 0;

  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::pair<std::string, watermark::WatermarkConfig>> schemes = {
      {"KGW LeftHash h=1",
       MakeConfig(model_, watermark::Scheme::kKgw, watermark::Seeding::kLeftHash, 1, 0.25, 2)},
      {"KGW LeftHash h=1",
       MakeConfig(model_, watermark::Scheme::kKgw, watermark::Seeding::kLeftHash, 1, 0.5, 2)},
      {"KGW SelfHash h=4", MakeConfig(model_, watermark::Scheme::kKgw,
                                      watermark::Seeding::kSelfHash, kSelfHashWidth, 0.25, 2)},
      {"Unigram",
       MakeConfig(model_, watermark::Scheme::kUnigram, watermark::Seeding::kLeftHash, 1, 0.25, 2)},
      {"Gumbel h=4", MakeConfig(model_, watermark::Scheme::kGumbel, watermark::Seeding::kLeftHash,
                                kGumbelWidth, 0.25, inf)},
  };
  for (const auto& [label, config] : schemes) {
    Log("calibrating " + label + " gamma " + std::to_string(config.gamma).substr(0, 4) + " on " +
        std::to_string(passages_.size()) + " human passages");
    WARDEN_ASSIGN_OR_RETURN(watermark::WatermarkDetector det,
                            watermark::WatermarkDetector::Create(config, key_));
    for (bool removal : {true, false}) {
      watermark::DetectOptions o;
      o.ignore_repeated = removal;
      const bool spans = removal && config.scheme == watermark::Scheme::kKgw &&
                         config.seeding == watermark::Seeding::kLeftHash;
      o.per_token = spans;
      std::vector<watermark::DetectionResult> res = det.DetectBatch(ids, o, threads_);
      for (const char* subset : {"all", "natural", "repetitive"}) {
        CalibrationRow row;
        row.label = label;
        row.config = config;
        row.ignore_repeated = removal;
        row.subset = subset;
        double score = 0, scored = 0;
        for (size_t i = 0; i < res.size(); ++i) {
          if (row.subset == "natural" && passages_[i].repetitive) continue;
          if (row.subset == "repetitive" && !passages_[i].repetitive) continue;
          score += res[i].whole.score;
          scored += static_cast<double>(res[i].whole.scored);
          const Det d = Summarize(res[i]);
          ++row.passages;
          row.decided += d.decided ? 1 : 0;
          row.fp_1e2 += d.decided && d.p < 1e-2 ? 1 : 0;
          row.fp_1e3 += d.decided && d.p < 1e-3 ? 1 : 0;
        }
        if (row.passages == 0) continue;
        row.mean_token_score = scored > 0 ? score / scored : 0;
        row.fpr_1e2 = static_cast<double>(row.fp_1e2) / static_cast<double>(row.passages);
        row.fpr_1e3 = static_cast<double>(row.fp_1e3) / static_cast<double>(row.passages);
        report_.calibration.push_back(std::move(row));
      }
      if (spans) {
        GreenSpanRow g;
        g.gamma = config.gamma;
        g.expected = std::pow(config.gamma, 10);
        for (const watermark::DetectionResult& r : res) {
          int64_t scored = 0;
          int run = 0;  // consecutive green scored tokens ending here
          for (int8_t f : r.per_token) {
            if (f < 0) continue;
            ++scored;
            run = f == 1 ? run + 1 : 0;
            if (scored >= 10) {
              ++g.spans;
              g.all_green += run >= 10 ? 1 : 0;
            }
          }
        }
        g.share = g.spans > 0 ? static_cast<double>(g.all_green) / static_cast<double>(g.spans) : 0;
        report_.green_spans.push_back(g);
      }
      if (removal && config.scheme == watermark::Scheme::kKgw &&
          config.seeding == watermark::Seeding::kLeftHash && report_.human_p_values.empty()) {
        for (const watermark::DetectionResult& r : res) {
          if (r.verdict != watermark::Verdict::kInsufficientEvidence)
            report_.human_p_values.push_back(r.whole.p_value);
        }
        std::sort(report_.human_p_values.begin(), report_.human_p_values.end());
        report_.human_p_label = label + ", gamma 0.25, repeated pairs removed";
      }
    }
  }
  return KeySpread(ids, schemes[0].second, schemes[3].second);
}

Status EvalRun::KeySpread(std::span<const std::vector<TokenId>> ids,
                          const watermark::WatermarkConfig& kgw,
                          const watermark::WatermarkConfig& unigram) {
  const int32_t keys = opts_.calibration_keys;
  Log("calibrating over " + std::to_string(keys) + " keys");
  for (const auto& [label, config] :
       {std::pair<std::string, watermark::WatermarkConfig>{"KGW LeftHash h=1", kgw},
        {"Unigram", unigram}}) {
    KeySpreadRow row;
    row.label = label;
    row.config = config;
    row.keys = keys;
    row.min_fpr_1e2 = row.min_fpr_1e3 = 1;
    for (int32_t k = 0; k < keys; ++k) {
      // Key 0 is the evaluation key itself; the others are derived from it.
      WARDEN_ASSIGN_OR_RETURN(
          watermark::WatermarkKey key,
          watermark::WatermarkKey::FromSecret(std::string(kEvalKeySecret) +
                                              (k == 0 ? std::string() : " #" + std::to_string(k))));
      WARDEN_ASSIGN_OR_RETURN(watermark::WatermarkDetector det,
                              watermark::WatermarkDetector::Create(config, key));
      const std::vector<watermark::DetectionResult> res =
          det.DetectBatch(ids, watermark::DetectOptions{}, threads_);
      std::vector<Det> dets;
      for (const watermark::DetectionResult& r : res) dets.push_back(Summarize(r));
      const double f2 = Share(dets, 1e-2), f3 = Share(dets, 1e-3);
      row.mean_fpr_1e2 += f2 / keys;
      row.mean_fpr_1e3 += f3 / keys;
      row.min_fpr_1e2 = std::min(row.min_fpr_1e2, f2);
      row.max_fpr_1e2 = std::max(row.max_fpr_1e2, f2);
      row.min_fpr_1e3 = std::min(row.min_fpr_1e3, f3);
      row.max_fpr_1e3 = std::max(row.max_fpr_1e3, f3);
    }
    report_.key_spread.push_back(row);
  }
  return Status::Ok();
}

Status EvalRun::Robustness() {
  WARDEN_ASSIGN_OR_RETURN(SynonymTable synonyms, SynonymTable::Load(opts_.wordnet_dir));
  report_.synonym_words = static_cast<int64_t>(synonyms.words());
  std::vector<size_t> natural;
  for (size_t i = 0; i < passages_.size(); ++i) {
    if (!passages_[i].repetitive) natural.push_back(i);
  }
  struct Attack {
    std::string name;
    double rate;
  };
  std::vector<Attack> attacks = {{"none", 0}};
  for (const char* name : {"deletion", "insertion", "substitution", "synonym"}) {
    for (double r : opts_.attack_rates) attacks.push_back({name, r});
  }
  for (double f : opts_.paste_fractions) {
    attacks.push_back({"paste (whole)", f});
    attacks.push_back({"paste (windowed)", f});
    attacks.push_back({"human only (windowed)", f});
  }
  const text::Tokenizer& tok = model_.tokenizer();
  const TokenId eos = tok.eos();
  const int32_t vocab = tok.vocab_size();
  const size_t n = static_cast<size_t>(opts_.samples);

  for (size_t a = 1; a < arms_.size(); ++a) {
    const watermark::WatermarkConfig& c = arms_[a].config;
    if (c.gamma != 0.25 || c.delta != 2 || c.seeding != watermark::Seeding::kLeftHash ||
        (c.scheme == watermark::Scheme::kKgw && c.context_width != 1) ||
        c.scheme == watermark::Scheme::kGumbel) {
      continue;
    }
    Log("attacking " + arms_[a].label);
    WARDEN_ASSIGN_OR_RETURN(watermark::TextWatermarkDetector det, Detector(c));
    std::vector<std::vector<Det>> dets(attacks.size(), std::vector<Det>(n));
    std::vector<std::vector<double>> achieved(attacks.size(), std::vector<double>(n));
    WARDEN_RETURN_IF_ERROR(eval::ParallelFor(n, threads_, [&](size_t i) -> Status {
      const std::vector<TokenId>& toks = samples_[a][i].tokens;
      const std::string text = Text(toks);
      watermark::DetectOptions whole, windowed;
      windowed.windowed = true;
      for (size_t k = 0; k < attacks.size(); ++k) {
        const Attack& at = attacks[k];
        // Seeded by sample, not by arm: both schemes see the same edits; the
        // paste variants share one text so that whole and windowed compare.
        const bool paste = at.name.starts_with("paste") || at.name.starts_with("human");
        EvalRng rng(eval::StreamSeed(
            opts_.seed, (paste ? std::string("paste") : at.name) + std::to_string(at.rate), i));
        std::string attacked;
        watermark::DetectOptions o = whole;
        double rate = at.rate;
        if (at.name == "none") {
          attacked = text;
        } else if (at.name == "deletion") {
          attacked = Text(eval::DeleteTokens(toks, at.rate, rng));
        } else if (at.name == "insertion") {
          attacked = Text(eval::InsertTokens(toks, at.rate, vocab, eos, rng));
        } else if (at.name == "substitution") {
          attacked = Text(eval::SubstituteTokens(toks, at.rate, vocab, eos, rng));
        } else if (at.name == "synonym") {
          SynonymTable::Substitution sub = synonyms.Substitute(text, at.rate, rng);
          attacked = std::move(sub.text);
          rate = sub.words > 0 ? static_cast<double>(sub.replaced) / static_cast<double>(sub.words)
                               : 0;
        } else {
          // Human text around the watermarked passage so that it makes up
          // the fraction `rate` of the tokens.
          const auto human = static_cast<size_t>(
              std::llround(static_cast<double>(toks.size()) * (1 - at.rate) / at.rate));
          const bool control = at.name.starts_with("human");
          std::string joined;
          size_t have = 0;
          for (size_t p = rng.Below(natural.size()); have < human + toks.size();
               p = (p + 1) % natural.size()) {
            if (!joined.empty()) joined += "\n\n";
            joined += passages_[natural[p]].text;
            have += static_cast<size_t>(passages_[natural[p]].tokens) + 1;
          }
          std::vector<TokenId> ids;
          WARDEN_RETURN_IF_ERROR(tok.Encode(joined, &ids));
          ids.resize(std::min(ids.size(), human + (control ? toks.size() : 0)));
          const size_t cut = rng.Below(ids.size() + 1);
          const std::span<const TokenId> all(ids);
          attacked = control
                         ? Text(all)
                         : Text(all.first(cut)) + "\n\n" + text + "\n\n" + Text(all.subspan(cut));
          if (at.name.ends_with("(windowed)")) o = windowed;
        }
        WARDEN_ASSIGN_OR_RETURN(watermark::DetectionResult r, det.Detect(attacked, o));
        dets[k][i] = Summarize(r);
        achieved[k][i] = rate;
      }
      return Status::Ok();
    }));
    for (size_t k = 0; k < attacks.size(); ++k) {
      RobustnessRow row;
      row.label = arms_[a].label;
      row.attack = attacks[k].name;
      row.rate = attacks[k].rate;
      row.samples = opts_.samples;
      row.tpr_1e2 = Share(dets[k], 1e-2);
      std::vector<double> z;
      for (const Det& d : dets[k]) z.push_back(d.z);
      row.median_z = Median(z);
      double sum = 0;
      for (double r : achieved[k]) sum += r;
      row.achieved_rate = sum / static_cast<double>(n);
      report_.robustness.push_back(std::move(row));
    }
  }
  return Status::Ok();
}

void EvalRun::Quality() {
  for (size_t a = 0; a < arms_.size(); ++a) {
    QualityRow row;
    row.label = arms_[a].label;
    row.config = arms_[a].config;
    row.watermarked = arms_[a].watermarked;
    row.samples = opts_.samples;
    double sum = 0, count = 0, distinct = 0;
    std::vector<double> ppl;
    for (const Sample& s : samples_[a]) {
      sum += s.ll.sum_log_prob;
      count += static_cast<double>(s.ll.scored);
      distinct += s.distinct_bigrams;
      ppl.push_back(s.ll.Perplexity());
    }
    row.perplexity = count > 0 ? std::exp(-sum / count) : 0;
    row.median_perplexity = Median(ppl);
    row.distinct_bigrams = distinct / static_cast<double>(samples_[a].size());
    report_.quality.push_back(std::move(row));
  }
}

Result<WatermarkEvalReport> EvalRun::Run() {
  const auto t0 = Clock::now();
  BuildArms();
  WARDEN_ASSIGN_OR_RETURN(
      prompts_, eval::MakePrompts(heldout_, opts_.samples, opts_.prompt_words, opts_.seed));
  report_.model_description = model_.description();
  report_.key_id = key_.id();
  report_.vocab_size = model_.vocab_size();
  report_.heldout_documents = static_cast<int64_t>(heldout_.size());

  auto t = Clock::now();
  WARDEN_RETURN_IF_ERROR(Generate());
  WARDEN_RETURN_IF_ERROR(Detectability());
  Quality();
  report_.seconds_generation = Since(t);
  t = Clock::now();
  WARDEN_RETURN_IF_ERROR(Calibration());
  report_.seconds_calibration = Since(t);
  t = Clock::now();
  WARDEN_RETURN_IF_ERROR(Robustness());
  report_.seconds_robustness = Since(t);

  report_.options = opts_;
  report_.options.log = nullptr;
  report_.seconds_total = Since(t0);
  return std::move(report_);
}

}  // namespace

Result<WatermarkEvalReport> RunWatermarkEval(const lm::LanguageModel& model,
                                             std::span<const text::CorpusDocument> heldout,
                                             const WatermarkEvalOptions& opts) {
  WARDEN_RETURN_IF_ERROR(opts.Validate());
  WARDEN_ASSIGN_OR_RETURN(watermark::WatermarkKey key,
                          watermark::WatermarkKey::FromSecret(std::string(kEvalKeySecret)));
  EvalRun run(model, heldout, opts, std::move(key));
  return run.Run();
}

}  // namespace warden::eval
