// NewModelTokenizer refuses inconsistent vocabularies with a clear error.
#include <gtest/gtest.h>

#include <cmath>

#include "text/model_vocab_test_util.h"

namespace warden::text {
namespace {

Status BuildStatus(const ModelVocab& v) { return NewModelTokenizer(v).status(); }

void ExpectError(const ModelVocab& v, StatusCode code, const std::string& words) {
  Status s = BuildStatus(v);
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_NE(s.message().find(words), std::string::npos) << s.message();
}

TEST(ModelVocabValidationTest, GoodVocabulariesBuild) {
  EXPECT_TRUE(BuildStatus(testing::SpmVocab({{"a", -1}})).ok());
  EXPECT_TRUE(BuildStatus(testing::Gpt2Vocab({"a b"}, "qwen2")).ok());
}

TEST(ModelVocabValidationTest, FamilyAndPreTokenizerMustBeKnown) {
  ModelVocab v = testing::SpmVocab({});
  v.model = "bert";
  ExpectError(v, StatusCode::kUnimplemented, "bert");
  ExpectError(testing::Gpt2Vocab({}, "falcon"), StatusCode::kUnimplemented, "falcon");
}

TEST(ModelVocabValidationTest, SizesAndIdsMustAgree) {
  ModelVocab v = testing::SpmVocab({{"a", -1}});
  v.scores.pop_back();
  ExpectError(v, StatusCode::kInvalidArgument, "scores");
  v = testing::SpmVocab({{"a", -1}});
  v.token_types.push_back(VocabTokenType::kNormal);
  ExpectError(v, StatusCode::kInvalidArgument, "token types");
  v = testing::SpmVocab({{"a", -1}});
  v.eos = static_cast<TokenId>(v.tokens.size());
  ExpectError(v, StatusCode::kInvalidArgument, "eos");
  v = testing::SpmVocab({{"a", -1}});
  v.bos = -1;  // add_bos is set
  ExpectError(v, StatusCode::kInvalidArgument, "add_bos");
  v = testing::SpmVocab({{"a", -1}});
  v.scores[3] = std::nanf("");
  ExpectError(v, StatusCode::kInvalidArgument, "not finite");
  v = testing::SpmVocab({{"a", -1}});
  v.token_types[3] = static_cast<VocabTokenType>(9);
  ExpectError(v, StatusCode::kInvalidArgument, "unknown type");
  ModelVocab empty;
  empty.model = "llama";
  ExpectError(empty, StatusCode::kInvalidArgument, "no tokens");
}

TEST(ModelVocabValidationTest, MergesMustNameTokens) {
  ModelVocab v = testing::Gpt2Vocab({"a b"}, "gpt2");
  v.merges.push_back("zz b");
  ExpectError(v, StatusCode::kInvalidArgument, "left side");
  v = testing::Gpt2Vocab({"a b"}, "gpt2");
  v.merges.push_back("a c");  // "ac" is not a token
  ExpectError(v, StatusCode::kInvalidArgument, "merged text");
  v = testing::Gpt2Vocab({"a b"}, "gpt2");
  v.merges.push_back("ab");
  ExpectError(v, StatusCode::kInvalidArgument, "left right");
}

TEST(ModelVocabValidationTest, EveryTextMustBeEncodable) {
  ModelVocab v = testing::Gpt2Vocab({}, "gpt2");
  v.tokens[0x41] = "not-A";
  ExpectError(v, StatusCode::kInvalidArgument, "byte 65");
  ModelVocab spm = testing::SpmVocab({{"a", -1}}, /*byte_tokens=*/false);
  spm.unk = -1;
  spm.token_types[0] = VocabTokenType::kNormal;
  ExpectError(spm, StatusCode::kInvalidArgument, "no unknown token");
  ModelVocab bad_byte = testing::SpmVocab({});
  bad_byte.tokens[3] = "<0xZZ>";
  ExpectError(bad_byte, StatusCode::kInvalidArgument, "not <0xNN>");
}

}  // namespace
}  // namespace warden::text
