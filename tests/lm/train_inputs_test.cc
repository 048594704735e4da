#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "warden/core/io.h"
#include "warden/lm/train.h"

namespace warden::lm {
namespace {

TEST(ReadTrainingTextsTest, ReadsFilesInOrderAndReportsBadOnes) {
  const std::string dir = "/tmp/warden_train_inputs_" + std::to_string(::getpid());
  ASSERT_TRUE(core::WriteFileAtomic(dir + "/a.txt", "first doc\nline two\n\n\nsecond doc\n").ok());
  ASSERT_TRUE(
      core::WriteFileAtomic(dir + "/b.jsonl.zst", "{\"text\":\"third\"}\n\n{\"text\":\"4th\"}\n")
          .ok());
  const std::vector<std::string> inputs = {dir + "/a.txt", dir + "/b.jsonl.zst"};
  auto texts = ReadTrainingTexts(inputs, text::DefaultCorpusOptions{});
  ASSERT_TRUE(texts.ok()) << texts.status().ToString();
  EXPECT_EQ(*texts,
            (std::vector<std::string>{"first doc\nline two", "second doc", "third", "4th"}));

  ASSERT_TRUE(core::WriteFileAtomic(dir + "/bad.jsonl", "{\"text\": 3}\n").ok());
  const std::vector<std::string> bad = {dir + "/bad.jsonl"};
  auto r = ReadTrainingTexts(bad, text::DefaultCorpusOptions{});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("bad.jsonl:1"), std::string::npos);

  text::DefaultCorpusOptions missing;
  missing.fortunes_dir = dir + "/no-fortunes";
  const std::vector<std::string> def = {"default"};
  EXPECT_EQ(ReadTrainingTexts(def, missing).status().code(), StatusCode::kNotFound);
  (void)std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace warden::lm
