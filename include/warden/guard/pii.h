// Guardrails: personally identifiable information.
//
// Structured types are found by hand-written byte scanners (no regex pass
// per type; each scanner looks only where its anchor byte is: '@' for
// e-mail, digits for numbers, "://"/"www." for URLs) and then validated:
//   email          local@domain.tld
//   phone          digit clusters of 7+ digits handed to libphonenumber
//                  (PhoneNumberMatcher, default region configurable);
//                  valid numbers score 0.9, merely possible ones 0.6
//   card           13-19 digits (spaces/dashes allowed), Luhn and a known
//                  issuer range (IIN) both required
//   iban           country code, check digits, country length, mod 97
//   ssn            US SSN: area not 000/666/9xx, group not 00, serial not
//                  0000; "123-45-6789" style 0.85, nine bare digits only
//                  with a context word ("ssn", "social security")
//   ipv4, ipv6     dotted quads (0-255) / inet_pton-valid IPv6
//   url            http(s)://, www.
//   date_of_birth  a date within 40 bytes after a birth context word
//   person         capitalized tokens checked against a name gazetteer
//                  (first and last names; a title such as "Mr." also
//                  counts); no gazetteer, no person findings
//   address        house number, capitalized street words and a street
//                  suffix ("Street", "Ave", "Road", ...), optional unit
// Context words near a finding ("phone", "card", "email", "ssn", "born",
// "name", ...) raise its score by 0.1; "order", "invoice", "isbn" near a
// number lower it by 0.2.
//
// Thread safety: a PiiScanner is immutable; Scan is safe from any number of
// threads.
#ifndef WARDEN_GUARD_PII_H_
#define WARDEN_GUARD_PII_H_

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "warden/core/status.h"
#include "warden/guard/guard.h"

namespace warden::guard {

// Validators, exposed for tests and other scanners. Inputs are digits or
// compact codes (no spaces).
bool LuhnValid(std::string_view digits);
// Issuer of a card number by its IIN ("visa", "mastercard", "amex",
// "discover", "jcb", "diners", "unionpay", "maestro"), or "" if none.
std::string_view CardIssuer(std::string_view digits);
bool IbanValid(std::string_view compact);
bool SsnValid(std::string_view nine_digits);

// Person-name gazetteer: lowercase first names and last names.
struct NameGazetteer {
  std::unordered_set<std::string> first;
  std::unordered_set<std::string> last;
  // One name per line: "first<TAB>given" or "last<TAB>family".
  static Result<NameGazetteer> Load(const std::string& path);
  std::string Serialize() const;
};

struct PiiOptions {
  std::string region = "US";  // default region for numbers without "+"
  NameGazetteer names;        // empty: no person findings
  bool phones = true;
};

class PiiScanner final : public Scanner {
 public:
  static Result<std::unique_ptr<PiiScanner>> Create(PiiOptions options);
  ~PiiScanner() override;
  std::string_view name() const override { return "pii"; }
  Status Scan(std::string_view text, std::vector<Finding>* out) const override;

 private:
  explicit PiiScanner(PiiOptions options);
  PiiOptions options_;
};

// `models_dir`/guard/person_names.tsv (core::ResourcePaths::models_dir);
// empty gazetteer when absent or when `models_dir` is empty.
NameGazetteer LoadDefaultNameGazetteer(const std::string& models_dir);

}  // namespace warden::guard

#endif  // WARDEN_GUARD_PII_H_
