// libFuzzer target: ProvenanceIndex::FromBytes on arbitrary bytes must return
// an error or a usable index, never crash or read out of bounds. An index
// that loads is queried (count, locate, longest matches, near copies) with
// words taken from the input.
//
// Each input is tried twice: as is, and resealed with correct section and
// table checksums (docs/provenance-format.md), so that mutations reach the
// structural checks behind the checksums. Seeds: small valid shards
// (fuzz/seeds/index_shard_fuzz/).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/hash.h"
#include "warden/provenance/index.h"

namespace {

void TryLoad(std::string bytes) {
  auto index = warden::provenance::ProvenanceIndex::FromBytes({bytes});
  if (!index.ok()) return;
  std::string words;
  for (char c : bytes.substr(0, 64))
    words.push_back((c & 0x7f) >= 'a' ? static_cast<char>(c & 0x7f) : ' ');
  auto toks = warden::provenance::TokenizeForProvenance(words + " the fox", {});
  if (!toks.ok()) return;
  (void)(*index)->Count(*toks);
  (void)(*index)->Locate(*toks, 5);
  (void)(*index)->LongestMatches(*toks);
  (void)(*index)->NearCopies(*toks, {}, 5);
  (void)(*index)->stats();
}

// Recomputes every checksum the loader verifies.
std::string Reseal(std::string b) {
  if (b.size() < 32) return b;
  uint32_t count;
  std::memcpy(&count, b.data() + 12, 4);
  if (count > 16 || 32 + uint64_t{count} * 32 > b.size()) return b;
  const uint64_t size = b.size();
  std::memcpy(b.data() + 16, &size, 8);
  for (uint32_t i = 0; i < count; ++i) {
    const size_t at = 32 + i * 32;
    uint64_t offset, len;
    std::memcpy(&offset, b.data() + at + 8, 8);
    std::memcpy(&len, b.data() + at + 16, 8);
    if (offset > b.size() || len > b.size() - offset) continue;
    const uint64_t sum = warden::core::Hash64(std::string_view(b).substr(offset, len));
    std::memcpy(b.data() + at + 24, &sum, 8);
  }
  const uint64_t table = warden::core::Hash64(std::string_view(b).substr(32, count * 32));
  std::memcpy(b.data() + 24, &table, 8);
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  TryLoad(bytes);
  TryLoad(Reseal(bytes));
  return 0;
}
