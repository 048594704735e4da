#include "warden/guard/policy.h"

#include <gtest/gtest.h>

#include "source_dir.h"

#include <filesystem>

#include "warden/guard/stream.h"

namespace warden::guard {
namespace {

// Builtin lists only; the shipped focus-group vault goes under this state
// directory (never created by these tests).
const core::ResourcePaths kNoPaths{"", "", "", "/nonexistent-warden-state"};

constexpr const char* kPolicy = R"(name = "t"
disclaimer = "checked"
[input]
strength = { profanity = "MEDIUM", pii = "MEDIUM", hate = "LOW" }
actions = { profanity = "mask", pii = "mask", hate = "block" }
[output]
strength = { profanity = "HIGH", pii = "MEDIUM" }
actions = { profanity = "block", pii = ["annotate", "disclaim"] }
[allow]
values = ["help@example.com"]
)";

std::unique_ptr<Guard> MakeGuard(bool pseudonyms = false) {
  auto p = ParsePolicy(kPolicy, "t.toml");
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  p->pseudonyms = pseudonyms;
  auto g = Guard::Create(*p, core::ResourcePaths{});
  EXPECT_TRUE(g.ok()) << g.status().ToString();
  return std::move(g).value();
}

TEST(GuardPolicy, MasksBlocksAndAllows) {
  auto g = MakeGuard();
  auto v = g->Apply("write to bob@corp.com or help@example.com, shit", Direction::kInput, nullptr);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->blocked);
  EXPECT_EQ(v->text, "write to <EMAIL> or help@example.com, <PROFANITY>");
  auto out = g->Apply("well, shit", Direction::kOutput, nullptr);
  EXPECT_TRUE(out->blocked);
  auto hate = g->Apply("you n1gger", Direction::kInput, nullptr);
  EXPECT_TRUE(hate->blocked);
  auto note = g->Apply("mail bob@corp.com", Direction::kOutput, nullptr);
  EXPECT_FALSE(note->blocked);
  EXPECT_EQ(note->text, "mail bob@corp.com\n\nchecked");
}

TEST(GuardPolicy, PseudonymsAreConsistentAndReversible) {
  auto g = MakeGuard(/*pseudonyms=*/true);
  Vault vault;
  auto v = g->Apply("bob@corp.com, ann@corp.com, bob@corp.com", Direction::kInput, &vault);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->text, "<EMAIL_1>, <EMAIL_2>, <EMAIL_1>");
  EXPECT_EQ(vault.Unmask(v->text), "bob@corp.com, ann@corp.com, bob@corp.com");
  const std::string path = ::testing::TempDir() + "/guard_vault_test.json";
  ASSERT_TRUE(vault.Save(path).ok());
  auto loaded = Vault::Load(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->Pseudonym("email", "ann@corp.com"), "<EMAIL_2>");
  EXPECT_EQ(loaded->Pseudonym("email", "new@corp.com"), "<EMAIL_3>");
  std::filesystem::remove(path);
}

TEST(GuardPolicy, ErrorsNameLineAndField) {
  auto bad = ParsePolicy("name = \"x\"\n[input]\nstrength = { hate = \"SUPER\" }\n", "p.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("p.toml:3: input.strength.hate"), std::string::npos)
      << bad.status().message();
  auto unknown = ParsePolicy("name = \"x\"\n\ncolour = 1\n", "p.toml");
  EXPECT_NE(unknown.status().message().find("p.toml:3: colour: unknown field"), std::string::npos);
  auto syntax = ParsePolicy("name = \"x\n", "p.toml");
  EXPECT_NE(syntax.status().message().find("p.toml:1"), std::string::npos);
  auto cat = ParsePolicy("name = \"x\"\n[output]\nactions = { pii = \"mask\" }\n", "p.toml");
  EXPECT_FALSE(cat.ok());
  EXPECT_FALSE(ParsePolicy("", "p.toml").ok());
}

TEST(GuardPolicy, ShippedPoliciesParse) {
  for (const char* name : {"default", "focus-group", "creative-writing"}) {
    auto p = LoadPolicy(::warden::testing::SourceDir() + "/policies/" + name + ".toml", kNoPaths);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->name, name);
  }
  auto cw =
      LoadPolicy(::warden::testing::SourceDir() + "/policies/creative-writing.toml", kNoPaths);
  auto g = Guard::Create(*cw, core::ResourcePaths{});
  ASSERT_TRUE(g.ok());
  EXPECT_FALSE((*g)->Apply("damn this shit", Direction::kOutput, nullptr)->blocked);
  EXPECT_TRUE((*g)->Apply("you f4ggot", Direction::kOutput, nullptr)->blocked);
  EXPECT_EQ(ThresholdFor("hate", Strength::kNone), 2.0);
  EXPECT_LT(ThresholdFor("hate", Strength::kHigh), ThresholdFor("hate", Strength::kLow));
}

TEST(GuardStream, CutsTheMomentAPolicyIsCrossed) {
  auto g = MakeGuard();
  StreamGuard s(g.get(), Direction::kOutput, 64);
  std::string shown;
  for (std::string_view chunk : {"It was a fine ", "day until he said s", "h", "i", "t and left"}) {
    auto r = s.Feed(chunk);
    ASSERT_TRUE(r.ok());
    shown += *r;
    if (s.stopped()) break;
  }
  EXPECT_TRUE(s.stopped());
  EXPECT_EQ(shown, "It was a fine day until he said ");
}

TEST(GuardStream, ReleasesCleanTextAndMasks) {
  auto g = MakeGuard();
  StreamGuard s(g.get(), Direction::kInput, 64);
  std::string shown;
  for (std::string_view chunk : {"mail bob@co", "rp.com please", " now"}) shown += *s.Feed(chunk);
  shown += *s.Finish();
  EXPECT_FALSE(s.stopped());
  EXPECT_EQ(shown, "mail <EMAIL> please now");
}

}  // namespace
}  // namespace warden::guard
