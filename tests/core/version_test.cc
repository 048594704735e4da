#include "warden/core/version.h"

#include <gtest/gtest.h>

#include "warden/warden.h"

namespace warden::core {
namespace {

TEST(Version, MatchesTheBuildAndTheCAbi) {
  EXPECT_EQ(kVersion, WARDEN_PROJECT_VERSION);
  EXPECT_EQ(std::string_view(warden_version()), kVersion);
}

}  // namespace
}  // namespace warden::core
