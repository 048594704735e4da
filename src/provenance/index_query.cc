// Queries over a set of shards: count, locate, longest match at every
// position, near copies (see index.h).
#include <algorithm>
#include <filesystem>
#include <unordered_map>

#include "provenance/index_format.h"
#include "warden/provenance/index.h"

namespace warden::provenance {

using detail::Shard;

struct ProvenanceIndex::Impl {
  std::vector<std::unique_ptr<Shard>> shards;

  // Query keys as this shard's ids (0 = not in the shard).
  static std::vector<uint32_t> Ids(const Shard& s, std::span<const ProvenanceToken> q) {
    std::vector<uint32_t> ids(q.size());
    for (size_t i = 0; i < q.size(); ++i) ids[i] = s.Lookup(q[i].key);
    return ids;
  }
  static std::pair<uint64_t, uint64_t> Range(const Shard& s, std::span<const uint32_t> ids,
                                             uint64_t lo, uint64_t hi, size_t skip) {
    return SaRange(s.tokens(), s.tokens().size(), s.sa(), lo, hi, ids, skip);
  }
  static std::pair<uint64_t, uint64_t> FullRange(const Shard& s, std::span<const uint32_t> ids) {
    for (uint32_t id : ids) {
      if (id == 0) return {0, 0};
    }
    return Range(s, ids, 0, s.sa().size(), 0);
  }
};

ProvenanceIndex::ProvenanceIndex() : impl_(std::make_unique<Impl>()) {}
ProvenanceIndex::~ProvenanceIndex() = default;

Result<std::unique_ptr<ProvenanceIndex>> ProvenanceIndex::Open(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("shard-") && name.ends_with(".widx")) paths.push_back(e.path().string());
  }
  if (ec) return Status::NotFound(dir + ": cannot read index directory (" + ec.message() + ")");
  if (paths.empty()) return Status::NotFound(dir + ": no index shards (shard-*.widx)");
  std::sort(paths.begin(), paths.end());
  std::unique_ptr<ProvenanceIndex> index(new ProvenanceIndex());
  for (const std::string& p : paths) {
    WARDEN_ASSIGN_OR_RETURN(auto shard, Shard::Open(p));
    index->impl_->shards.push_back(std::move(shard));
  }
  return index;
}

Result<std::unique_ptr<ProvenanceIndex>> ProvenanceIndex::FromBytes(
    std::vector<std::string> shards) {
  if (shards.empty()) return Status::InvalidArgument("no index shards given");
  std::unique_ptr<ProvenanceIndex> index(new ProvenanceIndex());
  for (size_t i = 0; i < shards.size(); ++i) {
    WARDEN_ASSIGN_OR_RETURN(auto shard,
                            Shard::FromBytes(std::move(shards[i]), "shard " + std::to_string(i)));
    index->impl_->shards.push_back(std::move(shard));
  }
  return index;
}

int32_t ProvenanceIndex::winnow_k() const {
  return static_cast<int32_t>(impl_->shards.front()->meta().winnow_k);
}
int32_t ProvenanceIndex::winnow_w() const {
  return static_cast<int32_t>(impl_->shards.front()->meta().winnow_w);
}

uint64_t ProvenanceIndex::Count(std::span<const ProvenanceToken> query) const {
  if (query.empty()) return 0;
  uint64_t total = 0;
  for (const auto& s : impl_->shards) {
    const auto [lo, hi] = Impl::FullRange(*s, Impl::Ids(*s, query));
    total += hi - lo;
  }
  return total;
}

std::vector<IndexOccurrence> ProvenanceIndex::Locate(std::span<const ProvenanceToken> query,
                                                     size_t max_results) const {
  std::vector<IndexOccurrence> out;
  if (query.empty()) return out;
  for (size_t si = 0; si < impl_->shards.size() && out.size() < max_results; ++si) {
    const Shard& s = *impl_->shards[si];
    const auto [lo, hi] = Impl::FullRange(s, Impl::Ids(s, query));
    for (uint64_t row = lo; row < hi && out.size() < max_results; ++row) {
      const uint64_t pos = s.sa()[row];
      const uint64_t doc = s.DocAt(pos);
      out.push_back({std::string(s.DocId(doc)), static_cast<uint32_t>(si), doc,
                     pos - s.docs()[doc].token_begin});
    }
  }
  std::sort(out.begin(), out.end(), [](const IndexOccurrence& a, const IndexOccurrence& b) {
    return std::tie(a.shard, a.doc, a.token_offset) < std::tie(b.shard, b.doc, b.token_offset);
  });
  return out;
}

std::vector<LongestMatch> ProvenanceIndex::LongestMatches(
    std::span<const ProvenanceToken> query) const {
  const size_t m = query.size();
  std::vector<LongestMatch> best(m);
  for (const auto& sp : impl_->shards) {
    const Shard& s = *sp;
    const std::vector<uint32_t> ids = Impl::Ids(s, query);
    // Matching statistics: the match at i+1 is at least the match at i
    // minus one, so each position starts from there and only extends.
    uint32_t len = 0;
    for (size_t i = 0; i < m; ++i) {
      if (len > 0) --len;
      std::span<const uint32_t> rest(ids.data() + i, m - i);
      std::pair<uint64_t, uint64_t> range{0, s.sa().size()};
      if (len > 0) range = Impl::Range(s, rest.first(len), 0, s.sa().size(), 0);
      if (range.first == range.second && len > 0) len = 0, range = {0, s.sa().size()};
      while (len < rest.size() && rest[len] != 0) {
        const auto next = Impl::Range(s, rest.first(len + 1), range.first, range.second, len);
        if (next.first == next.second) break;
        range = next;
        ++len;
      }
      const uint64_t count = len > 0 ? range.second - range.first : 0;
      if (len > best[i].length) {
        best[i] = {len, count};
      } else if (len == best[i].length && len > 0) {
        best[i].count += count;
      }
    }
  }
  return best;
}

std::vector<LongestMatch> ProvenanceIndex::LongestMatchesReference(
    std::span<const ProvenanceToken> query) const {
  std::vector<LongestMatch> best(query.size());
  for (size_t i = 0; i < query.size(); ++i) {
    for (size_t len = query.size() - i; len >= 1; --len) {
      const uint64_t c = Count(query.subspan(i, len));
      if (c > 0) {
        best[i] = {static_cast<uint32_t>(len), c};
        break;
      }
    }
  }
  return best;
}

std::vector<NearCopyScore> ProvenanceIndex::NearCopies(std::span<const ProvenanceToken> query,
                                                       std::span<const uint64_t> excluded,
                                                       size_t max_results) const {
  std::vector<uint64_t> fps = FingerprintHashes(query, winnow_k(), winnow_w());
  std::vector<uint32_t> keys;
  std::vector<uint32_t> drop;
  for (uint64_t h : excluded) drop.push_back(static_cast<uint32_t>(h >> 32));
  std::sort(drop.begin(), drop.end());
  for (uint64_t h : fps) {
    const uint32_t k = static_cast<uint32_t>(h >> 32);
    if (!std::binary_search(drop.begin(), drop.end(), k)) keys.push_back(k);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::vector<NearCopyScore> out;
  if (keys.empty()) return out;
  for (size_t si = 0; si < impl_->shards.size(); ++si) {
    const Shard& s = *impl_->shards[si];
    std::unordered_map<uint32_t, uint64_t> shared;
    const auto fp = s.fingerprints();
    for (uint32_t k : keys) {
      auto lo = std::lower_bound(fp.begin(), fp.end(), k,
                                 [](const auto& e, uint32_t v) { return e.hash < v; });
      for (auto it = lo; it != fp.end() && it->hash == k; ++it) {
        // A document lists a hash once, but two 64-bit hashes can share
        // their top 32 bits; count each (key, doc) pair once.
        if (it != lo && (it - 1)->doc == it->doc) continue;
        ++shared[it->doc];
      }
    }
    for (const auto& [doc, n] : shared) {
      NearCopyScore sc;
      sc.doc_id = std::string(s.DocId(doc));
      sc.shard = static_cast<uint32_t>(si);
      sc.doc = doc;
      sc.shared = n;
      sc.containment = static_cast<double>(n) / static_cast<double>(keys.size());
      const uint32_t doc_fps = s.docs()[doc].fingerprints;
      sc.doc_coverage = doc_fps ? std::min(1.0, static_cast<double>(n) / doc_fps) : 0.0;
      out.push_back(std::move(sc));
    }
  }
  std::sort(out.begin(), out.end(), [](const NearCopyScore& a, const NearCopyScore& b) {
    if (a.containment != b.containment) return a.containment > b.containment;
    return std::tie(a.shard, a.doc) < std::tie(b.shard, b.doc);
  });
  if (out.size() > max_results) out.resize(max_results);
  return out;
}

std::vector<const NgramBloom*> ProvenanceIndex::blooms() const {
  std::vector<const NgramBloom*> out;
  for (const auto& s : impl_->shards) {
    if (s->bloom() != nullptr) out.push_back(s->bloom());
  }
  return out;
}

IndexStats ProvenanceIndex::stats() const {
  IndexStats st;
  using detail::SectionId;
  for (const auto& s : impl_->shards) {
    ++st.shards;
    st.documents += s->meta().documents;
    st.tokens += s->meta().tokens;
    st.file_bytes += s->file_bytes();
    for (SectionId id :
         {detail::kMeta, detail::kDict, detail::kDocs, detail::kTokens, detail::kSuffixArray}) {
      st.core_bytes += s->section_bytes(id);
    }
    st.fingerprint_bytes += s->section_bytes(detail::kFingerprints);
    st.bloom_bytes += s->section_bytes(detail::kBloom);
  }
  return st;
}

}  // namespace warden::provenance
