// Decode-time blocking experiment (see provenance_eval.h).
#include <cmath>
#include <unordered_set>

#include "eval/provenance/provenance_eval.h"
#include "warden/lm/generate.h"
#include "warden/provenance/bloom.h"

namespace warden::eval {
namespace {

std::string NgramKey(std::span<const TokenId> g) {
  return std::string(reinterpret_cast<const char*>(g.data()), g.size() * sizeof(TokenId));
}

std::string FirstWords(const std::string& text, int words) {
  size_t at = 0;
  for (int w = 0; w < words && at != std::string::npos; ++w) {
    at = text.find(' ', at + 1);
  }
  return at == std::string::npos ? text : text.substr(0, at);
}

}  // namespace

Result<BlockingResult> RunBlockingExperiment(const lm::NgramModel& model,
                                             std::span<const std::string> protected_texts,
                                             const BlockingOptions& opts) {
  const text::Tokenizer& tok = model.tokenizer();
  BlockingResult res;
  res.n = opts.n;
  res.fpr = opts.false_positive_rate;
  res.protected_texts = protected_texts.size();
  std::vector<std::vector<TokenId>> encoded(protected_texts.size());
  uint64_t total = 0;
  for (size_t i = 0; i < protected_texts.size(); ++i) {
    WARDEN_RETURN_IF_ERROR(tok.Encode(protected_texts[i], &encoded[i]));
    total += encoded[i].size();
  }
  provenance::NgramBloomOptions bo;
  bo.n = opts.n;
  bo.false_positive_rate = opts.false_positive_rate;
  WARDEN_ASSIGN_OR_RETURN(provenance::NgramBloom bloom,
                          provenance::NgramBloom::Create(bo, total, tok.fingerprint()));
  std::unordered_set<std::string> exact;
  for (const auto& e : encoded) {
    bloom.InsertAll(e);
    for (size_t i = 0; i + opts.n <= e.size(); ++i) {
      exact.insert(NgramKey(std::span(e).subspan(i, opts.n)));
    }
  }
  res.protected_ngrams = exact.size();
  res.bloom_bytes = bloom.bytes();

  for (int on = 0; on < 2; ++on) {
    BlockingRun& run = on ? res.on : res.off;
    double nll = 0;
    for (size_t i = 0; i < protected_texts.size(); ++i) {
      lm::SamplerOptions so;
      so.temperature = opts.temperature;
      so.seed = opts.seed * 1000003 + i;
      lm::SamplerChain chain(so);
      provenance::ProtectedNgramProcessor* proc = nullptr;
      if (on) {
        auto p = std::make_unique<provenance::ProtectedNgramProcessor>(
            std::vector<const provenance::NgramBloom*>{&bloom}, tok.eos());
        proc = p.get();
        chain.AddProcessor(std::move(p));
      }
      lm::GenerateOptions go;
      go.max_tokens = opts.max_tokens;
      WARDEN_ASSIGN_OR_RETURN(
          lm::Generation g,
          Generate(model, chain, FirstWords(protected_texts[i], opts.prompt_words), go));
      std::vector<TokenId> full;
      if (tok.eos() >= 0) full.push_back(tok.eos());
      full.insert(full.end(), g.prompt_tokens.begin(), g.prompt_tokens.end());
      const size_t first_generated = full.size();
      full.insert(full.end(), g.tokens.begin(), g.tokens.end());
      uint64_t found = 0;
      for (size_t end = std::max(first_generated + 1, static_cast<size_t>(opts.n));
           end <= full.size(); ++end) {
        found += exact.contains(NgramKey(std::span(full).subspan(end - opts.n, opts.n)));
      }
      for (size_t j = first_generated; j < full.size(); ++j) {
        nll -= model.LogProb(std::span(full).first(j), full[j]);
      }
      ++run.generations;
      run.tokens += g.tokens.size();
      run.protected_ngrams += found;
      run.generations_with_protected += found > 0;
      if (proc) {
        run.steps += proc->stats().steps;
        run.prefix_hits += proc->stats().prefix_hits;
        run.vetoed += proc->stats().vetoed_tokens;
      }
    }
    run.perplexity = run.tokens ? std::exp(nll / static_cast<double>(run.tokens)) : 0;
  }
  return res;
}

}  // namespace warden::eval
