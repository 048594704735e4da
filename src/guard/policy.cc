// TOML policy files: parsing with errors that name the file, line and
// field, and the strength-to-threshold table.
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "warden/core/io.h"
#include "warden/guard/policy.h"

namespace warden::guard {
namespace {

const std::set<std::string, std::less<>>& KnownCategories() {
  static const std::set<std::string, std::less<>> k = {
      "profanity", "hate", "toxicity", "offensive", "pii", "secret", "injection", "invalid_utf8"};
  return k;
}

std::string Where(const std::string& source, const toml::source_region& r) {
  return source + ":" + std::to_string(r.begin.line);
}

Status FieldError(const std::string& source, const toml::node& n, const std::string& field,
                  const std::string& what) {
  return Status::InvalidArgument(Where(source, n.source()) + ": " + field + ": " + what);
}

Result<Strength> ParseStrength(const std::string& source, const toml::node& n,
                               const std::string& field) {
  const auto s = n.value<std::string>();
  if (s) {
    std::string u = *s;
    std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return std::toupper(c); });
    if (u == "NONE") return Strength::kNone;
    if (u == "LOW") return Strength::kLow;
    if (u == "MEDIUM") return Strength::kMedium;
    if (u == "HIGH") return Strength::kHigh;
  }
  return FieldError(source, n, field, "strength must be \"NONE\", \"LOW\", \"MEDIUM\" or \"HIGH\"");
}

Status ParseActionWord(const std::string& source, const toml::node& n, const std::string& field,
                       Action* a) {
  const auto s = n.value<std::string>();
  if (s && *s == "block") {
    a->block = true;
  } else if (s && *s == "mask") {
    a->mask = true;
  } else if (s && *s == "annotate") {
    a->annotate = true;
  } else if (s && *s == "disclaim") {
    a->disclaim = true;
  } else {
    return FieldError(source, n, field,
                      "action must be \"block\", \"mask\", \"annotate\" or \"disclaim\"");
  }
  return Status::Ok();
}

Status ParseDirection(const std::string& source, const toml::table& t, const std::string& prefix,
                      DirectionPolicy* d) {
  for (const auto& [key, node] : t) {
    const std::string k(key.str());
    const std::string field = prefix + "." + k;
    if (k != "strength" && k != "actions") return FieldError(source, node, field, "unknown field");
    const toml::table* sub = node.as_table();
    if (sub == nullptr)
      return FieldError(source, node, field, "must be a table of category = value");
    for (const auto& [ckey, cnode] : *sub) {
      const std::string cat(ckey.str());
      const std::string cfield = field + "." + cat;
      if (KnownCategories().count(cat) == 0) {
        return FieldError(source, cnode, cfield,
                          "unknown category (profanity, hate, toxicity, offensive, pii, secret, "
                          "injection, invalid_utf8)");
      }
      if (k == "strength") {
        WARDEN_ASSIGN_OR_RETURN(d->strength[cat], ParseStrength(source, cnode, cfield));
        continue;
      }
      Action a;
      if (const toml::array* arr = cnode.as_array()) {
        for (const toml::node& item : *arr)
          WARDEN_RETURN_IF_ERROR(ParseActionWord(source, item, cfield, &a));
      } else {
        WARDEN_RETURN_IF_ERROR(ParseActionWord(source, cnode, cfield, &a));
      }
      d->actions[cat] = a;
    }
  }
  return Status::Ok();
}

Result<std::vector<std::string>> StringArray(const std::string& source, const toml::node& n,
                                             const std::string& field) {
  const toml::array* arr = n.as_array();
  if (arr == nullptr) return FieldError(source, n, field, "must be an array of strings");
  std::vector<std::string> out;
  for (const toml::node& item : *arr) {
    const auto s = item.value<std::string>();
    if (!s) return FieldError(source, item, field, "must be an array of strings");
    out.push_back(*s);
  }
  return out;
}

Result<std::string> String(const std::string& source, const toml::node& n,
                           const std::string& field) {
  const auto s = n.value<std::string>();
  if (!s || !n.is_string()) return FieldError(source, n, field, "must be a string");
  return *s;
}

Result<Policy> FromTable(const toml::table& root, const std::string& source) {
  Policy p;
  for (const auto& [key, node] : root) {
    const std::string k(key.str());
    if (k == "name") {
      WARDEN_ASSIGN_OR_RETURN(p.name, String(source, node, k));
    } else if (k == "description") {
      WARDEN_ASSIGN_OR_RETURN(p.description, String(source, node, k));
    } else if (k == "disclaimer") {
      WARDEN_ASSIGN_OR_RETURN(p.disclaimer, String(source, node, k));
    } else if (k == "input" || k == "output") {
      const toml::table* t = node.as_table();
      if (t == nullptr) return FieldError(source, node, k, "must be a table");
      WARDEN_RETURN_IF_ERROR(ParseDirection(source, *t, k, k == "input" ? &p.input : &p.output));
    } else if (k == "mask") {
      const toml::table* t = node.as_table();
      if (t == nullptr) return FieldError(source, node, k, "must be a table");
      for (const auto& [mk, mn] : *t) {
        const std::string f = "mask." + std::string(mk.str());
        if (mk.str() == "style") {
          WARDEN_ASSIGN_OR_RETURN(std::string style, String(source, mn, f));
          if (style != "placeholder" && style != "pseudonym") {
            return FieldError(source, mn, f, "must be \"placeholder\" or \"pseudonym\"");
          }
          p.pseudonyms = style == "pseudonym";
        } else if (mk.str() == "vault") {
          WARDEN_ASSIGN_OR_RETURN(p.vault_path, String(source, mn, f));
        } else {
          return FieldError(source, mn, f, "unknown field");
        }
      }
    } else if (k == "allow") {
      const toml::table* t = node.as_table();
      if (t == nullptr) return FieldError(source, node, k, "must be a table");
      for (const auto& [ak, an] : *t) {
        const std::string f = "allow." + std::string(ak.str());
        if (ak.str() == "words") {
          WARDEN_ASSIGN_OR_RETURN(p.allow_words, StringArray(source, an, f));
        } else if (ak.str() == "values") {
          WARDEN_ASSIGN_OR_RETURN(p.allow_values, StringArray(source, an, f));
        } else {
          return FieldError(source, an, f, "unknown field");
        }
      }
    } else {
      return FieldError(source, node, k, "unknown field");
    }
  }
  if (p.name.empty()) return Status::InvalidArgument(source + ": name: missing");
  // A masked or blocked category with no strength would never trigger.
  for (const DirectionPolicy* d : {&p.input, &p.output}) {
    for (const auto& [cat, a] : d->actions) {
      (void)a;
      if (d->strength.count(cat) == 0) {
        return Status::InvalidArgument(source + ": " +
                                       std::string(d == &p.input ? "input" : "output") +
                                       ".actions." + cat + ": no strength set for this category");
      }
    }
  }
  return p;
}

// "${state}/NAME" -> state_dir/NAME; relative -> next to the policy file.
Result<std::string> ResolveVaultPath(const std::string& raw, const std::string& policy_file,
                                     const std::string& state_dir) {
  namespace fs = std::filesystem;
  if (raw.empty()) return raw;
  static constexpr std::string_view kState = "${state}";
  if (raw.rfind(kState, 0) == 0) {
    if (state_dir.empty()) {
      return Status::InvalidArgument(
          policy_file + ": mask.vault: " + raw +
          " needs a per-user state directory, and none is known (set WARDEN_STATE_DIR, "
          "XDG_STATE_HOME or HOME, or pass --vault PATH)");
    }
    std::string rest = raw.substr(kState.size());
    while (!rest.empty() && rest.front() == '/') rest.erase(0, 1);
    return (fs::path(state_dir) / rest).string();
  }
  const fs::path v(raw);
  if (v.is_absolute()) return raw;
  return (fs::path(policy_file).parent_path() / v).lexically_normal().string();
}

}  // namespace

std::string_view StrengthName(Strength s) {
  switch (s) {
    case Strength::kNone:
      return "NONE";
    case Strength::kLow:
      return "LOW";
    case Strength::kMedium:
      return "MEDIUM";
    case Strength::kHigh:
      return "HIGH";
  }
  return "?";
}

double ThresholdFor(std::string_view category, Strength strength) {
  if (strength == Strength::kNone) return 2.0;
  const int i = static_cast<int>(strength) - 1;
  // Rule scores: lexicon severity (Surge 1-3 scaled to 0.33-1), PII and
  // secret confidences; classifier categories are calibrated probabilities.
  static constexpr double kProfanity[3] = {0.8, 0.5, 0.3};
  static constexpr double kPii[3] = {0.9, 0.75, 0.5};
  static constexpr double kSecret[3] = {0.9, 0.8, 0.5};
  static constexpr double kProbability[3] = {0.9, 0.7, 0.5};
  if (category == "profanity") return kProfanity[i];
  if (category == "pii") return kPii[i];
  if (category == "secret") return kSecret[i];
  if (category == "invalid_utf8") return 0.0;
  return kProbability[i];
}

Result<Policy> ParsePolicy(std::string_view text, const std::string& source) {
  try {
    toml::table root = toml::parse(text, source);
    return FromTable(root, source);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(source + ":" + std::to_string(e.source().begin.line) + ": " +
                                   std::string(e.description()));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(source + ": " + e.what());
  }
}

Result<Policy> LoadPolicy(const std::string& name_or_path, const core::ResourcePaths& paths) {
  std::vector<std::string> candidates = {name_or_path};
  const bool bare_name = name_or_path.find('/') == std::string::npos &&
                         name_or_path.find(".toml") == std::string::npos;
  const std::string shipped =
      (paths.policies_dir.empty() ? std::string("policies") : paths.policies_dir) + "/" +
      name_or_path + ".toml";
  if (bare_name) candidates.push_back(shipped);
  for (const std::string& path : candidates) {
    if (!std::filesystem::is_regular_file(path)) continue;
    WARDEN_ASSIGN_OR_RETURN(std::string text, core::ReadFile(path));
    WARDEN_ASSIGN_OR_RETURN(Policy p, ParsePolicy(text, path));
    WARDEN_ASSIGN_OR_RETURN(p.vault_path, ResolveVaultPath(p.vault_path, path, paths.state_dir));
    return p;
  }
  return Status::NotFound("policy \"" + name_or_path + "\": no such file" +
                          (bare_name ? ", and no " + shipped : std::string()));
}

Status CheckVaultLocation(const std::string& vault_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Error-code overloads only: a path the file system cannot resolve is
  // checked as written, and nothing here may throw out of the library.
  fs::path abs = fs::absolute(vault_path, ec);
  if (ec) abs = fs::path(vault_path);
  if (fs::path canonical = fs::weakly_canonical(abs, ec); !ec) abs = canonical;
  abs = abs.lexically_normal();
  for (fs::path dir = abs.parent_path();; dir = dir.parent_path()) {
    if (fs::exists(dir / ".git", ec)) {
      return Status::InvalidArgument(
          "guard vault " + vault_path + " would be inside the git work tree " + dir.string() +
          ": a vault holds personal data in clear and must never be committed; choose a "
          "location outside any repository with --vault PATH (the shipped policies use the "
          "per-user state directory: $WARDEN_STATE_DIR, else $XDG_STATE_HOME/warden, else "
          "~/.local/state/warden)");
    }
    if (dir == dir.parent_path()) break;
  }
  return Status::Ok();
}

}  // namespace warden::guard
