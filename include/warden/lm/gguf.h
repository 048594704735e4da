// GGUF (llama.cpp's model file format, version 2 and 3): a validating
// read-only reader and a small writer.
//
// Layout: "GGUF", u32 version, u64 tensor count, u64 metadata count, the
// metadata key/value pairs, the tensor infos (name, dims, type, offset), then
// padding to `general.alignment` (default 32) and the tensor data. Every
// count, length, dimension and offset in an untrusted file is checked before
// use: duplicate keys or tensor names, lengths past the end of the file,
// integer overflow in sizes, misaligned or overlapping tensor data, a
// dimension that is not a multiple of its type's block size. A bad file gives
// a Corruption status naming the file and the field, never a crash.
//
// The reader does not copy tensor data: `GgufTensor::data` points into the
// mapped file (or the caller's buffer for Parse), which must outlive it.
//
// The writer exists for tests and benchmarks (tiny random-weight models, see
// transformer.h's SynthesizeModel); it writes version 3.
//
// Thread safety: a parsed GgufFile is immutable; const methods are safe from
// any thread. A GgufWriter belongs to one thread.
#ifndef WARDEN_LM_GGUF_H_
#define WARDEN_LM_GGUF_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/io.h"
#include "warden/core/status.h"

namespace warden::lm {

// Tensor element types (ggml_type numbers).
enum class GgmlType : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ4_1 = 3,
  kQ5_0 = 6,
  kQ5_1 = 7,
  kQ8_0 = 8,
  kQ8_1 = 9,
  kQ2_K = 10,
  kQ3_K = 11,
  kQ4_K = 12,
  kQ5_K = 13,
  kQ6_K = 14,
  kQ8_K = 15,
  kI8 = 24,
  kI16 = 25,
  kI32 = 26,
  kI64 = 27,
  kF64 = 28,
  kBF16 = 30,
};

struct GgmlTypeInfo {
  std::string_view name;  // "q8_0"
  int64_t block_elems;    // elements per block
  int64_t block_bytes;    // bytes per block
};
// Size information of a type this reader knows, or nullopt.
std::optional<GgmlTypeInfo> GetGgmlTypeInfo(GgmlType type);
// "f32", "q8_0", ... -> type; InvalidArgument for unknown names.
Result<GgmlType> ParseGgmlType(std::string_view name);
std::string GgmlTypeName(GgmlType type);

// Metadata value types (gguf_type numbers).
enum class GgufValueType : uint32_t {
  kU8 = 0,
  kI8 = 1,
  kU16 = 2,
  kI16 = 3,
  kU32 = 4,
  kI32 = 5,
  kF32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kU64 = 10,
  kI64 = 11,
  kF64 = 12,
};

// One metadata value. Scalars: integers in `i` (u64 above INT64_MAX are
// rejected), floats in `f`, booleans as 0/1 in `i`. Arrays (not nested) of
// strings in `strings`, of numbers in `numbers` (converted to double, exact
// for every integer a vocabulary uses).
struct GgufValue {
  GgufValueType type = GgufValueType::kU8;
  GgufValueType element_type = GgufValueType::kU8;  // arrays only
  int64_t i = 0;
  double f = 0;
  std::string str;
  std::vector<std::string> strings;
  std::vector<double> numbers;
  bool is_array() const { return type == GgufValueType::kArray; }
  // Short human-readable rendering (long arrays elided).
  std::string ToString() const;
};

struct GgufTensor {
  std::string name;
  GgmlType type = GgmlType::kF32;
  std::vector<int64_t> dims;  // dims[0] is the contiguous (innermost) one
  uint64_t offset = 0;        // from the start of the data section
  uint64_t nbytes = 0;
  const uint8_t* data = nullptr;
  int64_t elements() const;
  int64_t rows() const;  // elements / dims[0]
};

class GgufFile {
 public:
  // Maps `path` and parses it.
  static Result<GgufFile> Open(const std::string& path);
  // Parses bytes the caller keeps alive; `name` prefixes error messages.
  static Result<GgufFile> Parse(std::string_view bytes, std::string name);

  GgufFile(GgufFile&&) noexcept = default;
  GgufFile& operator=(GgufFile&&) noexcept = default;

  uint32_t version() const { return version_; }
  const std::string& name() const { return name_; }
  uint64_t file_size() const { return file_size_; }
  uint64_t alignment() const { return alignment_; }
  uint64_t data_offset() const { return data_offset_; }

  // Metadata in file order.
  const std::vector<std::pair<std::string, GgufValue>>& metadata() const { return kv_; }
  const GgufValue* Find(std::string_view key) const;
  // Typed getters: NotFound when absent, Corruption when of the wrong type.
  Result<std::string> GetString(std::string_view key) const;
  Result<int64_t> GetInt(std::string_view key) const;   // any integer type or bool
  Result<double> GetFloat(std::string_view key) const;  // any number type
  // The value, or `fallback` when absent (still Corruption when mistyped).
  Result<int64_t> GetIntOr(std::string_view key, int64_t fallback) const;
  Result<double> GetFloatOr(std::string_view key, double fallback) const;

  const std::vector<GgufTensor>& tensors() const { return tensors_; }
  const GgufTensor* FindTensor(std::string_view name) const;

 private:
  GgufFile() = default;
  Status ParseAll(std::string_view bytes);
  std::optional<core::MappedFile> mapped_;
  std::string name_;
  uint32_t version_ = 0;
  uint64_t file_size_ = 0;
  uint64_t alignment_ = 32;
  uint64_t data_offset_ = 0;
  std::vector<std::pair<std::string, GgufValue>> kv_;
  std::map<std::string, size_t, std::less<>> kv_index_;
  std::vector<GgufTensor> tensors_;
  std::map<std::string, size_t, std::less<>> tensor_index_;
};

// Builds a GGUF v3 file in memory. Keys and tensor names must be unique
// (checked by Finish).
class GgufWriter {
 public:
  void AddString(std::string key, std::string value);
  void AddU32(std::string key, uint32_t value);
  void AddI32(std::string key, int32_t value);
  void AddF32(std::string key, float value);
  void AddBool(std::string key, bool value);
  void AddStringArray(std::string key, const std::vector<std::string>& values);
  void AddF32Array(std::string key, const std::vector<float>& values);
  void AddI32Array(std::string key, const std::vector<int32_t>& values);
  // `data` holds the tensor in `type`'s encoding, dims[0] innermost.
  void AddTensor(std::string name, GgmlType type, std::vector<int64_t> dims, std::string data);

  // The complete file.
  Result<std::string> Finish() const;
  Status WriteFile(const std::string& path) const;

 private:
  struct Tensor {
    std::string name;
    GgmlType type;
    std::vector<int64_t> dims;
    std::string data;
  };
  std::vector<std::pair<std::string, std::string>> kv_;  // key, encoded type+value
  std::vector<Tensor> tensors_;
};

}  // namespace warden::lm

#endif  // WARDEN_LM_GGUF_H_
