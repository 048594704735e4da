// SHA-256 (FIPS 180-4) through libcrypto's EVP interface, for recording which
// data files a model was trained on. Stateless; safe from any thread.
#ifndef WARDEN_SRC_GUARD_SHA256_H_
#define WARDEN_SRC_GUARD_SHA256_H_

#include <string>
#include <string_view>

namespace warden::guard {

// 64 lowercase hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace warden::guard

#endif  // WARDEN_SRC_GUARD_SHA256_H_
