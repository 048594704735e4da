#include "warden/core/paths.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

namespace warden::core {
namespace {

namespace fs = std::filesystem;

// A fake process: an environment, a working directory and an executable
// inside a fresh temporary tree.
class PathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ("warden_paths_" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "cwd");
    fs::create_directories(root_ / "repo" / "build");
  }
  void TearDown() override { fs::remove_all(root_); }

  PathContext Context() {
    PathContext c;
    c.getenv = [this](const char* name) -> const char* {
      auto it = env_.find(name);
      return it == env_.end() ? nullptr : it->second.c_str();
    };
    c.cwd = (root_ / "cwd").string();
    c.exe_path = (root_ / "repo" / "build" / "warden").string();
    return c;
  }
  std::string P(const fs::path& rel) { return (root_ / rel).lexically_normal().string(); }

  fs::path root_;
  std::map<std::string, std::string> env_;
};

TEST_F(PathsTest, FlagsBeatEnvironmentBeatDefaults) {
  env_ = {{"WARDEN_DATA_DIR", "/env/data"},
          {"WARDEN_MODELS_DIR", "/env/models"},
          {"WARDEN_POLICIES_DIR", "/env/policies"},
          {"WARDEN_STATE_DIR", "/env/state"}};
  ResourcePaths flags;
  flags.models_dir = "/flag/models";
  flags.state_dir = "/flag/state";
  const ResourcePaths r = ResolveResourcePaths(flags, Context());
  EXPECT_EQ(r.models_dir, "/flag/models");
  EXPECT_EQ(r.state_dir, "/flag/state");
  EXPECT_EQ(r.data_dir, "/env/data");
  EXPECT_EQ(r.policies_dir, "/env/policies");
}

TEST_F(PathsTest, WorkingDirectoryBeforeExecutable) {
  fs::create_directories(root_ / "cwd" / "models");
  fs::create_directories(root_ / "repo" / "models");
  fs::create_directories(root_ / "repo" / "policies");
  const ResourcePaths r = ResolveResourcePaths({}, Context());
  EXPECT_EQ(r.models_dir, P("cwd/models"));
  EXPECT_EQ(r.policies_dir, P("repo/policies"));  // build/warden from anywhere
}

TEST_F(PathsTest, InstalledShareDirectory) {
  fs::create_directories(root_ / "repo" / "share" / "warden" / "models");
  fs::create_directories(root_ / "repo" / "share" / "warden" / "policies");
  const ResourcePaths r = ResolveResourcePaths({}, Context());
  EXPECT_EQ(r.models_dir, P("repo/share/warden/models"));
  EXPECT_EQ(r.policies_dir, P("repo/share/warden/policies"));
}

TEST_F(PathsTest, DataNextToWorkingDirectoryThenExecutableGrandparent) {
  PathContext c = Context();
  c.cwd = (root_ / "elsewhere" / "deep").string();
  fs::create_directories(c.cwd);
  fs::create_directories(root_ / "shared" / "data");  // <exe>/../../shared/data
  EXPECT_EQ(ResolveResourcePaths({}, c).data_dir, P("shared/data"));
  fs::create_directories(root_ / "elsewhere" / "shared" / "data");  // <cwd>/../shared/data
  EXPECT_EQ(ResolveResourcePaths({}, c).data_dir, P("elsewhere/shared/data"));
}

TEST_F(PathsTest, NothingExistsGivesTheFirstCandidate) {
  const ResourcePaths r = ResolveResourcePaths({}, Context());
  EXPECT_EQ(r.models_dir, P("cwd/models"));
  EXPECT_EQ(r.policies_dir, P("cwd/policies"));
  EXPECT_EQ(r.data_dir, P("shared/data"));
}

TEST_F(PathsTest, StateDirectoryOrder) {
  env_ = {{"HOME", "/home/u"}};
  EXPECT_EQ(ResolveResourcePaths({}, Context()).state_dir, "/home/u/.local/state/warden");
  env_["XDG_STATE_HOME"] = "/xdg";
  EXPECT_EQ(ResolveResourcePaths({}, Context()).state_dir, "/xdg/warden");
  env_["WARDEN_STATE_DIR"] = "/st";
  EXPECT_EQ(ResolveResourcePaths({}, Context()).state_dir, "/st");
  env_.clear();
  EXPECT_EQ(ResolveResourcePaths({}, Context()).state_dir, "");
}

TEST_F(PathsTest, EmptyEnvironmentValuesAreIgnored) {
  env_ = {{"WARDEN_MODELS_DIR", ""}};
  fs::create_directories(root_ / "repo" / "models");
  EXPECT_EQ(ResolveResourcePaths({}, Context()).models_dir, P("repo/models"));
}

}  // namespace
}  // namespace warden::core
