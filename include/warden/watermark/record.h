// The generation record: one line of the JSONL file that `warden generate
// --jsonl` writes and `warden watermark detect` reads. It carries the text,
// what it was generated from, and the watermark spec it was generated under
// (key id, never the key), so that detection can refuse a mismatched
// detector instead of scoring garbage.
//
// On disk (one JSON object a line):
//   {"prompt":"..","seed":1,"text":"..","tokens":120,"version":1,
//    "watermark":{...WatermarkSpec::ToJson...}}
// Only "text" is required: detection also reads JSONL written by other
// tools. A record without "version" is version 1 (files written before the
// field existed); a version newer than kGenerationRecordVersion is refused
// with an error that says so, never half read. A field that is present must
// have its type; unknown fields are ignored.
//
// Thread safety: a GenerationRecord is a value; the functions here are pure
// and safe from any thread.
// Ownership: the record owns its strings and spec.
#ifndef WARDEN_WATERMARK_RECORD_H_
#define WARDEN_WATERMARK_RECORD_H_

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "warden/core/status.h"
#include "warden/watermark/watermark.h"

namespace warden::watermark {

// The newest record layout this build reads and the one it writes.
inline constexpr int32_t kGenerationRecordVersion = 1;

struct GenerationRecord {
  int32_t version = kGenerationRecordVersion;
  std::string prompt;
  std::string text;     // the generated text (the prompt not included)
  uint64_t tokens = 0;  // number of generated tokens
  uint64_t seed = 0;    // sampling seed
  // The spec the text was generated under; empty for unwatermarked text.
  std::optional<WatermarkSpec> watermark;

  // Always writes the current version.
  nlohmann::json ToJson() const;
  // ToJson as one line; invalid UTF-8 in the strings becomes U+FFFD.
  std::string ToJsonLine() const;

  // Validates types and the version; never throws. InvalidArgument for a
  // malformed record, Unimplemented for a version newer than this build.
  static Result<GenerationRecord> FromJson(const nlohmann::json& j);
  // Parses one line of JSON first ("not a JSON object" when it is not one).
  static Result<GenerationRecord> FromJsonLine(std::string_view line);
};

}  // namespace warden::watermark

#endif  // WARDEN_WATERMARK_RECORD_H_
