#include "warden/text/corpus.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <string>

#include "warden/core/io.h"
#include "warden/text/utf8.h"

namespace warden::text {
namespace {

class CorpusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = "/tmp/warden_corpus_test_" + std::to_string(::getpid());
    ::mkdir(dir_.c_str(), 0755);
    ::mkdir((dir_ + "/fortunes").c_str(), 0755);
    ::mkdir((dir_ + "/wordnet").c_str(), 0755);
    // Two fortunes, one with a stray Windows-1252 apostrophe (0x92); art is skipped.
    ASSERT_TRUE(
        core::WriteFileAtomic(dir_ + "/fortunes/wisdom.u8",
                              "Look before you leap, they say.\n%\nThe market\x92s drop was far "
                              "from over.\n%\nok\n%\n")
            .ok());
    ASSERT_TRUE(
        core::WriteFileAtomic(dir_ + "/fortunes/art.u8", "  /\\_/\\  a cat picture here\n%\n")
            .ok());
    const std::string noun =
        "  1 This software and database is being provided to you | licence\n"
        "00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 | that which is perceived to have its "
        "own distinct existence  \n";
    for (const char* f : {"data.noun", "data.verb", "data.adj", "data.adv"}) {
      ASSERT_TRUE(core::WriteFileAtomic(dir_ + "/wordnet/" + f, noun).ok());
    }
    const std::string gcide =
        "Abdicator \\Ab\"di*ca`tor\\, n. [L.\n   abdicator.]\n   One who abdicates a throne or "
        "an office of state.\n   [1913 Webster]\n\n   This file is part of the GNU version of "
        "the dictionary\n\nCaf\xe7 \\Caf\\, n.\n   A small restaurant where coffee is sold to "
        "guests.\n\nDichotomous \\Di*chot\"o*mous\\, a.\n   Regularly dividing by pairs [R.] as, a "
        "dichotomous stem [Obs.]. -- {Di*chot\"o*mous*ly}, adv.\n";
    gzFile g = gzopen((dir_ + "/gcide.dict.dz").c_str(), "wb");
    ASSERT_NE(g, nullptr);
    gzwrite(g, gcide.data(), static_cast<unsigned>(gcide.size()));
    gzclose(g);
    opts_.fortunes_dir = dir_ + "/fortunes";
    opts_.wordnet_dir = dir_ + "/wordnet";
    opts_.gcide_path = dir_ + "/gcide.dict.dz";
    opts_.heldout_fraction = 0.0;
  }
  void TearDown() override { (void)std::system(("rm -rf " + dir_).c_str()); }

  std::string dir_;
  DefaultCorpusOptions opts_;
};

TEST_F(CorpusTest, ExtractsDocumentsFromEachSource) {
  auto c = LoadDefaultCorpus(opts_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  std::vector<std::string> texts;
  for (const auto& d : c->train) {
    texts.push_back(d.source + ": " + d.text);
    EXPECT_EQ(FindInvalidUtf8(d.text), std::string::npos) << d.text;
  }
  const std::vector<std::string> want = {
      "fortunes: Look before you leap, they say.",
      "fortunes: The market\xe2\x80\x99s drop was far from over.",
      "wordnet: that which is perceived to have its own distinct existence.",
      "wordnet: that which is perceived to have its own distinct existence.",
      "wordnet: that which is perceived to have its own distinct existence.",
      "wordnet: that which is perceived to have its own distinct existence.",
      "gcide: One who abdicates a throne or an office of state.",
      "gcide: A small restaurant where coffee is sold to guests.",
      "gcide: Regularly dividing by pairs as, a dichotomous stem. -- Dichotomously, adv.",
  };
  EXPECT_EQ(texts, want);
  EXPECT_TRUE(c->heldout.empty());
}

TEST_F(CorpusTest, MissingSourceNamesThePackage) {
  opts_.gcide_path = dir_ + "/nope.dz";
  auto c = LoadDefaultCorpus(opts_);
  EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
  EXPECT_NE(c.status().message().find("dict-gcide"), std::string::npos);
  opts_.heldout_fraction = 1.5;
  EXPECT_EQ(LoadDefaultCorpus(opts_).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CorpusTest, HeldOutSplitIsByContentAndCapIsRespected) {
  opts_.heldout_fraction = 0.5;
  auto c = LoadDefaultCorpus(opts_);
  ASSERT_TRUE(c.ok());
  for (const auto& d : c->heldout) EXPECT_TRUE(IsHeldOut(d.text, 0.5));
  for (const auto& d : c->train) EXPECT_FALSE(IsHeldOut(d.text, 0.5));
  opts_.heldout_fraction = 0.0;
  opts_.max_train_bytes = 80;
  auto capped = LoadDefaultCorpus(opts_);
  ASSERT_TRUE(capped.ok());
  EXPECT_LE(capped->train_bytes, 80u);
  EXPECT_GT(capped->train_bytes, 0u);
}

TEST(IsHeldOutTest, FractionIsRespected) {
  int held = 0;
  for (int i = 0; i < 20000; ++i) held += IsHeldOut("document " + std::to_string(i), 0.1);
  EXPECT_NEAR(held / 20000.0, 0.1, 0.01);
  EXPECT_FALSE(IsHeldOut("anything", 0.0));
}

}  // namespace
}  // namespace warden::text
