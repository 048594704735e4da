// The transformer engine on tiny synthesized models: loading checks, and
// internal consistency of the forward pass (batched prompt = token by token,
// threads do not change results, Reset really forgets). The comparison with
// an independent implementation is tests/engine/torch_reference.py.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "warden/lm/gguf.h"
#include "warden/lm/transformer.h"

namespace warden::lm {
namespace {

struct Loaded {
  std::string bytes;
  std::unique_ptr<GgufFile> file;
  std::unique_ptr<Transformer> tf;
};

Loaded Make(const SynthOptions& o) {
  Loaded l;
  auto bytes = SynthesizeModel(o);
  EXPECT_TRUE(bytes.ok()) << bytes.status().message();
  l.bytes = std::move(bytes).value();
  auto f = GgufFile::Parse(l.bytes, "synth");
  EXPECT_TRUE(f.ok()) << f.status().message();
  l.file = std::make_unique<GgufFile>(std::move(f).value());
  auto tf = Transformer::Load(l.file.get());
  EXPECT_TRUE(tf.ok()) << tf.status().message();
  if (tf.ok()) l.tf = std::move(tf).value();
  return l;
}

std::vector<float> Logits(const Transformer& tf, Transformer::State* s, std::vector<TokenId> toks) {
  std::vector<float> out(static_cast<size_t>(tf.config().vocab_size));
  EXPECT_TRUE(tf.Forward(s, toks, out).ok());
  return out;
}

float MaxDiff(const std::vector<float>& a, const std::vector<float>& b) {
  float m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

class EngineForward : public ::testing::TestWithParam<std::tuple<std::string, GgmlType>> {};

TEST_P(EngineForward, BatchedPromptEqualsTokenByToken) {
  SynthOptions o;
  o.arch = std::get<0>(GetParam());
  o.type = std::get<1>(GetParam());
  o.tied_output = o.arch == "llama";
  Loaded m = Make(o);
  ASSERT_TRUE(m.tf);
  const TransformerConfig& c = m.tf->config();
  EXPECT_EQ(c.arch, o.arch);
  EXPECT_EQ(c.rope_half_split, o.arch == "qwen2");
  EXPECT_EQ(c.qkv_bias, o.arch == "qwen2");
  EXPECT_EQ(c.tied_output, o.tied_output);
  EXPECT_EQ(c.n_kv_head, 2);
  const std::vector<TokenId> prompt = {3, 100, 7, 511, 42, 9};
  auto batch = m.tf->NewState(2);
  std::vector<float> a = Logits(*m.tf, batch.get(), prompt);
  auto step = m.tf->NewState(1);
  std::vector<float> b;
  for (TokenId t : prompt) b = Logits(*m.tf, step.get(), {t});
  EXPECT_EQ(batch->position(), 6);
  float spread = 0;
  for (float x : a) spread = std::max(spread, std::fabs(x));
  EXPECT_GT(spread, 0.1f);  // not all zero
  EXPECT_LT(MaxDiff(a, b), 1e-4f);
  // Continuing both the same way keeps them equal; Reset starts over.
  EXPECT_LT(MaxDiff(Logits(*m.tf, batch.get(), {5}), Logits(*m.tf, step.get(), {5})), 1e-4f);
  batch->Reset();
  EXPECT_EQ(batch->position(), 0);
  EXPECT_LT(MaxDiff(Logits(*m.tf, batch.get(), prompt), a), 1e-5f);
}

INSTANTIATE_TEST_SUITE_P(Types, EngineForward,
                         ::testing::Combine(::testing::Values("llama", "qwen2"),
                                            ::testing::Values(GgmlType::kF32, GgmlType::kF16,
                                                              GgmlType::kBF16, GgmlType::kQ8_0,
                                                              GgmlType::kQ4_0, GgmlType::kQ5_0)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" +
                                  GgmlTypeName(std::get<1>(info.param));
                         });

TEST(EngineModel, BadTokensLeaveTheStateUnchanged) {
  Loaded m = Make(SynthOptions{});
  auto s = m.tf->NewState(1);
  std::vector<float> logits(static_cast<size_t>(m.tf->config().vocab_size));
  EXPECT_EQ(m.tf->Forward(s.get(), std::vector<TokenId>{1, 512}, logits).code(),
            StatusCode::kOutOfRange);
  EXPECT_EQ(m.tf->Forward(s.get(), std::vector<TokenId>{-1}, logits).code(),
            StatusCode::kOutOfRange);
  EXPECT_EQ(s->position(), 0);
  EXPECT_FALSE(m.tf->Forward(s.get(), {}, logits).ok());
  std::vector<float> small(3);
  EXPECT_FALSE(m.tf->Forward(s.get(), std::vector<TokenId>{1}, small).ok());
}

TEST(EngineModel, ContextLengthIsEnforced) {
  SynthOptions o;
  o.context_length = 4;
  Loaded m = Make(o);
  auto s = m.tf->NewState(1);
  EXPECT_TRUE(m.tf->Forward(s.get(), std::vector<TokenId>{1, 2, 3, 4}, {}).ok());
  EXPECT_EQ(m.tf->Forward(s.get(), std::vector<TokenId>{5}, {}).code(), StatusCode::kOutOfRange);
}

// A loadable file with one thing changed must fail with a message naming it.
TEST(EngineModel, LoadRejectsInconsistentModels) {
  auto variant = [](const std::string& drop, const std::string& arch_override, uint32_t heads) {
    Loaded l;
    auto bytes = SynthesizeModel(SynthOptions{});
    auto src = GgufFile::Parse(*bytes, "src");
    GgufWriter w;
    for (const auto& [k, v] : src->metadata()) {
      if (k == "llama.attention.head_count") {
        w.AddU32(k, heads);
      } else if (k == "general.architecture") {
        w.AddString(k, arch_override);
      } else if (v.type == GgufValueType::kU32) {
        w.AddU32(k, static_cast<uint32_t>(v.i));
      } else if (v.type == GgufValueType::kF32) {
        w.AddF32(k, static_cast<float>(v.f));
      } else if (v.type == GgufValueType::kString) {
        w.AddString(k, v.str);
      }
    }
    for (const GgufTensor& t : src->tensors()) {
      if (t.name != drop) {
        w.AddTensor(t.name, t.type, t.dims,
                    std::string(reinterpret_cast<const char*>(t.data), t.nbytes));
      }
    }
    l.bytes = *w.Finish();
    l.file = std::make_unique<GgufFile>(GgufFile::Parse(l.bytes, "variant").value());
    return Transformer::Load(l.file.get()).status().message();
  };
  EXPECT_NE(variant("", "llama", 3).find("width not divisible"), std::string::npos);
  EXPECT_NE(variant("blk.1.ffn_up.weight", "llama", 4).find("missing tensor blk.1.ffn_up.weight"),
            std::string::npos);
  EXPECT_NE(variant("", "gptx", 4).find("architecture gptx"), std::string::npos);
}

}  // namespace
}  // namespace warden::lm
