// Where warden finds its resources (data sets, models, policies) and keeps
// per-user state (the guard's pseudonym vault), resolved once per process.
//
// Each directory comes from, in order: an explicit value (a command-line
// flag), the environment ($WARDEN_DATA_DIR, $WARDEN_MODELS_DIR,
// $WARDEN_POLICIES_DIR, $WARDEN_STATE_DIR), then a default that needs no
// path compiled into the binary:
//   models    ./models, <exe dir>/../models, <exe dir>/../share/warden/models
//   policies  ./policies, <exe dir>/../policies, <exe dir>/../share/warden/policies
//   data      ./../shared/data, <exe dir>/../../shared/data
//   state     $XDG_STATE_HOME/warden, else $HOME/.local/state/warden, else ""
// For models, policies and data the first default that exists wins; when
// none exists the first one is returned (errors then name it). So
// `build/warden` finds the repository's models/ and policies/ from any
// working directory. Library functions never resolve paths themselves: they
// take a ResourcePaths (or the one directory they need) from their caller.
//
// Ownership: plain values. Thread safety: ResolveResourcePaths reads the
// environment and the file system and is safe to call from any thread as
// long as nobody modifies the environment concurrently.
#ifndef WARDEN_CORE_PATHS_H_
#define WARDEN_CORE_PATHS_H_

#include <functional>
#include <string>

namespace warden::core {

struct ResourcePaths {
  std::string data_dir;      // holds guard/, fairness/, ... data sets
  std::string models_dir;    // holds guard/ classifiers, person_names.tsv, ...
  std::string policies_dir;  // holds NAME.toml guard policies
  std::string state_dir;     // per-user state (guard vaults); may not exist yet
};

// What the process sees: injectable so the resolution order can be tested.
struct PathContext {
  std::function<const char*(const char*)> getenv;  // null: std::getenv
  std::string cwd;                                 // "": the working directory
  std::string exe_path;                            // "": /proc/self/exe
};

// Fills every empty field of `flags` by the order above.
ResourcePaths ResolveResourcePaths(const ResourcePaths& flags, const PathContext& context = {});

// The running executable's path ("" when unknown).
std::string ExecutablePath();

}  // namespace warden::core

#endif  // WARDEN_CORE_PATHS_H_
