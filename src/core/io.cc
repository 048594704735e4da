// File helpers, memory maps and line streams (see warden/io.h).
#include "warden/core/io.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

namespace warden::core {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsZstdPath(const std::string& path) { return EndsWith(path, ".zst"); }

Status ErrnoStatus(const std::string& path, std::string_view what) {
  int err = errno;
  std::string m = path + ": " + std::string(what) + ": " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(std::move(m));
  return Status::IOError(std::move(m));
}

// Reads all bytes from an open descriptor.
Status ReadAll(int fd, const std::string& path, std::string* out) {
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n == 0) return Status::Ok();
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(path, "read failed");
    }
    out->append(buf, static_cast<size_t>(n));
  }
}

Status WriteAll(int fd, const std::string& path, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(path, "write failed");
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Result<std::string> ZstdDecompress(const std::string& path, std::string_view in) {
  ZSTD_DStream* ds = ZSTD_createDStream();
  if (ds == nullptr) return Status::Internal("zstd: out of memory");
  std::string out;
  std::string chunk(ZSTD_DStreamOutSize(), '\0');
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  size_t last = 0;
  while (ib.pos < ib.size) {
    ZSTD_outBuffer ob{chunk.data(), chunk.size(), 0};
    last = ZSTD_decompressStream(ds, &ob, &ib);
    if (ZSTD_isError(last)) {
      ZSTD_freeDStream(ds);
      return Status::Corruption(path + ": zstd: " + ZSTD_getErrorName(last));
    }
    out.append(chunk.data(), ob.pos);
  }
  ZSTD_freeDStream(ds);
  if (last != 0) return Status::Corruption(path + ": zstd: truncated frame");
  return out;
}

Result<std::string> ZstdCompress(std::string_view in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  if (ZSTD_isError(n)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

}  // namespace

Status CreateParentDirectories(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty() || std::filesystem::is_directory(parent, ec)) return Status::Ok();
  std::filesystem::create_directories(parent, ec);
  if (ec) return Status::IOError(parent.string() + ": cannot create directory: " + ec.message());
  return Status::Ok();
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Result<std::string> ReadFile(const std::string& path) {
  std::string data;
  if (path == "-") {
    WARDEN_RETURN_IF_ERROR(ReadAll(0, "<stdin>", &data));
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(path, "cannot open");
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Status::InvalidArgument(path + ": is a directory");
    }
    if (st.st_size > 0) data.reserve(static_cast<size_t>(st.st_size));
    Status s = ReadAll(fd, path, &data);
    ::close(fd);
    WARDEN_RETURN_IF_ERROR(s);
  }
  if (IsZstdPath(path)) return ZstdDecompress(path, data);
  return data;
}

Status WriteFileAtomic(const std::string& path, std::string_view data, unsigned mode) {
  std::string compressed;
  if (IsZstdPath(path)) {
    WARDEN_ASSIGN_OR_RETURN(compressed, ZstdCompress(data));
    data = compressed;
  }
  if (path == "-") return WriteAll(1, "<stdout>", data);
  WARDEN_RETURN_IF_ERROR(CreateParentDirectories(path));
  std::random_device rd;
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) return ErrnoStatus(tmp, "cannot create");
  Status s = WriteAll(fd, tmp, data);
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus(tmp, "fsync failed");
  if (::close(fd) != 0 && s.ok()) s = ErrnoStatus(tmp, "close failed");
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) s = ErrnoStatus(path, "rename failed");
  if (!s.ok()) ::unlink(tmp.c_str());
  return s;
}

Result<MappedFile> MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(path, "cannot open");
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = ErrnoStatus(path, "cannot stat");
    ::close(fd);
    return s;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument(path + ": not a regular file");
  }
  MappedFile f;
  f.path_ = path;
  f.size_ = static_cast<size_t>(st.st_size);
  if (f.size_ > 0) {
    void* p = ::mmap(nullptr, f.size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      Status s = ErrnoStatus(path, "mmap failed");
      ::close(fd);
      return s;
    }
    f.addr_ = p;
  }
  ::close(fd);
  return f;
}

MappedFile::MappedFile(MappedFile&& o) noexcept
    : addr_(o.addr_), size_(o.size_), path_(std::move(o.path_)) {
  o.addr_ = nullptr;
  o.size_ = 0;
}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  if (this != &o) {
    if (addr_ != nullptr) ::munmap(addr_, size_);
    addr_ = o.addr_;
    size_ = o.size_;
    path_ = std::move(o.path_);
    o.addr_ = nullptr;
    o.size_ = 0;
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (addr_ != nullptr) ::munmap(addr_, size_);
}

}  // namespace warden::core
