#include "warden/core/io.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <string>

#include "warden/core/hash.h"
#include "warden/core/status.h"

namespace warden::core {
namespace {

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/warden_io_test_" + std::to_string(::getpid()) + "_" +
         name;
}

TEST(StatusTest, CarriesCodeAndMessage) {
  Status s = Status::Corruption("model.bin: bad magic");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.ToString(), "corruption: model.bin: bad magic");
  EXPECT_EQ(s.WithContext("loading").message(), "loading: model.bin: bad magic");
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
}

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd");
  return x / 2;
}

Status Quarter(int x, int* out) {
  WARDEN_ASSIGN_OR_RETURN(int h, Half(x));
  WARDEN_ASSIGN_OR_RETURN(*out, Half(h));
  return Status::Ok();
}

TEST(StatusTest, MacrosPropagate) {
  int q = 0;
  EXPECT_TRUE(Quarter(8, &q).ok());
  EXPECT_EQ(q, 2);
  EXPECT_EQ(Quarter(6, &q).code(), StatusCode::kInvalidArgument);
}

TEST(IoTest, WriteReadRoundTripPlainAndZstd) {
  std::mt19937 rng(7);
  std::string data(100000, '\0');
  for (char& c : data) c = static_cast<char>(rng() % 7 + 'a');
  for (const char* name : {"a.txt", "b.txt.zst"}) {
    std::string p = TempPath(name);
    ASSERT_TRUE(WriteFileAtomic(p, data).ok());
    auto back = ReadFile(p);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, data);
    auto m = MappedFile::Open(p);
    ASSERT_TRUE(m.ok());
    if (std::string(name).ends_with(".zst")) {
      EXPECT_LT(m->data().size(), data.size());  // really compressed
    } else {
      EXPECT_EQ(m->data(), data);
    }
    ::unlink(p.c_str());
  }
}

TEST(IoTest, WritesCreateMissingDirectories) {
  const std::string dir = TempPath("nested");
  const std::string p = dir + "/a/b/file.txt";
  ASSERT_TRUE(WriteFileAtomic(p, "x").ok());
  EXPECT_EQ(*ReadFile(p), "x");
  auto w = LineWriter::Open(dir + "/c/lines.jsonl");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write("{}").ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_TRUE(FileExists(dir + "/c/lines.jsonl"));
  // A file in the way of a directory is a clear error, not a crash.
  EXPECT_FALSE(WriteFileAtomic(p + "/under-a-file", "x").ok());
  (void)std::system(("rm -rf " + dir).c_str());
}

TEST(IoTest, MissingFileIsNotFound) {
  auto r = ReadFile("/nonexistent/warden/file");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/warden/file"), std::string::npos);
  EXPECT_EQ(MappedFile::Open("/nonexistent/x").status().code(), StatusCode::kNotFound);
}

TEST(IoTest, CorruptZstdIsCorruption) {
  std::string p = TempPath("bad.zst");
  ASSERT_TRUE(WriteFileAtomic(p + ".raw", "this is not zstd at all").ok());
  ASSERT_EQ(::rename((p + ".raw").c_str(), p.c_str()), 0);
  EXPECT_EQ(ReadFile(p).status().code(), StatusCode::kCorruption);
  auto r = LineReader::Open(p);
  ASSERT_TRUE(r.ok());
  std::string line;
  EXPECT_FALSE((*r)->Next(&line));
  EXPECT_EQ((*r)->status().code(), StatusCode::kCorruption);
  ::unlink(p.c_str());
}

TEST(IoTest, LinesRoundTripThroughWriterAndReader) {
  for (const char* name : {"l.jsonl", "l.jsonl.zst"}) {
    std::string p = TempPath(name);
    std::vector<std::string> lines;
    for (int i = 0; i < 5000; ++i) lines.push_back("{\"i\":" + std::to_string(i) + "}");
    lines.push_back("");  // empty lines survive
    lines.push_back("last");
    {
      auto w = LineWriter::Open(p);
      ASSERT_TRUE(w.ok());
      for (auto& l : lines) ASSERT_TRUE((*w)->Write(l).ok());
      EXPECT_FALSE(FileExists(p));  // not visible before Close
      ASSERT_TRUE((*w)->Close().ok());
    }
    auto r = LineReader::Open(p);
    ASSERT_TRUE(r.ok());
    std::string line;
    std::vector<std::string> got;
    while ((*r)->Next(&line)) got.push_back(line);
    EXPECT_TRUE((*r)->status().ok());
    EXPECT_EQ(got, lines);
    EXPECT_EQ((*r)->line_number(), static_cast<int64_t>(lines.size()));
    ::unlink(p.c_str());
  }
}

TEST(IoTest, CrlfAndMissingFinalNewline) {
  std::string p = TempPath("crlf.txt");
  ASSERT_TRUE(WriteFileAtomic(p, "a\r\nb\nc").ok());
  auto r = LineReader::Open(p);
  ASSERT_TRUE(r.ok());
  std::string l;
  std::vector<std::string> got;
  while ((*r)->Next(&l)) got.push_back(l);
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "c"}));
  ::unlink(p.c_str());
}

TEST(HashTest, StableAndSeeded) {
  EXPECT_EQ(Hash64("abc", 1), Hash64("abc", 1));
  EXPECT_NE(Hash64("abc", 1), Hash64("abc", 2));
  EXPECT_EQ(Hex64(0x0123456789abcdefULL), "0123456789abcdef");
}

}  // namespace
}  // namespace warden::core
