// OpenModel: either kind of model file by its magic bytes, and whether each
// kind wants generation to start from an end-of-text token.
#include "warden/lm/open_model.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

#include "lm/ngram_testing.h"
#include "warden/core/io.h"
#include "warden/lm/generate.h"
#include "warden/lm/ngram.h"
#include "warden/lm/transformer.h"

namespace warden::lm {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("warden-open-model-test-" + name)).string();
}

TEST(OpenModelTest, OpensAnNgramModel) {
  const text::BpeTokenizer tok = testing::ByteTokenizer();
  std::mt19937_64 rng(5);
  const auto docs = testing::RandomDocs(rng, 20, 100, 10);
  NgramTrainOptions opts;
  opts.order = 3;
  auto bytes = NgramModel::TrainToBytes(tok, docs, opts);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  const std::string path = TempPath("ngram.wlm");
  ASSERT_TRUE(core::WriteFileAtomic(path, *bytes).ok());
  EXPECT_EQ(DetectModelFormat(path), ModelFormat::kNgram);
  auto model = OpenModel(path, OpenModelOptions{});
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_NE(dynamic_cast<const NgramModel*>(model->get()), nullptr);
  EXPECT_TRUE((*model)->wants_leading_eos());
  // Generation starts from end-of-text, as the model was trained.
  SamplerChain chain(SamplerOptions{});
  GenerateOptions go;
  go.max_tokens = 3;
  auto g = Generate(**model, chain, "ab", go);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  ASSERT_FALSE(g->prompt_tokens.empty());
  EXPECT_EQ(g->prompt_tokens.front(), (*model)->tokenizer().eos());
  std::filesystem::remove(path);
}

TEST(OpenModelTest, OpensAGgufModel) {
  SynthOptions o;
  o.type = GgmlType::kQ8_0;
  auto bytes = SynthesizeModel(o);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  const std::string path = TempPath("model.gguf");
  ASSERT_TRUE(core::WriteFileAtomic(path, *bytes).ok());
  EXPECT_EQ(DetectModelFormat(path), ModelFormat::kGguf);
  OpenModelOptions opts;
  opts.threads = 2;
  auto model = OpenModel(path, opts);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(dynamic_cast<const NgramModel*>(model->get()), nullptr);
  EXPECT_FALSE((*model)->wants_leading_eos());
  SamplerChain chain(SamplerOptions{});
  GenerateOptions go;
  go.max_tokens = 2;
  auto g = Generate(**model, chain, "the cat", go);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  std::vector<TokenId> prompt;
  ASSERT_TRUE((*model)->tokenizer().Encode("the cat", &prompt).ok());
  EXPECT_EQ(g->prompt_tokens, prompt);  // no end-of-text in front
  opts.threads = 0;
  EXPECT_EQ(OpenModel(path, opts).status().code(), StatusCode::kInvalidArgument);
  std::filesystem::remove(path);
}

TEST(OpenModelTest, ReportsMissingAndForeignFiles) {
  const std::string missing = TempPath("does-not-exist.wlm");
  EXPECT_EQ(DetectModelFormat(missing), ModelFormat::kNgram);
  EXPECT_EQ(OpenModel(missing).status().code(), StatusCode::kNotFound);
  const std::string junk = TempPath("junk.wlm");
  ASSERT_TRUE(core::WriteFileAtomic(junk, "this is not a model file at all").ok());
  EXPECT_FALSE(OpenModel(junk).ok());
  const std::string gguf_junk = TempPath("junk.gguf");
  ASSERT_TRUE(core::WriteFileAtomic(gguf_junk, "GGUF and then nothing valid").ok());
  EXPECT_EQ(DetectModelFormat(gguf_junk), ModelFormat::kGguf);
  EXPECT_FALSE(OpenModel(gguf_junk).ok());
  std::filesystem::remove(junk);
  std::filesystem::remove(gguf_junk);
}

}  // namespace
}  // namespace warden::lm
