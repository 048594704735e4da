// Helpers for guard tests: the data directory and a finding summary.
#ifndef WARDEN_TESTS_GUARD_GUARD_TEST_UTIL_H_
#define WARDEN_TESTS_GUARD_GUARD_TEST_UTIL_H_

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "source_dir.h"
#include "warden/guard/guard.h"

namespace warden::guard::testing {

// $WARDEN_DATA_DIR, else the shared data directory next to the source tree.
inline std::string DataDir() { return ::warden::testing::SharedDataDir(); }

inline bool HasGuardData(const std::string& file) {
  return std::filesystem::exists(DataDir() + "/guard/" + file);
}

inline bool HasType(const std::vector<Finding>& f, const std::string& type) {
  for (const Finding& x : f) {
    if (x.type == type) return true;
  }
  return false;
}

}  // namespace warden::guard::testing

#endif  // WARDEN_TESTS_GUARD_GUARD_TEST_UTIL_H_
