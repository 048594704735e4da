#include "warden/core/hash.h"

#include <xxhash.h>

namespace warden::core {

uint64_t Hash64(std::string_view data, uint64_t seed) {
  return XXH3_64bits_withSeed(data.data(), data.size(), seed);
}

std::string Hex64(uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i) {
    s[i] = kDigits[v & 0xf];
    v >>= 4;
  }
  return s;
}

}  // namespace warden::core
