// Guardrails: credentials and keys in prompts, outputs and training data.
//
// Types (category "secret"):
//   aws_access_key    AKIA/ASIA/... + 16 upper-case letters or digits
//   aws_secret_key    40 base64 characters after an AWS context word
//   github_token      ghp_/gho_/ghu_/ghs_/ghr_ + 36, github_pat_ + 82
//   slack_token       xoxb-/xoxp-/xoxa-/xoxr-/xoxs- ...
//   google_api_key    AIza + 35
//   stripe_key        sk_live_/rk_live_ (0.95), sk_test_/rk_test_ (0.6)
//   jwt               three base64url parts whose header decodes to a JSON
//                     object with "alg"
//   private_key       a PEM "-----BEGIN ... PRIVATE KEY-----" block
//   high_entropy      a token of 20+ characters whose Shannon entropy per
//                     character exceeds the threshold for its charset (hex
//                     3.0 bits and 32+ characters; base64/alphanumeric 4.0
//                     bits with letters and digits mixed), and not found by
//                     a rule above
// Spans are byte offsets; evidence is redacted (first 4 characters + "...")
// so that reports do not leak the secret.
//
// Thread safety: immutable; Scan is safe from any number of threads.
#ifndef WARDEN_GUARD_SECRETS_H_
#define WARDEN_GUARD_SECRETS_H_

#include <memory>
#include <string_view>
#include <vector>

#include "warden/guard/guard.h"

namespace warden::guard {

// Shannon entropy of the byte distribution of `s`, in bits per byte.
double ShannonEntropy(std::string_view s);

struct SecretsOptions {
  bool high_entropy = true;
  double hex_bits = 3.0;
  double base64_bits = 4.0;
};

class SecretsScanner final : public Scanner {
 public:
  explicit SecretsScanner(SecretsOptions options = {}) : options_(options) {}
  std::string_view name() const override { return "secrets"; }
  Status Scan(std::string_view text, std::vector<Finding>* out) const override;

 private:
  SecretsOptions options_;
};

}  // namespace warden::guard

#endif  // WARDEN_GUARD_SECRETS_H_
