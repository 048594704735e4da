// `warden lm ...`: train, inspect and score the embedded language model.
#include <cstdio>
#include <memory>

#include "cli/common.h"
#include "warden/lm/lm.h"
#include "warden/lm/train.h"
#include "warden/text/corpus.h"

namespace warden::cli {
namespace {

struct TrainFlags {
  std::vector<std::string> inputs;
  std::string out;
  lm::ModelTrainOptions opts;
  uint64_t max_bytes = 0;
  double heldout = 0.1;
};

void RunTrain(const TrainFlags& f) {
  text::DefaultCorpusOptions co;
  co.heldout_fraction = f.heldout;
  co.max_train_bytes = f.max_bytes;
  const std::vector<std::string> texts = OrDie(lm::ReadTrainingTexts(f.inputs, co));
  const std::string out = f.out.empty() ? DefaultModelPath() : f.out;
  PrintTrainReport(out, OrDie(TrainModel(texts, f.opts, out)));
}

}  // namespace

void RegisterLm(CLI::App& app) {
  CLI::App* lm = app.add_subcommand("lm", "train, inspect and score the embedded n-gram model");
  lm->require_subcommand(1);

  auto train = std::make_shared<TrainFlags>();
  CLI::App* t =
      lm->add_subcommand("train", "train a Kneser-Ney n-gram model over a BPE vocabulary");
  t->add_option("inputs", train->inputs,
                "'default' (the Debian corpus, held-out part excluded), text files (blank-line "
                "separated documents) or JSONL files (field \"text\"; .zst allowed)")
      ->default_val(std::vector<std::string>{"default"});
  t->add_option("-o,--out", train->out,
                "model file (default: $WARDEN_MODEL or models/default.wlm)");
  t->add_option("--order", train->opts.order, "n-gram order")->capture_default_str();
  t->add_option("--vocab", train->opts.vocab_size, "BPE vocabulary size")->capture_default_str();
  t->add_option("--threads", train->opts.threads, "worker threads (0 = all cores)")
      ->capture_default_str();
  t->add_option("--prune", train->opts.prune_singletons_above_order,
                "drop singleton n-grams above this order (0 = keep all)")
      ->capture_default_str();
  t->add_option("--max-bytes", train->max_bytes, "cap on the default corpus's training bytes");
  t->add_option("--heldout", train->heldout, "held-out fraction of the default corpus")
      ->capture_default_str();
  t->callback([train]() { RunTrain(*train); });

  auto info_path = std::make_shared<std::string>();
  CLI::App* i = lm->add_subcommand("info", "print a model's metadata");
  i->add_option("-m,--model", *info_path, "model file")->default_str(DefaultModelPath());
  i->callback([info_path]() {
    auto m = LoadModelOrDie(info_path->empty() ? DefaultModelPath() : *info_path);
    const lm::NgramStats& s = m->stats();
    std::printf("%s\n", m->description().c_str());
    std::printf("tokenizer: byte-level BPE, %d tokens, fingerprint %s\n", m->vocab_size(),
                m->tokenizer().fingerprint().c_str());
    std::printf("training tokens: %llu\n", static_cast<unsigned long long>(s.training_tokens));
    for (size_t n = 0; n < s.ngrams.size(); ++n) {
      std::printf("order %zu: %llu contexts, %llu n-grams, discounts %.3f %.3f %.3f\n", n + 1,
                  static_cast<unsigned long long>(s.contexts[n]),
                  static_cast<unsigned long long>(s.ngrams[n]), s.discounts[n][0],
                  s.discounts[n][1], s.discounts[n][2]);
    }
  });

  struct PplFlags {
    std::string model, input;
  };
  auto ppl = std::make_shared<PplFlags>();
  CLI::App* p = lm->add_subcommand("perplexity", "perplexity of the model on documents");
  p->add_option("-m,--model", ppl->model, "model file")->default_str(DefaultModelPath());
  p->add_option("input", ppl->input, "text or JSONL file ('-' = stdin)")->required();
  p->callback([ppl]() {
    auto m = LoadModelOrDie(ppl->model.empty() ? DefaultModelPath() : ppl->model);
    const std::vector<std::string> docs = OrDie(lm::ReadDocuments(ppl->input));
    const lm::LogLikelihood total = OrDie(lm::ScoreDocuments(*m, docs));
    std::printf("tokens %lld perplexity %.3f\n", static_cast<long long>(total.scored),
                total.Perplexity());
  });
}

}  // namespace warden::cli
