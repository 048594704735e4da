// BpeTokenizer::Serialize / Deserialize: the "BPE tokenizer blob" of
// docs/formats.md.
#include <cstring>
#include <limits>

#include "text/bpe_impl.h"
#include "text/pretokenize.h"
#include "warden/text/bpe_tokenizer.h"

namespace warden::text {
namespace {

constexpr char kMagic[4] = {'W', 'B', 'P', 'E'};
constexpr uint32_t kFormatVersion = 1;
// magic, format version, pre-tokenizer version, vocab size, merge count.
constexpr size_t kHeaderBytes = 4 + 4 * 4;
constexpr size_t kChecksumBytes = 8;

void PutU32(std::string* s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutU64(std::string* s, uint64_t v) {
  for (int i = 0; i < 8; ++i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

Status Bad(const std::string& what) { return Status::Corruption("BPE tokenizer blob: " + what); }

}  // namespace

std::string BpeTokenizer::Serialize() const {
  const auto merges = impl_->merges;
  std::string s;
  s.reserve(kHeaderBytes + merges.size() * 8 + kChecksumBytes);
  s.append(kMagic, sizeof(kMagic));
  PutU32(&s, kFormatVersion);
  PutU32(&s, text::kPreTokenizerVersion);
  PutU32(&s, static_cast<uint32_t>(impl_->vocab_size()));
  PutU32(&s, static_cast<uint32_t>(merges.size()));
  for (const Merge& m : merges) {
    PutU32(&s, static_cast<uint32_t>(m.left));
    PutU32(&s, static_cast<uint32_t>(m.right));
  }
  PutU64(&s, core::Hash64(s));
  return s;
}

Result<BpeTokenizer> BpeTokenizer::Deserialize(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes + kChecksumBytes) {
    return Bad("truncated (" + std::to_string(bytes.size()) + " bytes, header needs " +
               std::to_string(kHeaderBytes + kChecksumBytes) + ")");
  }
  if (std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return Bad("bad magic (not a warden BPE tokenizer)");
  }
  const char* p = bytes.data() + sizeof(kMagic);
  const uint32_t version = GetU32(p);
  const uint32_t pretok_version = GetU32(p + 4);
  const uint32_t vocab_size = GetU32(p + 8);
  const uint32_t num_merges = GetU32(p + 12);
  if (version != kFormatVersion) {
    return Bad("unsupported format version " + std::to_string(version) + " (this build reads " +
               std::to_string(kFormatVersion) + ")");
  }
  if (pretok_version != text::kPreTokenizerVersion) {
    return Bad("unsupported pre-tokenizer version " + std::to_string(pretok_version) +
               " (this build has " + std::to_string(text::kPreTokenizerVersion) + ")");
  }
  if (vocab_size < static_cast<uint32_t>(text::kFirstMergeId) ||
      vocab_size > static_cast<uint32_t>(text::kMaxVocabSize)) {
    return Bad("vocabulary size " + std::to_string(vocab_size) + " outside [257, 2^20]");
  }
  if (static_cast<uint64_t>(num_merges) + text::kFirstMergeId != vocab_size) {
    return Bad("merge count " + std::to_string(num_merges) + " does not match vocabulary size " +
               std::to_string(vocab_size));
  }
  // num_merges < 2^20 here, so this cannot overflow.
  const uint64_t expected = kHeaderBytes + uint64_t{num_merges} * 8 + kChecksumBytes;
  if (bytes.size() != expected) {
    return Bad("size " + std::to_string(bytes.size()) + " bytes, expected " +
               std::to_string(expected) + " for " + std::to_string(num_merges) + " merges");
  }
  const size_t payload = bytes.size() - kChecksumBytes;
  if (GetU64(bytes.data() + payload) != core::Hash64(bytes.substr(0, payload))) {
    return Bad("checksum mismatch");
  }
  std::vector<std::pair<TokenId, TokenId>> pairs;
  pairs.reserve(num_merges);
  const char* m = bytes.data() + kHeaderBytes;
  for (uint32_t i = 0; i < num_merges; ++i, m += 8) {
    const uint32_t left = GetU32(m), right = GetU32(m + 4);
    // Out-of-range values map to -1, which Build rejects.
    auto id = [](uint32_t v) {
      return v < uint32_t{text::kMaxVocabSize} ? TokenId(v) : TokenId{-1};
    };
    pairs.emplace_back(id(left), id(right));
  }
  try {
    WARDEN_ASSIGN_OR_RETURN(auto impl, Impl::Build(std::move(pairs)));
    return BpeTokenizer(std::move(impl));
  } catch (const std::bad_alloc&) {
    return Status::OutOfRange("BPE tokenizer blob: out of memory");
  }
}

}  // namespace warden::text
