// Writing and validating shard files (layout: docs/provenance-format.md).
// Loading trusts nothing: every offset, size, count and packed value is
// checked before a query can use it, so a truncated, foreign or hostile file
// gives a Corruption error and never an out-of-bounds read.
#include "provenance/index_format.h"

#include <algorithm>
#include <cstring>

#include "warden/core/hash.h"

namespace warden::provenance::detail {
namespace {

uint64_t AlignUp(uint64_t v) { return (v + kSectionAlign - 1) / kSectionAlign * kSectionAlign; }

template <typename T>
T LoadAt(std::string_view bytes, size_t at) {
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof(T));
  return v;
}

}  // namespace

std::string AssembleShard(const std::vector<std::pair<uint32_t, std::string>>& sections) {
  const uint64_t table_end = kHeaderBytes + kSectionEntryBytes * sections.size();
  std::string out(AlignUp(table_end), '\0');
  std::string table;
  for (const auto& [id, data] : sections) {
    const uint64_t offset = out.size();
    const uint64_t size = data.size();
    const uint64_t sum = core::Hash64(data);
    const uint32_t flags = 0;
    table.append(reinterpret_cast<const char*>(&id), 4);
    table.append(reinterpret_cast<const char*>(&flags), 4);
    table.append(reinterpret_cast<const char*>(&offset), 8);
    table.append(reinterpret_cast<const char*>(&size), 8);
    table.append(reinterpret_cast<const char*>(&sum), 8);
    out.append(data);
    out.resize(AlignUp(out.size()), '\0');
  }
  std::memcpy(out.data() + kHeaderBytes, table.data(), table.size());
  const uint32_t count = static_cast<uint32_t>(sections.size());
  const uint64_t file_size = out.size();
  const uint64_t table_sum = core::Hash64(table);
  std::memcpy(out.data(), kMagic, 8);
  std::memcpy(out.data() + 8, &kFormatVersion, 4);
  std::memcpy(out.data() + 12, &count, 4);
  std::memcpy(out.data() + 16, &file_size, 8);
  std::memcpy(out.data() + 24, &table_sum, 8);
  return out;
}

Result<std::unique_ptr<Shard>> Shard::Open(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(core::MappedFile mapped, core::MappedFile::Open(path));
  std::unique_ptr<Shard> s(new Shard());
  s->name_ = path;
  s->mapped_.emplace(std::move(mapped));
  s->bytes_ = s->mapped_->data();
  WARDEN_RETURN_IF_ERROR(s->Parse());
  return s;
}

Result<std::unique_ptr<Shard>> Shard::FromBytes(std::string bytes, std::string name) {
  std::unique_ptr<Shard> s(new Shard());
  s->name_ = std::move(name);
  s->owned_ = std::move(bytes);
  s->bytes_ = s->owned_;
  WARDEN_RETURN_IF_ERROR(s->Parse());
  return s;
}

uint64_t Shard::section_bytes(SectionId id) const {
  for (const auto& [sid, data] : sections_) {
    if (sid == id) return data.size();
  }
  return 0;
}

Status Shard::Parse() {
  auto bad = [&](const std::string& what) { return Status::Corruption(name_ + ": " + what); };
  if (bytes_.size() < kHeaderBytes) return bad("too short for an index shard");
  if (std::memcmp(bytes_.data(), kMagic, 8) != 0) return bad("not a warden index shard");
  const uint32_t version = LoadAt<uint32_t>(bytes_, 8);
  if (version != kFormatVersion) {
    return bad("index format version " + std::to_string(version) + "; this warden reads version " +
               std::to_string(kFormatVersion) + " (rebuild the index)");
  }
  const uint32_t count = LoadAt<uint32_t>(bytes_, 12);
  if (LoadAt<uint64_t>(bytes_, 16) != bytes_.size()) return bad("truncated (size mismatch)");
  if (count > 16 || kHeaderBytes + uint64_t{count} * kSectionEntryBytes > bytes_.size()) {
    return bad("section table out of bounds");
  }
  const std::string_view table = bytes_.substr(kHeaderBytes, count * kSectionEntryBytes);
  if (core::Hash64(table) != LoadAt<uint64_t>(bytes_, 24))
    return bad("section table checksum mismatch");
  if (reinterpret_cast<uintptr_t>(bytes_.data()) % 8 != 0) return bad("misaligned buffer");
  for (uint32_t i = 0; i < count; ++i) {
    const size_t at = kHeaderBytes + i * kSectionEntryBytes;
    const uint32_t id = LoadAt<uint32_t>(bytes_, at);
    const uint64_t offset = LoadAt<uint64_t>(bytes_, at + 8);
    const uint64_t size = LoadAt<uint64_t>(bytes_, at + 16);
    if (offset > bytes_.size() || size > bytes_.size() - offset || offset % 8 != 0) {
      return bad("section " + std::to_string(id) + " out of bounds");
    }
    const std::string_view data = bytes_.substr(offset, size);
    if (core::Hash64(data) != LoadAt<uint64_t>(bytes_, at + 24)) {
      return bad("section " + std::to_string(id) + " checksum mismatch");
    }
    for (const auto& s : sections_) {
      if (s.first == id) return bad("section " + std::to_string(id) + " appears twice");
    }
    sections_.emplace_back(id, data);
  }
  auto section = [&](SectionId id) -> std::optional<std::string_view> {
    for (const auto& [sid, data] : sections_) {
      if (sid == id) return data;
    }
    return std::nullopt;
  };
  for (SectionId id : {kMeta, kDict, kDocs, kTokens, kSuffixArray, kFingerprints}) {
    if (!section(id)) return bad("missing section " + std::to_string(id));
  }
  const std::string_view meta = *section(kMeta);
  if (meta.size() != sizeof(ShardMeta)) return bad("metadata section has the wrong size");
  std::memcpy(&meta_, meta.data(), sizeof(ShardMeta));
  const ShardMeta& m = meta_;
  if (m.token_bits < 1 || m.token_bits > 32 || m.sa_bits < 1 || m.sa_bits > 48 || m.winnow_k < 1 ||
      m.winnow_k > 1024 || m.winnow_w < 1 || m.winnow_w > 1024 || m.tokens > m.stream_tokens ||
      (m.tokens > 0 && m.documents == 0) || m.dict_size >= (uint64_t{1} << 24) ||
      m.documents > m.stream_tokens + 1 || m.stream_tokens > (uint64_t{1} << 40)) {
    return bad("metadata values out of range");
  }

  // Dictionary: dict_size + 1 offsets, then the key bytes.
  const std::string_view dict = *section(kDict);
  const uint64_t offsets_bytes = (m.dict_size + 1) * 8;
  if (dict.size() < offsets_bytes) return bad("dictionary truncated");
  dict_offsets_ = reinterpret_cast<const uint64_t*>(dict.data());
  dict_blob_ = dict.substr(offsets_bytes);
  if (dict_offsets_[0] != 0 || dict_offsets_[m.dict_size] != dict_blob_.size()) {
    return bad("dictionary offsets inconsistent");
  }
  for (uint64_t i = 0; i < m.dict_size; ++i) {
    if (dict_offsets_[i + 1] < dict_offsets_[i]) return bad("dictionary offsets not increasing");
  }
  uint64_t table_size = 16;
  while (table_size < m.dict_size * 2) table_size *= 2;
  dict_table_.assign(table_size, 0);
  for (uint64_t i = 0; i < m.dict_size; ++i) {
    const std::string_view key =
        dict_blob_.substr(dict_offsets_[i], dict_offsets_[i + 1] - dict_offsets_[i]);
    uint64_t slot = core::Hash64(key) & (table_size - 1);
    while (dict_table_[slot] != 0) {
      const uint32_t other = dict_table_[slot];
      if (dict_blob_.substr(dict_offsets_[other - 1],
                            dict_offsets_[other] - dict_offsets_[other - 1]) == key) {
        return bad("dictionary key repeated");
      }
      slot = (slot + 1) & (table_size - 1);
    }
    dict_table_[slot] = static_cast<uint32_t>(i + 1);
  }

  // Documents: records, then their string blob.
  const std::string_view docs = *section(kDocs);
  if (m.documents > docs.size() / sizeof(DocRecord)) return bad("document table truncated");
  docs_ = {reinterpret_cast<const DocRecord*>(docs.data()), m.documents};
  doc_blob_ = docs.substr(m.documents * sizeof(DocRecord));
  uint64_t next_begin = 0, fp_total = 0;
  for (const DocRecord& d : docs_) {
    if (uint64_t{d.id_offset} + d.id_length > doc_blob_.size() ||
        uint64_t{d.source_offset} + d.source_length > doc_blob_.size() ||
        d.token_begin < next_begin || d.token_count > m.stream_tokens ||
        d.token_begin + d.token_count > m.stream_tokens || d.mode > 1 || d.language > 3) {
      return bad("document record out of range");
    }
    next_begin = d.token_begin + d.token_count;
    fp_total += d.fingerprints;
  }
  if (fp_total != m.fingerprints) return bad("fingerprint counts disagree");

  const std::string_view tokens = *section(kTokens);
  if (tokens.size() != PackedBytes(m.stream_tokens, static_cast<int>(m.token_bits))) {
    return bad("token stream size mismatch");
  }
  tokens_ = PackedView(tokens.data(), m.stream_tokens, static_cast<int>(m.token_bits));
  for (uint64_t i = 0; i < m.stream_tokens; ++i) {
    if (tokens_[i] > m.dict_size) return bad("token id out of range");
  }
  const std::string_view sa = *section(kSuffixArray);
  if (sa.size() != PackedBytes(m.tokens, static_cast<int>(m.sa_bits))) {
    return bad("suffix array size mismatch");
  }
  sa_ = PackedView(sa.data(), m.tokens, static_cast<int>(m.sa_bits));
  for (uint64_t i = 0; i < m.tokens; ++i) {
    if (sa_[i] >= m.stream_tokens) return bad("suffix array entry out of range");
  }

  const std::string_view fps = *section(kFingerprints);
  if (fps.size() != m.fingerprints * sizeof(FingerprintEntry)) {
    return bad("fingerprint section size mismatch");
  }
  fps_ = {reinterpret_cast<const FingerprintEntry*>(fps.data()), m.fingerprints};
  for (size_t i = 0; i < fps_.size(); ++i) {
    if (fps_[i].doc >= m.documents || (i > 0 && fps_[i].hash < fps_[i - 1].hash)) {
      return bad("fingerprint table unsorted or out of range");
    }
  }
  if (auto b = section(kBloom)) {
    auto bloom = NgramBloom::Deserialize(*b, /*copy=*/false);
    if (!bloom.ok()) return bloom.status().WithContext(name_);
    bloom_.emplace(std::move(bloom).value());
  }
  return Status::Ok();
}

std::string_view Shard::DocId(uint64_t doc) const {
  const DocRecord& d = docs_[doc];
  return doc_blob_.substr(d.id_offset, d.id_length);
}

uint32_t Shard::Lookup(std::string_view key) const {
  const uint64_t mask = dict_table_.size() - 1;
  for (uint64_t slot = core::Hash64(key) & mask;; slot = (slot + 1) & mask) {
    const uint32_t id = dict_table_[slot];
    if (id == 0) return 0;
    if (dict_blob_.substr(dict_offsets_[id - 1], dict_offsets_[id] - dict_offsets_[id - 1]) ==
        key) {
      return id;
    }
  }
}

uint64_t Shard::DocAt(uint64_t pos) const {
  // Last document whose first token is at or before pos.
  auto it = std::upper_bound(docs_.begin(), docs_.end(), pos,
                             [](uint64_t p, const DocRecord& d) { return p < d.token_begin; });
  return it == docs_.begin() ? 0 : static_cast<uint64_t>(it - docs_.begin() - 1);
}

}  // namespace warden::provenance::detail
