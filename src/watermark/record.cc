// GenerationRecord: JSON in and out, with the version check.
#include "warden/watermark/record.h"

#include <nlohmann/json.hpp>
#include <utility>

namespace warden::watermark {
namespace {

// Reads optional field `name` into `out` when present; false when it is
// present with another type.
bool ReadString(const nlohmann::json& j, const char* name, std::string* out) {
  auto it = j.find(name);
  if (it == j.end()) return true;
  if (!it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

bool ReadCount(const nlohmann::json& j, const char* name, uint64_t* out) {
  auto it = j.find(name);
  if (it == j.end()) return true;
  if (it->is_number_unsigned()) {
    *out = it->get<uint64_t>();
    return true;
  }
  return false;  // negative, fractional or not a number
}

Status WrongType(const char* name, const char* type) {
  return Status::InvalidArgument(std::string("field \"") + name + "\" is not " + type);
}

}  // namespace

nlohmann::json GenerationRecord::ToJson() const {
  nlohmann::json j = {{"version", kGenerationRecordVersion},
                      {"prompt", prompt},
                      {"text", text},
                      {"tokens", tokens},
                      {"seed", seed}};
  if (watermark) j["watermark"] = watermark->ToJson();
  return j;
}

std::string GenerationRecord::ToJsonLine() const {
  return ToJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<GenerationRecord> GenerationRecord::FromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Status::InvalidArgument("not a JSON object");
  GenerationRecord r;
  r.version = 1;  // written before records carried a version
  if (auto v = j.find("version"); v != j.end()) {
    if (!v->is_number_integer()) return WrongType("version", "an integer");
    const int64_t version = v->get<int64_t>();
    if (version < 1) {
      return Status::InvalidArgument("bad generation record version " + std::to_string(version));
    }
    if (version > kGenerationRecordVersion) {
      return Status::Unimplemented("generation record version " + std::to_string(version) +
                                   " is newer than this warden reads (up to " +
                                   std::to_string(kGenerationRecordVersion) + "): upgrade warden");
    }
    r.version = static_cast<int32_t>(version);
  }
  auto t = j.find("text");
  if (t == j.end() || !t->is_string()) {
    return Status::InvalidArgument("no string field \"text\"");
  }
  r.text = t->get<std::string>();
  if (!ReadString(j, "prompt", &r.prompt)) return WrongType("prompt", "a string");
  if (!ReadCount(j, "tokens", &r.tokens)) return WrongType("tokens", "a count (integer >= 0)");
  if (!ReadCount(j, "seed", &r.seed)) return WrongType("seed", "an integer >= 0");
  if (auto w = j.find("watermark"); w != j.end()) {
    auto spec = WatermarkSpec::FromJson(*w);
    if (!spec.ok()) return spec.status().WithContext("watermark");
    r.watermark = std::move(spec).value();
  }
  return r;
}

Result<GenerationRecord> GenerationRecord::FromJsonLine(std::string_view line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument("not a JSON object");
  return FromJson(j);
}

}  // namespace warden::watermark
