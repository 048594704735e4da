// The provenance index end to end: build, load, query, shards, bad input,
// hostile files.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <random>

#include "warden/core/hash.h"
#include "warden/core/io.h"
#include "warden/provenance/index.h"

namespace warden::provenance {
namespace {

std::vector<ProvenanceToken> Text(std::string_view s) {
  auto r = TokenizeForProvenance(s, {});
  EXPECT_TRUE(r.ok());
  return r.ok() ? std::move(r).value() : std::vector<ProvenanceToken>{};
}

IndexDocument Doc(std::string id, std::string text) {
  IndexDocument d;
  d.id = std::move(id);
  d.text = std::move(text);
  return d;
}

std::unique_ptr<ProvenanceIndex> Build(std::vector<std::vector<IndexDocument>> shards,
                                       IndexBuildReport* report = nullptr) {
  std::vector<std::string> bytes;
  for (auto& docs : shards) {
    auto b = IndexBuilder::BuildShardBytes(std::move(docs), {}, nullptr, report);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    bytes.push_back(b.ok() ? *b : "");
  }
  auto index = ProvenanceIndex::FromBytes(std::move(bytes));
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return index.ok() ? std::move(index).value() : nullptr;
}

TEST(ProvenanceIndexTest, CountLocateAcrossShards) {
  auto index = Build(
      {{Doc("a", "The quick brown fox jumps over the lazy dog."), Doc("b", "A lazy dog sleeps.")},
       {Doc("c", "the LAZY dog, again")}});
  ASSERT_TRUE(index);
  EXPECT_EQ(index->Count(Text("lazy dog")), 3u);
  EXPECT_EQ(index->Count(Text("the lazy dog")), 2u);
  EXPECT_EQ(index->Count(Text("dog the")), 0u);  // never across documents
  EXPECT_EQ(index->Count(Text("unicorn")), 0u);
  auto occ = index->Locate(Text("lazy dog"), 10);
  ASSERT_EQ(occ.size(), 3u);
  EXPECT_EQ(occ[0].doc_id, "a");
  EXPECT_EQ(occ[0].token_offset, 7u);
  EXPECT_EQ(occ[1].doc_id, "b");
  EXPECT_EQ(occ[2].doc_id, "c");
  EXPECT_EQ(occ[2].shard, 1u);
  EXPECT_EQ(index->stats().shards, 2u);
}

TEST(ProvenanceIndexTest, LongestMatchesAgreeWithReference) {
  std::mt19937_64 rng(7);
  const std::vector<std::string> words = {"a", "b", "c", "d", "e"};
  auto random_text = [&](size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += words[rng() % words.size()] + " ";
    return s;
  };
  std::vector<IndexDocument> s1, s2;
  for (int i = 0; i < 5; ++i) s1.push_back(Doc("x" + std::to_string(i), random_text(40)));
  for (int i = 0; i < 3; ++i) s2.push_back(Doc("y" + std::to_string(i), random_text(40)));
  auto index = Build({std::move(s1), std::move(s2)});
  ASSERT_TRUE(index);
  for (int q = 0; q < 20; ++q) {
    const auto query = Text(random_text(30) + " zzz " + random_text(10));
    const auto fast = index->LongestMatches(query);
    const auto ref = index->LongestMatchesReference(query);
    ASSERT_EQ(fast.size(), ref.size());
    for (size_t i = 0; i < fast.size(); ++i) {
      ASSERT_EQ(fast[i].length, ref[i].length) << "query " << q << " pos " << i;
      ASSERT_EQ(fast[i].count, ref[i].count) << "query " << q << " pos " << i;
    }
  }
}

TEST(ProvenanceIndexTest, BadInputIsReportedNotDropped) {
  IndexBuildReport report;
  IndexDocument bad = Doc("bad", "caf\xEF\xBF\xBD ok");
  bad.repaired_utf8 = true;
  auto index = Build({{Doc("same", "one two three"), Doc("same", "four five six"),
                       Doc("empty", "  ...  "), std::move(bad)}},
                     &report);
  ASSERT_TRUE(index);
  EXPECT_EQ(report.documents, 4u);
  EXPECT_EQ(report.renamed_duplicates.size(), 1u);
  EXPECT_EQ(report.empty.size(), 1u);
  EXPECT_EQ(report.repaired_utf8.size(), 1u);
  auto occ = index->Locate(Text("four five"), 5);
  ASSERT_EQ(occ.size(), 1u);
  EXPECT_EQ(occ[0].doc_id, "same#2");
  EXPECT_EQ(index->stats().documents, 4u);
}

TEST(ProvenanceIndexTest, ReadInputsHandlesBinaryJsonlAndBadUtf8) {
  const std::string dir = ::testing::TempDir() + "/prov_inputs";
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(core::WriteFileAtomic(dir + "/a.txt", "plain text").ok());
  ASSERT_TRUE(core::WriteFileAtomic(dir + "/b.bin", std::string("\x7f"
                                                                "ELF\0\0",
                                                                6))
                  .ok());
  ASSERT_TRUE(core::WriteFileAtomic(dir + "/c.java", "class A { int x; }").ok());
  ASSERT_TRUE(core::WriteFileAtomic(dir + "/d.txt", "bad \xff byte").ok());
  ASSERT_TRUE(core::WriteFileAtomic(
                  dir + "/e.jsonl",
                  "{\"id\":\"j1\",\"text\":\"hello\"}\n{\"id\":2,\"text\":\"x\",\"lang\":\"py\"}\n")
                  .ok());
  IndexBuildReport report;
  std::vector<std::string> paths = {dir};
  auto docs = ReadIndexInputs(paths, &report);
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 5u);
  EXPECT_EQ(report.skipped_binary.size(), 1u);
  EXPECT_EQ((*docs)[1].language, CodeLanguage::kJava);
  EXPECT_TRUE((*docs)[2].repaired_utf8);
  EXPECT_EQ((*docs)[3].id, "j1");
  EXPECT_EQ((*docs)[4].language, CodeLanguage::kPython);
  ASSERT_TRUE(core::WriteFileAtomic(dir + "/f.jsonl", "{\"id\":1}\n").ok());
  auto bad = ReadIndexInputs(paths, &report);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("f.jsonl:1"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ProvenanceIndexTest, DirectoryBuildsAddShardsAndOpen) {
  const std::string dir = ::testing::TempDir() + "/prov_index";
  std::filesystem::remove_all(dir);
  for (int round = 0; round < 2; ++round) {
    IndexBuilder b(dir, {}, nullptr);
    ASSERT_TRUE(b.Add(Doc("r" + std::to_string(round), "shared words here")).ok());
    auto rep = b.Finish();
    ASSERT_TRUE(rep.ok());
    ASSERT_EQ(rep->shards.size(), 1u);
    EXPECT_EQ(rep->shards[0], round == 0 ? "shard-0000.widx" : "shard-0001.widx");
  }
  // A leftover temporary file (a build that died) is not a shard.
  ASSERT_TRUE(core::WriteFileAtomic(dir + "/shard-0002.widx.tmp", "partial").ok());
  auto index = ProvenanceIndex::Open(dir);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  EXPECT_EQ((*index)->stats().shards, 2u);
  EXPECT_EQ((*index)->Count(Text("shared words")), 2u);
  EXPECT_FALSE(ProvenanceIndex::Open(dir + "/nothing").ok());
  std::filesystem::remove_all(dir);
}

TEST(ProvenanceIndexTest, DamagedForeignAndOtherVersionFilesAreRefused) {
  auto bytes = IndexBuilder::BuildShardBytes({Doc("a", "some protected words")}, {}, nullptr);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(ProvenanceIndex::FromBytes({*bytes}).ok());
  std::string flipped = *bytes;
  flipped[flipped.size() / 2] ^= 1;
  EXPECT_EQ(ProvenanceIndex::FromBytes({flipped}).status().code(), StatusCode::kCorruption);
  EXPECT_FALSE(ProvenanceIndex::FromBytes({bytes->substr(0, bytes->size() - 64)}).ok());
  std::string version = *bytes;
  version[8] = 2;
  auto v = ProvenanceIndex::FromBytes({version});
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("version 2"), std::string::npos);
  EXPECT_FALSE(ProvenanceIndex::FromBytes({"not an index"}).ok());
}

}  // namespace
}  // namespace warden::provenance

namespace warden::provenance {
namespace {

// Recomputes the checksums the loader verifies (as docs/provenance-format.md
// defines them), so that mutations reach the structural checks.
std::string Reseal(std::string b) {
  uint32_t count;
  std::memcpy(&count, b.data() + 12, 4);
  if (count > 16 || 32 + uint64_t{count} * 32 > b.size()) return b;
  const uint64_t size = b.size();
  std::memcpy(b.data() + 16, &size, 8);
  for (uint32_t i = 0; i < count; ++i) {
    const size_t at = 32 + i * 32;
    uint64_t offset, len;
    std::memcpy(&offset, b.data() + at + 8, 8);
    std::memcpy(&len, b.data() + at + 16, 8);
    if (offset > b.size() || len > b.size() - offset) continue;
    const uint64_t sum = core::Hash64(std::string_view(b).substr(offset, len));
    std::memcpy(b.data() + at + 24, &sum, 8);
  }
  const uint64_t table = core::Hash64(std::string_view(b).substr(32, count * 32));
  std::memcpy(b.data() + 24, &table, 8);
  return b;
}

TEST(ProvenanceIndexTest, MutatedResealedShardsNeverCrash) {
  auto bytes = IndexBuilder::BuildShardBytes(
      {Doc("a", "the quick brown fox jumps over the lazy dog"), Doc("b", "lazy dog lazy dog")}, {},
      nullptr);
  ASSERT_TRUE(bytes.ok());
  std::mt19937_64 rng(13);
  const auto q = Text("lazy dog the fox");
  int loaded = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::string m = *bytes;
    for (int f = 0; f < 1 + trial % 4; ++f) {
      m[rng() % m.size()] = static_cast<char>(rng());
    }
    auto index = ProvenanceIndex::FromBytes({Reseal(m)});
    if (!index.ok()) continue;
    ++loaded;
    (void)(*index)->Count(q);
    (void)(*index)->Locate(q, 5);
    (void)(*index)->LongestMatches(q);
    (void)(*index)->NearCopies(q, {}, 5);
  }
  EXPECT_GT(loaded, 0);  // some mutations land in padding or ids and still load
}

}  // namespace
}  // namespace warden::provenance
