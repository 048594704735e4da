// Streaming line readers and writers, with zstd on ".zst" names (warden/io.h).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "warden/core/io.h"

namespace warden::core {
namespace {

bool HasZstSuffix(const std::string& p) { return p.size() >= 4 && p.ends_with(".zst"); }

class FdLineReader final : public LineReader {
 public:
  FdLineReader(int fd, std::string path, bool zstd, uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {
    if (zstd) {
      ds_ = ZSTD_createDStream();
      raw_.resize(ZSTD_DStreamInSize());
    }
  }
  ~FdLineReader() override {
    if (fd_ > 0) ::close(fd_);
    if (ds_ != nullptr) ZSTD_freeDStream(ds_);
  }

  bool Next(std::string* line) override {
    for (;;) {
      size_t nl = buf_.find('\n', pos_);
      if (nl != std::string::npos) {
        Emit(line, nl, nl + 1);
        return true;
      }
      if (eof_) {
        if (pos_ < buf_.size()) {
          Emit(line, buf_.size(), buf_.size());
          return true;
        }
        return false;
      }
      if (!status_.ok() || !Fill()) {
        if (!status_.ok()) return false;
      }
    }
  }

  Status status() const override { return status_; }
  int64_t line_number() const override { return line_no_; }
  uint64_t bytes_read() const override { return consumed_; }
  uint64_t size_hint() const override { return ds_ == nullptr ? size_ : 0; }

 private:
  void Emit(std::string* line, size_t end, size_t next) {
    size_t e = end;
    if (e > pos_ && buf_[e - 1] == '\r') --e;
    line->assign(buf_, pos_, e - pos_);
    consumed_ += next - pos_;
    pos_ = next;
    ++line_no_;
  }

  // Reads more input into buf_; sets eof_ or status_.
  bool Fill() {
    if (pos_ > 0) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    char tmp[1 << 16];
    ssize_t n;
    do {
      n = ::read(fd_, ds_ ? raw_.data() : tmp, ds_ ? raw_.size() : sizeof(tmp));
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      status_ = Status::IOError(path_ + ": read failed: " + std::strerror(errno));
      return false;
    }
    if (n == 0) {
      if (ds_ != nullptr && last_ret_ != 0) {
        status_ = Status::Corruption(path_ + ": zstd: truncated frame");
        return false;
      }
      eof_ = true;
      return true;
    }
    if (ds_ == nullptr) {
      buf_.append(tmp, static_cast<size_t>(n));
      return true;
    }
    ZSTD_inBuffer ib{raw_.data(), static_cast<size_t>(n), 0};
    while (ib.pos < ib.size) {
      ZSTD_outBuffer ob{tmp, sizeof(tmp), 0};
      last_ret_ = ZSTD_decompressStream(ds_, &ob, &ib);
      if (ZSTD_isError(last_ret_)) {
        status_ = Status::Corruption(path_ + ": zstd: " + ZSTD_getErrorName(last_ret_));
        return false;
      }
      buf_.append(tmp, ob.pos);
    }
    return true;
  }

  int fd_;
  std::string path_;
  uint64_t size_;
  ZSTD_DStream* ds_ = nullptr;
  std::string raw_;
  std::string buf_;
  size_t pos_ = 0;
  size_t last_ret_ = 0;
  bool eof_ = false;
  Status status_;
  int64_t line_no_ = 0;
  uint64_t consumed_ = 0;
};

class FdLineWriter final : public LineWriter {
 public:
  FdLineWriter(int fd, std::string path, std::string tmp, bool zstd)
      : fd_(fd), path_(std::move(path)), tmp_(std::move(tmp)) {
    if (zstd) cs_ = ZSTD_createCStream(), ZSTD_initCStream(cs_, 3);
  }
  ~FdLineWriter() override {
    if (!closed_) {
      if (fd_ != 1) ::close(fd_);
      if (!tmp_.empty()) ::unlink(tmp_.c_str());
    }
    if (cs_ != nullptr) ZSTD_freeCStream(cs_);
  }

  Status Write(std::string_view line) override {
    buf_.append(line);
    buf_.push_back('\n');
    if (buf_.size() >= (1 << 16)) return Flush(false);
    return Status::Ok();
  }

  Status Close() override {
    if (closed_) return Status::Ok();
    Status s = Flush(true);
    closed_ = true;
    if (fd_ == 1) return s;
    if (s.ok() && ::fsync(fd_) != 0 && errno != EINVAL)
      s = Status::IOError(tmp_ + ": fsync failed: " + std::strerror(errno));
    ::close(fd_);
    if (s.ok() && ::rename(tmp_.c_str(), path_.c_str()) != 0)
      s = Status::IOError(path_ + ": rename failed: " + std::strerror(errno));
    if (!s.ok()) ::unlink(tmp_.c_str());
    return s;
  }

 private:
  Status Flush(bool end) {
    std::string out;
    if (cs_ == nullptr) {
      out.swap(buf_);
    } else {
      std::string chunk(ZSTD_CStreamOutSize(), '\0');
      ZSTD_inBuffer ib{buf_.data(), buf_.size(), 0};
      for (;;) {
        ZSTD_outBuffer ob{chunk.data(), chunk.size(), 0};
        size_t r = ZSTD_compressStream2(cs_, &ob, &ib, end ? ZSTD_e_end : ZSTD_e_continue);
        if (ZSTD_isError(r)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(r));
        out.append(chunk.data(), ob.pos);
        if (end ? r == 0 : ib.pos == ib.size) break;
      }
      buf_.clear();
    }
    std::string_view d = out;
    while (!d.empty()) {
      ssize_t n = ::write(fd_, d.data(), d.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IOError((fd_ == 1 ? std::string("<stdout>") : tmp_) +
                               ": write failed: " + std::strerror(errno));
      }
      d.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  int fd_;
  std::string path_, tmp_;
  ZSTD_CStream* cs_ = nullptr;
  std::string buf_;
  bool closed_ = false;
};

}  // namespace

Result<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path) {
  int fd = 0;
  uint64_t size = 0;
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::string m = path + ": cannot open: " + std::strerror(errno);
      return errno == ENOENT ? Status::NotFound(m) : Status::IOError(m);
    }
    struct stat st;
    if (::fstat(fd, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return Status::InvalidArgument(path + ": is a directory");
      }
      size = static_cast<uint64_t>(st.st_size);
    }
  }
  return std::unique_ptr<LineReader>(
      new FdLineReader(fd, path == "-" ? "<stdin>" : path, HasZstSuffix(path), size));
}

Result<std::unique_ptr<LineWriter>> LineWriter::Open(const std::string& path) {
  if (path == "-") return std::unique_ptr<LineWriter>(new FdLineWriter(1, "<stdout>", "", false));
  WARDEN_RETURN_IF_ERROR(CreateParentDirectories(path));
  std::random_device rd;
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(rd());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(tmp + ": cannot create: " + std::strerror(errno));
  return std::unique_ptr<LineWriter>(new FdLineWriter(fd, path, tmp, HasZstSuffix(path)));
}

}  // namespace warden::core
