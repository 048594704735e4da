// Inputs of the watermark evaluation (watermark_eval.h), built from the
// held-out corpus: prompts for generation and "human" passages for
// calibration and paste-in tests; plus the small worker pool that the
// evaluation runs its independent items on.
//
// Thread safety: pure functions (ParallelFor calls `fn` from several
// threads; `fn` must only write to per-index state).
#ifndef WARDEN_SRC_EVAL_WATERMARK_DATA_H_
#define WARDEN_SRC_EVAL_WATERMARK_DATA_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "warden/core/status.h"
#include "warden/text/corpus.h"
#include "warden/text/tokenizer.h"

namespace warden::eval {

// Calls fn(i) for every i in [0, n) on `threads` threads (the caller's
// included), handing out indices in order. Returns the first non-OK Status
// by index (all items still run).
Status ParallelFor(size_t n, int threads, const std::function<Status(size_t)>& fn);

// `count` prompts: the first `words` words of held-out documents that have
// at least words + 4 words, picked by a seeded hash so every source takes
// part; cycled when there are fewer documents than prompts. Fails when no
// document is long enough.
Result<std::vector<std::string>> MakePrompts(std::span<const text::CorpusDocument> heldout,
                                             int32_t count, int32_t words, uint64_t seed);

struct HumanPassage {
  std::string source;
  std::string text;
  int64_t tokens = 0;  // as encoded (before normalization)
  bool repetitive = false;
};

struct PassageOptions {
  int32_t max_natural = 10000;
  int32_t min_tokens = 100;
  double repetitive_fraction = 0.12;  // repetitive passages per natural one
  uint64_t seed = 1;
  int threads = 1;
};

// Natural passages: consecutive held-out text of one source, documents
// joined by blank lines, until a passage reaches min_tokens (a passage may
// end, and the next begin, between two words of a document, so that no
// text is wasted on overshoot). When there are more than
// max_natural, an evenly spaced subset (so each source keeps its share).
// Repetitive passages (appended after the natural ones): a short held-out
// document (16-48 tokens) repeated 3-6 times, as a chorus (one per line) or
// as a bulleted boilerplate list. Fails when no natural passage can be made.
Result<std::vector<HumanPassage>> MakeHumanPassages(std::span<const text::CorpusDocument> heldout,
                                                    const text::Tokenizer& tokenizer,
                                                    const PassageOptions& opts);

}  // namespace warden::eval

#endif  // WARDEN_SRC_EVAL_WATERMARK_DATA_H_
