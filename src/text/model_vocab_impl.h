// Internals of the model tokenizers (model_vocab.h): the tables both
// families share and the two merge algorithms. Not a public API; tests
// include it to check the algorithms on hand-built tables.
#ifndef WARDEN_SRC_TEXT_MODEL_VOCAB_IMPL_H_
#define WARDEN_SRC_TEXT_MODEL_VOCAB_IMPL_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/model_vocab_pretok.h"
#include "warden/text/model_vocab.h"

namespace warden::text {

// Hash map keyed by string_view that can look up without allocating.
struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
using TokenIndex = std::unordered_map<std::string, TokenId, SvHash, std::equal_to<>>;

// GPT-2's reversible byte <-> character mapping: printable Latin-1 bytes map
// to themselves, the other 68 bytes to U+0100.. in order, so every byte
// string becomes printable text without spaces.
struct ByteCharMap {
  std::array<std::string, 256> byte_to_utf8;  // UTF-8 of the character for each byte
  std::unordered_map<uint32_t, uint8_t> char_to_byte;
};
const ByteCharMap& Gpt2ByteChars();
// Maps stored GPT-2 token text back to bytes; characters outside the mapping
// are kept as their UTF-8 (user-defined tokens are stored raw).
std::string Gpt2TextToBytes(std::string_view text);

// SentencePiece-style encoding of one piece of text (spaces already
// replaced by U+2581) with score-driven merges and byte fallback.
struct SpmTables {
  const TokenIndex* mergeable = nullptr;  // text -> id of tokens merges may form
  const std::vector<float>* scores = nullptr;
  std::array<TokenId, 256> byte_tokens{};  // <0xNN> ids, -1 when absent
  TokenId unk = -1;
};
void SpmEncodePiece(const SpmTables& t, std::string_view text, std::vector<TokenId>* out);

// Byte-level BPE of one pre-token: bytes -> byte-character tokens, then
// merges lowest rank first (leftmost among equal ranks).
struct BpeTables {
  std::array<TokenId, 256> byte_tokens{};
  // (left id << 32 | right id) -> (rank << 32 | result id)
  std::unordered_map<uint64_t, uint64_t> merges;
};
void BpeEncodePiece(const BpeTables& t, std::string_view piece, std::vector<TokenId>* out);

// Encode keeps a per-thread cache of recent pieces (results never depend on
// it). Tests turn it off to compare against the plain algorithm.
void SetModelPieceCacheEnabled(bool enabled);
bool ModelPieceCacheEnabled();

// True when no token that merges can form has a U+2581 right after another
// character, so SentencePiece text can be cut before each U+2581 that
// follows another character without changing the result (no merge can
// cross such a cut).
bool SpmWordsAreIndependent(const TokenIndex& mergeable);

}  // namespace warden::text

#endif  // WARDEN_SRC_TEXT_MODEL_VOCAB_IMPL_H_
