// The provenance index: protected documents, searchable for exact and near
// copies (infini-gram / OLMoTrace-style suffix-array queries, MOSS-style
// winnowing fingerprints) and, optionally, a Bloom filter of their model
// n-grams for decode-time blocking (provenance_bloom.h).
//
// An index is a directory of shard files (<dir>/shard-NNNN.widx). Each build
// adds new shards and never rewrites old ones; queries fan out over every
// shard and add up. A shard is one file, written to a temporary name and
// renamed into place when complete, so a build that dies half-way leaves no
// file that looks like a shard. Shards are memory-mapped, checksummed,
// versioned and fully validated on load (docs/provenance-format.md).
//
// What the suffix array is over: provenance tokens (provenance_tokens.h),
// i.e. normalized words for prose and lexer classes for code, each mapped
// to a per-shard id; documents are separated by id 0 so no match crosses a
// document boundary. Token ids and suffix-array entries are bit-packed to
// ceil(log2) bits, suffix positions are 64-bit in the format.
//
// Input handling (nothing is dropped silently; every case is in the report):
//  - binary files (a NUL byte in the first 8 KiB) are skipped and listed;
//  - invalid UTF-8 is repaired (each bad byte becomes U+FFFD), indexed and
//    listed;
//  - empty documents (no tokens) are kept in the document store and listed;
//  - a duplicate document id is kept under "<id>#<n>" and listed.
//
// Thread safety: a ProvenanceIndex is immutable after Open; queries are
// const and safe from any thread. An IndexBuilder belongs to one thread.
#ifndef WARDEN_PROVENANCE_INDEX_H_
#define WARDEN_PROVENANCE_INDEX_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/provenance/bloom.h"
#include "warden/provenance/tokens.h"
#include "warden/text/tokenizer.h"

namespace warden::provenance {

struct IndexDocument {
  std::string id;
  std::string text;
  std::string source;  // file it came from, for reports
  // Code language; nullopt = prose (text mode).
  std::optional<CodeLanguage> language;
  bool repaired_utf8 = false;  // set by the readers
};

struct IndexBuildOptions {
  int32_t winnow_k = 5;   // tokens per fingerprinted k-gram
  int32_t winnow_w = 12;  // winnowing window (in k-grams)
  // A shard is closed once it holds this many tokens (bounds the memory of
  // suffix sorting: about 23 bytes per token).
  uint64_t max_shard_tokens = uint64_t{1} << 26;
  // Code documents: mask identifiers / literals (provenance_tokens.h).
  // Queries must use the same settings.
  bool mask_identifiers = true;
  bool mask_literals = true;
  // Decode-time Bloom filter over the model's tokens of every document;
  // built only when a tokenizer is given to the builder.
  NgramBloomOptions bloom;
};

struct IndexBuildReport {
  uint64_t documents = 0;  // in the document store, empty ones included
  uint64_t tokens = 0;
  uint64_t bytes = 0;
  std::vector<std::string> shards;  // file names written
  // Inputs that needed handling, as "<id>: <what was done>".
  std::vector<std::string> skipped_binary;
  std::vector<std::string> repaired_utf8;
  std::vector<std::string> empty;
  std::vector<std::string> renamed_duplicates;
  uint64_t index_bytes = 0;        // all shard files written
  uint64_t core_bytes = 0;         // tokens + suffix array + dictionary + docs
  uint64_t fingerprint_bytes = 0;  // winnowing section
  uint64_t bloom_bytes = 0;
};

// Reads documents from files and directories (recursively, in sorted order):
// a ".jsonl" / ".jsonl.zst" file gives one document per line (fields "id",
// "text", optional "lang"); any other file is one document whose id is its
// path and whose language follows its extension. Binary files are not
// returned but listed in `report->skipped_binary`; invalid UTF-8 is
// repaired. Malformed JSONL is an error naming the file and line.
Result<std::vector<IndexDocument>> ReadIndexInputs(std::span<const std::string> paths,
                                                   IndexBuildReport* report);

class IndexBuilder {
 public:
  // `bloom_tokenizer` (may be null: no Bloom filter) must outlive the builder.
  IndexBuilder(std::string dir, const IndexBuildOptions& opts,
               const text::Tokenizer* bloom_tokenizer);
  ~IndexBuilder();
  Status Add(IndexDocument doc);
  // Writes the last shard and returns the report.
  Result<IndexBuildReport> Finish();
  // In-memory build (tests, evaluation, fuzz seeds): one shard's file bytes.
  static Result<std::string> BuildShardBytes(std::vector<IndexDocument> docs,
                                             const IndexBuildOptions& opts,
                                             const text::Tokenizer* bloom_tokenizer,
                                             IndexBuildReport* report = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A place in the indexed documents.
struct IndexOccurrence {
  std::string doc_id;
  uint32_t shard = 0;
  uint64_t doc = 0;           // document number within its shard
  uint64_t token_offset = 0;  // provenance-token offset within the document
};

// Longest match starting at one query position (matching statistics).
struct LongestMatch {
  uint32_t length = 0;  // tokens; 0 if the token occurs nowhere
  uint64_t count = 0;   // occurrences of that longest prefix, all shards
};

// Per-document near-copy evidence: winnowing fingerprints of the query found
// in the document.
struct NearCopyScore {
  std::string doc_id;
  uint32_t shard = 0;
  uint64_t doc = 0;
  uint64_t shared = 0;      // distinct query fingerprints found in the doc
  double containment = 0;   // shared / query fingerprints
  double doc_coverage = 0;  // shared / the document's fingerprints
};

struct IndexStats {
  uint64_t shards = 0, documents = 0, tokens = 0;
  uint64_t file_bytes = 0, core_bytes = 0, fingerprint_bytes = 0, bloom_bytes = 0;
};

class ProvenanceIndex {
 public:
  // Opens every *.widx file in `dir` (none: NotFound).
  static Result<std::unique_ptr<ProvenanceIndex>> Open(const std::string& dir);
  // From shard file bytes held in memory (copied); names for messages.
  static Result<std::unique_ptr<ProvenanceIndex>> FromBytes(std::vector<std::string> shards);
  ~ProvenanceIndex();

  // The tokenization options a query must use to match documents of this
  // mode (the index records k and w; code mode masks identifiers).
  int32_t winnow_k() const;
  int32_t winnow_w() const;

  uint64_t Count(std::span<const ProvenanceToken> query) const;
  std::vector<IndexOccurrence> Locate(std::span<const ProvenanceToken> query,
                                      size_t max_results) const;
  // Longest match at every position of `query`.
  std::vector<LongestMatch> LongestMatches(std::span<const ProvenanceToken> query) const;
  // The same, by a plain binary search per position and length. For tests.
  std::vector<LongestMatch> LongestMatchesReference(std::span<const ProvenanceToken> query) const;
  // Documents sharing winnowing fingerprints with `query`, best first;
  // fingerprints whose hash is in `excluded` (template code) do not count.
  std::vector<NearCopyScore> NearCopies(std::span<const ProvenanceToken> query,
                                        std::span<const uint64_t> excluded,
                                        size_t max_results) const;
  // Bloom filters of the shards that have one.
  std::vector<const NgramBloom*> blooms() const;
  IndexStats stats() const;

 private:
  struct Impl;
  ProvenanceIndex();
  std::unique_ptr<Impl> impl_;
};

// Winnowing fingerprint hashes of a token stream (what NearCopies and the
// index use), e.g. to build a template exclusion set.
std::vector<uint64_t> FingerprintHashes(std::span<const ProvenanceToken> tokens, int32_t k,
                                        int32_t w);

}  // namespace warden::provenance

#endif  // WARDEN_PROVENANCE_INDEX_H_
