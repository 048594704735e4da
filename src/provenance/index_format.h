// On-disk layout of one index shard (docs/provenance-format.md) and the
// validated, memory-mapped view of it that queries read. Private to
// src/provenance.
#ifndef WARDEN_SRC_PROVENANCE_INDEX_FORMAT_H_
#define WARDEN_SRC_PROVENANCE_INDEX_FORMAT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "warden/core/io.h"
#include "warden/core/status.h"
#include "warden/provenance/bloom.h"
#include "warden/provenance/kernels.h"

namespace warden::provenance::detail {

inline constexpr char kMagic[8] = {'W', 'R', 'D', 'N', 'P', 'I', 'D', 'X'};
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kHeaderBytes = 32;
inline constexpr size_t kSectionEntryBytes = 32;
inline constexpr size_t kSectionAlign = 64;

enum SectionId : uint32_t {
  kMeta = 1,
  kDict = 2,
  kDocs = 3,
  kTokens = 4,
  kSuffixArray = 5,
  kFingerprints = 6,
  kBloom = 7,
};

struct ShardMeta {
  uint64_t stream_tokens;  // token stream length, separators included
  uint64_t tokens;         // suffix-array rows (real tokens)
  uint64_t documents;
  uint64_t dict_size;  // ids 1..dict_size
  uint64_t fingerprints;
  uint32_t token_bits;
  uint32_t sa_bits;
  uint32_t winnow_k;
  uint32_t winnow_w;
};
static_assert(sizeof(ShardMeta) == 56);

struct DocRecord {
  uint64_t token_begin;  // stream position of the first token
  uint64_t token_count;
  uint64_t byte_length;
  uint32_t id_offset, id_length;  // into the docs string blob
  uint32_t source_offset, source_length;
  uint32_t fingerprints;
  uint8_t mode;      // TokenMode
  uint8_t language;  // CodeLanguage (code mode)
  uint8_t flags;     // kDocRepaired | kDocRenamed
  uint8_t pad;
};
static_assert(sizeof(DocRecord) == 48);
inline constexpr uint8_t kDocRepaired = 1, kDocRenamed = 2;

struct FingerprintEntry {
  uint32_t hash;  // high 32 bits of the k-gram fingerprint
  uint32_t doc;
};

// Lays out sections behind the header and section table, with checksums.
std::string AssembleShard(const std::vector<std::pair<uint32_t, std::string>>& sections);

// A loaded, validated shard. Every view points into `bytes`, which is a
// mapping or an owned copy held by the shard.
class Shard {
 public:
  static Result<std::unique_ptr<Shard>> Open(const std::string& path);
  static Result<std::unique_ptr<Shard>> FromBytes(std::string bytes, std::string name);

  const ShardMeta& meta() const { return meta_; }
  const PackedView& tokens() const { return tokens_; }
  const PackedView& sa() const { return sa_; }
  std::span<const DocRecord> docs() const { return docs_; }
  std::string_view DocId(uint64_t doc) const;
  // Id of a provenance-token key, 0 when the shard has none.
  uint32_t Lookup(std::string_view key) const;
  // Document holding stream position `pos` (a real token).
  uint64_t DocAt(uint64_t pos) const;
  std::span<const FingerprintEntry> fingerprints() const { return fps_; }
  const NgramBloom* bloom() const { return bloom_ ? &*bloom_ : nullptr; }
  uint64_t file_bytes() const { return bytes_.size(); }
  uint64_t section_bytes(SectionId id) const;

 private:
  Shard() = default;
  Status Parse();

  std::string name_;
  std::optional<core::MappedFile> mapped_;
  std::string owned_;
  std::string_view bytes_;
  ShardMeta meta_{};
  std::vector<std::pair<uint32_t, std::string_view>> sections_;
  std::span<const DocRecord> docs_;
  std::string_view doc_blob_;
  const uint64_t* dict_offsets_ = nullptr;
  std::string_view dict_blob_;
  std::vector<uint32_t> dict_table_;  // open addressing: key hash -> id
  PackedView tokens_, sa_;
  std::span<const FingerprintEntry> fps_;
  std::optional<NgramBloom> bloom_;
};

}  // namespace warden::provenance::detail

#endif  // WARDEN_SRC_PROVENANCE_INDEX_FORMAT_H_
