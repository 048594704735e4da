// GgufModel: the transformer engine behind the LanguageModel interface.
#include "warden/lm/gguf_model.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "warden/lm/transformer.h"

namespace warden::lm {
namespace {

Result<TokenId> SpecialId(const GgufFile& f, const char* key, size_t vocab) {
  const GgufValue* v = f.Find(key);
  if (v == nullptr) return TokenId{-1};
  WARDEN_ASSIGN_OR_RETURN(int64_t id, f.GetInt(key));
  if (id < 0 || static_cast<size_t>(id) >= vocab) {
    return Status::Corruption(f.name() + ": " + key + " " + std::to_string(id) + " out of range");
  }
  return static_cast<TokenId>(id);
}

class GgufSession final : public LmSession {
 public:
  GgufSession(const Transformer* tf, TokenId implicit_bos, int threads)
      : tf_(tf), bos_(implicit_bos), state_(tf->NewState(threads)) {}

  Status Append(std::span<const TokenId> tokens) override {
    const int32_t vocab = tf_->config().vocab_size;
    for (TokenId id : tokens) {
      if (id < 0 || id >= vocab) {
        return Status::OutOfRange("token id " + std::to_string(id) + " outside the vocabulary");
      }
    }
    pending_.insert(pending_.end(), tokens.begin(), tokens.end());
    history_.insert(history_.end(), tokens.begin(), tokens.end());
    return Status::Ok();
  }

  // Tokens are run lazily, all pending ones in one batch (prompt processing);
  // the last logits are kept so asking twice costs nothing.
  Status NextLogits(std::span<float> logits) override {
    if (logits.size() != static_cast<size_t>(tf_->config().vocab_size)) {
      return Status::InvalidArgument("logits buffer size differs from the vocabulary size");
    }
    if (pending_.empty() && state_->position() > 0) {
      std::copy(last_.begin(), last_.end(), logits.begin());
      return Status::Ok();
    }
    if (state_->position() == 0 && bos_ >= 0) pending_.insert(pending_.begin(), bos_);
    Status s = tf_->Forward(state_.get(), pending_, logits);
    if (!s.ok()) {
      if (state_->position() == 0 && bos_ >= 0) pending_.erase(pending_.begin());
      return s;
    }
    pending_.clear();
    last_.assign(logits.begin(), logits.end());
    return Status::Ok();
  }

  void Reset() override {
    state_->Reset();
    pending_.clear();
    history_.clear();
  }
  std::span<const TokenId> history() const override { return history_; }

 private:
  const Transformer* tf_;
  TokenId bos_;
  std::unique_ptr<Transformer::State> state_;
  std::vector<TokenId> pending_, history_;
  std::vector<float> last_;
};

class GgufModel final : public LanguageModel {
 public:
  GgufModel(std::string path, std::unique_ptr<GgufFile> file, std::unique_ptr<Transformer> tf,
            std::unique_ptr<text::Tokenizer> tok, TokenId implicit_bos, int threads)
      : path_(std::move(path)),
        file_(std::move(file)),
        tf_(std::move(tf)),
        tok_(std::move(tok)),
        bos_(implicit_bos),
        threads_(threads) {}

  const text::Tokenizer& tokenizer() const override { return *tok_; }
  int32_t vocab_size() const override { return tf_->config().vocab_size; }
  Result<std::unique_ptr<LmSession>> NewSession() const override {
    return std::unique_ptr<LmSession>(new GgufSession(tf_.get(), bos_, threads_));
  }
  std::string description() const override {
    const TransformerConfig& c = tf_->config();
    char buf[256];
    std::snprintf(buf, sizeof(buf),
                  "GGUF %s: %d layers, width %d, %d/%d heads, vocabulary %d, %.1f MB weights read "
                  "per token (%s)",
                  c.arch.c_str(), c.n_layer, c.d_model, c.n_head, c.n_kv_head, c.vocab_size,
                  static_cast<double>(tf_->bytes_per_token()) / 1e6, path_.c_str());
    return buf;
  }
  bool wants_leading_eos() const override { return false; }

 private:
  std::string path_;
  std::unique_ptr<GgufFile> file_;
  std::unique_ptr<Transformer> tf_;
  std::unique_ptr<text::Tokenizer> tok_;
  TokenId bos_;
  int threads_;
};

}  // namespace

bool LooksLikeGguf(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char magic[4] = {};
  const bool ok = std::fread(magic, 1, 4, f) == 4 && std::memcmp(magic, "GGUF", 4) == 0;
  std::fclose(f);
  return ok;
}

Result<text::ModelVocab> ReadModelVocab(const GgufFile& f) {
  text::ModelVocab v;
  WARDEN_ASSIGN_OR_RETURN(v.model, f.GetString("tokenizer.ggml.model"));
  if (f.Find("tokenizer.ggml.pre")) {
    WARDEN_ASSIGN_OR_RETURN(v.pre, f.GetString("tokenizer.ggml.pre"));
  } else {
    v.pre = "default";
  }
  const GgufValue* tokens = f.Find("tokenizer.ggml.tokens");
  if (tokens == nullptr || !tokens->is_array() || tokens->element_type != GgufValueType::kString) {
    return Status::Corruption(f.name() + ": tokenizer.ggml.tokens missing or not strings");
  }
  v.tokens = tokens->strings;
  const size_t n = v.tokens.size();
  if (const GgufValue* s = f.Find("tokenizer.ggml.scores")) {
    if (!s->is_array() || s->element_type == GgufValueType::kString || s->numbers.size() != n) {
      return Status::Corruption(f.name() + ": tokenizer.ggml.scores does not match the tokens");
    }
    v.scores.assign(s->numbers.begin(), s->numbers.end());
  }
  if (const GgufValue* t = f.Find("tokenizer.ggml.token_type")) {
    if (!t->is_array() || t->element_type == GgufValueType::kString || t->numbers.size() != n) {
      return Status::Corruption(f.name() + ": tokenizer.ggml.token_type does not match the tokens");
    }
    for (double x : t->numbers) {
      if (x < 0 || x > 6 || x != static_cast<int32_t>(x)) {
        return Status::Corruption(f.name() + ": bad token type in tokenizer.ggml.token_type");
      }
      v.token_types.push_back(static_cast<text::VocabTokenType>(static_cast<int32_t>(x)));
    }
  }
  if (const GgufValue* m = f.Find("tokenizer.ggml.merges")) {
    if (!m->is_array() || m->element_type != GgufValueType::kString) {
      return Status::Corruption(f.name() + ": tokenizer.ggml.merges is not strings");
    }
    v.merges = m->strings;
  }
  WARDEN_ASSIGN_OR_RETURN(v.bos, SpecialId(f, "tokenizer.ggml.bos_token_id", n));
  WARDEN_ASSIGN_OR_RETURN(v.eos, SpecialId(f, "tokenizer.ggml.eos_token_id", n));
  WARDEN_ASSIGN_OR_RETURN(v.unk, SpecialId(f, "tokenizer.ggml.unknown_token_id", n));
  WARDEN_ASSIGN_OR_RETURN(v.pad, SpecialId(f, "tokenizer.ggml.padding_token_id", n));
  WARDEN_ASSIGN_OR_RETURN(v.eot, SpecialId(f, "tokenizer.ggml.eot_token_id", n));
  WARDEN_ASSIGN_OR_RETURN(int64_t add_bos,
                          f.GetIntOr("tokenizer.ggml.add_bos_token", v.model == "llama"));
  WARDEN_ASSIGN_OR_RETURN(int64_t add_eos, f.GetIntOr("tokenizer.ggml.add_eos_token", 0));
  WARDEN_ASSIGN_OR_RETURN(int64_t space, f.GetIntOr("tokenizer.ggml.add_space_prefix", 1));
  v.add_bos = add_bos != 0;
  v.add_eos = add_eos != 0;
  v.add_space_prefix = space != 0;
  if (f.Find("tokenizer.chat_template")) {
    WARDEN_ASSIGN_OR_RETURN(v.chat_template, f.GetString("tokenizer.chat_template"));
  }
  return v;
}

Result<std::unique_ptr<LanguageModel>> LoadGgufModel(const std::string& path,
                                                     const GgufModelOptions& opts) {
  if (opts.threads < 1 || opts.threads > 256) {
    return Status::InvalidArgument("threads must be in [1, 256]");
  }
  WARDEN_ASSIGN_OR_RETURN(GgufFile parsed, GgufFile::Open(path));
  auto file = std::make_unique<GgufFile>(std::move(parsed));
  WARDEN_ASSIGN_OR_RETURN(std::unique_ptr<Transformer> tf, Transformer::Load(file.get()));
  WARDEN_ASSIGN_OR_RETURN(text::ModelVocab vocab, ReadModelVocab(*file));
  if (vocab.tokens.size() > static_cast<size_t>(tf->config().vocab_size)) {
    return Status::Corruption(path + ": the vocabulary has more tokens than the embedding rows");
  }
  auto tok = text::NewModelTokenizer(vocab);
  if (!tok.ok()) return tok.status().WithContext(path);
  const TokenId bos = vocab.add_bos ? vocab.bos : -1;
  return std::unique_ptr<LanguageModel>(new GgufModel(path, std::move(file), std::move(tf),
                                                      std::move(tok).value(), bos, opts.threads));
}

}  // namespace warden::lm
