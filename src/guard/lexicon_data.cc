// Lexicon sources: the LDNOOBW and Surge AI lists (data files read at run
// time, never committed), warden's own list format, and the small
// warden-authored fallback list used when the data directory is absent.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "guard/lexicon_pattern.h"
#include "warden/core/io.h"
#include "warden/core/strings.h"
#include "warden/guard/lexicon.h"

namespace warden::guard {
namespace {

bool AllDigits(std::string_view s) {
  bool any = false;
  for (char c : s) {
    if (c == ' ') continue;
    if (c < '0' || c > '9') return false;
    any = true;
  }
  return any;
}

// Lexicon lines and fields lose spaces, tabs and CRs only.
std::string Trim(std::string_view s) { return std::string(core::Trim(s, " \t\r")); }

// One CSV record (RFC 4180 quoting, no embedded newlines in these files).
std::vector<std::string> SplitCsv(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back().push_back(c);
    }
  }
  return fields;
}

LexiconTerm Slur(std::string text, double severity) {
  return {std::move(text), severity, false, "hate", "slur"};
}
LexiconTerm Swear(std::string text, double severity, bool substring = false) {
  return {std::move(text), severity, substring, "profanity", "profanity"};
}

}  // namespace

Result<std::vector<LexiconTerm>> LoadLdnoobw(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(std::string data, core::ReadFile(path));
  std::vector<LexiconTerm> terms;
  for (std::string_view line : core::SplitLines(data)) {
    std::string t = Trim(line);
    if (t.empty() || AllDigits(t)) continue;
    terms.push_back(Swear(std::move(t), 0.67));
  }
  return terms;
}

Result<std::vector<LexiconTerm>> LoadSurgeCsv(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(std::string data, core::ReadFile(path));
  std::vector<LexiconTerm> terms;
  const auto lines = core::SplitLines(data);
  if (lines.empty() || lines[0].rfind("text,", 0) != 0) {
    return Status::Corruption(path +
                              ": not a Surge AI profanity CSV (header must start with text,)");
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const auto f = SplitCsv(lines[i]);
    if (f.size() < 8) {
      if (Trim(lines[i]).empty()) continue;
      return Status::Corruption(path + ":" + std::to_string(i + 1) + ": expected 9 fields");
    }
    std::string t = Trim(f[0]);
    if (t.empty() || AllDigits(t)) continue;
    char* end = nullptr;
    const double rating = std::strtod(f[7].c_str(), &end);
    if (end == f[7].c_str() || rating < 0 || rating > 3) {
      return Status::Corruption(path + ":" + std::to_string(i + 1) + ": bad severity_rating");
    }
    const std::string& cat = f[4];
    const bool slur = rating >= 2 && (cat.find("racial") != std::string::npos ||
                                      cat.find("orientation") != std::string::npos ||
                                      cat.find("religious") != std::string::npos);
    LexiconTerm term{std::move(t), rating / 3.0, false, slur ? "hate" : "profanity",
                     slur ? "slur" : cat.substr(0, cat.find(' '))};
    terms.push_back(std::move(term));
  }
  return terms;
}

Result<std::vector<LexiconTerm>> LoadTermList(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(std::string data, core::ReadFile(path));
  std::vector<LexiconTerm> terms;
  const auto lines = core::SplitLines(data);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = Trim(lines[i]);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string part; std::getline(ss, part, '\t');) f.push_back(Trim(part));
    LexiconTerm term;
    term.text = f[0];
    if (term.text.size() > 2 && term.text.front() == '*' && term.text.back() == '*') {
      term.substring = true;
      term.text = term.text.substr(1, term.text.size() - 2);
    }
    if (f.size() > 1) {
      char* end = nullptr;
      term.severity = std::strtod(f[1].c_str(), &end);
      if (end == f[1].c_str() || term.severity < 0 || term.severity > 1) {
        return Status::InvalidArgument(path + ":" + std::to_string(i + 1) +
                                       ": severity must be a number in [0, 1]");
      }
    }
    if (f.size() > 2) term.category = f[2];
    if (f.size() > 3) term.type = f[3];
    if (AllDigits(term.text)) continue;
    terms.push_back(std::move(term));
  }
  return terms;
}

Result<std::vector<std::string>> LoadAllowList(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(std::string data, core::ReadFile(path));
  std::vector<std::string> words;
  for (std::string_view line : core::SplitLines(data)) {
    std::string t = Trim(line);
    if (!t.empty() && t[0] != '#') words.push_back(std::move(t));
  }
  return words;
}

std::vector<LexiconTerm> BuiltinDenyList() {
  // Written for warden: the commonest English swear words and slurs, enough
  // for a useful filter on a machine without the data directory. Stems that
  // no innocent English word contains match inside words ("*fuck*").
  return {
      Swear("fuck", 0.9, true),
      Swear("motherfucker", 0.95, true),
      Swear("shit", 0.8),
      Swear("bullshit", 0.7),
      Swear("shithead", 0.8),
      Swear("bitch", 0.8),
      Swear("cunt", 0.95),
      Swear("asshole", 0.8),
      Swear("arsehole", 0.8),
      Swear("ass", 0.5),
      Swear("bastard", 0.7),
      Swear("dick", 0.6),
      Swear("dickhead", 0.8),
      Swear("cock", 0.7),
      Swear("cocksucker", 0.95),
      Swear("pussy", 0.8),
      Swear("whore", 0.85),
      Swear("slut", 0.85),
      Swear("wanker", 0.8),
      Swear("twat", 0.85),
      Swear("prick", 0.6),
      Swear("bollocks", 0.6),
      Swear("piss", 0.5),
      Swear("crap", 0.35),
      Swear("damn", 0.3),
      Swear("tits", 0.6),
      Swear("blowjob", 0.8),
      Swear("jerk off", 0.7),
      Swear("son of a bitch", 0.85),
      Slur("nigger", 1.0),
      Slur("nigga", 0.95),
      Slur("faggot", 1.0),
      Slur("fag", 0.93),
      Slur("retard", 0.85),
      Slur("spic", 0.93),
      Slur("kike", 1.0),
      Slur("chink", 1.0),
      Slur("tranny", 0.9),
      Slur("dyke", 0.9),
      Slur("wetback", 1.0),
      Slur("gook", 1.0),
      Slur("raghead", 1.0),
  };
}

std::vector<std::string> BuiltinAllowList() {
  // Whole-word matching already keeps "Scunthorpe" or "cocktail" clean;
  // these are whole words that contain a denied word with an inflection.
  return {"Dickens", "Dickensian", "cockpit",  "cocky",
          "shitake", "pricked",    "pricking", "asses' milk"};
}

std::vector<LexiconTerm> Compilable(std::vector<LexiconTerm> terms);

std::vector<LexiconTerm> LoadDefaultLexicon(const std::string& data_dir, bool* from_data) {
  const std::string dir = data_dir + "/guard/";
  auto a = data_dir.empty() ? Result<std::vector<LexiconTerm>>(Status::NotFound("no data dir"))
                            : LoadLdnoobw(dir + "ldnoobw_en.txt");
  auto b = data_dir.empty() ? Result<std::vector<LexiconTerm>>(Status::NotFound("no data dir"))
                            : LoadSurgeCsv(dir + "surge_profanity_en.csv");
  if (a.ok() && b.ok()) {
    std::vector<LexiconTerm> terms = std::move(a).value();
    for (auto& t : b.value()) terms.push_back(std::move(t));
    // Emoji entries have no letters to match; drop them.
    terms = Compilable(std::move(terms));
    // The builtin slurs carry the "hate" category even when the lists do not.
    for (auto& t : BuiltinDenyList()) terms.push_back(std::move(t));
    if (from_data != nullptr) *from_data = true;
    return terms;
  }
  if (from_data != nullptr) *from_data = false;
  return BuiltinDenyList();
}

std::vector<LexiconTerm> Compilable(std::vector<LexiconTerm> terms) {
  std::erase_if(terms, [](const LexiconTerm& t) { return !CompileTerm(t).ok(); });
  return terms;
}

}  // namespace warden::guard
