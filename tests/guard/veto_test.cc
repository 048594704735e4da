#include <gtest/gtest.h>

#include <cmath>

#include "warden/guard/stream.h"

namespace warden::guard {
namespace {

// A word-level tokenizer over a fixed vocabulary, enough to drive the veto.
class WordTokenizer final : public text::Tokenizer {
 public:
  explicit WordTokenizer(std::vector<std::string> words) : words_(std::move(words)) {}
  int32_t vocab_size() const override { return static_cast<int32_t>(words_.size()); }
  Status Encode(std::string_view, std::vector<TokenId>*) const override { return Status::Ok(); }
  std::string_view TokenBytes(TokenId id) const override { return words_[static_cast<size_t>(id)]; }
  std::string fingerprint() const override { return "words"; }

 private:
  std::vector<std::string> words_;
};

TEST(GuardVeto, VetoesTokensThatCompleteADeniedTerm) {
  auto lex = LexiconScanner::Create(BuiltinDenyList(), BuiltinAllowList());
  ASSERT_TRUE(lex.ok());
  WordTokenizer tok({"what", " the", " f", "uck", "un", " sh", "it", "ore", " cocktail"});
  LexiconVetoProcessor veto(lex->get(), &tok, 0.5);
  std::vector<lm::TokenCandidate> cands;
  for (TokenId id = 0; id < tok.vocab_size(); ++id) cands.push_back({id, 1.0f, 0});
  lm::CandidateArray arr{cands.data(), cands.size()};
  const std::vector<TokenId> history = {0, 1, 2};  // "what the f"
  veto.Apply(history, &arr);
  EXPECT_TRUE(std::isinf(cands[3].logit));   // "uck" completes the term
  EXPECT_FALSE(std::isinf(cands[4].logit));  // "fun" is fine
  EXPECT_FALSE(std::isinf(cands[8].logit));
  for (auto& c : cands) c.logit = 1.0f;
  const std::vector<TokenId> sh = {0, 5};  // "what sh"
  veto.Apply(sh, &arr);
  EXPECT_TRUE(std::isinf(cands[6].logit));   // "shit"
  EXPECT_FALSE(std::isinf(cands[7].logit));  // "shore"
  EXPECT_EQ(veto.vetoed(), 2u);
}

}  // namespace
}  // namespace warden::guard
