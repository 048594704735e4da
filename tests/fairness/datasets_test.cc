// The UCI loaders on the real files; skipped when the data is absent.
#include <gtest/gtest.h>

#include "source_dir.h"

#include <cstdlib>
#include <numeric>
#include <string>

#include "warden/core/io.h"
#include "warden/fairness/data.h"

namespace warden::fairness {
namespace {

std::string DataDir() { return ::warden::testing::SharedDataDir() + "/fairness"; }

TEST(FairnessDatasets, AdultTrainAndTest) {
  if (!core::FileExists(DataDir() + "/adult.test")) GTEST_SKIP() << "Adult not in " << DataDir();
  auto train = LoadAdult(DataDir() + "/adult.data");
  auto test = LoadAdult(DataDir() + "/adult.test");
  ASSERT_TRUE(train.ok()) << train.status().ToString();
  ASSERT_TRUE(test.ok()) << test.status().ToString();
  EXPECT_EQ(train->labels.size(), 32561u);
  EXPECT_EQ(test->labels.size(), 16281u);
  // 24.1% / 23.6% earn > 50K; the test file's "<=50K." labels are parsed.
  EXPECT_EQ(std::accumulate(train->labels.begin(), train->labels.end(), 0), 7841);
  EXPECT_EQ(std::accumulate(test->labels.begin(), test->labels.end(), 0), 3846);
  EXPECT_EQ(train->sensitive.names, (std::vector<std::string>{"sex", "race", "age_group"}));
  EXPECT_FALSE(train->features.Column("sex").ok());
}

TEST(FairnessDatasets, GermanAndCommunities) {
  if (!core::FileExists(DataDir() + "/german.data"))
    GTEST_SKIP() << "German credit not in " << DataDir();
  auto g = LoadGerman(DataDir() + "/german.data");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->labels.size(), 1000u);
  EXPECT_EQ(std::accumulate(g->labels.begin(), g->labels.end(), 0), 700);
  auto c =
      LoadCommunities(DataDir() + "/communities.csv", DataDir() + "/communities_protected.csv");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->labels.size(), 1994u);
  EXPECT_EQ(c->protected_numeric.size(), 18u);
}

TEST(FairnessDatasets, MalformedFilesAreErrors) {
  EXPECT_FALSE(LoadAdult("/nonexistent/adult.data").ok());
  const std::string dir = ::testing::TempDir();
  ASSERT_TRUE(core::WriteFileAtomic(dir + "/bad_adult", "1, 2, 3\n").ok());
  auto r = LoadAdult(dir + "/bad_adult");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("15 columns"), std::string::npos);
  ASSERT_TRUE(
      core::WriteFileAtomic(dir + "/bad_german",
                            "A11 6 A34 A43 1169 A65 A75 4 A99 A101 4 A121 67 A143 A152 2 A173 1 "
                            "A192 A201 1\n")
          .ok());
  auto gr = LoadGerman(dir + "/bad_german");
  ASSERT_FALSE(gr.ok());
  EXPECT_NE(gr.status().message().find("A99"), std::string::npos);
}

}  // namespace
}  // namespace warden::fairness
