// The pseudonym vault's file: owner-only mode, location relative to the
// policy file or in the per-user state directory, and refusal inside a git
// work tree.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include "source_dir.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "warden/core/io.h"
#include "warden/guard/policy.h"

namespace warden::guard {
namespace {

namespace fs = std::filesystem;

class VaultFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ("warden_vault_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  static unsigned Mode(const fs::path& p) {
    struct stat st;
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 0777;
  }
  static Vault OneEntry() {
    Vault v;
    v.Pseudonym("email", "ann@example.org");
    return v;
  }

  fs::path root_;
};

TEST_F(VaultFileTest, WrittenOwnerOnly) {
  const fs::path path = root_ / "state" / "v.json";  // parent created too
  ASSERT_TRUE(OneEntry().Save(path.string()).ok());
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_EQ(Mode(path.parent_path()), 0700u);
  auto loaded = Vault::Load(path.string());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->size(), 1u);
}

TEST_F(VaultFileTest, ExistingVaultIsNotMadeMoreReadable) {
  const fs::path path = root_ / "v.json";
  ASSERT_TRUE(OneEntry().Save(path.string()).ok());
  ::chmod(path.c_str(), 0400);
  ASSERT_TRUE(OneEntry().Save(path.string()).ok());
  EXPECT_EQ(Mode(path), 0400u);
  ::chmod(path.c_str(), 0644);  // too open: tightened, never kept
  ASSERT_TRUE(OneEntry().Save(path.string()).ok());
  EXPECT_EQ(Mode(path), 0600u);
}

TEST_F(VaultFileTest, RelativeVaultIsRelativeToThePolicyFile) {
  fs::create_directories(root_ / "policies");
  const fs::path policy = root_ / "policies" / "p.toml";
  ASSERT_TRUE(core::WriteFileAtomic(policy.string(),
                                    "name = \"p\"\n[mask]\nstyle = \"pseudonym\"\n"
                                    "vault = \"vaults/p.json\"\n")
                  .ok());
  core::ResourcePaths paths;
  paths.state_dir = (root_ / "state").string();
  auto p = LoadPolicy(policy.string(), paths);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->vault_path, (root_ / "policies" / "vaults" / "p.json").string());

  // By name through the policies directory, and "${state}/" in the state
  // directory.
  ASSERT_TRUE(core::WriteFileAtomic((root_ / "policies" / "s.toml").string(),
                                    "name = \"s\"\n[mask]\nstyle = \"pseudonym\"\n"
                                    "vault = \"${state}/s.json\"\n")
                  .ok());
  paths.policies_dir = (root_ / "policies").string();
  auto s = LoadPolicy("s", paths);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->vault_path, (root_ / "state" / "s.json").string());
  paths.state_dir.clear();
  EXPECT_FALSE(LoadPolicy("s", paths).ok());  // no state directory known
}

TEST_F(VaultFileTest, ShippedFocusGroupVaultIsPerUserState) {
  core::ResourcePaths paths;
  paths.policies_dir = ::warden::testing::SourceDir() + "/policies";
  paths.state_dir = (root_ / "state").string();
  auto p = LoadPolicy("focus-group", paths);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(fs::path(p->vault_path).parent_path(), root_ / "state");
}

TEST_F(VaultFileTest, RefusedInsideAGitWorkTree) {
  const fs::path repo = root_ / "repo";
  fs::create_directories(repo / ".git");
  fs::create_directories(repo / "sub");
  const std::string inside = (repo / "sub" / "v.json").string();
  const Status s = CheckVaultLocation(inside);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(inside), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(repo.string()), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("--vault PATH"), std::string::npos) << s.message();
  EXPECT_FALSE(OneEntry().Save(inside).ok());
  EXPECT_FALSE(fs::exists(inside));
  // A ".git" file (worktrees, submodules) marks a work tree too.
  fs::create_directories(root_ / "wt");
  std::ofstream(root_ / "wt" / ".git") << "gitdir: /elsewhere\n";
  EXPECT_FALSE(CheckVaultLocation((root_ / "wt" / "v.json").string()).ok());
  // Outside any repository: fine.
  EXPECT_TRUE(CheckVaultLocation((root_ / "plain" / "v.json").string()).ok());
}

}  // namespace
}  // namespace warden::guard
