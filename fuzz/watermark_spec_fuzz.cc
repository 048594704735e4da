// Fuzzes the parsers that read untrusted JSONL records at detection time:
// the generation record (watermark/record.h), the JSON itself and the
// watermark spec a record claims.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "warden/watermark/record.h"
#include "warden/watermark/watermark.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto record = warden::watermark::GenerationRecord::FromJsonLine(in);
  if (record.ok()) {
    // A record that parses must survive a round trip with the same text.
    auto again = warden::watermark::GenerationRecord::FromJsonLine(record->ToJsonLine());
    if (!again.ok()) __builtin_trap();
  }
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  auto spec = warden::watermark::WatermarkSpec::FromJson(j);
  if (spec.ok()) {
    // A spec that parses must survive a round trip and a comparison.
    auto again = warden::watermark::WatermarkSpec::FromJson(spec->ToJson());
    if (!again.ok()) __builtin_trap();
    (void)warden::watermark::CheckCompatible(*spec, *again);
  }
  return 0;
}
