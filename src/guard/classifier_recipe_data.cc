// Loading the guard datasets and splitting them deterministically.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "guard/sha256.h"
#include "warden/core/hash.h"
#include "warden/core/io.h"
#include "warden/core/strings.h"
#include "warden/guard/classifier_recipe.h"

namespace warden::guard {
namespace {

int ColumnIndex(const std::vector<std::string>& header, std::string_view name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

// Items of one stratum in a seed-determined order.
std::vector<size_t> SeededOrder(std::vector<size_t> idx, uint64_t seed) {
  std::sort(idx.begin(), idx.end(), [seed](size_t a, size_t b) {
    const uint64_t ha = core::Mix64(seed ^ core::Mix64(a + 1)),
                   hb = core::Mix64(seed ^ core::Mix64(b + 1));
    return ha != hb ? ha < hb : a < b;
  });
  return idx;
}

}  // namespace

Result<std::vector<std::vector<std::string>>> ParseCsv(std::string_view text,
                                                       std::string_view what) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool in_quotes = false, field_started = false;
  size_t line = 1, quote_line = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && !field_started) {
      in_quotes = true;
      field_started = true;
      quote_line = line;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
      if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
      row.clear();
      ++line;
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (in_quotes) {
    return Status::Corruption(std::string(what) + ":" + std::to_string(quote_line) +
                              ": unterminated quoted field");
  }
  if (field_started || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<LabeledText>> LoadDavidson(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(std::string text, core::ReadFile(path));
  WARDEN_ASSIGN_OR_RETURN(auto rows, ParseCsv(text, path));
  if (rows.empty()) return Status::Corruption(path + ": empty");
  const int cls = ColumnIndex(rows[0], "class"), tweet = ColumnIndex(rows[0], "tweet");
  if (cls < 0 || tweet < 0) return Status::Corruption(path + ": no 'class' and 'tweet' columns");
  std::vector<LabeledText> out;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    if (row.size() <= static_cast<size_t>(std::max(cls, tweet))) {
      return Status::Corruption(path + ": row " + std::to_string(r) + " has too few fields");
    }
    const std::string& c = row[static_cast<size_t>(cls)];
    if (c != "0" && c != "1" && c != "2") {
      return Status::Corruption(path + ": row " + std::to_string(r) + ": class '" + c + "'");
    }
    // Davidson: 0 hate, 1 offensive, 2 neither = our hate, offensive, none.
    out.push_back({row[static_cast<size_t>(tweet)], c[0] - '0', {}});
  }
  return out;
}

Result<std::vector<LabeledText>> LoadToxigen(const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".txt") files.push_back(it->path());
  }
  if (ec) return Status::NotFound(dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<LabeledText> out;
  for (const auto& f : files) {
    const std::string name = f.filename().string();
    int label = -1;
    if (name.starts_with("hate_")) label = 0;
    if (name.starts_with("neutral_")) label = 2;
    if (label < 0) continue;
    WARDEN_ASSIGN_OR_RETURN(std::string text, core::ReadFile(f.string()));
    for (std::string_view l : core::SplitLines(text)) {
      std::string line(l);
      // Demonstration lines start with "- " in some files.
      if (line.starts_with("- ")) line.erase(0, 2);
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) out.push_back({line, label, {}});
    }
  }
  if (out.empty()) return Status::NotFound(dir + ": no hate_*/neutral_* .txt files");
  return out;
}

Result<std::vector<HateCheckCase>> LoadHateCheck(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(std::string text, core::ReadFile(path));
  WARDEN_ASSIGN_OR_RETURN(auto rows, ParseCsv(text, path));
  if (rows.empty()) return Status::Corruption(path + ": empty");
  const int fn = ColumnIndex(rows[0], "functionality"), tc = ColumnIndex(rows[0], "test_case"),
            gold = ColumnIndex(rows[0], "label_gold");
  if (fn < 0 || tc < 0 || gold < 0) return Status::Corruption(path + ": missing columns");
  std::vector<HateCheckCase> out;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    if (row.size() <= static_cast<size_t>(std::max({fn, tc, gold}))) {
      return Status::Corruption(path + ": row " + std::to_string(r) + " has too few fields");
    }
    const std::string& g = row[static_cast<size_t>(gold)];
    if (g != "hateful" && g != "non-hateful") {
      return Status::Corruption(path + ": row " + std::to_string(r) + ": label '" + g + "'");
    }
    out.push_back({row[static_cast<size_t>(fn)], row[static_cast<size_t>(tc)], g == "hateful"});
  }
  return out;
}

Result<std::vector<TextWithGroup>> LoadInjectionAttacks(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(std::string text, core::ReadFile(path));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return Status::Corruption(path + ": not a JSON array");
  std::vector<TextWithGroup> out;
  for (const auto& e : j) {
    if (!e.is_object() || !e.contains("user_input") || !e["user_input"].is_string()) {
      return Status::Corruption(path + ": an entry lacks a string user_input");
    }
    std::string variant = "unknown";
    if (e.contains("injection_variant") && e["injection_variant"].is_string()) {
      variant = e["injection_variant"].get<std::string>();
    }
    out.push_back({variant, e["user_input"].get<std::string>()});
  }
  return out;
}

Result<std::vector<TextWithGroup>> LoadBenignRequests(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(std::string text, core::ReadFile(path));
  std::vector<TextWithGroup> out;
  size_t line = 0;
  for (const std::string_view l : core::SplitLines(text)) {
    ++line;
    if (l.empty() || l[0] == '#') continue;
    const size_t tab = l.find('\t');
    if (tab == std::string_view::npos || tab == 0 || tab + 1 == l.size()) {
      return Status::Corruption(path + ":" + std::to_string(line) + ": expected 'group<TAB>text'");
    }
    out.push_back({std::string(l.substr(0, tab)), std::string(l.substr(tab + 1))});
  }
  return out;
}

std::vector<int> StratifiedSplit(const std::vector<std::string>& strata, double test_fraction,
                                 double calibration_fraction, uint64_t seed) {
  std::vector<int> out(strata.size(), kTrain);
  std::unordered_map<std::string, std::vector<size_t>> by;
  std::vector<std::string> order;
  for (size_t i = 0; i < strata.size(); ++i) {
    if (!by.count(strata[i])) order.push_back(strata[i]);
    by[strata[i]].push_back(i);
  }
  for (const std::string& s : order) {
    const std::vector<size_t> idx = SeededOrder(by[s], seed ^ core::Hash64(s));
    const auto n = static_cast<double>(idx.size());
    const auto n_test = static_cast<size_t>(std::llround(n * test_fraction));
    const auto n_cal =
        static_cast<size_t>(std::llround((n - static_cast<double>(n_test)) * calibration_fraction));
    for (size_t k = 0; k < idx.size(); ++k) {
      out[idx[k]] = k < n_test ? kTest : (k < n_test + n_cal ? kCalibration : kTrain);
    }
  }
  return out;
}

std::vector<int> GroupSplit(const std::vector<std::string>& groups, double test_fraction,
                            double calibration_fraction, uint64_t seed) {
  std::vector<std::string> unique;
  for (const std::string& g : groups) {
    if (std::find(unique.begin(), unique.end(), g) == unique.end()) unique.push_back(g);
  }
  std::sort(unique.begin(), unique.end(), [seed](const std::string& a, const std::string& b) {
    const uint64_t ha = core::Mix64(seed ^ core::Hash64(a)),
                   hb = core::Mix64(seed ^ core::Hash64(b));
    return ha != hb ? ha < hb : a < b;
  });
  const auto n_test =
      static_cast<size_t>(std::llround(static_cast<double>(unique.size()) * test_fraction));
  const std::unordered_set<std::string> test(unique.begin(), unique.begin() + n_test);
  std::vector<int> out(groups.size(), kTest);
  std::vector<size_t> rest;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (!test.count(groups[i])) rest.push_back(i);
  }
  const std::vector<size_t> ordered = SeededOrder(rest, seed + 7);
  const auto n_cal =
      static_cast<size_t>(std::llround(static_cast<double>(ordered.size()) * calibration_fraction));
  for (size_t k = 0; k < ordered.size(); ++k) out[ordered[k]] = k < n_cal ? kCalibration : kTrain;
  return out;
}

}  // namespace warden::guard
