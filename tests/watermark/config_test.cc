// Watermark configuration, keys, specs and compatibility checks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "warden/watermark/watermark.h"

namespace warden::watermark {
namespace {

WatermarkConfig ValidConfig() {
  WatermarkConfig c;
  c.vocab_size = 1000;
  c.tokenizer_fingerprint = "0123456789abcdef";
  return c;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("warden_wm_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST(WatermarkConfigTest, ValidatesRanges) {
  EXPECT_TRUE(ValidConfig().Validate().ok());
  WatermarkConfig c = ValidConfig();
  c.gamma = 0;
  EXPECT_EQ(c.Validate().code(), StatusCode::kInvalidArgument);
  c.gamma = 1;
  EXPECT_FALSE(c.Validate().ok());
  c = ValidConfig();
  c.delta = -1;
  EXPECT_FALSE(c.Validate().ok());
  c.delta = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(c.Validate().ok());
  c.delta = std::nan("");
  EXPECT_FALSE(c.Validate().ok());
  c = ValidConfig();
  c.context_width = 0;
  EXPECT_FALSE(c.Validate().ok());
  c.context_width = 9;
  EXPECT_FALSE(c.Validate().ok());
  c.context_width = 8;
  EXPECT_TRUE(c.Validate().ok());
  c = ValidConfig();
  c.vocab_size = 0;
  EXPECT_FALSE(c.Validate().ok());
  c = ValidConfig();
  c.scheme = Scheme::kGumbel;
  c.seeding = Seeding::kSelfHash;
  EXPECT_FALSE(c.Validate().ok());
}

TEST(WatermarkConfigTest, ParsesNames) {
  EXPECT_EQ(*ParseScheme("kgw"), Scheme::kKgw);
  EXPECT_EQ(*ParseScheme("Unigram"), Scheme::kUnigram);
  EXPECT_EQ(*ParseScheme("GUMBEL"), Scheme::kGumbel);
  EXPECT_FALSE(ParseScheme("kgb").ok());
  EXPECT_EQ(*ParseSeeding("selfhash"), Seeding::kSelfHash);
  EXPECT_EQ(*ParseSeeding("MinHash"), Seeding::kMinHash);
  EXPECT_FALSE(ParseSeeding("").ok());
  for (Scheme s : {Scheme::kKgw, Scheme::kUnigram, Scheme::kGumbel}) {
    EXPECT_EQ(*ParseScheme(SchemeName(s)), s);
  }
  for (Seeding s : {Seeding::kLeftHash, Seeding::kMinHash, Seeding::kSelfHash}) {
    EXPECT_EQ(*ParseSeeding(SeedingName(s)), s);
  }
}

TEST(WatermarkKeyTest, IdIsStableHexAndDependsOnSecret) {
  auto a = WatermarkKey::FromSecret("0123456789abcdef-secret");
  auto b = WatermarkKey::FromSecret("0123456789abcdef-secreu");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->id().size(), 16u);
  EXPECT_EQ(a->id().find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(a->id(), a->id());
  EXPECT_NE(a->id(), b->id());
  EXPECT_EQ(a->id().find("secret"), std::string::npos);
}

TEST(WatermarkKeyTest, RejectsShortAndEmptySecrets) {
  EXPECT_EQ(WatermarkKey::FromSecret("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(WatermarkKey::FromSecret("short").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(WatermarkKey::FromSecret(std::string(16, 'k')).ok());
}

TEST(WatermarkKeyTest, LoadsFromFileStrippingOneNewline) {
  const std::string path = TempPath("key.txt");
  {
    std::ofstream f(path, std::ios::binary);
    f << "abcdefghijklmnopqrstuvwxyz\n";
  }
  auto key = WatermarkKey::FromFile(path);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->secret, "abcdefghijklmnopqrstuvwxyz");
  {
    std::ofstream f(path, std::ios::binary);
    f << "abcdefghijklmnopqrstuvwxyz\r\n";
  }
  EXPECT_EQ(WatermarkKey::FromFile(path)->secret, "abcdefghijklmnopqrstuvwxyz");
  {
    std::ofstream f(path, std::ios::binary);
    f << "\n";
  }
  auto empty = WatermarkKey::FromFile(path);
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(empty.status().message().find(path), std::string::npos);
  std::filesystem::remove(path);
  auto missing = WatermarkKey::FromFile(path);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(path), std::string::npos);
}

TEST(WatermarkKeyTest, LoadsFromEnvironment) {
  ::setenv("WARDEN_TEST_WM_KEY", "an environment secret!", 1);
  auto key = WatermarkKey::FromEnv("WARDEN_TEST_WM_KEY");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->secret, "an environment secret!");
  ::setenv("WARDEN_TEST_WM_KEY", "", 1);
  EXPECT_FALSE(WatermarkKey::FromEnv("WARDEN_TEST_WM_KEY").ok());
  ::unsetenv("WARDEN_TEST_WM_KEY");
  EXPECT_EQ(WatermarkKey::FromEnv("WARDEN_TEST_WM_KEY").status().code(), StatusCode::kNotFound);
}

TEST(WatermarkSpecTest, JsonRoundTripWithoutSecret) {
  auto key = WatermarkKey::FromSecret("a very secret watermark key");
  ASSERT_TRUE(key.ok());
  WatermarkConfig c = ValidConfig();
  c.scheme = Scheme::kKgw;
  c.seeding = Seeding::kSelfHash;
  c.context_width = 4;
  c.delta = std::numeric_limits<double>::infinity();
  const WatermarkSpec spec = WatermarkSpec::From(c, *key);
  const nlohmann::json j = spec.ToJson();
  EXPECT_EQ(j.dump().find("very secret"), std::string::npos);
  EXPECT_EQ(j["delta"], "inf");
  EXPECT_EQ(j["key_id"], key->id());
  auto back = WatermarkSpec::FromJson(nlohmann::json::parse(j.dump()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->scheme, spec.scheme);
  EXPECT_EQ(back->seeding, spec.seeding);
  EXPECT_EQ(back->context_width, 4);
  EXPECT_TRUE(std::isinf(back->delta));
  EXPECT_EQ(back->gamma, spec.gamma);
  EXPECT_EQ(back->key_id, spec.key_id);
  EXPECT_EQ(back->tokenizer_fingerprint, spec.tokenizer_fingerprint);
  EXPECT_TRUE(CheckCompatible(spec, *back).ok());
}

TEST(WatermarkSpecTest, FromJsonRejectsMalformed) {
  EXPECT_FALSE(WatermarkSpec::FromJson(nlohmann::json::array()).ok());
  nlohmann::json j = WatermarkSpec::From(ValidConfig(), WatermarkKey{"0123456789abcdef"}).ToJson();
  nlohmann::json bad = j;
  bad["gamma"] = "0.25";
  EXPECT_FALSE(WatermarkSpec::FromJson(bad).ok());
  bad = j;
  bad["gamma"] = 1.5;
  EXPECT_FALSE(WatermarkSpec::FromJson(bad).ok());
  bad = j;
  bad.erase("key_id");
  EXPECT_FALSE(WatermarkSpec::FromJson(bad).ok());
  bad = j;
  bad["context_width"] = 1e12;
  EXPECT_FALSE(WatermarkSpec::FromJson(bad).ok());
  bad = j;
  bad["scheme"] = "nope";
  EXPECT_FALSE(WatermarkSpec::FromJson(bad).ok());
}

TEST(WatermarkSpecTest, CheckCompatibleNamesEveryDifferingField) {
  WatermarkSpec a = WatermarkSpec::From(ValidConfig(), WatermarkKey{"0123456789abcdef"});
  WatermarkSpec b = a;
  EXPECT_TRUE(CheckCompatible(a, b).ok());
  b.delta = 5;  // detection does not depend on delta
  EXPECT_TRUE(CheckCompatible(a, b).ok());
  b.gamma = 0.5;
  b.context_width = 2;
  b.seeding = Seeding::kMinHash;
  b.tokenizer_fingerprint = "ffffffffffffffff";
  b.vocab_size = 999;
  b.key_id = "0000000000000000";
  Status s = CheckCompatible(a, b);
  EXPECT_EQ(s.code(), StatusCode::kMismatch);
  for (const char* field :
       {"gamma", "context_width", "seeding", "tokenizer", "vocab_size", "key_id"}) {
    EXPECT_NE(s.message().find(field), std::string::npos) << field << " in " << s.message();
  }
  EXPECT_EQ(s.message().find("scheme"), std::string::npos);

  WatermarkSpec c = a;
  c.scheme = Scheme::kGumbel;
  s = CheckCompatible(a, c);
  EXPECT_NE(s.message().find("scheme"), std::string::npos);
  EXPECT_EQ(s.message().find("key_id"), std::string::npos);

  // Unigram ignores the context; Gumbel ignores gamma.
  WatermarkSpec u1 = a, u2 = a;
  u1.scheme = u2.scheme = Scheme::kUnigram;
  u2.context_width = 3;
  u2.seeding = Seeding::kMinHash;
  EXPECT_TRUE(CheckCompatible(u1, u2).ok());
  WatermarkSpec g1 = a, g2 = a;
  g1.scheme = g2.scheme = Scheme::kGumbel;
  g2.gamma = 0.5;
  EXPECT_TRUE(CheckCompatible(g1, g2).ok());
}

}  // namespace
}  // namespace warden::watermark

namespace warden::watermark {
namespace {

TEST(WatermarkKeyTest, GenerateMakesDistinctHexKeys) {
  auto a = WatermarkKey::Generate();
  auto b = WatermarkKey::Generate();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->secret.size(), 64u);
  EXPECT_EQ(a->secret.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a->secret, b->secret);
  EXPECT_NE(a->id(), b->id());
}

}  // namespace
}  // namespace warden::watermark
