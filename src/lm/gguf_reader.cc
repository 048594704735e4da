// GGUF reader: every field of an untrusted file is bounds- and
// overflow-checked before it is used (see gguf.h).
#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstring>
#include <limits>

#include "warden/lm/gguf.h"

namespace warden::lm {
namespace {

constexpr uint64_t kMaxDims = 4;
// Far above any real model, far below what would overflow int64 products.
constexpr int64_t kMaxElements = int64_t{1} << 44;
constexpr uint64_t kMaxStringBytes = uint64_t{1} << 30;

struct TypeRow {
  GgmlType type;
  GgmlTypeInfo info;
};
constexpr std::array<TypeRow, 20> kTypes = {{
    {GgmlType::kF32, {"f32", 1, 4}},       {GgmlType::kF16, {"f16", 1, 2}},
    {GgmlType::kQ4_0, {"q4_0", 32, 18}},   {GgmlType::kQ4_1, {"q4_1", 32, 20}},
    {GgmlType::kQ5_0, {"q5_0", 32, 22}},   {GgmlType::kQ5_1, {"q5_1", 32, 24}},
    {GgmlType::kQ8_0, {"q8_0", 32, 34}},   {GgmlType::kQ8_1, {"q8_1", 32, 36}},
    {GgmlType::kQ2_K, {"q2_k", 256, 84}},  {GgmlType::kQ3_K, {"q3_k", 256, 110}},
    {GgmlType::kQ4_K, {"q4_k", 256, 144}}, {GgmlType::kQ5_K, {"q5_k", 256, 176}},
    {GgmlType::kQ6_K, {"q6_k", 256, 210}}, {GgmlType::kQ8_K, {"q8_k", 256, 292}},
    {GgmlType::kI8, {"i8", 1, 1}},         {GgmlType::kI16, {"i16", 1, 2}},
    {GgmlType::kI32, {"i32", 1, 4}},       {GgmlType::kI64, {"i64", 1, 8}},
    {GgmlType::kF64, {"f64", 1, 8}},       {GgmlType::kBF16, {"bf16", 1, 2}},
}};

// Sequential little-endian reader over untrusted bytes.
class Cursor {
 public:
  Cursor(std::string_view bytes, const std::string& name) : b_(bytes), name_(name) {}
  uint64_t pos() const { return pos_; }
  uint64_t left() const { return b_.size() - pos_; }

  Status Error(const std::string& what) const {
    return Status::Corruption(name_ + ": " + what + " (at byte " + std::to_string(pos_) + ")");
  }
  template <typename T>
  Status Read(T* out, const char* what) {
    if (left() < sizeof(T)) return Error(std::string("truncated ") + what);
    std::memcpy(out, b_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return Status::Ok();
  }
  Status ReadString(std::string* out, const char* what) {
    uint64_t n = 0;
    WARDEN_RETURN_IF_ERROR(Read(&n, what));
    if (n > left() || n > kMaxStringBytes) {
      return Error(std::string(what) + " length " + std::to_string(n) + " past end of file");
    }
    out->assign(b_.data() + pos_, n);
    pos_ += n;
    return Status::Ok();
  }

 private:
  std::string_view b_;
  const std::string& name_;
  uint64_t pos_ = 0;
};

// Bytes a scalar of `t` occupies, 0 for string/array.
uint64_t ScalarBytes(GgufValueType t) {
  switch (t) {
    case GgufValueType::kU8:
    case GgufValueType::kI8:
    case GgufValueType::kBool:
      return 1;
    case GgufValueType::kU16:
    case GgufValueType::kI16:
      return 2;
    case GgufValueType::kU32:
    case GgufValueType::kI32:
    case GgufValueType::kF32:
      return 4;
    case GgufValueType::kU64:
    case GgufValueType::kI64:
    case GgufValueType::kF64:
      return 8;
    default:
      return 0;
  }
}
bool IsKnownValueType(uint32_t t) { return t <= 12; }
bool IsFloatType(GgufValueType t) { return t == GgufValueType::kF32 || t == GgufValueType::kF64; }

// Reads one scalar of type `t` as (integer, float).
Status ReadScalar(Cursor& c, GgufValueType t, int64_t* i, double* f) {
  switch (t) {
#define WARDEN_GGUF_INT(ENUM, CTYPE)             \
  case GgufValueType::ENUM: {                    \
    CTYPE v{};                                   \
    WARDEN_RETURN_IF_ERROR(c.Read(&v, "value")); \
    *i = static_cast<int64_t>(v);                \
    *f = static_cast<double>(v);                 \
    return Status::Ok();                         \
  }
    WARDEN_GGUF_INT(kU8, uint8_t)
    WARDEN_GGUF_INT(kI8, int8_t)
    WARDEN_GGUF_INT(kU16, uint16_t)
    WARDEN_GGUF_INT(kI16, int16_t)
    WARDEN_GGUF_INT(kU32, uint32_t)
    WARDEN_GGUF_INT(kI32, int32_t)
    WARDEN_GGUF_INT(kI64, int64_t)
#undef WARDEN_GGUF_INT
    case GgufValueType::kU64: {
      uint64_t v = 0;
      WARDEN_RETURN_IF_ERROR(c.Read(&v, "value"));
      if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return c.Error("u64 value too large");
      }
      *i = static_cast<int64_t>(v);
      *f = static_cast<double>(v);
      return Status::Ok();
    }
    case GgufValueType::kBool: {
      uint8_t v = 0;
      WARDEN_RETURN_IF_ERROR(c.Read(&v, "value"));
      if (v > 1) return c.Error("bool value " + std::to_string(v));
      *i = v;
      *f = v;
      return Status::Ok();
    }
    case GgufValueType::kF32: {
      float v = 0;
      WARDEN_RETURN_IF_ERROR(c.Read(&v, "value"));
      *f = v;
      return Status::Ok();
    }
    case GgufValueType::kF64: {
      double v = 0;
      WARDEN_RETURN_IF_ERROR(c.Read(&v, "value"));
      *f = v;
      return Status::Ok();
    }
    default:
      return c.Error("not a scalar type");
  }
}

Status ReadValue(Cursor& c, GgufValue* v) {
  uint32_t t = 0;
  WARDEN_RETURN_IF_ERROR(c.Read(&t, "value type"));
  if (!IsKnownValueType(t)) return c.Error("unknown value type " + std::to_string(t));
  v->type = static_cast<GgufValueType>(t);
  if (v->type == GgufValueType::kString) return c.ReadString(&v->str, "string");
  if (v->type != GgufValueType::kArray) return ReadScalar(c, v->type, &v->i, &v->f);
  uint32_t et = 0;
  uint64_t n = 0;
  WARDEN_RETURN_IF_ERROR(c.Read(&et, "array type"));
  WARDEN_RETURN_IF_ERROR(c.Read(&n, "array length"));
  if (!IsKnownValueType(et)) return c.Error("unknown array element type " + std::to_string(et));
  v->element_type = static_cast<GgufValueType>(et);
  if (v->element_type == GgufValueType::kArray) return c.Error("nested arrays are not supported");
  // Each element takes at least its scalar size (8 bytes for a string's length).
  const uint64_t min_bytes =
      v->element_type == GgufValueType::kString ? 8 : ScalarBytes(v->element_type);
  if (n > c.left() / min_bytes) return c.Error("array length " + std::to_string(n) + " past end");
  if (v->element_type == GgufValueType::kString) {
    v->strings.resize(n);
    for (auto& s : v->strings) WARDEN_RETURN_IF_ERROR(c.ReadString(&s, "array string"));
  } else {
    v->numbers.resize(n);
    for (auto& x : v->numbers) {
      int64_t i = 0;
      WARDEN_RETURN_IF_ERROR(ReadScalar(c, v->element_type, &i, &x));
    }
  }
  return Status::Ok();
}

bool MulOverflows(int64_t a, int64_t b, int64_t* out) { return __builtin_mul_overflow(a, b, out); }

}  // namespace

std::optional<GgmlTypeInfo> GetGgmlTypeInfo(GgmlType type) {
  for (const auto& row : kTypes) {
    if (row.type == type) return row.info;
  }
  return std::nullopt;
}

Result<GgmlType> ParseGgmlType(std::string_view name) {
  for (const auto& row : kTypes) {
    if (row.info.name == name) return row.type;
  }
  return Status::InvalidArgument("unknown tensor type: " + std::string(name));
}

std::string GgmlTypeName(GgmlType type) {
  auto info = GetGgmlTypeInfo(type);
  return info ? std::string(info->name) : "type" + std::to_string(static_cast<uint32_t>(type));
}

int64_t GgufTensor::elements() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;  // bounded by kMaxElements when parsed
  return n;
}
int64_t GgufTensor::rows() const { return dims.empty() ? 0 : elements() / dims[0]; }

std::string GgufValue::ToString() const {
  switch (type) {
    case GgufValueType::kString:
      return str.size() > 80 ? "\"" + str.substr(0, 77) + "...\"" : "\"" + str + "\"";
    case GgufValueType::kBool:
      return i ? "true" : "false";
    case GgufValueType::kF32:
    case GgufValueType::kF64: {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%g", f);
      return buf;
    }
    case GgufValueType::kArray: {
      const size_t n = element_type == GgufValueType::kString ? strings.size() : numbers.size();
      std::string s = "[" + std::to_string(n) + " items:";
      for (size_t k = 0; k < n && k < 4; ++k) {
        if (element_type == GgufValueType::kString) {
          s += " \"" + strings[k].substr(0, 20) + "\"";
        } else {
          char buf[32];
          std::snprintf(buf, sizeof(buf), " %g", numbers[k]);
          s += buf;
        }
      }
      return s + (n > 4 ? " ...]" : "]");
    }
    default:
      return std::to_string(i);
  }
}

Result<GgufFile> GgufFile::Open(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(core::MappedFile mapped, core::MappedFile::Open(path));
  GgufFile f;
  f.name_ = path;
  f.mapped_.emplace(std::move(mapped));
  WARDEN_RETURN_IF_ERROR(f.ParseAll(f.mapped_->data()));
  return f;
}

Result<GgufFile> GgufFile::Parse(std::string_view bytes, std::string name) {
  GgufFile f;
  f.name_ = std::move(name);
  WARDEN_RETURN_IF_ERROR(f.ParseAll(bytes));
  return f;
}

Status GgufFile::ParseAll(std::string_view bytes) {
  file_size_ = bytes.size();
  Cursor c(bytes, name_);
  uint32_t magic = 0;
  WARDEN_RETURN_IF_ERROR(c.Read(&magic, "magic"));
  if (std::memcmp(&magic, "GGUF", 4) != 0) return Status::Corruption(name_ + ": not a GGUF file");
  WARDEN_RETURN_IF_ERROR(c.Read(&version_, "version"));
  if (version_ != 2 && version_ != 3) {
    return Status::Corruption(name_ + ": unsupported GGUF version " + std::to_string(version_));
  }
  uint64_t n_tensors = 0, n_kv = 0;
  WARDEN_RETURN_IF_ERROR(c.Read(&n_tensors, "tensor count"));
  WARDEN_RETURN_IF_ERROR(c.Read(&n_kv, "metadata count"));
  // A key/value pair takes >= 13 bytes, a tensor info >= 24.
  if (n_kv > c.left() / 13) return c.Error("metadata count " + std::to_string(n_kv) + " too large");
  if (n_tensors > c.left() / 24) {
    return c.Error("tensor count " + std::to_string(n_tensors) + " too large");
  }
  kv_.reserve(n_kv);
  for (uint64_t k = 0; k < n_kv; ++k) {
    std::string key;
    WARDEN_RETURN_IF_ERROR(c.ReadString(&key, "key"));
    if (kv_index_.count(key)) return c.Error("duplicate key " + key);
    GgufValue v;
    WARDEN_RETURN_IF_ERROR(ReadValue(c, &v).WithContext("key " + key));
    kv_index_.emplace(key, kv_.size());
    kv_.emplace_back(std::move(key), std::move(v));
  }
  if (const GgufValue* a = Find("general.alignment")) {
    if (a->type != GgufValueType::kU32 && a->type != GgufValueType::kI32 &&
        a->type != GgufValueType::kU64) {
      return Status::Corruption(name_ + ": general.alignment is not an integer");
    }
    if (a->i <= 0 || a->i > (1 << 20) || (a->i & (a->i - 1)) != 0) {
      return Status::Corruption(name_ + ": general.alignment " + std::to_string(a->i) +
                                " is not a power of two");
    }
    alignment_ = static_cast<uint64_t>(a->i);
  }
  tensors_.reserve(n_tensors);
  for (uint64_t k = 0; k < n_tensors; ++k) {
    GgufTensor t;
    WARDEN_RETURN_IF_ERROR(c.ReadString(&t.name, "tensor name"));
    if (tensor_index_.count(t.name)) return c.Error("duplicate tensor " + t.name);
    uint32_t n_dims = 0;
    WARDEN_RETURN_IF_ERROR(c.Read(&n_dims, "dimension count"));
    if (n_dims == 0 || n_dims > kMaxDims) {
      return c.Error("tensor " + t.name + ": " + std::to_string(n_dims) + " dimensions");
    }
    int64_t elements = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
      uint64_t dim = 0;
      WARDEN_RETURN_IF_ERROR(c.Read(&dim, "dimension"));
      if (dim == 0 || dim > static_cast<uint64_t>(kMaxElements) ||
          MulOverflows(elements, static_cast<int64_t>(dim), &elements) || elements > kMaxElements) {
        return c.Error("tensor " + t.name + ": bad dimension " + std::to_string(dim));
      }
      t.dims.push_back(static_cast<int64_t>(dim));
    }
    uint32_t type = 0;
    WARDEN_RETURN_IF_ERROR(c.Read(&type, "tensor type"));
    t.type = static_cast<GgmlType>(type);
    auto info = GetGgmlTypeInfo(t.type);
    if (!info) return c.Error("tensor " + t.name + ": unknown type " + std::to_string(type));
    if (t.dims[0] % info->block_elems != 0) {
      return c.Error("tensor " + t.name + ": row of " + std::to_string(t.dims[0]) +
                     " is not a multiple of the " + std::string(info->name) + " block");
    }
    t.nbytes = static_cast<uint64_t>(elements / info->block_elems * info->block_bytes);
    WARDEN_RETURN_IF_ERROR(c.Read(&t.offset, "tensor offset"));
    if (t.offset % alignment_ != 0) return c.Error("tensor " + t.name + ": misaligned offset");
    tensor_index_.emplace(t.name, tensors_.size());
    tensors_.push_back(std::move(t));
  }
  data_offset_ = (c.pos() + alignment_ - 1) / alignment_ * alignment_;
  if (data_offset_ > bytes.size() && !tensors_.empty()) {
    return Status::Corruption(name_ + ": truncated before tensor data");
  }
  const uint64_t data_size = bytes.size() > data_offset_ ? bytes.size() - data_offset_ : 0;
  std::vector<std::pair<uint64_t, uint64_t>> extents;
  for (GgufTensor& t : tensors_) {
    if (t.offset > data_size || t.nbytes > data_size - t.offset) {
      return Status::Corruption(name_ + ": tensor " + t.name + " data (" +
                                std::to_string(t.nbytes) + " bytes at " + std::to_string(t.offset) +
                                ") past end of file");
    }
    t.data = reinterpret_cast<const uint8_t*>(bytes.data()) + data_offset_ + t.offset;
    extents.emplace_back(t.offset, t.offset + t.nbytes);
  }
  std::sort(extents.begin(), extents.end());
  for (size_t k = 1; k < extents.size(); ++k) {
    if (extents[k].first < extents[k - 1].second) {
      return Status::Corruption(name_ + ": tensor data regions overlap");
    }
  }
  return Status::Ok();
}

const GgufValue* GgufFile::Find(std::string_view key) const {
  auto it = kv_index_.find(key);
  return it == kv_index_.end() ? nullptr : &kv_[it->second].second;
}

Result<std::string> GgufFile::GetString(std::string_view key) const {
  const GgufValue* v = Find(key);
  if (!v) return Status::NotFound(name_ + ": no metadata key " + std::string(key));
  if (v->type != GgufValueType::kString) {
    return Status::Corruption(name_ + ": " + std::string(key) + " is not a string");
  }
  return v->str;
}

Result<int64_t> GgufFile::GetInt(std::string_view key) const {
  const GgufValue* v = Find(key);
  if (!v) return Status::NotFound(name_ + ": no metadata key " + std::string(key));
  if (v->is_array() || v->type == GgufValueType::kString || IsFloatType(v->type)) {
    return Status::Corruption(name_ + ": " + std::string(key) + " is not an integer");
  }
  return v->i;
}

Result<double> GgufFile::GetFloat(std::string_view key) const {
  const GgufValue* v = Find(key);
  if (!v) return Status::NotFound(name_ + ": no metadata key " + std::string(key));
  if (v->is_array() || v->type == GgufValueType::kString) {
    return Status::Corruption(name_ + ": " + std::string(key) + " is not a number");
  }
  return v->f;
}

Result<int64_t> GgufFile::GetIntOr(std::string_view key, int64_t fallback) const {
  return Find(key) ? GetInt(key) : Result<int64_t>(fallback);
}
Result<double> GgufFile::GetFloatOr(std::string_view key, double fallback) const {
  return Find(key) ? GetFloat(key) : Result<double>(fallback);
}

const GgufTensor* GgufFile::FindTensor(std::string_view name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

}  // namespace warden::lm
