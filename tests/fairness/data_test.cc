// CSV reader, loaders' conventions and the encoder.
#include <gtest/gtest.h>

#include "warden/fairness/data.h"

namespace warden::fairness {
namespace {

TEST(FairnessCsv, QuotesDelimitersAndCrlf) {
  auto t = ParseCsv("a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n\"multi\nline\",,?\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0][1], "x, \"y\"");
  EXPECT_EQ(t->rows[1][0], "multi\nline");
  EXPECT_TRUE(IsMissing(t->rows[1][1]));
  EXPECT_TRUE(IsMissing(t->rows[1][2]));
  EXPECT_FALSE(IsMissing("0"));
}

TEST(FairnessCsv, ErrorsNameLineAndColumn) {
  auto unterminated = ParseCsv("a,b\n1,\"open\n");
  ASSERT_FALSE(unterminated.ok());
  EXPECT_NE(unterminated.status().message().find("line 2, column 2"), std::string::npos);
  auto ragged = ParseCsv("a,b\n1,2\n3\n");
  ASSERT_FALSE(ragged.ok());
  EXPECT_NE(ragged.status().message().find("line 3"), std::string::npos);
  auto stray = ParseCsv("a,b\n1,x\"y\n");
  ASSERT_FALSE(stray.ok());
  EXPECT_NE(stray.status().message().find("column 2"), std::string::npos);
  EXPECT_FALSE(ParseCsv("").ok());
}

// Found by fuzz/fairness_csv_fuzz.cc: an invalid byte in a column name reached
// the JSON encoder of the model, which throws on invalid UTF-8.
TEST(FairnessCsv, InvalidUtf8IsRefusedWithItsLine) {
  auto t =
      ParseCsv(std::string("y,score,sex\n1,0.9,F\n0,0.\xCC"
                           "2,M\n"));
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("line 3: invalid UTF-8"), std::string::npos)
      << t.status().ToString();
  EXPECT_TRUE(ParseCsv("y,score,sex\n1,0.9,F\n0,0.2,caf\xC3\xA9\n").ok());
}

TEST(FairnessCsv, MissingColumnIsNamed) {
  auto t = ParseCsv("label,sex\n1,F\n");
  ASSERT_TRUE(t.ok());
  auto c = t->Column("race");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("'race'"), std::string::npos);
  EXPECT_NE(c.status().message().find("label, sex"), std::string::npos);
}

TEST(FairnessLabels, OutsideZeroOneIsAnErrorWithRow) {
  auto ok = ParseLabels({"1", "0", ">50K", "<=50K"}, {">50K"}, {"<=50K"}, "income");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, (std::vector<uint8_t>{1, 0, 1, 0}));
  auto bad = ParseLabels({"1", "2"}, {}, {}, "y");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("row 2"), std::string::npos);
  EXPECT_NE(bad.status().message().find("'2'"), std::string::npos);
  auto missing = ParseLabels({"?"}, {}, {}, "y");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("missing"), std::string::npos);
}

TEST(FairnessEncoder, OneHotStandardizeUnseenAndMissing) {
  Frame train;
  train.names = {"age", "job"};
  train.columns = {{"20", "40", "?"}, {"a", "b", "a"}};
  auto enc = Encoder::Fit(train);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(enc->output_width(), 3u);
  EXPECT_EQ(enc->OutputNames()[1], "job=a");
  Frame test;
  test.names = {"job", "age"};  // order by name, not position
  test.columns = {{"c", "b", ""}, {"30", "?", "40"}};
  TransformStats stats;
  auto m = enc->Transform(test, &stats);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(stats.unseen_categories, 1u);
  EXPECT_EQ(stats.missing_values, 2u);
  // Mean 30, sd 10: 30 -> 0, missing -> mean -> 0, 40 -> 1.
  EXPECT_DOUBLE_EQ(m->Row(0)[0], 0);
  EXPECT_DOUBLE_EQ(m->Row(1)[0], 0);
  EXPECT_DOUBLE_EQ(m->Row(2)[0], 1);
  EXPECT_EQ(m->Row(0)[1] + m->Row(0)[2], 0);  // unseen: all-zero block
  EXPECT_EQ(m->Row(1)[2], 1);
  auto round = Encoder::FromJson(enc->ToJson());
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->OutputNames(), enc->OutputNames());
  Frame lacking;
  lacking.names = {"age"};
  lacking.columns = {{"1"}};
  auto err = enc->Transform(lacking);
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("'job'"), std::string::npos);
  EXPECT_FALSE(Encoder::FromJson("{").ok());
  EXPECT_FALSE(Encoder::FromJson("[{\"name\":1}]").ok());
}

}  // namespace
}  // namespace warden::fairness
