// Damaged, foreign and hostile model files must give Corruption (or a
// file-system error) and never crash or read out of bounds; run under
// ASan+UBSan these tests also check the latter. Hostile files are built by
// editing a valid file and recomputing its checksum as docs/formats.md
// specifies, so that the structural checks behind the checksum are reached.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "lm/ngram_testing.h"
#include "warden/core/hash.h"
#include "warden/core/io.h"
#include "warden/lm/ngram.h"
#include "warden/text/bpe_tokenizer.h"

namespace warden::lm {
namespace {

constexpr size_t kHeader = 64;
constexpr size_t kChecksumAt = 48;

uint32_t Get32(const std::string& s, size_t at) {
  uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}
uint64_t Get64(const std::string& s, size_t at) {
  uint64_t v;
  std::memcpy(&v, s.data() + at, 8);
  return v;
}
void Put32(std::string& s, size_t at, uint32_t v) { std::memcpy(s.data() + at, &v, 4); }
void Put64(std::string& s, size_t at, uint64_t v) { std::memcpy(s.data() + at, &v, 8); }

// Recomputes the checksum: XXH3 of the header with the field zeroed seeds
// XXH3 of the rest.
void Reseal(std::string& s) {
  if (s.size() < kHeader) return;
  std::string header = s.substr(0, kHeader);
  std::memset(header.data() + kChecksumAt, 0, 8);
  Put64(s, kChecksumAt, core::Hash64(std::string_view(s).substr(kHeader), core::Hash64(header)));
}

struct Section {
  uint32_t id;
  uint64_t offset, length;
  size_t entry_at;  // where its table entry is
};

std::vector<Section> Sections(const std::string& s) {
  std::vector<Section> out;
  const uint32_t count = Get32(s, 32);
  for (uint32_t i = 0; i < count; ++i) {
    const size_t at = kHeader + 24 * i;
    out.push_back({Get32(s, at), Get64(s, at + 8), Get64(s, at + 16), at});
  }
  return out;
}

const Section& Find(const std::vector<Section>& secs, uint32_t id) {
  for (const auto& s : secs) {
    if (s.id == id) return s;
  }
  ADD_FAILURE() << "no section " << id;
  return secs[0];
}

std::string SmallModel(int order = 3) {
  const text::BpeTokenizer tok = testing::ByteTokenizer();
  std::mt19937_64 rng(order);
  const auto docs = testing::RandomDocs(rng, 6, 30, 5);
  NgramTrainOptions opts;
  opts.order = order;
  auto bytes = NgramModel::TrainToBytes(tok, docs, opts);
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::string();
}

// Loads; if the file is accepted, it must also be usable.
StatusCode LoadCode(const std::string& bytes) {
  auto m = NgramModel::LoadFromBytes(bytes, "bad.wngm");
  if (!m.ok()) {
    EXPECT_FALSE(m.status().message().empty());
    return m.status().code();
  }
  std::vector<float> probs((*m)->vocab_size());
  const std::vector<TokenId> ctx = {'a', 'b', 'c', 'a', 'b', 'c', 'a', 'b'};
  (*m)->Distribution(ctx, probs);
  (void)(*m)->LogProb(ctx, 'a');
  return StatusCode::kOk;
}

TEST(NgramCorrupt, ValidFileLoads) {
  const std::string good = SmallModel();
  EXPECT_EQ(LoadCode(good), StatusCode::kOk);
  std::string resealed = good;
  Reseal(resealed);
  EXPECT_EQ(resealed, good);  // the test's checksum is the documented one
}

TEST(NgramCorrupt, EveryTruncationFails) {
  const std::string good = SmallModel();
  for (size_t len = 0; len < good.size(); ++len) {
    ASSERT_EQ(LoadCode(good.substr(0, len)), StatusCode::kCorruption) << "length " << len;
  }
  EXPECT_EQ(LoadCode(good + std::string(1, '\0')), StatusCode::kCorruption);
}

TEST(NgramCorrupt, EveryFlippedByteFails) {
  const std::string good = SmallModel();
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] ^= static_cast<char>(1 << (i % 8));
    ASSERT_EQ(LoadCode(bad), StatusCode::kCorruption) << "byte " << i;
  }
}

TEST(NgramCorrupt, ForeignFilesFail) {
  EXPECT_EQ(LoadCode(""), StatusCode::kCorruption);
  EXPECT_EQ(LoadCode("WNGM"), StatusCode::kCorruption);
  EXPECT_EQ(LoadCode(std::string(4096, 'x')), StatusCode::kCorruption);
  EXPECT_EQ(LoadCode("{\"text\": \"a json line, not a model\"}\n"), StatusCode::kCorruption);
  std::string other_magic = SmallModel();
  std::memcpy(other_magic.data(), "GGUF", 4);
  Reseal(other_magic);
  EXPECT_EQ(LoadCode(other_magic), StatusCode::kCorruption);
  const text::BpeTokenizer tok = testing::ByteTokenizer();
  EXPECT_EQ(LoadCode(tok.Serialize()), StatusCode::kCorruption);
  auto missing = NgramModel::Load("/nonexistent/dir/model.wngm");
  EXPECT_FALSE(missing.ok());
}

TEST(NgramCorrupt, DamagedFilesOnDiskFail) {
  const std::string good = SmallModel();
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("ngram_corrupt_" + std::to_string(::getpid()) + ".wngm"))
                               .string();
  for (const std::string& bytes : {std::string(), good.substr(0, good.size() / 2),
                                   good.substr(0, 63), std::string("WNGM\x01")}) {
    ASSERT_TRUE(core::WriteFileAtomic(path, bytes).ok());
    auto m = NgramModel::Load(path);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), StatusCode::kCorruption);
    EXPECT_NE(m.status().message().find(path), std::string::npos) << m.status().message();
  }
  ASSERT_TRUE(core::WriteFileAtomic(path, good).ok());
  EXPECT_TRUE(NgramModel::Load(path).ok());
  std::filesystem::remove(path);
}

// Edits a field of a valid file, reseals it, and expects Corruption.
void ExpectRejected(const std::string& good, const std::function<void(std::string&)>& edit,
                    const std::string& what) {
  std::string bad = good;
  edit(bad);
  Reseal(bad);
  EXPECT_EQ(LoadCode(bad), StatusCode::kCorruption) << what;
}

TEST(NgramCorrupt, HostileHeadersFail) {
  const std::string good = SmallModel();
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 4, 2); }, "version");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 8, 65); }, "header size");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 12, 0); }, "order 0");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 12, 9); }, "order 9");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 12, 4); }, "order without its sections");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 12, 2); }, "order with extra sections");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 16, 0); }, "vocab 0");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 16, 256); }, "vocab mismatch");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 16, 1u << 30); }, "vocab huge");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 20, 257); }, "eos out of range");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 20, 3); }, "eos mismatch");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 24, 8); }, "bits");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 28, 16); }, "key bytes");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 32, 1000); }, "section count");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 32, 0xffffffffu); }, "section count");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 32, 2); }, "missing sections");
  ExpectRejected(
      good, [](std::string& s) { Put32(s, 36, 1); }, "reserved");
  ExpectRejected(
      good, [](std::string& s) { Put64(s, 40, s.size() + 64); }, "file size");
}

TEST(NgramCorrupt, HostileSectionTablesFail) {
  const std::string good = SmallModel();
  const auto secs = Sections(good);
  ASSERT_EQ(secs.size(), 3u + 3 * 2);
  for (const Section& sec : secs) {
    const std::string id = "section " + std::to_string(sec.id);
    ExpectRejected(
        good, [&](std::string& s) { Put64(s, sec.entry_at + 8, s.size() + 64); },
        id + " offset past end");
    ExpectRejected(
        good, [&](std::string& s) { Put64(s, sec.entry_at + 8, ~uint64_t{63}); },
        id + " offset overflow");
    ExpectRejected(
        good, [&](std::string& s) { Put64(s, sec.entry_at + 8, sec.offset + 4); },
        id + " misaligned");
    ExpectRejected(
        good, [&](std::string& s) { Put64(s, sec.entry_at + 16, ~uint64_t{0}); },
        id + " length overflow");
    ExpectRejected(
        good, [&](std::string& s) { Put64(s, sec.entry_at + 16, s.size()); },
        id + " length past end");
    ExpectRejected(
        good, [&](std::string& s) { Put64(s, sec.entry_at + 8, 0); },
        id + " overlapping the header");
    ExpectRejected(
        good, [&](std::string& s) { Put32(s, sec.entry_at, 99); }, id + " unknown id");
    ExpectRejected(
        good, [&](std::string& s) { Put32(s, sec.entry_at + 4, 1); }, id + " reserved");
    if (sec.length >= 8) {
      ExpectRejected(
          good, [&](std::string& s) { Put64(s, sec.entry_at + 16, sec.length - 8); },
          id + " shortened");
    }
  }
  // The same section twice (the second entry renamed to the first's id).
  ExpectRejected(
      good, [&](std::string& s) { Put32(s, secs[1].entry_at, secs[0].id); }, "duplicate");
}

TEST(NgramCorrupt, HostileTablesFail) {
  const std::string good = SmallModel();
  const auto secs = Sections(good);
  const Section& keys = Find(secs, 16 * 3);
  const Section& infos = Find(secs, 16 * 3 + 1);
  const Section& succ = Find(secs, 16 * 3 + 2);
  const Section& uni = Find(secs, 3);
  ASSERT_GE(keys.length, 16u);
  ASSERT_GE(succ.length, 16u);
  ExpectRejected(
      good, [&](std::string& s) { Put64(s, keys.offset + 8, Get64(s, keys.offset)); },
      "duplicate context keys");
  ExpectRejected(
      good, [&](std::string& s) { Put64(s, keys.offset, ~uint64_t{0}); }, "unsorted context keys");
  ExpectRejected(
      good, [&](std::string& s) { Put32(s, infos.offset, 1); }, "first range start");
  ExpectRejected(
      good, [&](std::string& s) { Put32(s, infos.offset + 8, 1u << 31); },
      "range past the successors");
  ExpectRejected(
      good, [&](std::string& s) { Put32(s, infos.offset + infos.length - 8, 0); },
      "last range end");
  const float nan = std::numeric_limits<float>::quiet_NaN(), big = 2.0f;
  ExpectRejected(
      good, [&](std::string& s) { std::memcpy(s.data() + infos.offset + 4, &nan, 4); },
      "NaN gamma");
  ExpectRejected(
      good, [&](std::string& s) { Put32(s, succ.offset, 257); }, "successor token");
  ExpectRejected(
      good, [&](std::string& s) { Put32(s, succ.offset, 0xffffffffu); },
      "negative successor token");
  ExpectRejected(
      good, [&](std::string& s) { std::memcpy(s.data() + succ.offset + 4, &big, 4); },
      "successor probability > 1");
  ExpectRejected(
      good, [&](std::string& s) { std::memcpy(s.data() + uni.offset, &nan, 4); }, "NaN unigram");
  const Section& tok = Find(secs, 1);
  ExpectRejected(
      good, [&](std::string& s) { Put64(s, tok.entry_at + 16, tok.length / 2); },
      "truncated tokenizer");
}

// Random edits behind a valid checksum: whatever loads must be usable.
TEST(NgramCorrupt, RandomResealedMutationsNeverCrash) {
  for (int order : {2, 3}) {
    const std::string good = SmallModel(order);
    std::mt19937_64 rng(order);
    for (int trial = 0; trial < 400; ++trial) {
      std::string bad = good;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const size_t at = rng() % bad.size();
        bad[at] = static_cast<char>(rng());
      }
      Reseal(bad);
      (void)LoadCode(bad);
    }
  }
}

}  // namespace
}  // namespace warden::lm
