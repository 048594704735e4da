// NewModelTokenizer: validates a ModelVocab and builds the tokenizer of its
// family (see model_vocab.h). The merge algorithms live in
// model_tok_merge.cc, the pre-tokenizers in model_tok_pretok.cc; this file
// owns validation, special tokens, BOS/EOS rules and decoding.
#include <algorithm>
#include <cmath>
#include <cstring>

#include <atomic>

#include "text/model_vocab_impl.h"
#include "text/piece_cache.h"
#include "warden/core/hash.h"
#include "warden/text/utf8.h"

namespace warden::text {
namespace {

std::atomic<bool> g_piece_cache_enabled{true};
std::atomic<uint64_t> g_next_tokenizer_serial{1};

// The calling thread's cache of piece -> ids, for one tokenizer at a time
// (the serial of the tokenizer it belongs to; serials are never reused, so a
// new tokenizer at a freed address cannot see stale entries).
struct ThreadPieceCache {
  uint64_t owner = 0;
  PieceCache cache;
};
constexpr size_t kPieceCacheEntries = 1 << 14;
constexpr size_t kMaxCachedPieceBytes = 128;

PieceCache* CacheFor(uint64_t serial) {
  if (!g_piece_cache_enabled.load(std::memory_order_relaxed)) return nullptr;
  thread_local ThreadPieceCache tls;
  if (tls.owner != serial) {
    if (tls.cache.capacity() == 0) tls.cache.Reset(kPieceCacheEntries);
    tls.cache.Clear();
    tls.owner = serial;
  }
  if (tls.cache.full()) tls.cache.Clear();
  return &tls.cache;
}

// Runs `encode` on `piece` through the cache.
template <typename EncodeFn>
void CachedEncode(PieceCache* cache, std::string_view piece, std::vector<TokenId>* out,
                  const EncodeFn& encode) {
  if (cache == nullptr || piece.size() > kMaxCachedPieceBytes) {
    encode(piece, out);
    return;
  }
  const uint64_t h = text::HashPiece(piece);
  bool found = false;
  std::span<const TokenId> ids = cache->Find(piece, h, &found);
  if (found) {
    out->insert(out->end(), ids.begin(), ids.end());
    return;
  }
  const size_t start = out->size();
  encode(piece, out);
  cache->Insert(piece, h, std::span<const TokenId>(out->data() + start, out->size() - start));
}

constexpr size_t kMaxVocab = size_t{1} << 24;
// Symbol offsets in the merge loops are 32-bit.
constexpr size_t kMaxTextBytes = size_t{1} << 30;
constexpr std::string_view kSpmSpace = "\xE2\x96\x81";     // U+2581
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Parses "<0xNN>" (SentencePiece byte pieces); -1 otherwise.
int ParseBytePiece(std::string_view s) {
  if (s.size() != 6 || s.substr(0, 3) != "<0x" || s[5] != '>') return -1;
  int v = 0;
  for (char c : s.substr(3, 2)) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                   : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (true) {
    size_t j = s.find(from, i);
    if (j == std::string_view::npos) break;
    out.append(s.substr(i, j - i));
    out.append(to);
    i = j + from.size();
  }
  out.append(s.substr(i));
  return out;
}

// A control or user-defined token recognized in input text.
struct SpecialToken {
  std::string text;
  TokenId id;
  bool control;
};

class ModelTokenizerImpl final : public ModelTokenizer {
 public:
  static Result<std::unique_ptr<ModelTokenizer>> Build(const ModelVocab& v);

  int32_t vocab_size() const override { return static_cast<int32_t>(tokens_.size()); }
  Status Encode(std::string_view text, std::vector<TokenId>* out) const override {
    return EncodeForModel(text, /*add_special=*/false, /*parse_special=*/true, out);
  }
  std::string_view TokenBytes(TokenId id) const override {
    if (id < 0 || id >= vocab_size()) return {};
    return bytes_[id];
  }
  std::string fingerprint() const override { return fingerprint_; }
  TokenId eos() const override { return eos_; }
  TokenId bos() const override { return bos_; }
  bool IsSpecial(TokenId id) const override {
    return id >= 0 && id < vocab_size() &&
           (types_[id] == VocabTokenType::kControl || id == eos_ || id == bos_ || id == eot_);
  }

  const std::string& family() const override { return family_; }
  const std::string& pre() const override { return pre_name_; }
  bool add_bos() const override { return add_bos_; }
  bool add_eos() const override { return add_eos_; }
  bool add_space_prefix() const override { return add_space_prefix_; }
  TokenId unk() const override { return unk_; }
  TokenId eot() const override { return eot_; }
  std::string_view TokenText(TokenId id) const override {
    if (id < 0 || id >= vocab_size()) return {};
    return tokens_[id];
  }
  TokenId FindToken(std::string_view text) const override {
    auto it = index_.find(text);
    return it == index_.end() ? -1 : it->second;
  }
  Status EncodeForModel(std::string_view text, bool add_special, bool parse_special,
                        std::vector<TokenId>* out) const override;

 private:
  Status EncodeRaw(std::string_view fragment, bool first_or_after_special,
                   std::vector<TokenId>* out) const;
  Status BuildSpm(const ModelVocab& v);
  Status BuildBpe(const ModelVocab& v);
  void BuildSpecials();
  void ComputeFingerprint(const ModelVocab& v);

  std::string family_, pre_name_;
  std::vector<std::string> tokens_;
  std::vector<std::string> bytes_;  // TokenBytes
  std::vector<VocabTokenType> types_;
  std::vector<float> scores_;
  TokenIndex index_;      // every token's stored text (first id wins)
  TokenIndex mergeable_;  // SPM: tokens merges may form
  TokenId bos_ = -1, eos_ = -1, unk_ = -1, eot_ = -1;
  bool add_bos_ = false, add_eos_ = false, add_space_prefix_ = false;
  SpmTables spm_;
  BpeTables bpe_;
  std::unique_ptr<ModelPreTokenizer> pretok_;
  std::vector<SpecialToken> specials_;  // longest first
  std::array<bool, 256> special_first_byte_{};
  std::string fingerprint_;
  bool spm_words_independent_ = false;
  uint64_t serial_ = g_next_tokenizer_serial.fetch_add(1);
};

Status CheckId(TokenId id, size_t n, const char* what) {
  if (id < -1 || id >= static_cast<TokenId>(n)) {
    return Status::InvalidArgument(std::string("model vocabulary: ") + what + " id " +
                                   std::to_string(id) + " out of range [0, " + std::to_string(n) +
                                   ")");
  }
  return Status::Ok();
}

Result<std::unique_ptr<ModelTokenizer>> ModelTokenizerImpl::Build(const ModelVocab& v) {
  const size_t n = v.tokens.size();
  if (v.model != "llama" && v.model != "gpt2") {
    return Status::Unimplemented("model vocabulary: tokenizer model \"" + v.model +
                                 "\" not supported (supported: llama, gpt2)");
  }
  if (n == 0) return Status::InvalidArgument("model vocabulary: no tokens");
  if (n > kMaxVocab) {
    return Status::OutOfRange("model vocabulary: " + std::to_string(n) + " tokens (max " +
                              std::to_string(kMaxVocab) + ")");
  }
  if (!v.scores.empty() && v.scores.size() != n) {
    return Status::InvalidArgument("model vocabulary: " + std::to_string(v.scores.size()) +
                                   " scores for " + std::to_string(n) + " tokens");
  }
  if (!v.token_types.empty() && v.token_types.size() != n) {
    return Status::InvalidArgument("model vocabulary: " + std::to_string(v.token_types.size()) +
                                   " token types for " + std::to_string(n) + " tokens");
  }
  for (size_t i = 0; i < v.scores.size(); ++i) {
    if (!std::isfinite(v.scores[i])) {
      return Status::InvalidArgument("model vocabulary: score of token " + std::to_string(i) +
                                     " is not finite");
    }
  }
  for (size_t i = 0; i < v.token_types.size(); ++i) {
    const auto t = static_cast<int32_t>(v.token_types[i]);
    if (t < 0 || t > 6) {
      return Status::InvalidArgument("model vocabulary: token " + std::to_string(i) +
                                     " has unknown type " + std::to_string(t));
    }
  }
  WARDEN_RETURN_IF_ERROR(CheckId(v.bos, n, "bos"));
  WARDEN_RETURN_IF_ERROR(CheckId(v.eos, n, "eos"));
  WARDEN_RETURN_IF_ERROR(CheckId(v.unk, n, "unknown-token"));
  WARDEN_RETURN_IF_ERROR(CheckId(v.pad, n, "padding"));
  WARDEN_RETURN_IF_ERROR(CheckId(v.eot, n, "end-of-turn"));
  if (v.add_bos && v.bos < 0) {
    return Status::InvalidArgument("model vocabulary: add_bos is set but there is no bos token");
  }
  if (v.add_eos && v.eos < 0) {
    return Status::InvalidArgument("model vocabulary: add_eos is set but there is no eos token");
  }

  std::unique_ptr<ModelTokenizerImpl> tok(new ModelTokenizerImpl());
  tok->family_ = v.model;
  tok->tokens_ = v.tokens;
  tok->scores_ = v.scores;
  tok->bos_ = v.bos;
  tok->eos_ = v.eos;
  tok->unk_ = v.unk;
  tok->eot_ = v.eot;
  tok->add_bos_ = v.add_bos;
  tok->add_eos_ = v.add_eos;
  tok->types_ = v.token_types;
  if (tok->types_.empty()) {
    // Without types, the ids the metadata names are the only special tokens.
    tok->types_.assign(n, VocabTokenType::kNormal);
    for (TokenId id : {v.bos, v.eos, v.pad, v.eot}) {
      if (id >= 0) tok->types_[id] = VocabTokenType::kControl;
    }
    if (v.unk >= 0) tok->types_[v.unk] = VocabTokenType::kUnknown;
    if (v.model == "llama") {
      for (size_t i = 0; i < n; ++i) {
        if (ParseBytePiece(v.tokens[i]) >= 0) tok->types_[i] = VocabTokenType::kByte;
      }
    }
  }
  tok->index_.reserve(n);
  for (size_t i = 0; i < n; ++i) tok->index_.emplace(v.tokens[i], static_cast<TokenId>(i));

  if (v.model == "llama") {
    WARDEN_RETURN_IF_ERROR(tok->BuildSpm(v));
  } else {
    WARDEN_RETURN_IF_ERROR(tok->BuildBpe(v));
  }
  tok->BuildSpecials();
  tok->ComputeFingerprint(v);
  return std::unique_ptr<ModelTokenizer>(std::move(tok));
}

Status ModelTokenizerImpl::BuildSpm(const ModelVocab& v) {
  const size_t n = tokens_.size();
  add_space_prefix_ = v.add_space_prefix;
  spm_.byte_tokens.fill(-1);
  bytes_.resize(n);
  mergeable_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const auto id = static_cast<TokenId>(i);
    const VocabTokenType type = types_[i];
    const int byte = ParseBytePiece(tokens_[i]);
    if (type == VocabTokenType::kByte) {
      if (byte < 0) {
        return Status::InvalidArgument("model vocabulary: byte token " + std::to_string(i) +
                                       " is \"" + tokens_[i] + "\", not <0xNN>");
      }
      if (spm_.byte_tokens[byte] < 0) spm_.byte_tokens[byte] = id;
      bytes_[i] = std::string(1, static_cast<char>(byte));
      continue;
    }
    if (type == VocabTokenType::kControl) continue;  // no text
    if (type == VocabTokenType::kUnknown) {
      bytes_[i] = kReplacement;
      continue;
    }
    if (type == VocabTokenType::kUserDefined) {
      bytes_[i] = tokens_[i];
      continue;
    }
    bytes_[i] = ReplaceAll(tokens_[i], kSpmSpace, " ");
    if (type != VocabTokenType::kUnused) mergeable_.emplace(tokens_[i], id);
  }
  if (unk_ < 0) {
    for (int b = 0; b < 256; ++b) {
      if (spm_.byte_tokens[b] < 0) {
        return Status::InvalidArgument(
            "model vocabulary: llama tokenizer has no unknown token and no byte token <0x" +
            core::Hex64(static_cast<uint64_t>(b)).substr(14) +
            ">, so some text could not be encoded");
      }
    }
  }
  spm_words_independent_ = text::SpmWordsAreIndependent(mergeable_);
  spm_.mergeable = &mergeable_;
  spm_.scores = &scores_;
  spm_.unk = unk_;
  return Status::Ok();
}

Status ModelTokenizerImpl::BuildBpe(const ModelVocab& v) {
  const size_t n = tokens_.size();
  pre_name_ = v.pre.empty() ? "default" : v.pre;
  auto pre = ModelPreTokenizer::Compile(pre_name_);
  if (!pre.ok()) {
    return Status::Unimplemented("model vocabulary: " + pre.status().message());
  }
  pretok_ = std::move(pre).value();
  bytes_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const VocabTokenType type = types_[i];
    if (type == VocabTokenType::kControl) continue;
    if (type == VocabTokenType::kUnknown) {
      bytes_[i] = kReplacement;
    } else if (type == VocabTokenType::kUserDefined) {
      bytes_[i] = tokens_[i];
    } else {
      bytes_[i] = text::Gpt2TextToBytes(tokens_[i]);
    }
  }
  // Merges work on text tokens only: a control or user-defined token that
  // happens to spell the same text must not be produced by a merge (its
  // bytes would not be the text's).
  TokenIndex text_index;
  text_index.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const VocabTokenType type = types_[i];
    if (type == VocabTokenType::kControl || type == VocabTokenType::kUserDefined ||
        type == VocabTokenType::kUnknown) {
      continue;
    }
    text_index.emplace(tokens_[i], static_cast<TokenId>(i));
  }
  auto find_text = [&text_index](std::string_view t) -> TokenId {
    auto it = text_index.find(t);
    return it == text_index.end() ? -1 : it->second;
  };
  const ByteCharMap& map = text::Gpt2ByteChars();
  for (int b = 0; b < 256; ++b) {
    const TokenId id = find_text(map.byte_to_utf8[b]);
    if (id < 0) {
      return Status::InvalidArgument("model vocabulary: gpt2 tokenizer lacks the token of byte " +
                                     std::to_string(b) + " (\"" + map.byte_to_utf8[b] + "\")");
    }
    bpe_.byte_tokens[b] = id;
  }
  if (v.merges.size() >= (size_t{1} << 32)) {
    return Status::OutOfRange("model vocabulary: too many merges");
  }
  bpe_.merges.reserve(v.merges.size());
  for (size_t r = 0; r < v.merges.size(); ++r) {
    const std::string& m = v.merges[r];
    const size_t sp = m.find(' ', 1);  // a merge side is never empty
    auto bad = [&](const std::string& why) {
      return Status::InvalidArgument("model vocabulary: merge " + std::to_string(r) + " \"" + m +
                                     "\": " + why);
    };
    if (sp == std::string::npos || sp + 1 >= m.size()) return bad("not \"left right\"");
    const std::string_view left = std::string_view(m).substr(0, sp);
    const std::string_view right = std::string_view(m).substr(sp + 1);
    const TokenId l = find_text(left), rt = find_text(right);
    if (l < 0) return bad("left side is not a token");
    if (rt < 0) return bad("right side is not a token");
    std::string joined(left);
    joined.append(right);
    const TokenId result = find_text(joined);
    if (result < 0) return bad("merged text is not a token");
    const uint64_t key =
        (static_cast<uint64_t>(static_cast<uint32_t>(l)) << 32) | static_cast<uint32_t>(rt);
    // A repeated pair keeps its first (best) rank, as a ranked list implies.
    bpe_.merges.emplace(key, (static_cast<uint64_t>(r) << 32) | static_cast<uint32_t>(result));
  }
  return Status::Ok();
}

void ModelTokenizerImpl::BuildSpecials() {
  for (size_t i = 0; i < tokens_.size(); ++i) {
    const VocabTokenType type = types_[i];
    if (type != VocabTokenType::kControl && type != VocabTokenType::kUserDefined) continue;
    const std::string& t = tokens_[i];
    // Matching a token that is not valid UTF-8 could cut a character in two.
    if (t.empty() || FindInvalidUtf8(t) != std::string_view::npos) continue;
    if (FindToken(t) != static_cast<TokenId>(i)) continue;  // duplicate text
    specials_.push_back({t, static_cast<TokenId>(i), type == VocabTokenType::kControl});
  }
  std::stable_sort(
      specials_.begin(), specials_.end(),
      [](const SpecialToken& a, const SpecialToken& b) { return a.text.size() > b.text.size(); });
  for (const SpecialToken& s : specials_)
    special_first_byte_[static_cast<uint8_t>(s.text[0])] = true;
}

void ModelTokenizerImpl::ComputeFingerprint(const ModelVocab& v) {
  // Everything that decides text -> ids, length-prefixed so fields cannot
  // run into each other.
  std::string blob;
  auto put = [&blob](std::string_view s) {
    const uint64_t len = s.size();
    blob.append(reinterpret_cast<const char*>(&len), sizeof(len));
    blob.append(s);
  };
  put("warden-model-tokenizer-v1");
  put(v.model);
  put(pre_name_);
  put(add_space_prefix_ ? "space-prefix" : "no-space-prefix");
  put(std::to_string(unk_));
  for (size_t i = 0; i < tokens_.size(); ++i) {
    put(tokens_[i]);
    put(std::to_string(static_cast<int>(types_[i])));
    if (!scores_.empty()) put(std::string_view(reinterpret_cast<const char*>(&scores_[i]), 4));
  }
  for (const std::string& m : v.merges) put(m);
  fingerprint_ = core::Hex64(core::Hash64(blob));
}

Status ModelTokenizerImpl::EncodeRaw(std::string_view fragment, bool first_or_after_special,
                                     std::vector<TokenId>* out) const {
  PieceCache* cache = CacheFor(serial_);
  if (family_ == "llama") {
    std::string spaced;
    spaced.reserve(fragment.size() + 8);
    if (add_space_prefix_ && first_or_after_special) spaced.append(kSpmSpace);
    spaced.append(ReplaceAll(fragment, " ", kSpmSpace));
    auto encode = [this](std::string_view piece, std::vector<TokenId>* ids) {
      text::SpmEncodePiece(spm_, piece, ids);
    };
    if (!spm_words_independent_) {
      encode(spaced, out);
      return Status::Ok();
    }
    // Cut before each U+2581 that follows another character (exact, see
    // SpmWordsAreIndependent), so repeated words hit the cache.
    const std::string_view all(spaced);
    size_t word_start = 0;
    for (size_t i = 1; i + kSpmSpace.size() <= all.size(); ++i) {
      if (all.compare(i, kSpmSpace.size(), kSpmSpace) != 0) continue;
      if (i >= kSpmSpace.size() &&
          all.compare(i - kSpmSpace.size(), kSpmSpace.size(), kSpmSpace) == 0) {
        continue;
      }
      if (i > word_start) CachedEncode(cache, all.substr(word_start, i - word_start), out, encode);
      word_start = i;
    }
    CachedEncode(cache, all.substr(word_start), out, encode);
    return Status::Ok();
  }
  std::vector<std::string_view> pieces;
  WARDEN_RETURN_IF_ERROR(pretok_->Split(fragment, &pieces));
  auto encode = [this](std::string_view piece, std::vector<TokenId>* ids) {
    text::BpeEncodePiece(bpe_, piece, ids);
  };
  for (std::string_view piece : pieces) CachedEncode(cache, piece, out, encode);
  return Status::Ok();
}

Status ModelTokenizerImpl::EncodeForModel(std::string_view text, bool add_special,
                                          bool parse_special, std::vector<TokenId>* out) const {
  if (text.size() > kMaxTextBytes) {
    return Status::OutOfRange("text of " + std::to_string(text.size()) +
                              " bytes is too long to encode at once (max " +
                              std::to_string(kMaxTextBytes) + ")");
  }
  const size_t bad = FindInvalidUtf8(text);
  if (bad != std::string_view::npos) {
    return Status::InvalidArgument("invalid UTF-8 at byte " + std::to_string(bad));
  }
  std::vector<TokenId> ids;
  if (add_special && add_bos_) ids.push_back(bos_);
  bool after_special = true;
  size_t fragment_start = 0;
  if (parse_special && !specials_.empty()) {
    for (size_t i = 0; i < text.size();) {
      if (!special_first_byte_[static_cast<uint8_t>(text[i])]) {
        ++i;
        continue;
      }
      const SpecialToken* hit = nullptr;
      for (const SpecialToken& s : specials_) {
        if (text.compare(i, s.text.size(), s.text) == 0) {
          hit = &s;
          break;
        }
      }
      if (hit == nullptr) {
        ++i;
        continue;
      }
      if (i > fragment_start) {
        WARDEN_RETURN_IF_ERROR(
            EncodeRaw(text.substr(fragment_start, i - fragment_start), after_special, &ids));
      }
      ids.push_back(hit->id);
      after_special = true;
      i += hit->text.size();
      fragment_start = i;
    }
  }
  if (fragment_start < text.size()) {
    WARDEN_RETURN_IF_ERROR(EncodeRaw(text.substr(fragment_start), after_special, &ids));
  }
  if (add_special && add_eos_) ids.push_back(eos_);
  out->insert(out->end(), ids.begin(), ids.end());
  return Status::Ok();
}

}  // namespace

std::string ModelTokenizer::DecodeText(std::span<const TokenId> ids) const {
  std::string s = Decode(ids);
  if (add_space_prefix() && !s.empty() && s[0] == ' ') s.erase(0, 1);
  return s;
}

Result<std::unique_ptr<ModelTokenizer>> NewModelTokenizerFull(const ModelVocab& vocab) {
  return ModelTokenizerImpl::Build(vocab);
}

Result<std::unique_ptr<Tokenizer>> NewModelTokenizer(const ModelVocab& vocab) {
  WARDEN_ASSIGN_OR_RETURN(std::unique_ptr<ModelTokenizer> tok, ModelTokenizerImpl::Build(vocab));
  return std::unique_ptr<Tokenizer>(std::move(tok));
}

void SetModelPieceCacheEnabled(bool enabled) { g_piece_cache_enabled.store(enabled); }
bool ModelPieceCacheEnabled() { return g_piece_cache_enabled.load(); }

bool SpmWordsAreIndependent(const TokenIndex& mergeable) {
  for (const auto& [token, id] : mergeable) {
    for (size_t p = token.find(kSpmSpace, 1); p != std::string::npos;
         p = token.find(kSpmSpace, p + 1)) {
      if (p < kSpmSpace.size() ||
          token.compare(p - kSpmSpace.size(), kSpmSpace.size(), kSpmSpace) != 0) {
        return false;
      }
    }
  }
  return true;
}

std::vector<std::string> SupportedPreTokenizers() {
  return {"default", "gpt2", "llama-bpe", "qwen2", "smollm"};
}

}  // namespace warden::text
