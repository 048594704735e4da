// Training the embedded language model end to end: texts -> byte-level BPE
// -> token ids -> interpolated modified Kneser-Ney n-grams -> model file.
//
// `warden lm train` is a thin wrapper over TrainModel; the default model is
// TrainModel over the training part of the default corpus (corpus.h).
//
// Thread safety: pure functions; they use `threads` worker threads inside.
#ifndef WARDEN_LM_TRAIN_H_
#define WARDEN_LM_TRAIN_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "warden/core/status.h"
#include "warden/lm/ngram.h"
#include "warden/text/corpus.h"

namespace warden::lm {

struct ModelTrainOptions {
  int32_t order = 4;
  int32_t vocab_size = 8192;
  int32_t threads = 0;  // 0 = hardware concurrency
  // Singleton 4-grams carry little: dropping them halves the default model
  // (160 MB -> 70 MB) for a held-out perplexity of 49.8 instead of 47.6.
  int64_t prune_singletons_above_order = 3;
};

struct ModelTrainReport {
  uint64_t documents = 0;
  uint64_t bytes = 0;
  uint64_t tokens = 0;
  double bpe_seconds = 0;
  double encode_seconds = 0;
  double ngram_seconds = 0;
  NgramStats stats;
};

// Fails on invalid UTF-8 in a text (naming its index) or an empty corpus.
Result<ModelTrainReport> TrainModel(std::span<const std::string> texts,
                                    const ModelTrainOptions& opts, const std::string& path);

// Reads documents for training or evaluation: JSONL when the name ends in
// ".jsonl" or ".jsonl.zst" (each record's string field `field`), otherwise
// plain text with documents separated by blank lines.
Result<std::vector<std::string>> ReadDocuments(const std::string& path,
                                               const std::string& field = "text");

// The training texts named by `inputs`: "default" stands for the training
// part of the default corpus (loaded with `corpus`), anything else is a file
// read with ReadDocuments. Texts are returned in the order of `inputs`.
Result<std::vector<std::string>> ReadTrainingTexts(std::span<const std::string> inputs,
                                                   const text::DefaultCorpusOptions& corpus);

}  // namespace warden::lm

#endif  // WARDEN_LM_TRAIN_H_
