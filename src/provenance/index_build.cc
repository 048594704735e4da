// Building index shards: tokenize, assign ids, suffix-sort, fingerprint,
// Bloom-filter, then write each shard atomically (see index.h).
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include "provenance/index_format.h"
#include "warden/core/hash.h"
#include "warden/provenance/index.h"

namespace warden::provenance {

using detail::DocRecord;
using detail::FingerprintEntry;
using detail::ShardMeta;

std::vector<uint64_t> FingerprintHashes(std::span<const ProvenanceToken> tokens, int32_t k,
                                        int32_t w) {
  std::vector<uint64_t> token_hashes;
  token_hashes.reserve(tokens.size());
  for (const ProvenanceToken& t : tokens) token_hashes.push_back(core::Hash64(t.key));
  const std::vector<uint64_t> kgrams = KgramHashes(token_hashes, k);
  std::vector<uint64_t> out;
  for (const Fingerprint& f : Winnow(kgrams, w)) out.push_back(f.hash);
  return out;
}

namespace {

constexpr uint32_t kMaxIds = (1u << 24) - 1;

// Key -> id, with the keys in one arena: an open-addressing table keyed by
// the same Hash64 the fingerprints use, so each token is hashed once.
class Dictionary {
 public:
  Dictionary() : table_(1024, 0) { offsets_.push_back(0); }
  size_t size() const { return offsets_.size() - 1; }
  std::string_view key(size_t i) const {  // i = id - 1
    return std::string_view(arena_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  const std::string& arena() const { return arena_; }
  const std::vector<uint64_t>& offsets() const { return offsets_; }

  uint32_t FindOrInsert(std::string_view k, uint64_t h) {
    const uint64_t mask = table_.size() - 1;
    for (uint64_t slot = h & mask;; slot = (slot + 1) & mask) {
      const uint32_t id = table_[slot];
      if (id == 0) {
        arena_.append(k);
        offsets_.push_back(arena_.size());
        hashes_.push_back(h);
        table_[slot] = static_cast<uint32_t>(size());
        if (size() * 2 > table_.size()) Grow();
        return static_cast<uint32_t>(size());
      }
      if (hashes_[id - 1] == h && key(id - 1) == k) return id;
    }
  }

 private:
  void Grow() {
    std::vector<uint32_t> bigger(table_.size() * 2, 0);
    const uint64_t mask = bigger.size() - 1;
    for (size_t i = 0; i < size(); ++i) {
      uint64_t slot = hashes_[i] & mask;
      while (bigger[slot] != 0) slot = (slot + 1) & mask;
      bigger[slot] = static_cast<uint32_t>(i + 1);
    }
    table_.swap(bigger);
  }

  std::vector<uint32_t> table_;
  std::string arena_;
  std::vector<uint64_t> offsets_;
  std::vector<uint64_t> hashes_;
};

// One shard being filled.
struct ShardState {
  Dictionary keys;
  std::vector<uint32_t> stream;
  std::vector<DocRecord> docs;
  std::string doc_blob;
  std::vector<FingerprintEntry> fps;
  std::vector<TokenId> model_tokens;  // concatenated, for the Bloom filter
  std::vector<uint64_t> model_doc_ends;
  uint64_t real_tokens = 0;
};

uint32_t AddString(std::string* blob, std::string_view s) {
  const uint32_t at = static_cast<uint32_t>(blob->size());
  blob->append(s);
  return at;
}

}  // namespace

struct IndexBuilder::Impl {
  std::string dir;
  IndexBuildOptions opts;
  const text::Tokenizer* tokenizer = nullptr;
  ShardState shard;
  IndexBuildReport report;
  std::unordered_map<std::string, int> seen_ids;
  int next_shard_number = 0;
  std::vector<std::string> shard_bytes;  // in-memory builds only
  bool in_memory = false;

  Status AddDocument(IndexDocument doc);
  Status Flush();
  Result<std::string> SerializeShard();
};

IndexBuilder::IndexBuilder(std::string dir, const IndexBuildOptions& opts,
                           const text::Tokenizer* bloom_tokenizer)
    : impl_(std::make_unique<Impl>()) {
  impl_->dir = std::move(dir);
  impl_->opts = opts;
  impl_->tokenizer = bloom_tokenizer;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(impl_->dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("shard-") && name.ends_with(".widx")) {
      impl_->next_shard_number =
          std::max(impl_->next_shard_number, std::atoi(name.c_str() + 6) + 1);
    }
  }
}

IndexBuilder::~IndexBuilder() = default;

Status IndexBuilder::Add(IndexDocument doc) { return impl_->AddDocument(std::move(doc)); }

Status IndexBuilder::Impl::AddDocument(IndexDocument doc) {
  if (opts.winnow_k < 1 || opts.winnow_k > 1024 || opts.winnow_w < 1 || opts.winnow_w > 1024) {
    return Status::InvalidArgument("winnowing k and w must be in [1, 1024]");
  }
  TokenizeOptions topts;
  topts.mode = doc.language ? TokenMode::kCode : TokenMode::kText;
  if (doc.language) topts.language = *doc.language;
  topts.mask_identifiers = opts.mask_identifiers;
  topts.mask_literals = opts.mask_literals;
  auto tokens_or = TokenizeForProvenance(doc.text, topts);
  if (!tokens_or.ok()) return tokens_or.status().WithContext(doc.id);
  std::vector<ProvenanceToken> tokens = std::move(tokens_or).value();

  // Close the shard first if this document would overflow it.
  if (!shard.docs.empty() && (shard.real_tokens + tokens.size() > opts.max_shard_tokens ||
                              shard.keys.size() + tokens.size() > kMaxIds)) {
    WARDEN_RETURN_IF_ERROR(Flush());
  }
  uint8_t flags = doc.repaired_utf8 ? detail::kDocRepaired : 0;
  const int dup = seen_ids[doc.id]++;
  std::string id = doc.id;
  if (dup > 0) {
    id = doc.id + "#" + std::to_string(dup + 1);
    flags |= detail::kDocRenamed;
    report.renamed_duplicates.push_back(doc.id + ": duplicate id, kept as " + id);
  }
  if (doc.repaired_utf8) report.repaired_utf8.push_back(id + ": invalid UTF-8 replaced by U+FFFD");
  if (tokens.empty()) report.empty.push_back(id + ": no tokens, kept in the document store");

  DocRecord rec{};
  rec.token_begin = shard.stream.size();
  rec.token_count = tokens.size();
  rec.byte_length = doc.text.size();
  rec.id_length = static_cast<uint32_t>(id.size());
  rec.id_offset = AddString(&shard.doc_blob, id);
  rec.source_length = static_cast<uint32_t>(doc.source.size());
  rec.source_offset = AddString(&shard.doc_blob, doc.source);
  rec.mode = static_cast<uint8_t>(topts.mode);
  rec.language = static_cast<uint8_t>(topts.language);
  rec.flags = flags;
  if (shard.stream.capacity() < shard.stream.size() + tokens.size() + 1) {
    shard.stream.reserve(
        std::max(2 * shard.stream.capacity(), shard.stream.size() + tokens.size() + 1));
  }
  std::vector<uint64_t> token_hashes(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    token_hashes[i] = core::Hash64(tokens[i].key);
    shard.stream.push_back(shard.keys.FindOrInsert(tokens[i].key, token_hashes[i]));
  }
  shard.stream.push_back(0);  // document separator
  shard.real_tokens += tokens.size();
  const uint32_t doc_number = static_cast<uint32_t>(shard.docs.size());
  std::vector<uint64_t> fp;
  for (const Fingerprint& f : Winnow(KgramHashes(token_hashes, opts.winnow_k), opts.winnow_w)) {
    fp.push_back(f.hash);
  }
  std::sort(fp.begin(), fp.end());
  fp.erase(std::unique(fp.begin(), fp.end()), fp.end());
  for (uint64_t h : fp) shard.fps.push_back({static_cast<uint32_t>(h >> 32), doc_number});
  rec.fingerprints = static_cast<uint32_t>(fp.size());
  shard.docs.push_back(rec);
  if (tokenizer != nullptr) {
    WARDEN_RETURN_IF_ERROR(tokenizer->Encode(doc.text, &shard.model_tokens));
    shard.model_doc_ends.push_back(shard.model_tokens.size());
  }
  ++report.documents;
  report.tokens += tokens.size();
  report.bytes += doc.text.size();
  return Status::Ok();
}

Result<std::string> IndexBuilder::Impl::SerializeShard() {
  ShardMeta meta{};
  meta.stream_tokens = shard.stream.size();
  meta.tokens = shard.real_tokens;
  meta.documents = shard.docs.size();
  meta.dict_size = shard.keys.size();
  meta.fingerprints = shard.fps.size();
  meta.token_bits = static_cast<uint32_t>(BitsFor(shard.keys.size()));
  meta.sa_bits = static_cast<uint32_t>(BitsFor(shard.stream.empty() ? 0 : shard.stream.size() - 1));
  meta.winnow_k = static_cast<uint32_t>(opts.winnow_k);
  meta.winnow_w = static_cast<uint32_t>(opts.winnow_w);

  std::vector<std::pair<uint32_t, std::string>> sections;
  sections.emplace_back(detail::kMeta,
                        std::string(reinterpret_cast<const char*>(&meta), sizeof meta));
  {
    std::string dict(reinterpret_cast<const char*>(shard.keys.offsets().data()),
                     shard.keys.offsets().size() * 8);
    dict += shard.keys.arena();
    sections.emplace_back(detail::kDict, std::move(dict));
  }
  {
    std::string docs(reinterpret_cast<const char*>(shard.docs.data()),
                     shard.docs.size() * sizeof(DocRecord));
    docs += shard.doc_blob;
    sections.emplace_back(detail::kDocs, std::move(docs));
  }
  {
    PackedWriter w(shard.stream.size(), static_cast<int>(meta.token_bits));
    for (size_t i = 0; i < shard.stream.size(); ++i) w.Set(i, shard.stream[i]);
    sections.emplace_back(detail::kTokens, w.Take());
  }
  {
    WARDEN_ASSIGN_OR_RETURN(std::vector<uint64_t> sa, BuildSuffixArray(shard.stream));
    PackedWriter w(shard.real_tokens, static_cast<int>(meta.sa_bits));
    uint64_t row = 0;
    for (uint64_t p : sa) {
      if (shard.stream[p] != 0) w.Set(row++, p);  // separators sort first; drop them
    }
    sections.emplace_back(detail::kSuffixArray, w.Take());
  }
  std::sort(shard.fps.begin(), shard.fps.end(),
            [](const FingerprintEntry& a, const FingerprintEntry& b) {
              return a.hash != b.hash ? a.hash < b.hash : a.doc < b.doc;
            });
  sections.emplace_back(detail::kFingerprints,
                        std::string(reinterpret_cast<const char*>(shard.fps.data()),
                                    shard.fps.size() * sizeof(FingerprintEntry)));
  report.fingerprint_bytes += sections.back().second.size();
  for (const auto& [id, data] : sections) {
    if (id != detail::kFingerprints) report.core_bytes += data.size();
  }
  if (tokenizer != nullptr) {
    uint64_t ngrams = 0, begin = 0;
    for (uint64_t end : shard.model_doc_ends) {
      ngrams +=
          end - begin >= static_cast<uint64_t>(opts.bloom.n) ? end - begin - opts.bloom.n + 1 : 0;
      begin = end;
    }
    WARDEN_ASSIGN_OR_RETURN(NgramBloom bloom,
                            NgramBloom::Create(opts.bloom, ngrams, tokenizer->fingerprint()));
    begin = 0;
    for (uint64_t end : shard.model_doc_ends) {
      bloom.InsertAll(std::span<const TokenId>(shard.model_tokens).subspan(begin, end - begin));
      begin = end;
    }
    sections.emplace_back(detail::kBloom, bloom.Serialize());
    report.bloom_bytes += sections.back().second.size();
  }
  return detail::AssembleShard(sections);
}

Status IndexBuilder::Impl::Flush() {
  if (shard.docs.empty()) return Status::Ok();
  WARDEN_ASSIGN_OR_RETURN(std::string bytes, SerializeShard());
  report.index_bytes += bytes.size();
  shard = ShardState();
  if (in_memory) {
    shard_bytes.push_back(std::move(bytes));
    return Status::Ok();
  }
  char name[32];
  std::snprintf(name, sizeof name, "shard-%04d.widx", next_shard_number++);
  // WriteFileAtomic writes a temporary file and renames it: a shard name
  // only ever holds a complete, checksummed shard.
  WARDEN_RETURN_IF_ERROR(core::WriteFileAtomic(dir + "/" + name, bytes));
  report.shards.push_back(name);
  return Status::Ok();
}

Result<IndexBuildReport> IndexBuilder::Finish() {
  WARDEN_RETURN_IF_ERROR(impl_->Flush());
  return impl_->report;
}

Result<std::string> IndexBuilder::BuildShardBytes(std::vector<IndexDocument> docs,
                                                  const IndexBuildOptions& opts,
                                                  const text::Tokenizer* bloom_tokenizer,
                                                  IndexBuildReport* report) {
  IndexBuildOptions one = opts;
  one.max_shard_tokens = ~uint64_t{0};
  IndexBuilder b("", one, bloom_tokenizer);
  b.impl_->in_memory = true;
  for (IndexDocument& d : docs) WARDEN_RETURN_IF_ERROR(b.Add(std::move(d)));
  WARDEN_RETURN_IF_ERROR(b.impl_->Flush());
  if (report != nullptr) *report = b.impl_->report;
  if (b.impl_->shard_bytes.empty()) return Status::InvalidArgument("no documents to index");
  if (b.impl_->shard_bytes.size() > 1) return Status::OutOfRange("documents need several shards");
  return std::move(b.impl_->shard_bytes.front());
}

}  // namespace warden::provenance
