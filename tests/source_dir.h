// Where the tests find committed files (policies/, models/guard/, data/) and
// the shared data sets beside the checkout. CTest sets $WARDEN_SOURCE_DIR on
// every test (CMakeLists.txt); run by hand, the binary looks for the checkout
// in the working directory and its parents. The path is not compiled in, so a
// clone in another folder reuses cached test objects (scripts/test.sh, ccache).
#ifndef WARDEN_TESTS_SOURCE_DIR_H_
#define WARDEN_TESTS_SOURCE_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <string>

namespace warden::testing {

inline std::string SourceDir() {
  if (const char* env = std::getenv("WARDEN_SOURCE_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code ec;
  for (auto dir = std::filesystem::current_path(ec); !ec && !dir.empty(); dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "policies" / "focus-group.toml", ec)) return dir.string();
    if (dir == dir.parent_path()) break;
  }
  return ".";
}

// ../shared/data beside the checkout, unless $WARDEN_DATA_DIR says otherwise.
inline std::string SharedDataDir() {
  if (const char* env = std::getenv("WARDEN_DATA_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return SourceDir() + "/../shared/data";
}

}  // namespace warden::testing

#endif  // WARDEN_TESTS_SOURCE_DIR_H_
