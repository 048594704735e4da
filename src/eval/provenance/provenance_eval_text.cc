// Planted-passage evaluation on prose (see provenance_eval.h).
#include <algorithm>
#include <random>

#include "eval/provenance/provenance_eval.h"
#include "warden/provenance/check.h"
#include "warden/text/corpus.h"

namespace warden::eval {
namespace {

// Word boundaries (byte ranges) of a prose text, by provenance tokens.
std::vector<std::pair<uint32_t, uint32_t>> Words(const std::string& text) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  auto toks = provenance::TokenizeForProvenance(text, {});
  if (toks.ok()) {
    for (const auto& t : *toks) out.emplace_back(t.begin, t.end);
  }
  return out;
}

std::string LightEdit(const std::string& passage, std::mt19937_64& rng) {
  // Re-case, re-punctuate and re-space, and drop one word in the middle.
  const auto words = Words(passage);
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i == words.size() / 2) continue;
    std::string w = passage.substr(words[i].first, words[i].second - words[i].first);
    if (i % 4 == 0 && !w.empty() && w[0] >= 'a' && w[0] <= 'z') w[0] = static_cast<char>(w[0] - 32);
    if (i % 7 == 3) std::transform(w.begin(), w.end(), w.begin(), ::toupper);
    out += w;
    out += (rng() % 5 == 0) ? ",  " : (rng() % 7 == 0 ? " -- " : " ");
  }
  return out;
}

std::string SwapWords(const std::string& passage, const std::vector<std::string>& pool,
                      std::mt19937_64& rng) {
  const auto words = Words(passage);
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    out += i % 5 == 2 ? pool[rng() % pool.size()]
                      : passage.substr(words[i].first, words[i].second - words[i].first);
    out += ' ';
  }
  return out;
}

}  // namespace

Result<TextPlantResult> EvaluateTextPlants(int n, uint64_t seed) {
  text::DefaultCorpusOptions co;
  co.max_train_bytes = 1;  // only the held-out part is used
  WARDEN_ASSIGN_OR_RETURN(text::Corpus corpus, text::LoadDefaultCorpus(co));
  std::vector<std::string> docs;
  for (const auto& d : corpus.heldout) {
    if (Words(d.text).size() >= 60) docs.push_back(d.text);
  }
  std::mt19937_64 rng(seed);
  std::shuffle(docs.begin(), docs.end(), rng);
  if (docs.size() < static_cast<size_t>(2 * n)) {
    return Status::OutOfRange("held-out corpus has only " + std::to_string(docs.size()) +
                              " documents of 60+ words; need " + std::to_string(2 * n));
  }
  TextPlantResult res;
  res.protected_docs = n;
  res.outputs_per_condition = n;
  res.plant_words = 30;
  std::vector<provenance::IndexDocument> prot;
  for (int i = 0; i < n; ++i) {
    provenance::IndexDocument d;
    d.id = "protected-" + std::to_string(i);
    d.text = docs[i];
    prot.push_back(std::move(d));
  }
  WARDEN_ASSIGN_OR_RETURN(std::string bytes,
                          provenance::IndexBuilder::BuildShardBytes(prot, {}, nullptr));
  WARDEN_ASSIGN_OR_RETURN(auto index, provenance::ProvenanceIndex::FromBytes({std::move(bytes)}));
  provenance::CheckOptions co2;
  co2.policy.min_span_tokens = 8;
  WARDEN_ASSIGN_OR_RETURN(auto checker, provenance::ProvenanceChecker::Create(index.get(), co2));

  std::vector<std::string> pool;
  for (int i = n; i < 2 * n; ++i) {
    for (const auto& [b, e] : Words(docs[i])) pool.push_back(docs[i].substr(b, e - b));
  }
  res.conditions = {"clean", "verbatim", "light-edit", "words-swapped"};
  std::vector<std::vector<double>> contain(4), longest(4);
  for (size_t c = 0; c < 4; ++c) {
    int flagged = 0, spans = 0;
    double sum = 0;
    for (int i = 0; i < n; ++i) {
      const std::string& base = docs[n + i];
      std::string output = base;
      if (c > 0) {
        const std::string& src = prot[i].text;
        const auto w = Words(src);
        const size_t start = rng() % (w.size() - res.plant_words + 1);
        std::string passage =
            src.substr(w[start].first, w[start + res.plant_words - 1].second - w[start].first);
        if (c == 2) passage = LightEdit(passage, rng);
        if (c == 3) passage = SwapWords(passage, pool, rng);
        const auto bw = Words(base);
        const size_t at = bw[bw.size() / 2].first;
        output = base.substr(0, at) + passage + " " + base.substr(at);
      }
      WARDEN_ASSIGN_OR_RETURN(provenance::CheckReport r, checker->Check(output));
      flagged += r.verdict != provenance::PolicyAction::kAllow;
      spans += !r.spans.empty();
      sum += r.max_containment;
      contain[c].push_back(r.max_containment);
      longest[c].push_back(r.spans.empty() ? 0.0 : r.spans[0].token_end - r.spans[0].token_begin);
    }
    res.flagged_rate.push_back(static_cast<double>(flagged) / n);
    res.span_rate.push_back(static_cast<double>(spans) / n);
    res.mean_containment.push_back(sum / n);
  }
  // Scores for the AUCs: max containment, and the longest reported span
  // (0 when none).
  for (size_t c = 0; c < 4; ++c) {
    res.auc_containment.push_back(c == 0 ? 0.5 : RocAuc(contain[c], contain[0]));
    res.auc_longest.push_back(c == 0 ? 0.5 : RocAuc(longest[c], longest[0]));
  }
  return res;
}

}  // namespace warden::eval
