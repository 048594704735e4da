// File I/O: whole-file reads, atomic writes, read-only memory maps, and
// JSONL streams that are zstd-compressed when the path ends in ".zst".
//
// Every function reports failures as Status values naming the path. Writes
// go to a temporary file in the same directory that is renamed into place,
// so a crash never leaves a half-written file under the final name.
//
// Thread safety: a MappedFile is immutable and may be shared between threads
// once opened; readers and writers belong to one thread at a time.
#ifndef WARDEN_CORE_IO_H_
#define WARDEN_CORE_IO_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "warden/core/status.h"

namespace warden::core {

// Reads a whole file ("-" = standard input); a ".zst" name is decompressed.
Result<std::string> ReadFile(const std::string& path);
// Writes atomically (temp file + rename); ".zst" names are compressed.
// Missing parent directories are created. `mode` is the new file's
// permission bits (before the umask).
Status WriteFileAtomic(const std::string& path, std::string_view data, unsigned mode = 0644);
// Creates the directories above `path` that do not exist yet.
Status CreateParentDirectories(const std::string& path);
bool FileExists(const std::string& path);

// A read-only memory map of a whole file. Empty files map to an empty view.
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path);
  MappedFile(MappedFile&&) noexcept;
  MappedFile& operator=(MappedFile&&) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view data() const { return {static_cast<const char*>(addr_), size_}; }
  const std::string& path() const { return path_; }

 private:
  MappedFile() = default;
  void* addr_ = nullptr;
  size_t size_ = 0;
  std::string path_;
};

// Reads lines (without the trailing "\n" or "\r\n") from a file, "-" for
// stdin, decompressing ".zst" names as a stream.
class LineReader {
 public:
  static Result<std::unique_ptr<LineReader>> Open(const std::string& path);
  virtual ~LineReader() = default;
  // Next line into *line; false at end of input or on error (see status()).
  virtual bool Next(std::string* line) = 0;
  virtual Status status() const = 0;
  // 1-based number of the last line returned, for error messages.
  virtual int64_t line_number() const = 0;
  // Bytes of (decompressed) input consumed so far, and the file size when
  // known (0 for pipes), for progress reporting.
  virtual uint64_t bytes_read() const = 0;
  virtual uint64_t size_hint() const = 0;
};

// Writes lines to a file ("-" = stdout), compressing ".zst" names. Files are
// written to a temporary name and renamed on a successful Close(); missing
// parent directories are created.
class LineWriter {
 public:
  static Result<std::unique_ptr<LineWriter>> Open(const std::string& path);
  virtual ~LineWriter() = default;
  virtual Status Write(std::string_view line) = 0;  // appends "\n"
  virtual Status Close() = 0;
};

}  // namespace warden::core

#endif  // WARDEN_CORE_IO_H_
