// ProvenanceChecker: the issue's "done when" case (a copied function with
// renamed identifiers is caught and traced), policies, templates.
#include <gtest/gtest.h>

#include "warden/provenance/check.h"

namespace warden::provenance {
namespace {

constexpr const char* kProtectedJava = R"(
public class Stats {
  public static double variance(double[] data) {
    double mean = 0;
    for (int i = 0; i < data.length; i++) { mean += data[i]; }
    mean /= data.length;
    double sum = 0;
    for (int i = 0; i < data.length; i++) { double d = data[i] - mean; sum += d * d; }
    return sum / (data.length - 1);
  }
}
)";

constexpr const char* kRenamedCopy = R"(
// my own work
static double spread(double[] xs) {
  double avg = 0.0;
  for (int k = 0; k < xs.length; k++) {
    avg += xs[k];
  }
  avg /= xs.length;
  double acc = 0;
  for (int k = 0; k < xs.length; k++) { double delta = xs[k] - avg; acc += delta * delta; }
  return acc / (xs.length - 1);
}
)";

std::unique_ptr<ProvenanceIndex> CodeIndex() {
  IndexDocument d;
  d.id = "Stats.java";
  d.text = kProtectedJava;
  d.language = CodeLanguage::kJava;
  IndexDocument other;
  other.id = "Hello.java";
  other.text =
      "class Hello { public static void main(String[] a) { System.out.println(\"hi\"); } }";
  other.language = CodeLanguage::kJava;
  auto bytes = IndexBuilder::BuildShardBytes({d, other}, {}, nullptr);
  EXPECT_TRUE(bytes.ok());
  auto index = ProvenanceIndex::FromBytes({*bytes});
  EXPECT_TRUE(index.ok());
  return std::move(index).value();
}

CheckOptions JavaOptions() {
  CheckOptions o;
  o.tokenize.mode = TokenMode::kCode;
  o.tokenize.language = CodeLanguage::kJava;
  o.policy.min_span_tokens = 20;
  return o;
}

TEST(ProvenanceCheckTest, RenamedCopyIsCaughtAndTraced) {
  auto index = CodeIndex();
  auto checker = ProvenanceChecker::Create(index.get(), JavaOptions());
  ASSERT_TRUE(checker.ok());
  auto r = (*checker)->Check(kRenamedCopy);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->verdict, PolicyAction::kFlag);
  ASSERT_FALSE(r->spans.empty());
  EXPECT_GE(r->spans[0].token_end - r->spans[0].token_begin, 60u);
  ASSERT_FALSE(r->spans[0].sources.empty());
  EXPECT_EQ(r->spans[0].sources[0].doc_id, "Stats.java");
  ASSERT_FALSE(r->near_copies.empty());
  EXPECT_EQ(r->near_copies[0].doc_id, "Stats.java");
  EXPECT_GT(r->near_copies[0].containment, 0.9);
  // The span's bytes are the caller's own text.
  EXPECT_NE(r->spans[0].text.find("spread"), std::string::npos);
  EXPECT_NE(CheckReportJson(*r).find("\"verdict\":\"flag\""), std::string::npos);
}

TEST(ProvenanceCheckTest, UnrelatedCodeIsAllowed) {
  auto index = CodeIndex();
  auto checker = ProvenanceChecker::Create(index.get(), JavaOptions());
  ASSERT_TRUE(checker.ok());
  auto r = (*checker)->Check("int f(String s) { return s.isEmpty() ? -1 : s.charAt(0); }");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, PolicyAction::kAllow);
  EXPECT_TRUE(r->spans.empty());
}

TEST(ProvenanceCheckTest, TemplateCodeDoesNotCount) {
  auto index = CodeIndex();
  CheckOptions o = JavaOptions();
  o.templates = {kProtectedJava};
  auto checker = ProvenanceChecker::Create(index.get(), o);
  ASSERT_TRUE(checker.ok());
  auto r = (*checker)->Check(kRenamedCopy);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, PolicyAction::kAllow);
  EXPECT_LT(r->max_containment, 0.5);
}

std::unique_ptr<ProvenanceIndex> TextIndex() {
  IndexDocument d;
  d.id = "poem";
  d.text =
      "It was the best of times, it was the worst of times, it was the age of wisdom, it was "
      "the age of foolishness, it was the epoch of belief, it was the epoch of incredulity.";
  auto bytes = IndexBuilder::BuildShardBytes({d}, {}, nullptr);
  EXPECT_TRUE(bytes.ok());
  auto index = ProvenanceIndex::FromBytes({*bytes});
  EXPECT_TRUE(index.ok());
  return std::move(index).value();
}

TEST(ProvenanceCheckTest, ReplacePolicyAndCopilotRule) {
  auto index = TextIndex();
  CheckOptions o;
  o.policy.on_match = PolicyAction::kReplace;
  auto checker = ProvenanceChecker::Create(index.get(), o);
  ASSERT_TRUE(checker.ok());
  const std::string out = "He said: IT WAS THE BEST OF TIMES it was the worst of times! Then left.";
  auto r = (*checker)->Check(out);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, PolicyAction::kReplace);
  EXPECT_EQ(r->replaced_text, "He said: [protected content removed]! Then left.");

  // 150 normalized characters: this 52-character span no longer counts.
  o.policy.min_span_tokens = 1;
  o.policy.min_span_chars = 150;
  o.policy.on_match = PolicyAction::kBlock;
  auto copilot = ProvenanceChecker::Create(index.get(), o);
  ASSERT_TRUE(copilot.ok());
  auto r2 = (*copilot)->Check(out);
  ASSERT_TRUE(r2.ok());
  EXPECT_TRUE(r2->spans.empty());
  auto r3 = (*copilot)->Check(
      "it was the best of times, it was the worst of times, it was the age of wisdom, it was the "
      "age of foolishness, it was the epoch of belief, it was the epoch");
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(r3->verdict, PolicyAction::kBlock);
  EXPECT_EQ(r3->spans.size(), 1u);
}

TEST(ProvenanceCheckTest, SpansRankLongestThenRarest) {
  IndexDocument a{"a", "alpha beta gamma delta epsilon zeta eta theta", "", std::nullopt, false};
  IndexDocument b{"b", "one two three four one two three four", "", std::nullopt, false};
  auto bytes = IndexBuilder::BuildShardBytes({a, b}, {}, nullptr);
  ASSERT_TRUE(bytes.ok());
  auto index = ProvenanceIndex::FromBytes({*bytes});
  ASSERT_TRUE(index.ok());
  CheckOptions o;
  o.policy.min_span_tokens = 3;
  auto checker = ProvenanceChecker::Create(index->get(), o);
  ASSERT_TRUE(checker.ok());
  auto r = (*checker)->Check("one two three xx alpha beta gamma yy delta epsilon zeta eta");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->spans.size(), 3u);
  EXPECT_EQ(r->spans[0].text, "delta epsilon zeta eta");
  EXPECT_EQ(r->spans[1].text, "alpha beta gamma");  // rarer than "one two three" (2 hits)
  EXPECT_EQ(r->spans[2].occurrences, 2u);
}

TEST(ProvenanceCheckTest, BadPolicyIsRejected) {
  auto index = TextIndex();
  CheckOptions o;
  o.policy.min_span_tokens = 0;
  EXPECT_FALSE(ProvenanceChecker::Create(index.get(), o).ok());
  EXPECT_FALSE(ParsePolicyAction("delete").ok());
  EXPECT_EQ(*ParsePolicyAction("block"), PolicyAction::kBlock);
}

}  // namespace
}  // namespace warden::provenance
