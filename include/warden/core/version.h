// The version of warden, recorded in certificates, model manifests and
// `warden --version`. One constant for every module; CMakeLists.txt's
// project(VERSION) must agree (tests/core/version_test.cc checks it).
//
// Thread safety: a constant.
#ifndef WARDEN_CORE_VERSION_H_
#define WARDEN_CORE_VERSION_H_

#include <string_view>

namespace warden::core {

inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace warden::core

#endif  // WARDEN_CORE_VERSION_H_
