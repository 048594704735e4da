// Metrics, splits, CSV parsing and SHA-256 of the guard evaluation; the
// dataset loaders on the real data when it is present.
#include <gtest/gtest.h>

#include "source_dir.h"

#include <cstdlib>
#include <set>
#include <string>

#include "guard/sha256.h"
#include "warden/core/io.h"
#include "warden/guard/classifier_recipe.h"

namespace warden::guard {
namespace {

TEST(GuardMetricsTest, RocAucKnownValues) {
  EXPECT_DOUBLE_EQ(RocAuc({0.9, 0.8}, {0.1, 0.2}), 1.0);
  EXPECT_DOUBLE_EQ(RocAuc({0.1, 0.2}, {0.9, 0.8}), 0.0);
  EXPECT_DOUBLE_EQ(RocAuc({0.5}, {0.5}), 0.5);  // a tie counts half
  EXPECT_DOUBLE_EQ(RocAuc({0.9, 0.3}, {0.5, 0.1}), 0.75);
}

// Brute force: every pair.
double PairAuc(const std::vector<double>& p, const std::vector<double>& n) {
  double s = 0;
  for (double a : p) {
    for (double b : n) s += a > b ? 1 : (a == b ? 0.5 : 0);
  }
  return s / static_cast<double>(p.size() * n.size());
}

TEST(GuardMetricsTest, RocAucMatchesPairCountingOnRandomScores) {
  uint64_t state = 7;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>((state >> 33) % 20) / 20;  // many ties
  };
  for (int round = 0; round < 20; ++round) {
    std::vector<double> p(13 + round), n(7 + 2 * round);
    for (double& x : p) x = next();
    for (double& x : n) x = next();
    EXPECT_NEAR(RocAuc(p, n), PairAuc(p, n), 1e-12);
  }
}

TEST(GuardMetricsTest, RecallAtFpr) {
  std::vector<double> neg;
  for (int i = 0; i < 100; ++i) neg.push_back(i / 100.0);  // 0.00 .. 0.99
  double t = 0;
  EXPECT_DOUBLE_EQ(RecallAtFpr({0.995, 0.985, 0.5}, neg, 0.01, &t), 2.0 / 3);
  EXPECT_DOUBLE_EQ(t, 0.98);  // one negative (0.99) above it
  EXPECT_DOUBLE_EQ(RecallAtFpr({0.995, 0.955, 0.5}, neg, 0.05, &t), 2.0 / 3);
  EXPECT_DOUBLE_EQ(t, 0.94);
}

TEST(GuardMetricsTest, MulticlassMetrics) {
  // True 0,0,1,1,2 predicted 0,1,1,1,2.
  const std::vector<int> labels = {0, 0, 1, 1, 2};
  const std::vector<std::vector<double>> probs = {
      {0.8, 0.1, 0.1}, {0.3, 0.6, 0.1}, {0.1, 0.8, 0.1}, {0.2, 0.7, 0.1}, {0.1, 0.1, 0.8}};
  const MulticlassMetrics m = ComputeMulticlassMetrics({"a", "b", "c"}, labels, probs);
  EXPECT_DOUBLE_EQ(m.accuracy, 0.8);
  EXPECT_DOUBLE_EQ(m.classes[0].precision, 1.0);
  EXPECT_DOUBLE_EQ(m.classes[0].recall, 0.5);
  EXPECT_NEAR(m.classes[1].precision, 2.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(m.classes[1].recall, 1.0);
  EXPECT_NEAR(m.macro_f1, (2.0 / 3 + 0.8 + 1.0) / 3, 1e-12);
  EXPECT_NEAR(m.weighted_f1, (2 * 2.0 / 3 + 2 * 0.8 + 1.0) / 5, 1e-12);
  EXPECT_EQ(m.confusion[0][1], 1u);
}

TEST(GuardDataTest, ParsesCsvWithQuotes) {
  auto rows = ParseCsv("a,b\n1,\"x, \"\"y\"\"\nz\"\r\n2,\n", "t.csv");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1][1], "x, \"y\"\nz");
  EXPECT_EQ((*rows)[2][1], "");
  auto bad = ParseCsv("a\n\"open", "t.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("t.csv:2"), std::string::npos);
}

TEST(GuardDataTest, StratifiedSplitIsDeterministicAndProportional) {
  std::vector<std::string> strata;
  for (int i = 0; i < 1000; ++i) strata.push_back(i % 10 == 0 ? "rare" : "common");
  const auto a = StratifiedSplit(strata, 0.2, 0.1, 5);
  EXPECT_EQ(a, StratifiedSplit(strata, 0.2, 0.1, 5));
  EXPECT_NE(a, StratifiedSplit(strata, 0.2, 0.1, 6));
  size_t rare_test = 0, test = 0, cal = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    test += a[i] == kTest;
    cal += a[i] == kCalibration;
    rare_test += a[i] == kTest && strata[i] == "rare";
  }
  EXPECT_EQ(test, 200u);
  EXPECT_EQ(rare_test, 20u);
  EXPECT_EQ(cal, 80u);
}

TEST(GuardDataTest, GroupSplitKeepsGroupsOnOneSide) {
  std::vector<std::string> groups;
  for (int i = 0; i < 400; ++i) groups.push_back("g" + std::to_string(i % 20));
  const auto s = GroupSplit(groups, 0.35, 0.15, 3);
  std::set<std::string> test_groups, train_groups;
  for (size_t i = 0; i < s.size(); ++i) {
    (s[i] == kTest ? test_groups : train_groups).insert(groups[i]);
  }
  EXPECT_EQ(test_groups.size(), 7u);
  for (const auto& g : test_groups) EXPECT_EQ(train_groups.count(g), 0u) << g;
}

TEST(GuardDataTest, Sha256KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(GuardDataTest, CommittedBenignSetIsLargeAndWellFormed) {
  auto benign =
      LoadBenignRequests(::warden::testing::SourceDir() + "/data/guard/benign_requests.tsv");
  ASSERT_TRUE(benign.ok()) << benign.status().ToString();
  EXPECT_GE(benign->size(), 1000u);
  std::set<std::string> texts;
  for (const auto& b : *benign) texts.insert(b.text);
  EXPECT_EQ(texts.size(), benign->size());  // no duplicates
}

std::string DataDir() { return ::warden::testing::SharedDataDir(); }

TEST(GuardDataTest, LoadsTheRealDatasets) {
  const std::string g = DataDir() + "/guard/";
  if (!core::FileExists(g + "davidson_labeled_data.csv") ||
      !core::FileExists(g + "hatecheck_test_suite_cases.csv") ||
      !core::FileExists(g + "purplellama_prompt_injection.json")) {
    GTEST_SKIP() << "guard data not found under " << g << " (set WARDEN_DATA_DIR)";
  }
  auto davidson = LoadDavidson(g + "davidson_labeled_data.csv");
  ASSERT_TRUE(davidson.ok()) << davidson.status().ToString();
  EXPECT_EQ(davidson->size(), 24783u);
  size_t hate = 0;
  for (const auto& t : *davidson) hate += t.label == 0;
  EXPECT_EQ(hate, 1430u);
  auto hatecheck = LoadHateCheck(g + "hatecheck_test_suite_cases.csv");
  ASSERT_TRUE(hatecheck.ok());
  EXPECT_EQ(hatecheck->size(), 3728u);
  auto attacks = LoadInjectionAttacks(g + "purplellama_prompt_injection.json");
  ASSERT_TRUE(attacks.ok());
  EXPECT_EQ(attacks->size(), 251u);
  auto toxigen = LoadToxigen(g + "toxigen_demonstrations");
  ASSERT_TRUE(toxigen.ok());
  EXPECT_GT(toxigen->size(), 500u);
}

}  // namespace
}  // namespace warden::guard
