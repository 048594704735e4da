// End-to-end training of the embedded model (warden/train.h).
#include "warden/lm/train.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>

#include "warden/core/io.h"
#include "warden/core/parallel.h"
#include "warden/core/progress.h"
#include "warden/text/bpe_tokenizer.h"
#include "warden/text/utf8.h"

namespace warden::lm {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

Result<ModelTrainReport> TrainModel(std::span<const std::string> texts,
                                    const ModelTrainOptions& opts, const std::string& path) {
  if (texts.empty()) return Status::InvalidArgument("training corpus is empty");
  ModelTrainReport rep;
  rep.documents = texts.size();
  for (size_t i = 0; i < texts.size(); ++i) {
    rep.bytes += texts[i].size();
    const size_t bad = text::FindInvalidUtf8(texts[i]);
    if (bad != std::string_view::npos) {
      return Status::InvalidArgument("document " + std::to_string(i) + ": invalid UTF-8 at byte " +
                                     std::to_string(bad));
    }
  }
  const int32_t threads = core::ResolveThreads(opts.threads);

  auto t0 = std::chrono::steady_clock::now();
  text::BpeTokenizer::TrainOptions bpe;
  bpe.vocab_size = opts.vocab_size;
  bpe.threads = threads;
  WARDEN_ASSIGN_OR_RETURN(text::BpeTokenizer tok, text::BpeTokenizer::Train(texts, bpe));
  rep.bpe_seconds = SecondsSince(t0);

  t0 = std::chrono::steady_clock::now();
  std::vector<std::vector<TokenId>> docs(texts.size());
  std::atomic<bool> failed{false};
  core::Progress progress("tokenizing", texts.size(), "docs");
  core::ParallelForDynamic(texts.size(), threads, 256, [&](size_t begin, size_t end, int) {
    if (failed.load()) return;
    for (size_t i = begin; i < end; ++i) {
      if (!tok.Encode(texts[i], &docs[i]).ok()) failed.store(true);
    }
    progress.Add(end - begin);
  });
  progress.Finish();
  if (failed.load()) return Status::Internal("tokenizer rejected a validated document");
  for (const auto& d : docs) rep.tokens += d.size();
  rep.encode_seconds = SecondsSince(t0);

  t0 = std::chrono::steady_clock::now();
  NgramTrainOptions ng;
  ng.order = opts.order;
  ng.threads = threads;
  ng.prune_singletons_above_order = opts.prune_singletons_above_order;
  WARDEN_RETURN_IF_ERROR(NgramModel::Train(tok, docs, ng, path, &rep.stats));
  rep.ngram_seconds = SecondsSince(t0);
  return rep;
}

Result<std::vector<std::string>> ReadDocuments(const std::string& path, const std::string& field) {
  const bool jsonl = path.ends_with(".jsonl") || path.ends_with(".jsonl.zst");
  WARDEN_ASSIGN_OR_RETURN(std::unique_ptr<core::LineReader> reader, core::LineReader::Open(path));
  std::vector<std::string> docs;
  std::string line, cur;
  while (reader->Next(&line)) {
    if (jsonl) {
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      const std::string where = path + ":" + std::to_string(reader->line_number());
      if (j.is_discarded() || !j.is_object()) {
        return Status::InvalidArgument(where + ": not a JSON object");
      }
      auto it = j.find(field);
      if (it == j.end() || !it->is_string()) {
        return Status::InvalidArgument(where + ": no string field \"" + field + "\"");
      }
      docs.push_back(it->get<std::string>());
    } else if (line.find_first_not_of(" \t") == std::string::npos) {
      if (!cur.empty()) docs.push_back(std::move(cur));
      cur.clear();
    } else {
      if (!cur.empty()) cur.push_back('\n');
      cur.append(line);
    }
  }
  WARDEN_RETURN_IF_ERROR(reader->status());
  if (!cur.empty()) docs.push_back(std::move(cur));
  return docs;
}

Result<std::vector<std::string>> ReadTrainingTexts(std::span<const std::string> inputs,
                                                   const text::DefaultCorpusOptions& corpus) {
  std::vector<std::string> texts;
  for (const std::string& in : inputs) {
    if (in == "default") {
      WARDEN_ASSIGN_OR_RETURN(text::Corpus c, text::LoadDefaultCorpus(corpus));
      for (text::CorpusDocument& d : c.train) texts.push_back(std::move(d.text));
    } else {
      WARDEN_ASSIGN_OR_RETURN(std::vector<std::string> docs, ReadDocuments(in));
      for (std::string& d : docs) texts.push_back(std::move(d));
    }
  }
  return texts;
}

}  // namespace warden::lm
