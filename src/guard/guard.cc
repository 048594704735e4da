// Guard: run the scanners, compare scores with the policy's thresholds, and
// apply the actions (block, mask, annotate, disclaim). Vault: reversible
// pseudonyms. Utf8Scanner: ill-formed bytes as findings.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

#include "warden/core/io.h"
#include "warden/guard/pii.h"
#include "warden/guard/policy.h"
#include "warden/guard/secrets.h"
#include "warden/text/utf8.h"

namespace warden::guard {
namespace {

std::string Upper(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}

// Placeholders name the type; lexicon findings are all "<PROFANITY>" or
// "<SLUR>" whatever their list category.
std::string PlaceholderType(const Finding& f) {
  if (f.category == "profanity") return "PROFANITY";
  return Upper(f.type.empty() ? f.category : f.type);
}

}  // namespace

Status Utf8Scanner::Scan(std::string_view text, std::vector<Finding>* out) const {
  constexpr size_t kMaxReports = 1000;  // bounded output on garbage input
  size_t pos = 0, reported = 0;
  while (pos < text.size() && reported < kMaxReports) {
    const size_t bad = text::FindInvalidUtf8(text.substr(pos));
    if (bad == std::string_view::npos) break;
    size_t b = pos + bad, e = b;
    // Merge adjacent ill-formed subparts into one finding.
    while (e < text.size()) {
      const size_t next_bad = text::FindInvalidUtf8(text.substr(e, 4));
      if (next_bad != 0) break;
      e += text::InvalidSubpartLength(reinterpret_cast<const uint8_t*>(text.data()) + e,
                                      text.size() - e);
    }
    Finding f;
    f.category = "invalid_utf8";
    f.type = "invalid_utf8";
    f.score = 1.0;
    f.begin = b;
    f.end = e;
    f.evidence = std::to_string(e - b) + " ill-formed byte(s)";
    f.scanner = "utf8";
    out->push_back(std::move(f));
    ++reported;
    pos = e;
  }
  return Status::Ok();
}

Result<Vault> Vault::Load(const std::string& path) {
  Vault v;
  if (!std::filesystem::exists(path)) return v;
  WARDEN_ASSIGN_OR_RETURN(std::string data, core::ReadFile(path));
  const auto j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("entries") || !j["entries"].is_array()) {
    return Status::Corruption(path + ": not a warden guard vault");
  }
  for (const auto& e : j["entries"]) {
    if (!e.is_object() || !e.contains("pseudonym") || !e.contains("type") || !e.contains("value") ||
        !e["pseudonym"].is_string() || !e["type"].is_string() || !e["value"].is_string()) {
      return Status::Corruption(path + ": vault entry needs string pseudonym, type and value");
    }
    const std::string p = e["pseudonym"], t = e["type"], val = e["value"];
    v.by_pseudonym_[p] = val;
    v.by_value_[t + '\0' + val] = p;
    ++v.counters_[t];
  }
  return v;
}

Status Vault::Save(const std::string& path) const {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& [key, p] : by_value_) {
    const size_t z = key.find('\0');
    entries.push_back({{"pseudonym", p}, {"type", key.substr(0, z)}, {"value", key.substr(z + 1)}});
  }
  nlohmann::json j = {{"format", "warden-guard-vault-1"}, {"entries", entries}};
  WARDEN_RETURN_IF_ERROR(CheckVaultLocation(path));
  // Personal data: readable by its owner only. An existing vault keeps its
  // mode when that is stricter; it is never made more readable.
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::exists(parent, ec)) {
    if (!fs::create_directories(parent, ec) && ec) {
      return Status::IOError(parent.string() + ": cannot create: " + ec.message());
    }
    fs::permissions(parent, fs::perms::owner_all, ec);
  }
  unsigned mode = 0600;
  if (const auto st = fs::status(path, ec); !ec && fs::exists(st)) {
    mode &= static_cast<unsigned>(st.permissions());
  }
  return core::WriteFileAtomic(path, j.dump(1) + "\n", mode);
}

std::string Vault::Pseudonym(std::string_view type, std::string_view value) {
  const std::string key = std::string(type) + '\0' + std::string(value);
  if (auto it = by_value_.find(key); it != by_value_.end()) return it->second;
  const std::string p =
      "<" + Upper(type) + "_" + std::to_string(++counters_[std::string(type)]) + ">";
  by_value_[key] = p;
  by_pseudonym_[p] = std::string(value);
  return p;
}

std::string Vault::Unmask(std::string_view text) const {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t lt = text.find('<', pos);
    if (lt == std::string_view::npos) break;
    const size_t gt = text.find('>', lt);
    if (gt == std::string_view::npos) break;
    out.append(text.substr(pos, lt - pos));
    const std::string cand(text.substr(lt, gt - lt + 1));
    if (auto it = by_pseudonym_.find(cand); it != by_pseudonym_.end()) {
      out += it->second;
    } else {
      out += cand;
    }
    pos = gt + 1;
  }
  out.append(text.substr(std::min(pos, text.size())));
  return out;
}

Guard::Guard(Policy policy) : policy_(std::move(policy)) {}
Guard::~Guard() = default;

Result<std::unique_ptr<Guard>> Guard::Create(Policy policy, const core::ResourcePaths& paths,
                                             std::vector<std::unique_ptr<Scanner>> extra) {
  std::unique_ptr<Guard> g(new Guard(std::move(policy)));
  std::vector<std::string> allow = BuiltinAllowList();
  for (const auto& w : g->policy_.allow_words) allow.push_back(w);
  WARDEN_ASSIGN_OR_RETURN(
      auto lexicon, LexiconScanner::Create(LoadDefaultLexicon(paths.data_dir, nullptr), allow));
  g->lexicon_ = lexicon.get();
  g->scanners_.push_back(std::move(lexicon));
  PiiOptions pii;
  pii.names = LoadDefaultNameGazetteer(paths.models_dir);
  WARDEN_ASSIGN_OR_RETURN(auto pii_scanner, PiiScanner::Create(std::move(pii)));
  g->scanners_.push_back(std::move(pii_scanner));
  g->scanners_.push_back(std::make_unique<SecretsScanner>());
  g->scanners_.push_back(std::make_unique<Utf8Scanner>());
  for (auto& s : extra) g->scanners_.push_back(std::move(s));
  return g;
}

Status Guard::ScanAll(std::string_view text, std::vector<Finding>* out) const {
  for (const auto& s : scanners_) {
    Status st = s->Scan(text, out);
    if (!st.ok()) return st.WithContext(std::string(s->name()));
  }
  // Allowlisted values are never reported.
  std::erase_if(*out, [&](const Finding& f) {
    if (f.category != "pii" && f.category != "secret") return false;
    const std::string_view v = text.substr(f.begin, f.end - f.begin);
    return std::find(policy_.allow_values.begin(), policy_.allow_values.end(), v) !=
           policy_.allow_values.end();
  });
  return Status::Ok();
}

Result<Verdict> Guard::Apply(std::string_view text, Direction direction, Vault* vault) const {
  std::vector<Finding> findings;
  WARDEN_RETURN_IF_ERROR(ScanAll(text, &findings));
  return Decide(text, std::move(findings), direction, vault);
}

Verdict Guard::Decide(std::string_view text, std::vector<Finding> findings, Direction direction,
                      Vault* vault) const {
  const DirectionPolicy& d = policy_.For(direction);
  Verdict v;
  std::vector<const Finding*> masks;
  bool disclaim = false;
  for (const Finding& f : findings) {
    const auto s = d.strength.find(f.category);
    if (s == d.strength.end() || f.score < ThresholdFor(f.category, s->second)) continue;
    v.triggered.push_back(f);
    const auto a = d.actions.find(f.category);
    const Action act = a == d.actions.end() ? Action{false, false, true, false} : a->second;
    const std::string what = f.category + "/" + f.type;
    const bool whole_text =
        f.begin == 0 && f.end == text.size() && f.category != "pii" && f.category != "secret";
    if (act.block || (act.mask && whole_text)) {
      v.blocked = true;
      v.actions.push_back("block:" + what);
    } else if (act.mask) {
      v.actions.push_back("mask:" + what);
    }
    if (act.annotate) v.actions.push_back("annotate:" + what);
    if (act.disclaim) disclaim = true;
  }
  // Masks: spans of triggered findings whose action is mask, merged.
  for (const Finding& f : v.triggered) {
    const auto a = d.actions.find(f.category);
    if (a != d.actions.end() && a->second.mask) masks.push_back(&f);
  }
  std::sort(v.actions.begin(), v.actions.end());
  v.actions.erase(std::unique(v.actions.begin(), v.actions.end()), v.actions.end());
  if (disclaim) v.actions.push_back("disclaim");
  v.findings = std::move(findings);
  if (v.blocked) return v;
  std::sort(masks.begin(), masks.end(),
            [](const Finding* a, const Finding* b) { return a->begin < b->begin; });
  size_t pos = 0;
  for (const Finding* f : masks) {
    if (f->begin < pos) continue;  // overlaps a span already masked
    v.text.append(text.substr(pos, f->begin - pos));
    const std::string type = PlaceholderType(*f);
    if (policy_.pseudonyms && vault != nullptr &&
        (f->category == "pii" || f->category == "secret")) {
      v.text += vault->Pseudonym(f->type, text.substr(f->begin, f->end - f->begin));
    } else {
      v.text += "<" + type + ">";
    }
    pos = f->end;
  }
  v.text.append(text.substr(std::min(pos, text.size())));
  if (disclaim && !policy_.disclaimer.empty()) v.text += "\n\n" + policy_.disclaimer;
  return v;
}

}  // namespace warden::guard
