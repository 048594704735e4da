// SecretsScanner: prefix-anchored rules for known key formats, then a
// Shannon-entropy pass over the remaining long tokens.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>

#include "warden/core/strings.h"
#include "warden/guard/secrets.h"

namespace warden::guard {
namespace {

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsB64Url(char c) { return IsAlnum(c) || c == '-' || c == '_'; }
bool IsTokenChar(char c) { return IsAlnum(c) || std::strchr("+/=_-", c) != nullptr; }

size_t RunLength(std::string_view t, size_t p, bool (*ok)(char)) {
  size_t n = 0;
  while (p + n < t.size() && ok(t[p + n])) ++n;
  return n;
}

struct Collector {
  std::string_view text;
  std::vector<Finding>* out;
  std::vector<std::pair<size_t, size_t>> spans;

  void Add(const char* type, double score, size_t b, size_t e) {
    for (const auto& s : spans) {
      if (b < s.second && s.first < e) return;
    }
    spans.emplace_back(b, e);
    Finding f;
    f.category = "secret";
    f.type = type;
    f.score = score;
    f.begin = b;
    f.end = e;
    f.evidence = std::string(text.substr(b, std::min<size_t>(4, e - b))) + "...(" +
                 std::to_string(e - b) + " bytes)";
    f.scanner = "secrets";
    out->push_back(std::move(f));
  }
};

// Finds every `prefix` that starts a token; calls fn(position).
template <typename Fn>
void ForEachPrefix(std::string_view t, std::string_view prefix, Fn fn) {
  for (size_t p = t.find(prefix); p != std::string_view::npos; p = t.find(prefix, p + 1)) {
    if (p > 0 && IsB64Url(t[p - 1])) continue;
    fn(p);
  }
}

bool AwsContext(std::string_view t, size_t p) {
  const size_t from = p > 80 ? p - 80 : 0;
  std::string window(t.substr(from, p - from));
  for (char& c : window) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return window.find("aws") != std::string::npos || window.find("secret") != std::string::npos;
}

}  // namespace

double ShannonEntropy(std::string_view s) {
  if (s.empty()) return 0;
  std::array<uint32_t, 256> counts{};
  for (unsigned char c : s) ++counts[c];
  double h = 0;
  const double n = static_cast<double>(s.size());
  for (uint32_t k : counts) {
    if (k == 0) continue;
    const double p = k / n;
    h -= p * std::log2(p);
  }
  return h;
}

Status SecretsScanner::Scan(std::string_view t, std::vector<Finding>* out) const {
  Collector c{t, out, {}};
  // PEM private keys first: they contain long base64 lines.
  for (size_t p = t.find("-----BEGIN "); p != std::string_view::npos;
       p = t.find("-----BEGIN ", p + 1)) {
    const size_t head_end = t.find("-----", p + 11);
    if (head_end == std::string_view::npos || head_end - p > 60) continue;
    if (t.substr(p, head_end - p).find("PRIVATE KEY") == std::string_view::npos) continue;
    size_t end = t.find("-----END ", head_end);
    if (end != std::string_view::npos) {
      const size_t close = t.find("-----", end + 9);
      end = close == std::string_view::npos ? t.size() : close + 5;
    } else {
      end = t.size();
    }
    c.Add("private_key", 0.99, p, end);
    p = end - 1;
  }
  static constexpr std::string_view kAwsPrefixes[] = {"AKIA", "ASIA", "ABIA", "ACCA",
                                                      "AGPA", "AIDA", "AIPA", "ANPA",
                                                      "ANVA", "AROA", "APKA", "ASCA"};
  for (std::string_view pre : kAwsPrefixes) {
    ForEachPrefix(t, pre, [&](size_t p) {
      size_t n = 4;
      while (p + n < t.size() && (std::isupper(static_cast<unsigned char>(t[p + n])) ||
                                  std::isdigit(static_cast<unsigned char>(t[p + n])))) {
        ++n;
      }
      if (n == 20 && (p + n == t.size() || !IsAlnum(t[p + n])))
        c.Add("aws_access_key", 0.95, p, p + n);
    });
  }
  for (std::string_view pre : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}) {
    ForEachPrefix(t, pre, [&](size_t p) {
      const size_t n = RunLength(t, p + 4, IsAlnum);
      if (n >= 36 && n <= 40) c.Add("github_token", 0.95, p, p + 4 + n);
    });
  }
  ForEachPrefix(t, "github_pat_", [&](size_t p) {
    const size_t n = RunLength(t, p + 11, [](char ch) { return IsAlnum(ch) || ch == '_'; });
    if (n >= 70) c.Add("github_token", 0.95, p, p + 11 + n);
  });
  ForEachPrefix(t, "xox", [&](size_t p) {
    if (p + 5 > t.size() || std::strchr("bpars", t[p + 3]) == nullptr || t[p + 4] != '-') return;
    const size_t n = RunLength(t, p + 5, [](char ch) { return IsAlnum(ch) || ch == '-'; });
    if (n >= 10) c.Add("slack_token", 0.9, p, p + 5 + n);
  });
  ForEachPrefix(t, "AIza", [&](size_t p) {
    const size_t n = RunLength(t, p + 4, IsB64Url);
    if (n == 35) c.Add("google_api_key", 0.9, p, p + 4 + n);
  });
  for (std::string_view pre : {"sk_live_", "rk_live_", "sk_test_", "rk_test_"}) {
    ForEachPrefix(t, pre, [&](size_t p) {
      const size_t n = RunLength(t, p + 8, IsAlnum);
      if (n >= 20)
        c.Add("stripe_key", pre.find("live") != std::string_view::npos ? 0.95 : 0.6, p, p + 8 + n);
    });
  }
  ForEachPrefix(t, "eyJ", [&](size_t p) {
    const size_t a = RunLength(t, p, IsB64Url);
    if (p + a >= t.size() || t[p + a] != '.') return;
    const size_t b = RunLength(t, p + a + 1, IsB64Url);
    if (b < 2 || p + a + 1 + b >= t.size() || t[p + a + 1 + b] != '.') return;
    const size_t s = RunLength(t, p + a + b + 2, IsB64Url);
    // JWT headers are base64url; accept the standard digits too.
    const std::string header =
        core::DecodeBase64Prefix(t.substr(p, a), core::Base64Alphabet::kEither);
    const auto json = nlohmann::json::parse(header, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object() || !json.contains("alg")) return;
    c.Add("jwt", 0.9, p, p + a + b + 2 + s);
  });
  // AWS secret access keys: exactly 40 base64 characters near "aws"/"secret".
  for (size_t p = 0; p < t.size();) {
    const size_t n = RunLength(t, p, [](char ch) { return IsAlnum(ch) || ch == '/' || ch == '+'; });
    if (n == 0) {
      ++p;
      continue;
    }
    if (n == 40 && AwsContext(t, p)) c.Add("aws_secret_key", 0.85, p, p + n);
    p += n;
  }
  if (!options_.high_entropy) return Status::Ok();
  for (size_t p = 0; p < t.size();) {
    const size_t n = RunLength(t, p, IsTokenChar);
    if (n < 20 || n > 512) {
      p += std::max<size_t>(n, 1);
      continue;
    }
    const std::string_view tok = t.substr(p, n);
    bool hex = true, lower = false, upper = false, digit = false;
    for (char ch : tok) {
      hex &= std::isxdigit(static_cast<unsigned char>(ch)) != 0;
      lower |= std::islower(static_cast<unsigned char>(ch)) != 0;
      upper |= std::isupper(static_cast<unsigned char>(ch)) != 0;
      digit |= std::isdigit(static_cast<unsigned char>(ch)) != 0;
    }
    const double h = ShannonEntropy(tok);
    const bool secret =
        hex ? (n >= 32 && digit && h >= options_.hex_bits)
            : (digit && (lower + upper) >= 1 && lower && upper && h >= options_.base64_bits);
    if (secret) c.Add("high_entropy", std::min(0.9, 0.5 + (h - 3.0) / 5.0), p, p + n);
    p += n;
  }
  return Status::Ok();
}

}  // namespace warden::guard
