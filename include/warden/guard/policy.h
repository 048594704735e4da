// Guardrails: policies, the per-use-case decision of what to do with
// findings.
//
// A policy is a TOML file (policies/*.toml; docs/guard.md has the format):
//
//   name = "focus-group"
//   disclaimer = "This text was checked by warden guard."
//   [input]                       # prompts
//   strength = { profanity = "HIGH", hate = "HIGH", pii = "MEDIUM" }
//   actions  = { profanity = "block", pii = "mask" }
//   [output]                      # generated text
//   ...
//   [mask]
//   style = "placeholder"         # "<EMAIL>", or "pseudonym": "<EMAIL_1>",
//   vault = "${state}/v.json"     # consistent, reversible through the vault
//   [allow]
//   words  = ["Scunthorpe"]       # lexicon allowlist
//   values = ["help@example.com"] # PII and secret values never reported
//
// Strength per category maps to a score threshold (ThresholdFor): NONE
// never triggers; LOW, MEDIUM, HIGH trigger on progressively weaker
// evidence. Actions: "block" (the text is refused), "mask" (the span is
// replaced), "annotate" (findings listed, text unchanged), "disclaim" (the
// policy's disclaimer is appended). Whole-text findings (classifiers) are
// masked by blocking. A broken file gives an error naming the file, line and
// field.
//
// The vault maps pseudonyms back to the personal data they hide, in clear.
// LoadPolicy resolves `mask.vault`: "${state}/NAME" is NAME in the per-user
// state directory (core::ResourcePaths::state_dir: $WARDEN_STATE_DIR, else
// $XDG_STATE_HOME/warden, else ~/.local/state/warden), a relative path is
// relative to the policy file's directory, an absolute one is kept. Vault
// files are written with mode 0600 (an existing file keeps a stricter mode)
// and never inside a git work tree (CheckVaultLocation).
//
// Ownership: Guard owns its scanners; Policy, Vault and Verdict are values.
// Thread safety: Policy is a value. Guard is immutable after construction
// and Apply is safe from many threads when each call gets its own Vault.
#ifndef WARDEN_GUARD_POLICY_H_
#define WARDEN_GUARD_POLICY_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/paths.h"
#include "warden/core/status.h"
#include "warden/guard/guard.h"
#include "warden/guard/lexicon.h"

namespace warden::guard {

enum class Strength { kNone = 0, kLow = 1, kMedium = 2, kHigh = 3 };
enum class Direction { kInput, kOutput };

// The calibrated score a finding of `category` needs to trigger at
// `strength` (> 1 for kNone: never). Documented in docs/guard.md.
double ThresholdFor(std::string_view category, Strength strength);
std::string_view StrengthName(Strength s);

struct Action {
  bool block = false;
  bool mask = false;
  bool annotate = false;
  bool disclaim = false;
};

struct DirectionPolicy {
  std::map<std::string, Strength> strength;  // by category
  std::map<std::string, Action> actions;     // by category
};

struct Policy {
  std::string name;
  std::string description;
  std::string disclaimer;
  DirectionPolicy input;
  DirectionPolicy output;
  bool pseudonyms = false;  // mask style
  std::string vault_path;   // "" = no vault file; resolved by LoadPolicy
  std::vector<std::string> allow_words;
  std::vector<std::string> allow_values;

  const DirectionPolicy& For(Direction d) const { return d == Direction::kInput ? input : output; }
};

// Parses TOML text; `source` names the file in error messages. The vault
// path is left as written.
Result<Policy> ParsePolicy(std::string_view toml_text, const std::string& source);
// A file path, or a shipped policy name looked up as
// `paths.policies_dir`/<name>.toml. The vault path is resolved against the
// policy file's directory and `paths.state_dir` (see above).
Result<Policy> LoadPolicy(const std::string& name_or_path, const core::ResourcePaths& paths);

// Refuses (kInvalidArgument, naming the path and the repository and telling
// how to choose another with --vault PATH) a vault path that lies inside a
// git work tree: a directory above it, or its own, holds ".git".
Status CheckVaultLocation(const std::string& vault_path);

// Pseudonyms for masked values, consistent within a vault and reversible.
class Vault {
 public:
  static Result<Vault> Load(const std::string& path);  // missing file: empty
  // Atomic write, mode 0600 (or the existing file's mode if stricter);
  // refuses a path inside a git work tree (CheckVaultLocation). A missing
  // parent directory is created with mode 0700.
  Status Save(const std::string& path) const;
  // "<TYPE_n>" for `value`, the same one every time.
  std::string Pseudonym(std::string_view type, std::string_view value);
  // Replaces every pseudonym of this vault in `text` by its value.
  std::string Unmask(std::string_view text) const;
  size_t size() const { return by_pseudonym_.size(); }

 private:
  std::map<std::string, std::string> by_value_;      // type + '\0' + value
  std::map<std::string, std::string> by_pseudonym_;  // pseudonym -> value
  std::map<std::string, int> counters_;
};

struct Verdict {
  bool blocked = false;
  std::string text;                  // transformed text ("" when blocked)
  std::vector<Finding> findings;     // everything the scanners reported
  std::vector<Finding> triggered;    // those over the policy's threshold
  std::vector<std::string> actions;  // "block:hate", "mask:pii/email", ...
};

// The scanners plus a policy: scan, decide, transform.
class Guard {
 public:
  // Lexicon (the lists under `paths.data_dir`/guard, else builtin, plus the
  // policy's allow words), PII (person names from `paths.models_dir`/guard
  // when present), secrets and invalid-UTF-8 scanners, plus `extra`
  // (classifiers). Empty directories mean the builtin lists only.
  static Result<std::unique_ptr<Guard>> Create(Policy policy, const core::ResourcePaths& paths,
                                               std::vector<std::unique_ptr<Scanner>> extra = {});
  ~Guard();

  const Policy& policy() const { return policy_; }
  Status ScanAll(std::string_view text, std::vector<Finding>* out) const;
  // `vault` may be null (pseudonym masking then falls back to placeholders).
  Result<Verdict> Apply(std::string_view text, Direction direction, Vault* vault) const;
  // Verdict from findings already computed (streaming reuses scans).
  Verdict Decide(std::string_view text, std::vector<Finding> findings, Direction direction,
                 Vault* vault) const;
  const LexiconScanner* lexicon() const { return lexicon_; }
  size_t scanner_count() const { return scanners_.size(); }

 private:
  explicit Guard(Policy policy);
  Policy policy_;
  std::vector<std::unique_ptr<Scanner>> scanners_;
  const LexiconScanner* lexicon_ = nullptr;
};

// Reports each maximal ill-formed UTF-8 subpart (category "invalid_utf8").
class Utf8Scanner final : public Scanner {
 public:
  std::string_view name() const override { return "utf8"; }
  Status Scan(std::string_view text, std::vector<Finding>* out) const override;
};

}  // namespace warden::guard

#endif  // WARDEN_GUARD_POLICY_H_
