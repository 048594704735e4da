// Fuzzes the TOML policy parser: any input gives a Policy or an error, never
// a crash or an escaping exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "warden/guard/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = warden::guard::ParsePolicy(text, "fuzz.toml");
  if (p.ok()) {
    for (const auto& [cat, s] : p->input.strength) {
      (void)warden::guard::ThresholdFor(cat, s);
    }
  }
  return 0;
}
