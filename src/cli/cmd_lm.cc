// `warden lm ...`: train, inspect and score the embedded language model.
#include <cstdio>
#include <memory>

#include "cli/common.h"
#include "warden/corpus.h"
#include "warden/lm.h"
#include "warden/train.h"

namespace warden::cli {
namespace {

struct TrainFlags {
  std::vector<std::string> inputs;
  std::string out;
  ModelTrainOptions opts;
  uint64_t max_bytes = 0;
  double heldout = 0.1;
};

void PrintReport(const std::string& out, const ModelTrainReport& r) {
  std::printf("trained %s: %llu documents, %.1f MB, %llu tokens; order %d, vocabulary %d\n",
              out.c_str(), static_cast<unsigned long long>(r.documents), r.bytes / 1e6,
              static_cast<unsigned long long>(r.tokens), r.stats.order, r.stats.vocab_size);
  std::printf("time: bpe %.1fs, tokenize %.1fs, n-grams %.1fs; file %.1f MB\n", r.bpe_seconds,
              r.encode_seconds, r.ngram_seconds, r.stats.file_bytes / 1e6);
}

void RunTrain(const TrainFlags& f) {
  std::vector<std::string> texts;
  for (const std::string& in : f.inputs) {
    if (in == "default") {
      DefaultCorpusOptions co;
      co.heldout_fraction = f.heldout;
      co.max_train_bytes = f.max_bytes;
      Corpus c = OrDie(LoadDefaultCorpus(co));
      for (auto& d : c.train) texts.push_back(std::move(d.text));
    } else {
      for (auto& d : OrDie(ReadDocuments(in))) texts.push_back(std::move(d));
    }
  }
  const std::string out = f.out.empty() ? DefaultModelPath() : f.out;
  ModelTrainReport r = OrDie(TrainModel(texts, f.opts, out));
  PrintReport(out, r);
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
    const NgramStats& s = m->stats();
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
    LogLikelihood total;
    for (const std::string& doc : OrDie(ReadDocuments(ppl->input))) {
      std::vector<TokenId> ids;
      if (m->tokenizer().eos() >= 0) ids.push_back(m->tokenizer().eos());
      OrDie(m->tokenizer().Encode(doc, &ids));
      LogLikelihood ll = OrDie(ScoreTokens(*m, ids, 1));
      total.sum_log_prob += ll.sum_log_prob;
      total.scored += ll.scored;
    }
    std::printf("tokens %lld perplexity %.3f\n", static_cast<long long>(total.scored),
                total.Perplexity());
  });
}

}  // namespace warden::cli
