// The decoding loop (warden/generate.h).
#include "warden/lm/generate.h"

#include <limits>
#include <memory>

#include "warden/text/utf8.h"

namespace warden::lm {
namespace {

// Vetoes end-of-text until `min_tokens` tokens have been generated.
class MinLengthProcessor final : public LogitsProcessor {
 public:
  MinLengthProcessor(TokenId eos, int32_t min_tokens) : eos_(eos), remaining_(min_tokens) {}
  std::string_view name() const override { return "min-length"; }
  void Apply(std::span<const TokenId>, CandidateArray* c) override {
    if (remaining_ <= 0) return;
    for (size_t i = 0; i < c->size; ++i) {
      if (c->data[i].id == eos_) c->data[i].logit = -std::numeric_limits<float>::infinity();
    }
  }
  void Accept(TokenId) override { --remaining_; }

 private:
  TokenId eos_;
  int32_t remaining_;
};

// Appends `bytes` to `text` and streams them. A byte-level model can emit
// byte tokens that do not form UTF-8; each ill-formed part becomes U+FFFD so
// that what users and JSON see is always valid text.
Status Emit(std::string_view bytes, std::string* out,
            const std::function<Status(std::string_view)>& on_text) {
  std::string repaired;
  if (text::FindInvalidUtf8(bytes) != std::string_view::npos) {
    text::AppendRepairedUtf8(bytes, &repaired);
    bytes = repaired;
  }
  out->append(bytes);
  return on_text ? on_text(bytes) : Status::Ok();
}

}  // namespace

size_t CompleteUtf8Prefix(std::string_view b) {
  // Look back at most 3 bytes for the lead byte of an unfinished sequence.
  const size_t n = b.size();
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    const unsigned char c = static_cast<unsigned char>(b[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte: keep looking
    size_t need = 0;
    if ((c & 0xE0) == 0xC0)
      need = 2;
    else if ((c & 0xF0) == 0xE0)
      need = 3;
    else if ((c & 0xF8) == 0xF0)
      need = 4;
    return (need > back) ? n - back : n;
  }
  return n;
}

Result<Generation> Generate(const LanguageModel& model, SamplerChain& chain,
                            std::string_view prompt, const GenerateOptions& opts,
                            const std::function<Status(std::string_view)>& on_text) {
  if (opts.max_tokens < 0) return Status::InvalidArgument("max tokens must be >= 0");
  const text::Tokenizer& tok = model.tokenizer();
  const TokenId eos = tok.eos();
  Generation g;
  if (model.wants_leading_eos() && eos >= 0) g.prompt_tokens.push_back(eos);
  WARDEN_RETURN_IF_ERROR(tok.Encode(prompt, &g.prompt_tokens).WithContext("prompt"));
  WARDEN_ASSIGN_OR_RETURN(std::unique_ptr<LmSession> session, model.NewSession());
  WARDEN_RETURN_IF_ERROR(session->Append(g.prompt_tokens));
  if (opts.min_tokens > 0 && eos >= 0)
    chain.AddProcessor(std::make_unique<MinLengthProcessor>(eos, opts.min_tokens));

  std::vector<float> logits(static_cast<size_t>(model.vocab_size()));
  std::string pending;
  for (int32_t i = 0; i < opts.max_tokens; ++i) {
    WARDEN_RETURN_IF_ERROR(session->NextLogits(logits));
    WARDEN_ASSIGN_OR_RETURN(TokenId next, chain.Sample(logits, session->history()));
    if (next == eos && opts.stop_at_eos) {
      g.hit_eos = true;
      break;
    }
    WARDEN_RETURN_IF_ERROR(session->Append(std::span<const TokenId>(&next, 1)));
    g.tokens.push_back(next);
    pending.append(tok.TokenBytes(next));
    const size_t complete = CompleteUtf8Prefix(pending);
    if (complete > 0) {
      WARDEN_RETURN_IF_ERROR(Emit(std::string_view(pending.data(), complete), &g.text, on_text));
      pending.erase(0, complete);
    }
  }
  // A model can stop inside a character: the stray bytes become U+FFFD.
  if (!pending.empty()) WARDEN_RETURN_IF_ERROR(Emit(pending, &g.text, on_text));
  return g;
}

}  // namespace warden::lm
