// GGUF v3 writer, for tests and benchmarks (see gguf.h).
#include <cstring>
#include <set>

#include "warden/lm/gguf.h"

namespace warden::lm {
namespace {

constexpr uint64_t kAlignment = 32;

template <typename T>
void Put(std::string* out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out->append(buf, sizeof(T));
}
void PutString(std::string* out, std::string_view s) {
  Put<uint64_t>(out, s.size());
  out->append(s);
}
std::string Typed(GgufValueType t) {
  std::string s;
  Put<uint32_t>(&s, static_cast<uint32_t>(t));
  return s;
}

}  // namespace

void GgufWriter::AddString(std::string key, std::string value) {
  std::string v = Typed(GgufValueType::kString);
  PutString(&v, value);
  kv_.emplace_back(std::move(key), std::move(v));
}
void GgufWriter::AddU32(std::string key, uint32_t value) {
  std::string v = Typed(GgufValueType::kU32);
  Put(&v, value);
  kv_.emplace_back(std::move(key), std::move(v));
}
void GgufWriter::AddI32(std::string key, int32_t value) {
  std::string v = Typed(GgufValueType::kI32);
  Put(&v, value);
  kv_.emplace_back(std::move(key), std::move(v));
}
void GgufWriter::AddF32(std::string key, float value) {
  std::string v = Typed(GgufValueType::kF32);
  Put(&v, value);
  kv_.emplace_back(std::move(key), std::move(v));
}
void GgufWriter::AddBool(std::string key, bool value) {
  std::string v = Typed(GgufValueType::kBool);
  Put<uint8_t>(&v, value ? 1 : 0);
  kv_.emplace_back(std::move(key), std::move(v));
}
void GgufWriter::AddStringArray(std::string key, const std::vector<std::string>& values) {
  std::string v = Typed(GgufValueType::kArray);
  Put<uint32_t>(&v, static_cast<uint32_t>(GgufValueType::kString));
  Put<uint64_t>(&v, values.size());
  for (const auto& s : values) PutString(&v, s);
  kv_.emplace_back(std::move(key), std::move(v));
}
void GgufWriter::AddF32Array(std::string key, const std::vector<float>& values) {
  std::string v = Typed(GgufValueType::kArray);
  Put<uint32_t>(&v, static_cast<uint32_t>(GgufValueType::kF32));
  Put<uint64_t>(&v, values.size());
  for (float x : values) Put(&v, x);
  kv_.emplace_back(std::move(key), std::move(v));
}
void GgufWriter::AddI32Array(std::string key, const std::vector<int32_t>& values) {
  std::string v = Typed(GgufValueType::kArray);
  Put<uint32_t>(&v, static_cast<uint32_t>(GgufValueType::kI32));
  Put<uint64_t>(&v, values.size());
  for (int32_t x : values) Put(&v, x);
  kv_.emplace_back(std::move(key), std::move(v));
}

void GgufWriter::AddTensor(std::string name, GgmlType type, std::vector<int64_t> dims,
                           std::string data) {
  tensors_.push_back({std::move(name), type, std::move(dims), std::move(data)});
}

Result<std::string> GgufWriter::Finish() const {
  std::set<std::string_view> keys, names;
  for (const auto& [k, v] : kv_) {
    if (!keys.insert(k).second) return Status::InvalidArgument("gguf writer: duplicate key " + k);
  }
  std::string out = "GGUF";
  Put<uint32_t>(&out, 3);
  Put<uint64_t>(&out, tensors_.size());
  Put<uint64_t>(&out, kv_.size());
  for (const auto& [k, v] : kv_) {
    PutString(&out, k);
    out += v;
  }
  uint64_t offset = 0;
  for (const Tensor& t : tensors_) {
    if (!names.insert(t.name).second) {
      return Status::InvalidArgument("gguf writer: duplicate tensor " + t.name);
    }
    auto info = GetGgmlTypeInfo(t.type);
    int64_t elements = 1;
    for (int64_t d : t.dims) elements *= d;
    if (!info || t.dims.empty() || t.dims[0] % info->block_elems != 0 ||
        static_cast<uint64_t>(elements / info->block_elems * info->block_bytes) != t.data.size()) {
      return Status::InvalidArgument("gguf writer: tensor " + t.name + " has the wrong size");
    }
    PutString(&out, t.name);
    Put<uint32_t>(&out, static_cast<uint32_t>(t.dims.size()));
    for (int64_t d : t.dims) Put<uint64_t>(&out, static_cast<uint64_t>(d));
    Put<uint32_t>(&out, static_cast<uint32_t>(t.type));
    Put<uint64_t>(&out, offset);
    offset += (t.data.size() + kAlignment - 1) / kAlignment * kAlignment;
  }
  out.resize((out.size() + kAlignment - 1) / kAlignment * kAlignment, '\0');
  for (const Tensor& t : tensors_) {
    out += t.data;
    out.resize((out.size() + kAlignment - 1) / kAlignment * kAlignment, '\0');
  }
  return out;
}

Status GgufWriter::WriteFile(const std::string& path) const {
  WARDEN_ASSIGN_OR_RETURN(std::string bytes, Finish());
  return core::WriteFileAtomic(path, bytes);
}

}  // namespace warden::lm
