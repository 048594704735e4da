#include "warden/lm/generate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "warden/text/bpe_tokenizer.h"
#include "warden/text/utf8.h"

namespace warden::lm {
namespace {

TEST(CompleteUtf8PrefixTest, HoldsBackUnfinishedCharacters) {
  EXPECT_EQ(CompleteUtf8Prefix("abc"), 3u);
  EXPECT_EQ(CompleteUtf8Prefix(""), 0u);
  EXPECT_EQ(CompleteUtf8Prefix("a\xc3"), 1u);  // half of é
  EXPECT_EQ(CompleteUtf8Prefix("a\xc3\xa9"), 3u);
  EXPECT_EQ(CompleteUtf8Prefix("a\xe2\x82"), 1u);     // two thirds of €
  EXPECT_EQ(CompleteUtf8Prefix("\xf0\x9f\x98"), 0u);  // three quarters of an emoji
  EXPECT_EQ(CompleteUtf8Prefix("\xf0\x9f\x98\x80"), 4u);
  EXPECT_EQ(CompleteUtf8Prefix("\x80\x80\x80\x80"), 4u);  // never valid: passed through
}

// A model with fixed preferences over a tiny trained tokenizer, so that the
// loop can be tested without a trained n-gram file.
class FixedModel final : public LanguageModel {
 public:
  FixedModel(text::BpeTokenizer tok, std::vector<float> logits)
      : tok_(std::move(tok)), logits_(std::move(logits)) {}
  const text::Tokenizer& tokenizer() const override { return tok_; }
  int32_t vocab_size() const override { return tok_.vocab_size(); }
  std::string description() const override { return "fixed"; }
  bool wants_leading_eos() const override { return true; }
  Result<std::unique_ptr<LmSession>> NewSession() const override {
    return std::unique_ptr<LmSession>(new Session(this));
  }

 private:
  class Session final : public LmSession {
   public:
    explicit Session(const FixedModel* m) : m_(m) {}
    Status Append(std::span<const TokenId> t) override {
      for (TokenId id : t) {
        if (id < 0 || id >= m_->vocab_size()) return Status::OutOfRange("bad id");
      }
      h_.insert(h_.end(), t.begin(), t.end());
      return Status::Ok();
    }
    Status NextLogits(std::span<float> out) override {
      std::copy(m_->logits_.begin(), m_->logits_.end(), out.begin());
      // After the lead byte of "é" only its continuation byte may follow, so
      // the output is valid UTF-8 split across tokens.
      if (!h_.empty() && h_.back() == 0xC3) {
        std::fill(out.begin(), out.end(), -30.0f);
        out[0xA9] = 0.0f;
      }
      return Status::Ok();
    }
    void Reset() override { h_.clear(); }
    std::span<const TokenId> history() const override { return h_; }

   private:
    const FixedModel* m_;
    std::vector<TokenId> h_;
  };
  text::BpeTokenizer tok_;
  std::vector<float> logits_;
};

text::BpeTokenizer SmallTokenizer() {
  std::vector<std::string> texts = {"hello world", "hello there", "caf\xc3\xa9 au lait"};
  text::BpeTokenizer::TrainOptions o;
  o.vocab_size = 300;
  auto t = text::BpeTokenizer::Train(texts, o);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

TEST(GenerateTest, StreamsWholeCharactersAndStopsAtEos) {
  text::BpeTokenizer tok = SmallTokenizer();
  const int32_t v = tok.vocab_size();
  const TokenId eos = tok.eos();
  // Mostly "é" as two byte tokens (0xC3 then 0xA9), sometimes end of text.
  std::vector<float> logits(v, -30.0f);
  logits[0xC3] = 0.0f;
  logits[eos] = -2.0f;
  FixedModel model(std::move(tok), logits);
  SamplerChain chain({1.0f, 0, 1.0f, 5});
  std::string streamed;
  std::vector<std::string> pieces;
  GenerateOptions go;
  go.max_tokens = 500;
  auto g = Generate(model, chain, "", go, [&](std::string_view p) {
    pieces.emplace_back(p);
    streamed.append(p);
    return Status::Ok();
  });
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_TRUE(g->hit_eos);
  EXPECT_EQ(streamed, g->text);
  EXPECT_EQ(g->prompt_tokens.front(), eos);
  // Every piece is whole characters: valid UTF-8 on its own.
  ASSERT_GT(pieces.size(), 1u);
  for (const std::string& p : pieces) EXPECT_EQ(text::FindInvalidUtf8(p), std::string::npos) << p;
}

TEST(GenerateTest, MinTokensVetoesEarlyEos) {
  text::BpeTokenizer tok = SmallTokenizer();
  std::vector<float> logits(tok.vocab_size(), -30.0f);
  logits[tok.eos()] = 10.0f;  // the model wants to stop at once
  logits['a'] = 0.0f;
  FixedModel model(std::move(tok), logits);
  SamplerChain chain({1.0f, 0, 1.0f, 1});
  GenerateOptions go;
  go.max_tokens = 30;
  go.min_tokens = 12;
  auto g = Generate(model, chain, "hello", go);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->tokens.size(), 12u);
  EXPECT_TRUE(g->hit_eos);
  EXPECT_EQ(g->text, std::string(12, 'a'));
}

TEST(GenerateTest, IllFormedBytesBecomeReplacementCharacters) {
  text::BpeTokenizer tok = SmallTokenizer();
  // Only a lone continuation byte: never valid UTF-8.
  std::vector<float> logits(tok.vocab_size(), -30.0f);
  logits[0x80] = 0.0f;
  FixedModel model(std::move(tok), logits);
  SamplerChain chain({1.0f, 0, 1.0f, 1});
  GenerateOptions go;
  go.max_tokens = 5;
  std::string streamed;
  auto g = Generate(model, chain, "", go, [&](std::string_view p) {
    streamed.append(p);
    return Status::Ok();
  });
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->tokens, std::vector<TokenId>(5, 0x80));
  std::string want;
  for (int i = 0; i < 5; ++i) want += "\xef\xbf\xbd";
  EXPECT_EQ(g->text, want);
  EXPECT_EQ(streamed, want);
}

TEST(GenerateTest, CallbackErrorStopsGeneration) {
  text::BpeTokenizer tok = SmallTokenizer();
  std::vector<float> logits(tok.vocab_size(), -30.0f);
  logits['x'] = 0.0f;
  FixedModel model(std::move(tok), logits);
  SamplerChain chain({1.0f, 0, 1.0f, 1});
  int calls = 0;
  auto g = Generate(model, chain, "", {}, [&](std::string_view) {
    return ++calls == 3 ? Status::IOError("stdout closed") : Status::Ok();
  });
  EXPECT_EQ(g.status().code(), StatusCode::kIOError);
  EXPECT_EQ(calls, 3);
}

TEST(GenerateTest, InvalidPromptIsAnError) {
  text::BpeTokenizer tok = SmallTokenizer();
  FixedModel model(std::move(tok), std::vector<float>(300, 0.0f));
  SamplerChain chain({1.0f, 0, 1.0f, 1});
  auto g = Generate(model, chain, "bad \xff prompt", {});
  EXPECT_EQ(g.status().code(), StatusCode::kInvalidArgument);
  GenerateOptions neg;
  neg.max_tokens = -1;
  EXPECT_FALSE(Generate(model, chain, "ok", neg).ok());
}

}  // namespace
}  // namespace warden::lm
