// One-hot encoding and standardization fitted on training data only, so the
// test set never leaks into the preprocessing. Unseen or missing categories
// become an all-zero block: the model then scores them like the average of
// the reference (intercept) level, which is the least surprising choice for
// an applicant whose category the model has never seen.
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "warden/fairness/data.h"

namespace warden::fairness {
namespace {

bool ParseDouble(std::string_view s, double* out) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(*out);
}

std::string TrimCopy(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

Result<Encoder> Encoder::Fit(const Frame& features) {
  Encoder e;
  for (size_t c = 0; c < features.columns.size(); ++c) {
    const auto& column = features.columns[c];
    ColumnEncoding enc;
    enc.name = features.names[c];
    double sum = 0, sum2 = 0;
    size_t count = 0;
    bool numeric = true;
    for (const auto& v : column) {
      if (IsMissing(v)) continue;
      double x = 0;
      if (!ParseDouble(v, &x)) {
        numeric = false;
        break;
      }
      sum += x;
      sum2 += x * x;
      ++count;
    }
    if (numeric && count > 0) {
      enc.mean = sum / static_cast<double>(count);
      const double var = sum2 / static_cast<double>(count) - enc.mean * enc.mean;
      enc.scale = var > 1e-24 ? std::sqrt(var) : 1.0;
    } else {
      enc.categorical = true;
      std::unordered_map<std::string, size_t> seen;
      for (const auto& v : column) {
        if (IsMissing(v)) continue;
        std::string key = TrimCopy(v);
        if (seen.emplace(key, enc.categories.size()).second) enc.categories.push_back(key);
      }
    }
    e.columns_.push_back(std::move(enc));
  }
  return e;
}

size_t Encoder::output_width() const {
  size_t w = 0;
  for (const auto& c : columns_) w += c.categorical ? c.categories.size() : 1;
  return w;
}

std::vector<std::string> Encoder::OutputNames() const {
  std::vector<std::string> names;
  for (const auto& c : columns_) {
    if (!c.categorical) {
      names.push_back(c.name);
    } else {
      for (const auto& k : c.categories) names.push_back(c.name + "=" + k);
    }
  }
  return names;
}

Result<Matrix> Encoder::Transform(const Frame& features, TransformStats* stats) const {
  Matrix m;
  m.rows = features.rows();
  m.cols = output_width();
  m.data.assign(m.rows * m.cols, 0.0);
  TransformStats local;
  size_t offset = 0;
  for (const auto& enc : columns_) {
    WARDEN_ASSIGN_OR_RETURN(size_t c, features.Column(enc.name));
    const auto& column = features.columns[c];
    if (!enc.categorical) {
      for (size_t r = 0; r < m.rows; ++r) {
        double x = enc.mean;
        if (IsMissing(column[r])) {
          ++local.missing_values;
        } else if (!ParseDouble(column[r], &x)) {
          return Status::InvalidArgument("row " + std::to_string(r + 1) + ", column '" + enc.name +
                                         "': '" + column[r] + "' is not a number");
        }
        m.Row(r)[offset] = (x - enc.mean) / enc.scale;
      }
      offset += 1;
      continue;
    }
    std::unordered_map<std::string, size_t> index;
    for (size_t k = 0; k < enc.categories.size(); ++k) index.emplace(enc.categories[k], k);
    for (size_t r = 0; r < m.rows; ++r) {
      if (IsMissing(column[r])) {
        ++local.missing_values;
        continue;
      }
      auto it = index.find(TrimCopy(column[r]));
      if (it == index.end()) {
        ++local.unseen_categories;
        continue;
      }
      m.Row(r)[offset + it->second] = 1.0;
    }
    offset += enc.categories.size();
  }
  if (stats) *stats = local;
  return m;
}

std::string Encoder::ToJson() const {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& c : columns_) {
    nlohmann::json col = {{"name", c.name}, {"categorical", c.categorical}};
    if (c.categorical) {
      col["categories"] = c.categories;
    } else {
      col["mean"] = c.mean;
      col["scale"] = c.scale;
    }
    j.push_back(col);
  }
  return j.dump();
}

Result<Encoder> Encoder::FromJson(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return Status::Corruption("encoder: expected a JSON array of columns");
  Encoder e;
  for (const auto& col : j) {
    if (!col.is_object() || !col.contains("name") || !col["name"].is_string() ||
        !col.contains("categorical") || !col["categorical"].is_boolean()) {
      return Status::Corruption("encoder: column entry lacks name/categorical");
    }
    ColumnEncoding c;
    c.name = col["name"].get<std::string>();
    c.categorical = col["categorical"].get<bool>();
    if (c.categorical) {
      if (!col.contains("categories") || !col["categories"].is_array()) {
        return Status::Corruption("encoder: column '" + c.name + "' lacks categories");
      }
      for (const auto& k : col["categories"]) {
        if (!k.is_string()) return Status::Corruption("encoder: non-string category");
        c.categories.push_back(k.get<std::string>());
      }
    } else {
      if (!col.contains("mean") || !col["mean"].is_number() || !col.contains("scale") ||
          !col["scale"].is_number() || col["scale"].get<double>() == 0) {
        return Status::Corruption("encoder: column '" + c.name + "' lacks mean/scale");
      }
      c.mean = col["mean"].get<double>();
      c.scale = col["scale"].get<double>();
    }
    e.columns_.push_back(std::move(c));
  }
  return e;
}

}  // namespace warden::fairness
