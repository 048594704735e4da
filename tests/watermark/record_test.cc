// GenerationRecord: the JSONL record of `warden generate --jsonl` that
// `warden watermark detect` reads back; versioned JSON in and out.
#include "warden/watermark/record.h"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace warden::watermark {
namespace {

WatermarkSpec Spec() {
  WatermarkConfig c;
  c.scheme = Scheme::kKgw;
  c.gamma = 0.25;
  c.delta = std::numeric_limits<double>::infinity();
  c.context_width = 2;
  c.seeding = Seeding::kMinHash;
  c.vocab_size = 4096;
  c.tokenizer_fingerprint = "0123456789abcdef";
  return WatermarkSpec::From(c, *WatermarkKey::FromSecret("record-test-key-0123456789"));
}

GenerationRecord Record(bool watermarked) {
  GenerationRecord r;
  r.prompt = "The";
  r.text = " quick brown fox \xc3\xa9";
  r.tokens = 120;
  r.seed = 18446744073709551615ULL;  // the full range of a seed survives
  if (watermarked) r.watermark = Spec();
  return r;
}

void ExpectSame(const GenerationRecord& a, const GenerationRecord& b) {
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.prompt, b.prompt);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.seed, b.seed);
  ASSERT_EQ(a.watermark.has_value(), b.watermark.has_value());
  if (a.watermark) {
    EXPECT_EQ(a.watermark->ToJson(), b.watermark->ToJson());
  }
}

TEST(GenerationRecordTest, RoundTripsThroughOneLine) {
  for (bool watermarked : {true, false}) {
    const GenerationRecord r = Record(watermarked);
    const std::string line = r.ToJsonLine();
    EXPECT_EQ(line.find('\n'), std::string::npos);
    auto back = GenerationRecord::FromJsonLine(line);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    ExpectSame(r, *back);
    EXPECT_EQ(back->ToJsonLine(), line);
  }
}

TEST(GenerationRecordTest, KeepsTheFieldNamesAndWritesTheVersion) {
  const nlohmann::json j = Record(true).ToJson();
  for (const char* name : {"prompt", "text", "tokens", "seed", "watermark", "version"}) {
    EXPECT_TRUE(j.contains(name)) << name;
  }
  EXPECT_EQ(j["version"], kGenerationRecordVersion);
  EXPECT_EQ(j["tokens"], 120);
  EXPECT_EQ(j["watermark"]["key_id"], Spec().key_id);
  EXPECT_FALSE(Record(false).ToJson().contains("watermark"));
}

TEST(GenerationRecordTest, ReadsARecordWrittenBeforeVersions) {
  // What `warden generate --jsonl` wrote before records had a version.
  nlohmann::json old = {{"prompt", "A man"}, {"text", " walked"}, {"tokens", 2}, {"seed", 7}};
  old["watermark"] = Spec().ToJson();
  auto r = GenerationRecord::FromJsonLine(old.dump());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, 1);
  EXPECT_EQ(r->prompt, "A man");
  EXPECT_EQ(r->text, " walked");
  EXPECT_EQ(r->tokens, 2u);
  EXPECT_EQ(r->seed, 7u);
  ASSERT_TRUE(r->watermark.has_value());
  EXPECT_EQ(r->watermark->context_width, 2);
}

TEST(GenerationRecordTest, NeedsOnlyTheText) {
  auto r = GenerationRecord::FromJsonLine(R"({"text":"hello","id":"x-1"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->text, "hello");
  EXPECT_EQ(r->version, 1);
  EXPECT_TRUE(r->prompt.empty());
  EXPECT_FALSE(r->watermark.has_value());
}

TEST(GenerationRecordTest, RefusesAFutureVersion) {
  auto r = GenerationRecord::FromJsonLine(R"({"version":2,"text":"hello"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(r.status().message().find("version 2"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("upgrade"), std::string::npos) << r.status().message();
  for (const char* bad : {R"({"version":0,"text":"a"})", R"({"version":"1","text":"a"})",
                          R"({"version":1.5,"text":"a"})"}) {
    auto b = GenerationRecord::FromJsonLine(bad);
    EXPECT_FALSE(b.ok()) << bad;
    EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(GenerationRecordTest, RefusesBadJson) {
  for (const char* bad :
       {"", "{", "not json", "[1,2]", "\"text\"", "42", "null", R"({"text":"a"} trailing)"}) {
    auto r = GenerationRecord::FromJsonLine(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(r.status().message(), "not a JSON object") << bad;
  }
  EXPECT_FALSE(GenerationRecord::FromJson(nlohmann::json::array()).ok());
}

TEST(GenerationRecordTest, RefusesWrongTypes) {
  struct Case {
    const char* line;
    const char* field;
  };
  for (const Case& c :
       {Case{R"({"text":5})", "\"text\""}, Case{R"({"prompt":"p"})", "\"text\""},
        Case{R"({"text":null})", "\"text\""}, Case{R"({"text":"a","prompt":3})", "\"prompt\""},
        Case{R"({"text":"a","tokens":-1})", "\"tokens\""},
        Case{R"({"text":"a","tokens":"9"})", "\"tokens\""},
        Case{R"({"text":"a","seed":1.5})", "\"seed\""},
        Case{R"({"text":"a","watermark":"kgw"})", "watermark"},
        Case{R"({"text":"a","watermark":{"scheme":"nope"}})", "watermark"}}) {
    auto r = GenerationRecord::FromJsonLine(c.line);
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_NE(r.status().message().find(c.field), std::string::npos)
        << c.line << ": " << r.status().message();
  }
}

TEST(GenerationRecordTest, ReplacesInvalidUtf8WhenWriting) {
  GenerationRecord r;
  r.prompt = "bad \xff byte";
  r.text = "ok";
  const std::string line = r.ToJsonLine();
  auto back = GenerationRecord::FromJsonLine(line);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->prompt, "bad \xef\xbf\xbd byte");
}

}  // namespace
}  // namespace warden::watermark
