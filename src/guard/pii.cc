// PiiScanner: byte scanners anchored on '@', digits, URL prefixes and
// capitalized words, each followed by its validator; overlaps resolved by
// type priority (a card number is not also a phone number).
#include <arpa/inet.h>
#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "guard/pii_internal.h"
#include "warden/guard/pii.h"

namespace warden::guard {
namespace {

using detail::Ctx;
using detail::IsAlnum;
using detail::IsDigit;

void ScanEmails(guard::Ctx& c) {
  const std::string_view t = c.text;
  for (size_t at = t.find('@'); at != std::string_view::npos; at = t.find('@', at + 1)) {
    size_t l = at;
    while (l > 0 && (IsAlnum(t[l - 1]) || std::strchr("._%+-", t[l - 1]) != nullptr) && l + 64 > at)
      --l;
    while (l < at && t[l] == '.') ++l;
    size_t r = at + 1;
    while (r < t.size() && (IsAlnum(t[r]) || t[r] == '.' || t[r] == '-')) ++r;
    while (r > at + 1 && (t[r - 1] == '.' || t[r - 1] == '-')) --r;
    if (l == at || r <= at + 1) continue;
    const std::string_view domain = t.substr(at + 1, r - at - 1);
    const size_t dot = domain.rfind('.');
    if (dot == std::string_view::npos || domain.size() - dot - 1 < 2) continue;
    bool tld_alpha = true;
    for (char ch : domain.substr(dot + 1))
      tld_alpha &= std::isalpha(static_cast<unsigned char>(ch)) != 0;
    if (!tld_alpha) continue;
    c.Add("email", 0.95, l, r, {"email", "e-mail", "mail", "contact"});
  }
}

void ScanUrls(guard::Ctx& c) {
  const std::string_view t = c.text;
  auto emit = [&](size_t b, size_t e) {
    while (e > b && std::strchr(".,;:!?)]}'\"", t[e - 1]) != nullptr) --e;
    if (e > b + 4) c.Add("url", 0.8, b, e, {"url", "link", "website", "site", "visit"});
  };
  auto extend = [&](size_t p) {
    while (p < t.size() && static_cast<unsigned char>(t[p]) > 0x20 &&
           std::strchr("<>\"'`", t[p]) == nullptr)
      ++p;
    return p;
  };
  size_t last_end = 0;
  for (size_t p = t.find("://"); p != std::string_view::npos; p = t.find("://", p + 3)) {
    size_t b = p;
    while (b > 0 && std::isalpha(static_cast<unsigned char>(t[b - 1]))) --b;
    if (b == p || b < last_end) continue;
    last_end = extend(p + 3);
    emit(b, last_end);
  }
  for (size_t p = t.find("www."); p != std::string_view::npos; p = t.find("www.", p + 4)) {
    if (p < last_end || (p > 0 && (IsAlnum(t[p - 1]) || t[p - 1] == '/' || t[p - 1] == '.')))
      continue;
    const size_t e = extend(p + 4);
    emit(p, e);
  }
}

// Digit sequences with single spaces or dashes between groups.
void ScanCardsAndSsns(guard::Ctx& c) {
  const std::string_view t = c.text;
  for (size_t i = 0; i < t.size(); ++i) {
    if (!IsDigit(t[i]) || (i > 0 && (IsAlnum(t[i - 1]) || t[i - 1] == '.' || t[i - 1] == '-')))
      continue;
    std::string digits;
    size_t e = i;
    char sep = 0;
    bool mixed = false;
    while (e < t.size() && digits.size() <= 19) {
      if (IsDigit(t[e])) {
        digits.push_back(t[e++]);
      } else if ((t[e] == ' ' || t[e] == '-') && e + 1 < t.size() && IsDigit(t[e + 1])) {
        if (sep != 0 && sep != t[e]) mixed = true;
        sep = t[e++];
      } else {
        break;
      }
    }
    const bool bounded = e >= t.size() || !IsAlnum(t[e]);
    if (bounded && digits.size() >= 12 && digits.size() <= 19 && !mixed && LuhnValid(digits) &&
        !CardIssuer(digits).empty()) {
      c.Add("card", 0.95, i, e, {"card", "credit", "visa", "mastercard", "amex", "payment"});
      i = e;
      continue;
    }
    // SSN: 3-2-4 with one separator, or 9 bare digits next to a context word.
    const std::string_view s = t.substr(i);
    if (s.size() >= 11 && (s[3] == '-' || s[3] == ' ') && s[6] == s[3] &&
        (s.size() == 11 || !IsAlnum(s[11]))) {
      std::string d;
      for (size_t k : {0, 1, 2, 4, 5, 7, 8, 9, 10}) d.push_back(s[k]);
      bool all = std::all_of(d.begin(), d.end(), IsDigit);
      if (all && SsnValid(d))
        c.Add("ssn", s[3] == '-' ? 0.85 : 0.6, i, i + 11, {"ssn", "social security", "social"});
    } else if (digits.size() == 9 && sep == 0 && bounded && SsnValid(digits) &&
               c.HasContext(i, {"ssn", "social security"})) {
      c.Add("ssn", 0.75, i, e, {});
    }
  }
}

void ScanIps(guard::Ctx& c) {
  const std::string_view t = c.text;
  const std::vector<std::string_view> ctx = {"ip", "address", "server", "host", "ipv4", "ipv6"};
  for (size_t i = 0; i < t.size(); ++i) {
    if (!IsDigit(t[i]) || (i > 0 && (IsAlnum(t[i - 1]) || t[i - 1] == '.'))) continue;
    size_t p = i;
    int octets = 0;
    bool ok = true;
    while (octets < 4) {
      size_t q = p;
      int v = 0;
      while (q < t.size() && IsDigit(t[q]) && q - p < 4) v = v * 10 + (t[q++] - '0');
      if (q == p || q - p > 3 || v > 255 || (q - p > 1 && t[p] == '0')) {
        ok = false;
        break;
      }
      ++octets;
      p = q;
      if (octets < 4) {
        if (p >= t.size() || t[p] != '.') {
          ok = false;
          break;
        }
        ++p;
      }
    }
    if (!ok || (p < t.size() &&
                (IsAlnum(t[p]) || (t[p] == '.' && p + 1 < t.size() && IsDigit(t[p + 1]))))) {
      continue;
    }
    c.Add("ipv4", 0.85, i, p, ctx);
    i = p;
  }
  // IPv6: runs of hex digits, colons and dots with at least two colons.
  auto hexish = [](char ch) {
    return std::isxdigit(static_cast<unsigned char>(ch)) || ch == ':' || ch == '.';
  };
  for (size_t i = 0; i < t.size(); ++i) {
    if (!hexish(t[i]) || (i > 0 && (hexish(t[i - 1]) || IsAlnum(t[i - 1])))) continue;
    size_t e = i;
    int colons = 0;
    while (e < t.size() && hexish(t[e]) && e - i < 46) colons += t[e++] == ':';
    if (colons < 2 || (e < t.size() && IsAlnum(t[e]))) {
      i = e;
      continue;
    }
    size_t end = e;
    while (end > i && t[end - 1] == '.') --end;
    const std::string cand(t.substr(i, end - i));
    in6_addr addr;
    if (inet_pton(AF_INET6, cand.c_str(), &addr) == 1) c.Add("ipv6", 0.85, i, end, ctx);
    i = e;
  }
}

void ScanIbans(guard::Ctx& c) {
  const std::string_view t = c.text;
  for (size_t i = 0; i + 15 <= t.size(); ++i) {
    if (!std::isupper(static_cast<unsigned char>(t[i])) || (i > 0 && IsAlnum(t[i - 1]))) continue;
    if (!std::isupper(static_cast<unsigned char>(t[i + 1])) || !IsDigit(t[i + 2]) ||
        !IsDigit(t[i + 3]))
      continue;
    std::string compact;
    size_t e = i;
    size_t best_end = 0;
    while (e < t.size() && compact.size() < 34) {
      if (IsAlnum(t[e])) {
        compact.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(t[e++]))));
        if ((e >= t.size() || !IsAlnum(t[e])) && IbanValid(compact)) best_end = e;
      } else if (t[e] == ' ' && e + 1 < t.size() && IsAlnum(t[e + 1])) {
        ++e;
      } else {
        break;
      }
    }
    if (best_end != 0) {
      c.Add("iban", 0.95, i, best_end, {"iban", "account", "bank", "transfer"});
      i = best_end;
    }
  }
}

// Clusters of 7 to 15 digits with phone punctuation, validated by
// libphonenumber on the cluster alone (not the whole text: fast).
void ScanPhones(guard::Ctx& c, const std::string& region) {
  static std::once_flag quiet;
  std::call_once(quiet, [] {
    i18n::phonenumbers::PhoneNumberUtil::GetInstance()->SetLogger(
        new i18n::phonenumbers::NullLogger());
  });
  const auto& util = *i18n::phonenumbers::PhoneNumberUtil::GetInstance();
  const std::string_view t = c.text;
  for (size_t i = 0; i < t.size(); ++i) {
    const char ch = t[i];
    if (!(IsDigit(ch) || ch == '+' || ch == '(') || (i > 0 && IsAlnum(t[i - 1]))) continue;
    size_t e = i;
    int digits = 0;
    while (e < t.size()) {
      const char d = t[e];
      if (IsDigit(d)) {
        ++digits;
      } else if (d == 'x' && e + 1 < t.size() && IsDigit(t[e + 1])) {
      } else if (!(d == ' ' || d == '-' || d == '.' || d == '(' || d == ')' || d == '+' ||
                   d == '/')) {
        break;
      } else if (d == ' ' && (e + 1 >= t.size() || t[e + 1] == ' ')) {
        break;
      }
      ++e;
    }
    if (digits < 7 || digits > 20) {
      i = std::max(i, e > 0 ? e - 1 : 0);
      continue;
    }
    size_t end = e;
    while (end > i && !IsDigit(t[end - 1])) --end;
    const bool ssn_shaped = end - i == 11 && t[i + 3] == '-' && t[i + 6] == '-';
    if (detail::DateLengthAt(t, i) > 0 || ssn_shaped ||
        (end < t.size() && std::isalpha(static_cast<unsigned char>(t[end])))) {
      i = e;
      continue;
    }
    const std::string cand(t.substr(i, end - i));
    // The default region first, then the regions whose formats are common
    // in English text; a number valid in one of them is a phone number.
    static constexpr const char* kRegions[] = {"GB", "DE", "FR", "AU", "IN", "CA", "IE",
                                               "NL", "SE", "CH", "IT", "ES", "BE", "NZ",
                                               "BR", "PL", "AT", "DK", "NO", "FI"};
    double score = 0;
    auto try_region = [&](const std::string& region) {
      i18n::phonenumbers::PhoneNumber number;
      if (util.Parse(cand, region, &number) !=
          i18n::phonenumbers::PhoneNumberUtil::NO_PARSING_ERROR)
        return;
      if (util.IsValidNumber(number)) {
        score = std::max(score, 0.85);
      } else if (util.IsPossibleNumber(number)) {
        score = std::max(score, 0.6);
      }
    };
    try_region(region);
    for (size_t k = 0; k < std::size(kRegions) && score < 0.85; ++k) try_region(kRegions[k]);
    // Merely possible numbers, and two space-separated groups (house number
    // and postcode look like that), need a phone word nearby.
    int groups = 1;
    bool spaces_only = true;
    for (size_t k = i; k < end; ++k) {
      if (!IsDigit(t[k])) {
        spaces_only &= t[k] == ' ';
        groups += IsDigit(t[k + 1]) ? 1 : 0;
      }
    }
    const bool weak = score < 0.85 || (groups <= 2 && spaces_only) || (groups == 1 && end - i == 7);
    if (weak &&
        !c.HasContext(i, {"phone", "call", "tel", "mobile", "cell", "fax", "number", "reach"})) {
      score = 0;
    }
    if (score > 0) {
      c.Add("phone", score, i, end,
            {"phone", "call", "tel", "mobile", "cell", "fax", "contact", "number"});
    }
    i = e;
  }
}

}  // namespace

PiiScanner::PiiScanner(PiiOptions options) : options_(std::move(options)) {}
PiiScanner::~PiiScanner() = default;

Result<std::unique_ptr<PiiScanner>> PiiScanner::Create(PiiOptions options) {
  if (options.region.size() != 2) {
    return Status::InvalidArgument("pii: region must be a two-letter code, got \"" +
                                   options.region + "\"");
  }
  return std::unique_ptr<PiiScanner>(new PiiScanner(std::move(options)));
}

Status PiiScanner::Scan(std::string_view text, std::vector<Finding>* out) const {
  // Windows keep memory bounded on long texts; PII spans are short.
  constexpr size_t kWindow = 256 * 1024;
  constexpr size_t kOverlap = 512;
  size_t core = 0;
  std::vector<Finding> all;
  while (core < text.size()) {
    size_t limit = std::min(text.size(), core + kWindow);
    while (limit < text.size() && limit > core &&
           (static_cast<uint8_t>(text[limit]) & 0xC0) == 0x80)
      --limit;
    const size_t begin = core == 0 ? 0 : core - std::min(core, kOverlap);
    guard::Ctx c{text.substr(begin, limit - begin), {}};
    ScanEmails(c);
    ScanUrls(c);
    ScanCardsAndSsns(c);
    ScanIbans(c);
    ScanIps(c);
    if (options_.phones) ScanPhones(c, options_.region);
    detail::ScanDatesOfBirth(c);
    detail::ScanAddresses(c);
    detail::ScanPersons(c, options_.names);
    for (Finding& f : detail::Resolve(std::move(c.found))) {
      const bool cut = limit < text.size() && f.end + 1 >= c.text.size();
      // Each finding is kept by exactly one window: the last one that sees
      // it whole (a window drops what touches its end).
      if (cut || (core > 0 && f.begin + begin < core && f.end + begin + 1 < core)) continue;
      f.begin += begin;
      f.end += begin;
      f.evidence = std::string(text.substr(f.begin, std::min<size_t>(f.end - f.begin, 120)));
      all.push_back(std::move(f));
    }
    core = limit;
  }
  for (Finding& f : all) out->push_back(std::move(f));
  return Status::Ok();
}

}  // namespace warden::guard
