// Watermark configuration, keys, specs and their compatibility check.
#include <sys/random.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "warden/core/hash.h"
#include "warden/core/io.h"
#include "warden/watermark/watermark.h"

namespace warden::watermark {
namespace {

// Separate from the seeding domain (green.cc), so the id says nothing about
// the hash values that decide greenness.
constexpr uint64_t kKeyIdDomain = 0x57415244454e4b49ULL;  // "WARDENKI"

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool UsesGamma(Scheme s) { return s != Scheme::kGumbel; }
bool UsesContext(Scheme s) { return s != Scheme::kUnigram; }

}  // namespace

Result<Scheme> ParseScheme(std::string_view name) {
  const std::string n = Lower(name);
  if (n == "kgw") return Scheme::kKgw;
  if (n == "unigram") return Scheme::kUnigram;
  if (n == "gumbel") return Scheme::kGumbel;
  return Status::InvalidArgument("unknown watermark scheme '" + std::string(name) +
                                 "' (expected kgw, unigram or gumbel)");
}

std::string_view SchemeName(Scheme s) {
  switch (s) {
    case Scheme::kKgw:
      return "kgw";
    case Scheme::kUnigram:
      return "unigram";
    case Scheme::kGumbel:
      return "gumbel";
  }
  return "unknown";
}

Result<Seeding> ParseSeeding(std::string_view name) {
  const std::string n = Lower(name);
  if (n == "lefthash") return Seeding::kLeftHash;
  if (n == "minhash") return Seeding::kMinHash;
  if (n == "selfhash") return Seeding::kSelfHash;
  return Status::InvalidArgument("unknown watermark seeding '" + std::string(name) +
                                 "' (expected lefthash, minhash or selfhash)");
}

std::string_view SeedingName(Seeding s) {
  switch (s) {
    case Seeding::kLeftHash:
      return "lefthash";
    case Seeding::kMinHash:
      return "minhash";
    case Seeding::kSelfHash:
      return "selfhash";
  }
  return "unknown";
}

Status WatermarkConfig::Validate() const {
  if (scheme != Scheme::kKgw && scheme != Scheme::kUnigram && scheme != Scheme::kGumbel) {
    return Status::InvalidArgument("watermark: unknown scheme");
  }
  if (seeding != Seeding::kLeftHash && seeding != Seeding::kMinHash &&
      seeding != Seeding::kSelfHash) {
    return Status::InvalidArgument("watermark: unknown seeding");
  }
  if (!(gamma > 0 && gamma < 1)) {
    return Status::InvalidArgument("watermark: gamma must be in (0, 1), got " +
                                   std::to_string(gamma));
  }
  if (!(delta >= 0)) {
    return Status::InvalidArgument("watermark: delta must be >= 0 (or inf), got " +
                                   std::to_string(delta));
  }
  if (context_width < 1 || context_width > 8) {
    return Status::InvalidArgument("watermark: context width h must be in 1..8, got " +
                                   std::to_string(context_width));
  }
  if (vocab_size <= 0) {
    return Status::InvalidArgument("watermark: vocab size must be > 0, got " +
                                   std::to_string(vocab_size));
  }
  if (scheme == Scheme::kGumbel && seeding == Seeding::kSelfHash) {
    return Status::InvalidArgument(
        "watermark: the gumbel scheme takes lefthash or minhash seeding, not selfhash");
  }
  return Status::Ok();
}

std::string WatermarkKey::id() const { return core::Hex64(core::Hash64(secret, kKeyIdDomain)); }

Result<WatermarkKey> WatermarkKey::FromSecret(std::string secret) {
  if (secret.empty()) return Status::InvalidArgument("watermark key is empty");
  if (secret.size() < kMinBytes) {
    return Status::InvalidArgument("watermark key is too short (" + std::to_string(secret.size()) +
                                   " bytes; at least " + std::to_string(kMinBytes) + " needed)");
  }
  return WatermarkKey{std::move(secret)};
}

Result<WatermarkKey> WatermarkKey::FromFile(const std::string& path) {
  if (!core::FileExists(path)) return Status::NotFound(path + ": watermark key file not found");
  WARDEN_ASSIGN_OR_RETURN(std::string data, core::ReadFile(path));
  if (!data.empty() && data.back() == '\n') data.pop_back();
  if (!data.empty() && data.back() == '\r') data.pop_back();
  Result<WatermarkKey> key = FromSecret(std::move(data));
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

Result<WatermarkKey> WatermarkKey::Generate() {
  unsigned char raw[32];
  size_t got = 0;
  while (got < sizeof(raw)) {
    const ssize_t n = ::getrandom(raw + got, sizeof(raw) - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("getrandom failed: cannot make a key");
    }
    got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string secret;
  for (unsigned char c : raw) {
    secret.push_back(kHex[c >> 4]);
    secret.push_back(kHex[c & 15]);
  }
  return FromSecret(std::move(secret));
}

Result<WatermarkKey> WatermarkKey::FromEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) {
    return Status::NotFound("environment variable " + name + " (watermark key) is not set");
  }
  Result<WatermarkKey> key = FromSecret(value);
  if (!key.ok()) return key.status().WithContext("environment variable " + name);
  return key;
}

WatermarkSpec WatermarkSpec::From(const WatermarkConfig& c, const WatermarkKey& key) {
  WatermarkSpec s;
  s.scheme = c.scheme;
  s.gamma = c.gamma;
  s.delta = c.delta;
  s.context_width = c.context_width;
  s.seeding = c.seeding;
  s.vocab_size = c.vocab_size;
  s.tokenizer_fingerprint = c.tokenizer_fingerprint;
  s.key_id = key.id();
  return s;
}

WatermarkConfig WatermarkSpec::config() const {
  WatermarkConfig c;
  c.scheme = scheme;
  c.gamma = gamma;
  c.delta = delta;
  c.context_width = context_width;
  c.seeding = seeding;
  c.vocab_size = vocab_size;
  c.tokenizer_fingerprint = tokenizer_fingerprint;
  return c;
}

nlohmann::json WatermarkSpec::ToJson() const {
  nlohmann::json j;
  j["scheme"] = SchemeName(scheme);
  j["gamma"] = gamma;
  // JSON has no infinity.
  if (std::isinf(delta)) {
    j["delta"] = "inf";
  } else {
    j["delta"] = delta;
  }
  j["context_width"] = context_width;
  j["seeding"] = SeedingName(seeding);
  j["vocab_size"] = vocab_size;
  j["tokenizer"] = tokenizer_fingerprint;
  j["key_id"] = key_id;
  return j;
}

Result<WatermarkSpec> WatermarkSpec::FromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Status::InvalidArgument("watermark spec: not a JSON object");
  auto get_string = [&](const char* field) -> Result<std::string> {
    auto it = j.find(field);
    if (it == j.end() || !it->is_string()) {
      return Status::InvalidArgument(std::string("watermark spec: missing string field '") + field +
                                     "'");
    }
    return it->get<std::string>();
  };
  auto get_number = [&](const char* field) -> Result<double> {
    auto it = j.find(field);
    if (it == j.end() || !it->is_number()) {
      return Status::InvalidArgument(std::string("watermark spec: missing number field '") + field +
                                     "'");
    }
    return it->get<double>();
  };
  auto get_int = [&](const char* field) -> Result<int32_t> {
    auto it = j.find(field);
    if (it == j.end() || !it->is_number_integer()) {
      return Status::InvalidArgument(std::string("watermark spec: missing integer field '") +
                                     field + "'");
    }
    const int64_t v = it->get<int64_t>();
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
      return Status::InvalidArgument(std::string("watermark spec: field '") + field +
                                     "' out of range");
    }
    return static_cast<int32_t>(v);
  };

  WatermarkSpec s;
  WARDEN_ASSIGN_OR_RETURN(std::string scheme, get_string("scheme"));
  WARDEN_ASSIGN_OR_RETURN(s.scheme, ParseScheme(scheme));
  WARDEN_ASSIGN_OR_RETURN(s.gamma, get_number("gamma"));
  auto d = j.find("delta");
  if (d != j.end() && d->is_string() && Lower(d->get<std::string>()) == "inf") {
    s.delta = std::numeric_limits<double>::infinity();
  } else {
    WARDEN_ASSIGN_OR_RETURN(s.delta, get_number("delta"));
  }
  WARDEN_ASSIGN_OR_RETURN(s.context_width, get_int("context_width"));
  WARDEN_ASSIGN_OR_RETURN(std::string seeding, get_string("seeding"));
  WARDEN_ASSIGN_OR_RETURN(s.seeding, ParseSeeding(seeding));
  WARDEN_ASSIGN_OR_RETURN(s.vocab_size, get_int("vocab_size"));
  WARDEN_ASSIGN_OR_RETURN(s.tokenizer_fingerprint, get_string("tokenizer"));
  WARDEN_ASSIGN_OR_RETURN(s.key_id, get_string("key_id"));
  WARDEN_RETURN_IF_ERROR(s.config().Validate().WithContext("watermark spec"));
  return s;
}

Status CheckCompatible(const WatermarkSpec& generator, const WatermarkSpec& detector) {
  std::vector<std::string> diffs;
  auto differ = [&](const std::string& field, const std::string& g, const std::string& d) {
    diffs.push_back(field + " (generator " + g + ", detector " + d + ")");
  };
  if (generator.scheme != detector.scheme) {
    differ("scheme", std::string(SchemeName(generator.scheme)),
           std::string(SchemeName(detector.scheme)));
  }
  // Only when both sides use the field; a scheme mismatch is reported anyway.
  const bool gamma_used = UsesGamma(generator.scheme) && UsesGamma(detector.scheme);
  if (gamma_used && generator.gamma != detector.gamma) {
    differ("gamma", nlohmann::json(generator.gamma).dump(), nlohmann::json(detector.gamma).dump());
  }
  const bool context_used = UsesContext(generator.scheme) && UsesContext(detector.scheme);
  if (context_used && generator.context_width != detector.context_width) {
    differ("context_width", std::to_string(generator.context_width),
           std::to_string(detector.context_width));
  }
  if (context_used && generator.seeding != detector.seeding) {
    differ("seeding", std::string(SeedingName(generator.seeding)),
           std::string(SeedingName(detector.seeding)));
  }
  if (generator.tokenizer_fingerprint != detector.tokenizer_fingerprint) {
    differ("tokenizer", generator.tokenizer_fingerprint, detector.tokenizer_fingerprint);
  }
  if (generator.vocab_size != detector.vocab_size) {
    differ("vocab_size", std::to_string(generator.vocab_size), std::to_string(detector.vocab_size));
  }
  if (generator.key_id != detector.key_id) differ("key_id", generator.key_id, detector.key_id);
  if (diffs.empty()) return Status::Ok();
  std::string msg = "watermark settings differ: ";
  for (size_t i = 0; i < diffs.size(); ++i) {
    if (i > 0) msg += "; ";
    msg += diffs[i];
  }
  return Status::Mismatch(msg);
}

}  // namespace warden::watermark
