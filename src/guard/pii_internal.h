// Shared pieces of the PII scanners (pii_scanner.cc, pii_recognizers.cc).
#ifndef WARDEN_SRC_GUARD_PII_INTERNAL_H_
#define WARDEN_SRC_GUARD_PII_INTERNAL_H_

#include <cctype>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "warden/guard/guard.h"
#include "warden/guard/pii.h"

namespace warden::guard::detail {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
inline bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

// Findings of one window, with context-word scoring.
struct Ctx {
  std::string_view text;
  std::vector<Finding> found;

  // True when one of `words` occurs (case-insensitively, as a word) within
  // 48 bytes before `pos`.
  bool HasContext(size_t pos, std::initializer_list<std::string_view> words) const;
  bool HasContext(size_t pos, const std::vector<std::string_view>& words) const;
  // Adds a finding; +0.1 with a context word, -0.2 with a negative one.
  void Add(std::string_view type, double score, size_t b, size_t e,
           std::initializer_list<std::string_view> context);
  void Add(std::string_view type, double score, size_t b, size_t e,
           const std::vector<std::string_view>& context);
};

void ScanDatesOfBirth(Ctx& c);
void ScanAddresses(Ctx& c);
void ScanPersons(Ctx& c, const NameGazetteer& names);

// Drops findings that overlap a higher-priority one; sorted by position.
std::vector<Finding> Resolve(std::vector<Finding> found);

// Length of a date starting at `p` ("1990-01-31", "01/31/1990",
// "January 31, 1990", "31 Jan 1990"), or 0.
size_t DateLengthAt(std::string_view t, size_t p);

}  // namespace warden::guard::detail

#endif  // WARDEN_SRC_GUARD_PII_INTERNAL_H_
