// GgufModel: a synthesized file as a LanguageModel, with the model's own
// tokenizer, driven by the generic decoding loop.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "warden/core/io.h"
#include "warden/lm/generate.h"
#include "warden/lm/gguf_model.h"
#include "warden/lm/transformer.h"

namespace warden::lm {
namespace {

std::string WriteModel(const SynthOptions& o, const std::string& name) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("warden-engine-test-" + name + ".gguf")).string();
  auto bytes = SynthesizeModel(o);
  EXPECT_TRUE(bytes.ok());
  EXPECT_TRUE(core::WriteFileAtomic(path, *bytes).ok());
  return path;
}

TEST(GgufModel, LlamaVocabularyAddsBosImplicitly) {
  SynthOptions o;
  o.type = GgmlType::kQ8_0;
  const std::string path = WriteModel(o, "llama");
  EXPECT_TRUE(LooksLikeGguf(path));
  auto model = LoadGgufModel(path, GgufModelOptions{});
  ASSERT_TRUE(model.ok()) << model.status().message();
  const LanguageModel& m = **model;
  EXPECT_EQ(m.vocab_size(), 512);
  EXPECT_EQ(m.tokenizer().bos(), 1);
  EXPECT_EQ(m.tokenizer().eos(), 2);
  std::vector<TokenId> ids;
  ASSERT_TRUE(m.tokenizer().Encode("the cat", &ids).ok());
  ASSERT_FALSE(ids.empty());

  auto s = m.NewSession();
  ASSERT_TRUE(s.ok());
  std::vector<float> a(512), b(512);
  // An empty context still has logits: the implicit BOS.
  ASSERT_TRUE((*s)->NextLogits(a).ok());
  ASSERT_TRUE((*s)->Append(ids).ok());
  ASSERT_TRUE((*s)->NextLogits(a).ok());
  EXPECT_EQ((*s)->history().size(), ids.size());
  ASSERT_TRUE((*s)->NextLogits(b).ok());  // asking again: the same logits
  EXPECT_EQ(a, b);
  // The same tokens one at a time give the same logits.
  (*s)->Reset();
  for (TokenId t : ids) {
    ASSERT_TRUE((*s)->Append(std::span<const TokenId>(&t, 1)).ok());
    ASSERT_TRUE((*s)->NextLogits(b).ok());
  }
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-4f);
  EXPECT_EQ((*s)->Append(std::vector<TokenId>{512}).code(), StatusCode::kOutOfRange);
  std::filesystem::remove(path);
}

TEST(GgufModel, GeneratesAndScoresWithAGpt2Vocabulary) {
  SynthOptions o;
  o.arch = "qwen2";
  o.type = GgmlType::kQ4_0;
  o.tied_output = false;
  const std::string path = WriteModel(o, "qwen2");
  GgufModelOptions mo;
  mo.threads = 2;
  auto model = LoadGgufModel(path, mo);
  ASSERT_TRUE(model.ok()) << model.status().message();
  SamplerOptions so;
  so.seed = 4;
  SamplerChain chain(so);
  GenerateOptions go;
  go.max_tokens = 20;
  go.min_tokens = 20;
  EXPECT_FALSE((*model)->wants_leading_eos());  // a GGUF model starts from the prompt
  auto g = Generate(**model, chain, "hello world", go);
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->tokens.size(), 20u);
  std::vector<TokenId> all = g->prompt_tokens;
  all.insert(all.end(), g->tokens.begin(), g->tokens.end());
  auto ll = ScoreTokens(**model, all, 1);
  ASSERT_TRUE(ll.ok()) << ll.status().message();
  EXPECT_GT(ll->Perplexity(), 1.0);
  EXPECT_TRUE(std::isfinite(ll->Perplexity()));
  std::filesystem::remove(path);
}

TEST(GgufModel, RejectsFilesItCannotRun) {
  EXPECT_EQ(LoadGgufModel("/nonexistent/x.gguf", GgufModelOptions{}).status().code(),
            StatusCode::kNotFound);
  GgufModelOptions bad;
  bad.threads = 0;
  EXPECT_FALSE(LoadGgufModel("x.gguf", bad).ok());
  GgufWriter w;
  w.AddString("general.architecture", "llama");
  const std::string path =
      (std::filesystem::temp_directory_path() / "warden-engine-test-empty.gguf").string();
  ASSERT_TRUE(w.WriteFile(path).ok());
  auto m = LoadGgufModel(path, GgufModelOptions{});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("llama.block_count"), std::string::npos)
      << m.status().message();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace warden::lm
