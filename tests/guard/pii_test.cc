#include "warden/guard/pii.h"

#include <gtest/gtest.h>

#include "guard_test_util.h"
#include "warden/guard/secrets.h"

namespace warden::guard {
namespace {

std::vector<Finding> Pii(std::string_view text) {
  PiiOptions o;
  o.names.first = {"maria", "john"};
  o.names.last = {"garcia", "smith"};
  auto s = PiiScanner::Create(o);
  EXPECT_TRUE(s.ok());
  std::vector<Finding> out;
  EXPECT_TRUE((*s)->Scan(text, &out).ok());
  return out;
}

std::string SpanOf(std::string_view text, const std::vector<Finding>& f, const std::string& type) {
  for (const Finding& x : f) {
    if (x.type == type) return std::string(text.substr(x.begin, x.end - x.begin));
  }
  return "";
}

TEST(GuardPii, Validators) {
  EXPECT_TRUE(LuhnValid("4111111111111111"));
  EXPECT_FALSE(LuhnValid("4111111111111112"));
  EXPECT_EQ(CardIssuer("4111111111111111"), "visa");
  EXPECT_EQ(CardIssuer("378282246310005"), "amex");
  EXPECT_EQ(CardIssuer("9111111111111111"), "");
  EXPECT_TRUE(IbanValid("GB82WEST12345698765432"));
  EXPECT_FALSE(IbanValid("GB82WEST12345698765433"));
  EXPECT_FALSE(IbanValid("GB82WEST1234569876543"));  // wrong length for GB
  EXPECT_TRUE(SsnValid("536225643"));
  EXPECT_FALSE(SsnValid("000225643"));
  EXPECT_FALSE(SsnValid("666225643"));
  EXPECT_FALSE(SsnValid("912225643"));
  EXPECT_FALSE(SsnValid("536005643"));
  EXPECT_FALSE(SsnValid("536220000"));
}

TEST(GuardPii, FindsStructuredTypes) {
  const std::string text =
      "Mail maria.garcia@example.co.uk or call +1 415-555-2671. Card 4111 1111 1111 1111, "
      "IBAN GB82 WEST 1234 5698 7654 32, SSN 536-22-5643, host 192.168.10.1 and "
      "2001:db8::8a2e:370:7334, "
      "see https://example.com/a?b=c. She was born on March 3, 1985.";
  auto f = Pii(text);
  EXPECT_EQ(SpanOf(text, f, "email"), "maria.garcia@example.co.uk");
  EXPECT_EQ(SpanOf(text, f, "phone"), "+1 415-555-2671");
  EXPECT_EQ(SpanOf(text, f, "card"), "4111 1111 1111 1111");
  EXPECT_EQ(SpanOf(text, f, "iban"), "GB82 WEST 1234 5698 7654 32");
  EXPECT_EQ(SpanOf(text, f, "ssn"), "536-22-5643");
  EXPECT_EQ(SpanOf(text, f, "ipv4"), "192.168.10.1");
  EXPECT_EQ(SpanOf(text, f, "ipv6"), "2001:db8::8a2e:370:7334");
  EXPECT_EQ(SpanOf(text, f, "url"), "https://example.com/a?b=c");
  EXPECT_EQ(SpanOf(text, f, "date_of_birth"), "March 3, 1985");
}

TEST(GuardPii, RejectsLookAlikes) {
  // Luhn-invalid card, SSN area 666, octet 256, version numbers, dates.
  auto f = Pii("order 4111 1111 1111 1112, id 666-12-3456, v1.2.3.4.5, 256.1.1.1, on 2024-01-15");
  for (const Finding& x : f) ADD_FAILURE() << x.type << " " << x.begin;
}

TEST(GuardPii, NamesAndAddresses) {
  const std::string text =
      "Dear Maria Garcia, your parcel goes to 42 Baker Street, London. Mr. Holmes agrees.";
  auto f = Pii(text);
  EXPECT_EQ(SpanOf(text, f, "person"), "Maria Garcia");
  EXPECT_EQ(SpanOf(text, f, "address"), "42 Baker Street, London");
  EXPECT_TRUE(testing::HasType(f, "person"));
}

TEST(GuardPii, InvalidUtf8AndLongInput) {
  std::string text = "x\xFF\xFE y maria@example.com ";
  std::string big;
  while (big.size() < 600000) big += "nothing to see here 12 34 ";
  big += "last@example.org";
  auto f = Pii(text + big);
  int emails = 0;
  for (const Finding& x : f) emails += x.type == "email";
  EXPECT_EQ(emails, 2);
}

TEST(GuardSecrets, KnownFormats) {
  SecretsScanner s;
  const std::string text =
      "aws AKIAIOSFODNN7EXAMPLE secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY "
      "ghp_0123456789abcdefghijABCDEFGHIJ012345 xoxb-123456789012-abcdefghij "
      "AIzaSyA1234567890abcdefghijklmnopqrstuv sk_live_4eC39HqLyjWDarjtT1zdp7dc "
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl "
      "-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----";
  std::vector<Finding> f;
  ASSERT_TRUE(s.Scan(text, &f).ok());
  for (const char* t : {"aws_access_key", "aws_secret_key", "github_token", "slack_token",
                        "google_api_key", "stripe_key", "jwt", "private_key"}) {
    EXPECT_TRUE(testing::HasType(f, t)) << t;
  }
  for (const Finding& x : f) EXPECT_EQ(x.evidence.find("EXAMPLEKEY"), std::string::npos);
}

TEST(GuardSecrets, EntropyAndProse) {
  SecretsScanner s;
  std::vector<Finding> f;
  ASSERT_TRUE(s.Scan("token 9f8e7d6c5b4a39281706f5e4d3c2b1a0ffeeddcc here", &f).ok());
  EXPECT_TRUE(testing::HasType(f, "high_entropy"));
  f.clear();
  ASSERT_TRUE(s.Scan("internationalization and counterrevolutionaries are long words; "
                     "eyJub3QiOiJqd3QifQ.eyJ4IjoxfQ.sig is no JWT without alg",
                     &f)
                  .ok());
  EXPECT_TRUE(f.empty()) << f[0].type;
  EXPECT_NEAR(ShannonEntropy("aaaa"), 0.0, 1e-9);
  EXPECT_NEAR(ShannonEntropy("abcd"), 2.0, 1e-9);
}

}  // namespace
}  // namespace warden::guard
