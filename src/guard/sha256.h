// SHA-256 (FIPS 180-4), for recording which data files a model was trained
// on. Not for anything secret-dependent: it is plain, not constant-time.
#ifndef WARDEN_SRC_GUARD_SHA256_H_
#define WARDEN_SRC_GUARD_SHA256_H_

#include <string>
#include <string_view>

namespace warden::guard {

// 64 lowercase hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace warden::guard

#endif  // WARDEN_SRC_GUARD_SHA256_H_
