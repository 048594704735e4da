// Fast non-cryptographic hashing (xxHash XXH3) for checksums, dedup keys and
// hash tables. Keyed uses that need unpredictability to someone without the
// key (watermarks) build on these with a secret seed; see watermark.h.
// All functions are pure and thread-safe.
#ifndef WARDEN_CORE_HASH_H_
#define WARDEN_CORE_HASH_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace warden::core {

uint64_t Hash64(std::string_view data, uint64_t seed = 0);
// 16 lowercase hex digits.
std::string Hex64(uint64_t v);

// SplitMix64 finalizer: a bijective 64-bit mixer with full avalanche.
constexpr uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace warden::core

#endif  // WARDEN_CORE_HASH_H_
