// Context-dependent PII: dates of birth, street addresses and person names,
// plus context scoring and overlap resolution shared by all PII scanners.
#include <algorithm>
#include <array>

#include "guard/pii_internal.h"

namespace warden::guard::detail {
namespace {

constexpr std::string_view kNegativeContext[] = {"order", "invoice", "isbn", "tracking", "ref"};

bool WordAt(std::string_view t, size_t p, std::string_view w) {
  if (p + w.size() > t.size()) return false;
  for (size_t i = 0; i < w.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(t[p + i])) != w[i]) return false;
  }
  const bool left = p == 0 || !IsAlnum(t[p - 1]);
  const bool right = p + w.size() == t.size() || !IsAlnum(t[p + w.size()]);
  return left && right;
}

bool ContextBefore(std::string_view t, size_t pos, const std::string_view* words, size_t n) {
  const size_t from = pos > 48 ? pos - 48 : 0;
  for (size_t p = from; p < pos; ++p) {
    if (p > 0 && IsAlnum(t[p - 1])) continue;
    for (size_t k = 0; k < n; ++k) {
      if (WordAt(t, p, words[k])) return true;
    }
  }
  return false;
}

int Priority(std::string_view type) {
  static constexpr std::array<std::string_view, 12> kOrder = {
      "card", "iban",          "email", "url",     "ssn",   "ipv4",
      "ipv6", "date_of_birth", "phone", "address", "person"};
  for (size_t i = 0; i < kOrder.size(); ++i) {
    if (kOrder[i] == type) return static_cast<int>(i);
  }
  return 99;
}

constexpr std::string_view kMonths[] = {"january",   "february", "march",    "april",
                                        "may",       "june",     "july",     "august",
                                        "september", "october",  "november", "december"};

size_t MonthAt(std::string_view t, size_t p) {
  for (std::string_view m : kMonths) {
    if (WordAt(t, p, m)) return m.size();
    if (p + 3 <= t.size() && WordAt(t, p, m.substr(0, 3)))
      return 3 + (p + 3 < t.size() && t[p + 3] == '.');
  }
  return 0;
}

size_t DigitsAt(std::string_view t, size_t p, size_t max) {
  size_t n = 0;
  while (p + n < t.size() && IsDigit(t[p + n]) && n < max) ++n;
  if (p + n < t.size() && IsDigit(t[p + n])) return 0;
  return n;
}

constexpr std::string_view kStreetSuffixes[] = {
    "street", "st",      "avenue",   "ave",   "road",     "rd",      "boulevard", "blvd",
    "lane",   "ln",      "drive",    "dr",    "court",    "ct",      "way",       "place",
    "pl",     "terrace", "parkway",  "pkwy",  "circle",   "cir",     "highway",   "hwy",
    "square", "sq",      "trail",    "path",  "crescent", "close",   "plaza",     "alley",
    "row",    "walk",    "heights",  "hills", "park",     "gardens", "grove",     "view",
    "ridge",  "loop",    "crossing", "run",   "pass",     "point",   "pike",      "station",
    "mews",   "route",   "via",      "calle", "rue",      "strasse", "straße"};

bool IsStreetSuffix(std::string_view t, size_t p, size_t* len) {
  for (std::string_view s : kStreetSuffixes) {
    if (WordAt(t, p, s)) {
      *len = s.size() + (p + s.size() < t.size() && t[p + s.size()] == '.');
      return true;
    }
  }
  return false;
}

// A capitalized word at p ("Main", "O'Neil", "MacDonald"); returns length.
size_t CapWordAt(std::string_view t, size_t p) {
  if (p >= t.size() || !IsUpper(t[p]) || (p > 0 && IsAlnum(t[p - 1]))) return 0;
  size_t e = p + 1;
  while (e < t.size() &&
         (std::isalpha(static_cast<unsigned char>(t[e])) || t[e] == '\'' || t[e] == '-'))
    ++e;
  if (e < t.size() && IsDigit(t[e])) return 0;
  return e - p;
}

std::string Lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

}  // namespace

bool Ctx::HasContext(size_t pos, std::initializer_list<std::string_view> words) const {
  return ContextBefore(text, pos, words.begin(), words.size());
}
bool Ctx::HasContext(size_t pos, const std::vector<std::string_view>& words) const {
  return ContextBefore(text, pos, words.data(), words.size());
}

void Ctx::Add(std::string_view type, double score, size_t b, size_t e,
              std::initializer_list<std::string_view> context) {
  Add(type, score, b, e, std::vector<std::string_view>(context));
}

void Ctx::Add(std::string_view type, double score, size_t b, size_t e,
              const std::vector<std::string_view>& context) {
  if (!context.empty() && HasContext(b, context)) score += 0.1;
  if (ContextBefore(text, b, kNegativeContext, std::size(kNegativeContext))) score -= 0.2;
  Finding f;
  f.category = "pii";
  f.type = std::string(type);
  f.score = std::clamp(score, 0.0, 1.0);
  f.begin = b;
  f.end = e;
  f.scanner = "pii";
  found.push_back(std::move(f));
}

size_t DateLengthAt(std::string_view t, size_t p) {
  if (p > 0 && IsAlnum(t[p - 1])) return 0;
  // 1990-01-31
  if (DigitsAt(t, p, 4) == 4 && p + 10 <= t.size() && (t[p + 4] == '-' || t[p + 4] == '/') &&
      DigitsAt(t, p + 5, 2) == 2 && t[p + 7] == t[p + 4] && DigitsAt(t, p + 8, 2) == 2) {
    return 10;
  }
  // 01/31/1990, 31.01.90
  if (size_t a = DigitsAt(t, p, 2); a >= 1) {
    size_t q = p + a;
    if (q < t.size() && (t[q] == '/' || t[q] == '.' || t[q] == '-')) {
      const char sep = t[q];
      if (size_t b = DigitsAt(t, q + 1, 2); b >= 1 && q + 1 + b < t.size() && t[q + 1 + b] == sep) {
        const size_t y = DigitsAt(t, q + 2 + b, 4);
        if (y == 4 || y == 2) return q + 2 + b + y - p;
      }
    }
    // 31 January 1990
    if (q < t.size() && t[q] == ' ') {
      if (size_t m = MonthAt(t, q + 1); m > 0) {
        size_t r = q + 1 + m;
        if (r + 1 < t.size() && t[r] == ' ' && DigitsAt(t, r + 1, 4) == 4) return r + 5 - p;
        return 0;
      }
    }
  }
  // January 31, 1990 / Jan 31 1990
  if (size_t m = MonthAt(t, p); m > 0) {
    size_t q = p + m;
    if (q < t.size() && t[q] == ' ') {
      if (size_t d = DigitsAt(t, q + 1, 2); d >= 1) {
        size_t r = q + 1 + d;
        if (r + 1 < t.size() && t[r] == ',') ++r;
        if (r + 1 < t.size() && t[r] == ' ' && DigitsAt(t, r + 1, 4) == 4) return r + 5 - p;
      }
    }
  }
  return 0;
}

void ScanDatesOfBirth(Ctx& c) {
  const std::string_view t = c.text;
  static constexpr std::string_view kBirth[] = {"born",     "birth",     "dob",
                                                "birthday", "birthdate", "b-day"};
  for (size_t p = 0; p < t.size(); ++p) {
    if (p > 0 && IsAlnum(t[p - 1])) continue;
    size_t len = 0;
    for (std::string_view w : kBirth) {
      if (WordAt(t, p, w)) len = w.size();
    }
    if (len == 0) continue;
    for (size_t q = p + len; q < std::min(t.size(), p + len + 40); ++q) {
      if (const size_t d = DateLengthAt(t, q); d > 0) {
        c.Add("date_of_birth", 0.85, q, q + d, {});
        p = q + d;
        break;
      }
    }
  }
}

void ScanAddresses(Ctx& c) {
  const std::string_view t = c.text;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!IsDigit(t[i]) || (i > 0 && IsAlnum(t[i - 1]))) continue;
    const size_t num = DigitsAt(t, i, 6);
    if (num == 0) continue;
    size_t p = i + num;
    if (p < t.size() && std::isalpha(static_cast<unsigned char>(t[p])) && p + 1 < t.size() &&
        t[p + 1] == ' ')
      ++p;
    size_t words = 0, end = 0;
    while (p < t.size() && t[p] == ' ' && words < 5) {
      size_t suffix = 0;
      if (words > 0 && IsStreetSuffix(t, p + 1, &suffix) && IsUpper(t[p + 1])) {
        end = p + 1 + suffix;
        break;
      }
      const size_t w = CapWordAt(t, p + 1);
      if (w == 0) break;
      p += 1 + w;
      ++words;
    }
    if (end == 0) continue;
    // Unit, city, state and postcode that follow on the same line.
    size_t q = end;
    for (int k = 0; k < 8 && q < t.size(); ++k) {
      size_t r = q;
      while (r < t.size() && (t[r] == ',' || t[r] == ' ')) ++r;
      size_t w = CapWordAt(t, r);
      if (w == 0 && r < t.size() && (IsDigit(t[r]) || t[r] == '#')) {
        w = 1;
        while (r + w < t.size() && (IsAlnum(t[r + w]) || t[r + w] == '-')) ++w;
      }
      if (w == 0) break;
      // A full stop ends the address unless it closes a unit abbreviation.
      if (r + w < t.size() && t[r + w] == '.') {
        const std::string word = Lower(t.substr(r, w));
        if (word != "apt" && word != "ste" && word != "no" && word != "fl" && word != "rm") {
          q = r + w;
          break;
        }
        ++w;
      }
      q = r + w;
    }
    while (q > end && (t[q - 1] == '.' || t[q - 1] == ',')) --q;
    c.Add("address", 0.75, i, q,
          {"address", "live", "lives", "located", "ship", "deliver", "street"});
    i = q;
  }
}

void ScanPersons(Ctx& c, const NameGazetteer& names) {
  if (names.first.empty() && names.last.empty()) return;
  const std::string_view t = c.text;
  static constexpr std::string_view kTitles[] = {"mr", "mrs",  "ms",  "miss",
                                                 "dr", "prof", "sir", "madam"};
  for (size_t i = 0; i < t.size(); ++i) {
    const size_t w = CapWordAt(t, i);
    if (w == 0) continue;
    const std::string first = Lower(t.substr(i, w));
    bool titled = false;
    for (std::string_view title : kTitles) titled |= first == title;
    size_t b = i, e = i + w;
    double score = 0;
    if (titled) {
      size_t p = e + (e < t.size() && t[e] == '.');
      if (p < t.size() && t[p] == ' ' && CapWordAt(t, p + 1) > 0) {
        b = p + 1;
        e = b + CapWordAt(t, b);
        score = 0.8;
      } else {
        i = e;
        continue;
      }
    } else if (names.first.count(first) != 0) {
      score = 0.6;
    } else {
      i = e;
      continue;
    }
    // Following capitalized words: middle and last names.
    for (int k = 0; k < 2 && e < t.size() && t[e] == ' '; ++k) {
      const size_t nw = CapWordAt(t, e + 1);
      if (nw == 0) break;
      const std::string next = Lower(t.substr(e + 1, nw));
      if (names.last.count(next) == 0 && names.first.count(next) == 0) break;
      e = e + 1 + nw;
      score = std::max(score, 0.85);
    }
    c.Add("person", score, b, e, {"name", "named", "called", "dear", "mr", "mrs", "ms", "contact"});
    i = e;
  }
}

std::vector<Finding> Resolve(std::vector<Finding> found) {
  std::stable_sort(found.begin(), found.end(), [](const Finding& a, const Finding& b) {
    const int pa = Priority(a.type), pb = Priority(b.type);
    if (pa != pb) return pa < pb;
    return a.end - a.begin > b.end - b.begin;
  });
  std::vector<Finding> kept;
  for (Finding& f : found) {
    bool overlaps = false;
    for (const Finding& k : kept) overlaps |= f.begin < k.end && k.begin < f.end;
    if (!overlaps) kept.push_back(std::move(f));
  }
  std::sort(kept.begin(), kept.end(),
            [](const Finding& a, const Finding& b) { return a.begin < b.begin; });
  return kept;
}

}  // namespace warden::guard::detail
