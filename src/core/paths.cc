// Resolution of the resource and state directories (include/warden/core/paths.h).
#include "warden/core/paths.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace warden::core {
namespace {

namespace fs = std::filesystem;

bool IsDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

// The first of `candidates` that is a directory, else the first.
std::string FirstExisting(const std::vector<fs::path>& candidates) {
  for (const fs::path& p : candidates) {
    if (IsDir(p)) return p.lexically_normal().string();
  }
  return candidates.front().lexically_normal().string();
}

}  // namespace

std::string ExecutablePath() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : p.string();
}

ResourcePaths ResolveResourcePaths(const ResourcePaths& flags, const PathContext& context) {
  auto env = [&](const char* name) -> std::string {
    const char* v = context.getenv ? context.getenv(name) : std::getenv(name);
    return v != nullptr ? std::string(v) : std::string();
  };
  // Relative defaults stay relative to the working directory unless a
  // working directory is given (tests), so messages name short paths.
  const fs::path cwd = context.cwd.empty() ? fs::path() : fs::path(context.cwd);
  const std::string exe = context.exe_path.empty() ? ExecutablePath() : context.exe_path;
  const fs::path exe_dir = exe.empty() ? fs::path() : fs::path(exe).parent_path();

  auto pick = [&](const std::string& flag, const char* env_name,
                  const std::vector<fs::path>& beside_cwd,
                  const std::vector<fs::path>& beside_exe) {
    if (!flag.empty()) return flag;
    if (std::string e = env(env_name); !e.empty()) return e;
    std::vector<fs::path> candidates;
    for (const fs::path& p : beside_cwd) candidates.push_back(cwd / p);
    if (!exe_dir.empty()) {
      for (const fs::path& p : beside_exe) candidates.push_back(exe_dir / p);
    }
    return FirstExisting(candidates);
  };

  ResourcePaths r;
  r.models_dir = pick(flags.models_dir, "WARDEN_MODELS_DIR", {"models"},
                      {"../models", "../share/warden/models"});
  r.policies_dir = pick(flags.policies_dir, "WARDEN_POLICIES_DIR", {"policies"},
                        {"../policies", "../share/warden/policies"});
  r.data_dir = pick(flags.data_dir, "WARDEN_DATA_DIR", {"../shared/data"}, {"../../shared/data"});
  if (!flags.state_dir.empty()) {
    r.state_dir = flags.state_dir;
  } else if (std::string e = env("WARDEN_STATE_DIR"); !e.empty()) {
    r.state_dir = e;
  } else if (std::string x = env("XDG_STATE_HOME"); !x.empty()) {
    r.state_dir = (fs::path(x) / "warden").string();
  } else if (std::string h = env("HOME"); !h.empty()) {
    r.state_dir = (fs::path(h) / ".local" / "state" / "warden").string();
  }  // else "": no per-user location; callers must be given one explicitly

  return r;
}

}  // namespace warden::core
