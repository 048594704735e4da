// Guardrails: the common vocabulary of every scanner.
//
// A scanner looks at one text (a prompt, a generated output, a training
// document) and reports findings: what it found (category and type), how sure
// it is (a calibrated probability where the scanner has a model, else a rule
// confidence), where (byte span into the text it was given) and why
// (evidence). Policies (guard_policy.h) turn findings into actions: block,
// mask, annotate, add a disclaimer.
//
// Categories are fixed strings so that policies, JSON output and the
// evaluation speak the same words:
//   "toxicity", "hate", "offensive"   classifier scores (guard_classifier.h)
//   "profanity"                       lexicon filters (guard_lexicon.h)
//   "pii"                             types: email, phone, card, iban, ssn,
//                                     ipv4, ipv6, url, date_of_birth, person,
//                                     address
//   "secret"                          types: aws_access_key, github_token, ...
//   "injection"                       prompt injection and jailbreak
//   "invalid_utf8"                    ill-formed bytes (the rest is scanned)
//
// Thread safety: a Scanner is immutable after construction; Scan is const and
// safe to call from any number of threads at once.
#ifndef WARDEN_GUARD_GUARD_H_
#define WARDEN_GUARD_GUARD_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"

namespace warden::guard {

struct Finding {
  std::string category;  // one of the categories above
  std::string type;      // finer kind within the category ("email", "hate")
  double score = 0;      // in [0, 1]: probability or rule confidence
  size_t begin = 0;      // byte span [begin, end) in the scanned text;
  size_t end = 0;        // whole-text findings span the whole text
  std::string evidence;  // the matched text or the features that decided
  std::string scanner;   // name() of the scanner that reported it
};

class Scanner {
 public:
  virtual ~Scanner() = default;
  virtual std::string_view name() const = 0;
  // Appends the findings for `text` to `out`. `text` may contain invalid
  // UTF-8; scanners skip ill-formed bytes rather than fail. Errors are for
  // broken scanners (a model that failed to load), never for odd input.
  virtual Status Scan(std::string_view text, std::vector<Finding>* out) const = 0;
};

}  // namespace warden::guard

#endif  // WARDEN_GUARD_GUARD_H_
