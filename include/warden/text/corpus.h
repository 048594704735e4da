// The default training corpus: freely licensed English text that Debian
// packages install (scripts/setup.sh installs them):
//   - fortunes (package fortunes, fortunes-min): one document per fortune,
//     the ASCII-art collections excluded;
//   - WordNet 3.0 glosses (package wordnet-base): one document per synset
//     gloss with its example sentences;
//   - GCIDE (package dict-gcide): one document per dictionary paragraph,
//     headword lines and source tags such as "[1913 Webster]" removed.
// Each document goes to the held-out part when a hash of its text falls in
// the held-out fraction. The split depends on content only, so it is the same
// on every machine and duplicates never straddle it; held-out documents are
// never used for training and serve as the "human" text of evaluations.
//
// Thread safety: the loader is a pure function.
#ifndef WARDEN_TEXT_CORPUS_H_
#define WARDEN_TEXT_CORPUS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "warden/core/status.h"

namespace warden::text {

struct CorpusDocument {
  std::string source;  // "fortunes", "wordnet" or "gcide"
  std::string text;
};

struct Corpus {
  std::vector<CorpusDocument> train;
  std::vector<CorpusDocument> heldout;
  uint64_t train_bytes = 0;
  uint64_t heldout_bytes = 0;
};

struct DefaultCorpusOptions {
  std::string fortunes_dir = "/usr/share/games/fortunes";
  std::string wordnet_dir = "/usr/share/wordnet";
  std::string gcide_path = "/usr/share/dictd/gcide.dict.dz";
  double heldout_fraction = 0.1;
  // Stop adding training documents past this many bytes (0 = no cap); the
  // held-out part is not capped.
  uint64_t max_train_bytes = 0;
};

// Fails with NotFound, naming the package to install, when a source is
// missing.
Result<Corpus> LoadDefaultCorpus(const DefaultCorpusOptions& opts);

// True when `text` belongs to the held-out part for `fraction`.
bool IsHeldOut(std::string_view text, double fraction);

}  // namespace warden::text

#endif  // WARDEN_TEXT_CORPUS_H_
