// GGUF reader and writer: round trips, and the clear errors promised for
// truncated, hostile or inconsistent files.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "warden/lm/gguf.h"
#include "warden/lm/transformer.h"

namespace warden::lm {
namespace {

// Raw little-endian builder, to write files the writer would refuse to.
struct Raw {
  std::string b;
  template <typename T>
  Raw& Put(T v) {
    b.append(reinterpret_cast<const char*>(&v), sizeof(T));
    return *this;
  }
  Raw& Str(const std::string& s) {
    Put<uint64_t>(s.size());
    b += s;
    return *this;
  }
  Raw& Header(uint64_t tensors, uint64_t kv, uint32_t version = 3) {
    b = "GGUF";
    return Put(version).Put(tensors).Put(kv);
  }
  Raw& Pad() {
    b.resize((b.size() + 31) / 32 * 32, '\0');
    return *this;
  }
};

std::string SmallFile() {
  GgufWriter w;
  w.AddString("general.architecture", "test");
  w.AddU32("answer", 42);
  w.AddF32("pi", 3.5f);
  w.AddBool("flag", true);
  w.AddStringArray("names", {"a", "bc", ""});
  w.AddI32Array("ids", {-1, 7});
  std::string t1(8 * 4, '\0');
  for (int i = 0; i < 8; ++i) {
    const float f = static_cast<float>(i);
    std::memcpy(&t1[static_cast<size_t>(i) * 4], &f, 4);
  }
  w.AddTensor("vec", GgmlType::kF32, {8}, t1);
  w.AddTensor("mat", GgmlType::kQ8_0, {32, 2}, std::string(68, '\x01'));
  return *w.Finish();
}

TEST(Gguf, WriterReaderRoundTrip) {
  const std::string bytes = SmallFile();
  auto f = GgufFile::Parse(bytes, "small");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->version(), 3u);
  EXPECT_EQ(*f->GetString("general.architecture"), "test");
  EXPECT_EQ(*f->GetInt("answer"), 42);
  EXPECT_EQ(*f->GetFloat("pi"), 3.5);
  EXPECT_EQ(*f->GetInt("flag"), 1);
  EXPECT_EQ(f->Find("names")->strings, (std::vector<std::string>{"a", "bc", ""}));
  EXPECT_EQ(f->Find("ids")->numbers, (std::vector<double>{-1, 7}));
  EXPECT_EQ(f->GetString("answer").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(f->GetInt("missing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*f->GetIntOr("missing", 5), 5);
  ASSERT_EQ(f->tensors().size(), 2u);
  const GgufTensor* vec = f->FindTensor("vec");
  ASSERT_NE(vec, nullptr);
  float third;
  std::memcpy(&third, vec->data + 12, 4);
  EXPECT_EQ(third, 3.0f);
  const GgufTensor* mat = f->FindTensor("mat");
  EXPECT_EQ(mat->nbytes, 68u);
  EXPECT_EQ(mat->rows(), 2);
  EXPECT_EQ(mat->data[0], 1);
}

TEST(Gguf, EveryTruncationIsAnErrorNotACrash) {
  const std::string bytes = SmallFile();
  for (size_t n = 0; n < bytes.size(); ++n) {
    // Cutting only trailing padding of the last tensor can still be valid.
    auto f = GgufFile::Parse(std::string_view(bytes).substr(0, n), "cut");
    if (f.ok()) {
      EXPECT_GE(n, bytes.size() - 32) << n;
      continue;
    }
    EXPECT_EQ(f.status().code(), StatusCode::kCorruption) << n;
    EXPECT_NE(f.status().message().find("cut: "), std::string::npos);
  }
}

void ExpectCorrupt(const std::string& bytes, const std::string& needle) {
  auto f = GgufFile::Parse(bytes, "bad");
  ASSERT_FALSE(f.ok()) << needle;
  EXPECT_EQ(f.status().code(), StatusCode::kCorruption);
  EXPECT_NE(f.status().message().find(needle), std::string::npos) << f.status().message();
}

TEST(Gguf, RejectsHostileHeadersAndMetadata) {
  ExpectCorrupt("GGU", "truncated");
  ExpectCorrupt("GGML", "not a GGUF");
  ExpectCorrupt(Raw().Header(0, 0).b.replace(0, 4, "XXXX"), "not a GGUF");
  ExpectCorrupt(Raw().Header(0, 0, 7).b, "version 7");
  ExpectCorrupt(Raw().Header(0, uint64_t{1} << 60).b, "metadata count");
  ExpectCorrupt(Raw().Header(uint64_t{1} << 60, 0).b, "tensor count");
  ExpectCorrupt(Raw().Header(0, 1).Put<uint64_t>(uint64_t{1} << 62).b + std::string(64, '\0'),
                "key length");
  ExpectCorrupt(Raw()
                    .Header(0, 2)
                    .Str("k")
                    .Put<uint32_t>(4)
                    .Put<uint32_t>(1)
                    .Str("k")
                    .Put<uint32_t>(4)
                    .Put<uint32_t>(2)
                    .b,
                "duplicate key k");
  ExpectCorrupt(Raw().Header(0, 1).Str("k").Put<uint32_t>(99).b, "unknown value type");
  ExpectCorrupt(Raw().Header(0, 1).Str("k").Put<uint32_t>(9).Put<uint32_t>(9).Put<uint64_t>(1).b,
                "nested");
  ExpectCorrupt(Raw().Header(0, 1).Str("k").Put<uint32_t>(9).Put<uint32_t>(4).Put<uint64_t>(1000).b,
                "array length");
  ExpectCorrupt(Raw().Header(0, 1).Str("k").Put<uint32_t>(7).Put<uint8_t>(2).b, "bool");
  ExpectCorrupt(Raw().Header(0, 1).Str("general.alignment").Put<uint32_t>(4).Put<uint32_t>(24).b,
                "power of two");
}

// One tensor info after an empty metadata section.
Raw TensorHeader(const std::string& name, std::vector<uint64_t> dims, uint32_t type,
                 uint64_t offset) {
  Raw r;
  r.Header(1, 0).Str(name).Put<uint32_t>(static_cast<uint32_t>(dims.size()));
  for (uint64_t d : dims) r.Put(d);
  r.Put(type).Put(offset);
  return r;
}

TEST(Gguf, RejectsBadTensors) {
  ExpectCorrupt(TensorHeader("t", {}, 0, 0).b, "0 dimensions");
  ExpectCorrupt(TensorHeader("t", {1, 1, 1, 1, 1}, 0, 0).b, "5 dimensions");
  ExpectCorrupt(TensorHeader("t", {0}, 0, 0).b, "bad dimension");
  ExpectCorrupt(TensorHeader("t", {uint64_t{1} << 32, uint64_t{1} << 32}, 0, 0).b, "bad dimension");
  ExpectCorrupt(TensorHeader("t", {4}, 77, 0).b, "unknown type");
  ExpectCorrupt(TensorHeader("t", {33}, 8, 0).b, "multiple of the q8_0 block");
  ExpectCorrupt(TensorHeader("t", {4}, 0, 3).b, "misaligned");
  ExpectCorrupt(TensorHeader("t", {64}, 0, 0).Pad().b + std::string(100, '\0'), "past end of file");
  ExpectCorrupt(TensorHeader("t", {8}, 0, uint64_t{1} << 63).Pad().b, "past end");
  // Two tensors sharing bytes.
  Raw r;
  r.Header(2, 0);
  for (const char* name : {"a", "b"}) {
    r.Str(name).Put<uint32_t>(1).Put<uint64_t>(16).Put<uint32_t>(0).Put<uint64_t>(32);
  }
  ExpectCorrupt(r.Pad().b + std::string(128, '\0'), "overlap");
  Raw dup;
  dup.Header(2, 0);
  for (uint64_t off : {0, 32})
    dup.Str("a").Put<uint32_t>(1).Put<uint64_t>(8).Put<uint32_t>(0).Put(off);
  ExpectCorrupt(dup.Pad().b + std::string(64, '\0'), "duplicate tensor a");
}

TEST(Gguf, WriterRefusesInconsistentInput) {
  GgufWriter w;
  w.AddU32("a", 1);
  w.AddU32("a", 2);
  EXPECT_FALSE(w.Finish().ok());
  GgufWriter t;
  t.AddTensor("x", GgmlType::kF32, {4}, std::string(15, '\0'));
  EXPECT_FALSE(t.Finish().ok());
}

TEST(Gguf, TypeNames) {
  EXPECT_EQ(*ParseGgmlType("q4_0"), GgmlType::kQ4_0);
  EXPECT_EQ(GgmlTypeName(GgmlType::kBF16), "bf16");
  EXPECT_FALSE(ParseGgmlType("q9_9").ok());
}

TEST(Gguf, SynthesizedModelParses) {
  SynthOptions o;
  o.type = GgmlType::kQ4_0;
  auto bytes = SynthesizeModel(o);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  auto f = GgufFile::Parse(*bytes, "synth");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(*f->GetString("tokenizer.ggml.model"), "llama");
  EXPECT_EQ(f->Find("tokenizer.ggml.tokens")->strings.size(), 512u);
  EXPECT_EQ(f->FindTensor("blk.1.ffn_down.weight")->type, GgmlType::kQ4_0);
}

// A poor man's fuzzer for every build (the libFuzzer target runs only in the
// clang fuzz build): random byte mutations of a small model must give an
// error or a model that runs, never a crash (ASan/UBSan builds check reads).
TEST(Gguf, MutatedModelsNeverCrash) {
  SynthOptions o;
  o.n_layer = 1;
  o.d_model = 32;
  o.n_head = 2;
  o.n_kv_head = 1;
  o.d_ff = 32;
  o.vocab_size = 400;
  o.type = GgmlType::kQ4_0;
  const std::string base = *SynthesizeModel(o);
  uint64_t x = 12345;
  auto next = [&x] {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return x >> 33;
  };
  int parsed = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string bytes = base;
    // Mutate mostly the header, where the structure lives.
    for (int k = 0; k < 4; ++k) {
      const size_t at = next() % (trial % 2 ? bytes.size() : std::min<size_t>(bytes.size(), 4096));
      bytes[at] = static_cast<char>(next());
    }
    auto f = GgufFile::Parse(bytes, "mutant");
    if (!f.ok()) continue;
    ++parsed;
    auto tf = Transformer::Load(&*f);
    if (!tf.ok()) continue;
    auto st = (*tf)->NewState(1);
    std::vector<float> logits(static_cast<size_t>((*tf)->config().vocab_size));
    (void)(*tf)->Forward(st.get(), std::vector<TokenId>{0, 1}, logits);
  }
  EXPECT_GT(parsed, 0);
}

}  // namespace
}  // namespace warden::lm
