// Checksums and issuer rules for structured PII, and the name gazetteer.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "warden/core/io.h"
#include "warden/guard/pii.h"

namespace warden::guard {
namespace {

bool Prefix(std::string_view d, std::string_view p) { return d.substr(0, p.size()) == p; }

int Leading(std::string_view d, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n && i < d.size(); ++i) v = v * 10 + (d[i] - '0');
  return v;
}

// Total IBAN length per country (ISO 13616 registry).
int IbanLength(std::string_view cc) {
  static const struct {
    const char* cc;
    int len;
  } kLengths[] = {
      {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
      {"BG", 22}, {"BH", 22}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28},
      {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24},
      {"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18},
      {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23},
      {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32},
      {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24}, {"ME", 22},
      {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24},
      {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24},
      {"SC", 31}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"ST", 25}, {"SV", 28},
      {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
  };
  for (const auto& e : kLengths) {
    if (cc == e.cc) return e.len;
  }
  return 0;
}

}  // namespace

bool LuhnValid(std::string_view digits) {
  if (digits.size() < 2) return false;
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    const char c = digits[i];
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

std::string_view CardIssuer(std::string_view d) {
  const size_t n = d.size();
  if (n < 12 || n > 19) return "";
  if (d[0] == '4' && (n == 13 || n == 16 || n == 19)) return "visa";
  const int two = Leading(d, 2), four = Leading(d, 4), three = Leading(d, 3), six = Leading(d, 6);
  if (n == 16 && ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720))) return "mastercard";
  if (n == 15 && (two == 34 || two == 37)) return "amex";
  if (n >= 16 && (Prefix(d, "6011") || Prefix(d, "65") || (three >= 644 && three <= 649) ||
                  (six >= 622126 && six <= 622925))) {
    return "discover";
  }
  if (n >= 16 && four >= 3528 && four <= 3589) return "jcb";
  if (n == 15 && (four == 1800 || four == 2131)) return "jcb";
  if (n >= 14 && (two == 36 || two == 38 || two == 39 || (three >= 300 && three <= 305))) {
    return "diners";
  }
  if (n >= 16 && two == 62) return "unionpay";
  if (n >= 12 && (two == 50 || (two >= 56 && two <= 69))) return "maestro";
  return "";
}

bool IbanValid(std::string_view s) {
  if (s.size() < 15 || s.size() > 34) return false;
  if (!std::isupper(static_cast<unsigned char>(s[0])) ||
      !std::isupper(static_cast<unsigned char>(s[1])) ||
      !std::isdigit(static_cast<unsigned char>(s[2])) ||
      !std::isdigit(static_cast<unsigned char>(s[3]))) {
    return false;
  }
  if (IbanLength(s.substr(0, 2)) != static_cast<int>(s.size())) return false;
  // Move the first four characters to the end, letters become 10..35.
  int rem = 0;
  for (size_t k = 0; k < s.size(); ++k) {
    const char c = s[(k + 4) % s.size()];
    if (c >= '0' && c <= '9') {
      rem = (rem * 10 + (c - '0')) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      rem = (rem * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return rem == 1;
}

bool SsnValid(std::string_view d) {
  if (d.size() != 9 ||
      !std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const int area = Leading(d, 3);
  const int group = Leading(d.substr(3), 2);
  const int serial = Leading(d.substr(5), 4);
  if (area == 0 || area == 666 || area >= 900) return false;
  if (group == 0 || serial == 0) return false;
  // Numbers advertised publicly and never issued to a person.
  if (d == "078051120" || d == "219099999" || d == "123456789") return false;
  return true;
}

Result<NameGazetteer> NameGazetteer::Load(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(std::string data, core::ReadFile(path));
  NameGazetteer g;
  std::istringstream in(data);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      return Status::Corruption(path + ":" + std::to_string(lineno) + ": expected kind<TAB>name");
    }
    const std::string kind = line.substr(0, tab);
    std::string name = line.substr(tab + 1);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (kind == "first") {
      g.first.insert(name);
    } else if (kind == "last") {
      g.last.insert(name);
    } else {
      return Status::Corruption(path + ":" + std::to_string(lineno) +
                                ": kind must be first or last");
    }
  }
  return g;
}

std::string NameGazetteer::Serialize() const {
  std::vector<std::string> f(first.begin(), first.end()), l(last.begin(), last.end());
  std::sort(f.begin(), f.end());
  std::sort(l.begin(), l.end());
  std::string out =
      "# warden person-name gazetteer: kind<TAB>lowercase name (see docs/guard-eval.md)\n";
  for (const auto& n : f) out += "first\t" + n + "\n";
  for (const auto& n : l) out += "last\t" + n + "\n";
  return out;
}

NameGazetteer LoadDefaultNameGazetteer(const std::string& models_dir) {
  if (models_dir.empty()) return {};
  const std::string p = models_dir + "/guard/person_names.tsv";
  if (!std::filesystem::exists(p)) return {};
  auto g = NameGazetteer::Load(p);
  if (g.ok()) return std::move(g).value();
  return {};
}

}  // namespace warden::guard
