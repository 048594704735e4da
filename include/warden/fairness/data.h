// Tabular data for the fairness module: an RFC 4180 CSV reader, loaders for
// the UCI formats used in the evaluation (Adult, German credit, Communities &
// Crime), and the encoder that turns string columns into a numeric design
// matrix (one-hot for categories, standardization for numbers).
//
// Conventions (used by every fairness API):
//  * label 1 is the FAVOURABLE outcome (income > 50K, good credit,
//    creditworthy); prediction 1 means "approve". The false-rejection rate is
//    therefore P(pred = 0 | label = 1), which equals the FNR.
//  * Missing values are the empty string and "?" (IsMissing). The encoder
//    imputes the training mean for numbers and encodes a missing or unseen
//    category as all zeros in its one-hot block (the "reference" level).
//
// Thread safety: pure functions and immutable values; an Encoder is safe to
// share for Transform once fitted.
#ifndef WARDEN_FAIRNESS_DATA_H_
#define WARDEN_FAIRNESS_DATA_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"

namespace warden::fairness {

struct CsvOptions {
  char delimiter = ',';
  bool has_header = true;
  bool trim_spaces = true;   // strip blanks around unquoted fields (UCI files)
  size_t max_fields = 4096;  // hostile files: refuse absurd widths
};

// A parsed CSV: the header (or "c0", "c1", ... without one) and rows of
// fields. Every row has exactly header.size() fields.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  // Index of a column, or NotFound naming the column and listing the header.
  Result<size_t> Column(std::string_view name) const;
};

// RFC 4180: quoted fields may contain delimiters, CRLF and doubled quotes.
// Errors name the 1-based line and column ("line 7, column 3: ...").
Result<CsvTable> ParseCsv(std::string_view text, const CsvOptions& options = {});
Result<CsvTable> ReadCsv(const std::string& path, const CsvOptions& options = {});

bool IsMissing(std::string_view field);

// Column-major string columns with names.
struct Frame {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> columns;
  size_t rows() const { return columns.empty() ? 0 : columns[0].size(); }
  Result<size_t> Column(std::string_view name) const;
  Frame Select(const std::vector<size_t>& rows) const;
};

// A supervised fairness data set: features, 0/1 labels, sensitive columns
// (as strings; group values) kept apart from the features.
struct LabeledData {
  std::string name;
  Frame features;
  std::vector<uint8_t> labels;
  Frame sensitive;
  // Sensitive attributes as numbers for the rich-subgroup auditor (empty
  // unless the source provides continuous protected columns).
  std::vector<std::string> protected_numeric_names;
  std::vector<std::vector<double>> protected_numeric;  // [column][row]
};

// Parses a label field: "1"/"0", or one of `positive` / `negative`.
// Anything else is an error naming row and value.
Result<std::vector<uint8_t>> ParseLabels(const std::vector<std::string>& column,
                                         const std::vector<std::string>& positive,
                                         const std::vector<std::string>& negative,
                                         std::string_view column_name);

// UCI Adult (adult.data or adult.test; a leading "|" comment line and the
// trailing '.' of test labels are handled). Label: income >50K. Sensitive:
// sex, race, age_group (<25, 25-59, 60+). Features keep sex and race out.
Result<LabeledData> LoadAdult(const std::string& path);
// UCI German credit (german.data, codes A11...). Label: 1 good credit.
// Sensitive: age_group ("<=25", ">25"), sex from personal status
// (A91, A93, A94 male; A92, A95 female).
Result<LabeledData> LoadGerman(const std::string& path);
// Communities & Crime as prepared by GerryFair: communities.csv plus
// communities_protected.csv (1 marks a protected column). Label:
// ViolentCrimesPerPop (0/1 already). Sensitive (for groups): each protected
// column split at its median ("high"/"low"); protected_numeric keeps the raw
// values for the rich-subgroup auditor.
Result<LabeledData> LoadCommunities(const std::string& data_path,
                                    const std::string& protected_path);

// Design matrix, row-major.
struct Matrix {
  size_t rows = 0, cols = 0;
  std::vector<double> data;
  const double* Row(size_t i) const { return data.data() + i * cols; }
  double* Row(size_t i) { return data.data() + i * cols; }
};

// One input column's encoding.
struct ColumnEncoding {
  std::string name;
  bool categorical = false;
  double mean = 0, scale = 1;           // numeric: (x - mean) / scale
  std::vector<std::string> categories;  // categorical: one output per entry
};

struct TransformStats {
  size_t missing_values = 0;     // imputed (numeric) or zero block (category)
  size_t unseen_categories = 0;  // categories absent from the training data
};

class Encoder {
 public:
  // A column is numeric when every non-missing value parses as a number.
  // Categories keep their first-seen order (deterministic).
  static Result<Encoder> Fit(const Frame& features);

  // Columns are matched by name; a missing column is an error.
  Result<Matrix> Transform(const Frame& features, TransformStats* stats = nullptr) const;
  size_t output_width() const;
  std::vector<std::string> OutputNames() const;
  const std::vector<ColumnEncoding>& columns() const { return columns_; }

  std::string ToJson() const;
  static Result<Encoder> FromJson(std::string_view json);

 private:
  std::vector<ColumnEncoding> columns_;
};

}  // namespace warden::fairness

#endif  // WARDEN_FAIRNESS_DATA_H_
