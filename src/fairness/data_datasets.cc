// Loaders for the UCI data sets of the fairness evaluation. Each one turns the
// raw file into LabeledData: string features, 0/1 labels with 1 the
// favourable outcome, and sensitive columns kept apart from the features.
#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "warden/core/io.h"
#include "warden/core/strings.h"
#include "warden/fairness/data.h"

namespace warden::fairness {
namespace {

bool ParseNumber(std::string_view s, double* out) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

Frame FrameFromRows(const CsvTable& t, const std::vector<size_t>& cols) {
  Frame f;
  for (size_t c : cols) {
    f.names.push_back(t.header[c]);
    std::vector<std::string> column;
    column.reserve(t.rows.size());
    for (const auto& row : t.rows) column.push_back(row[c]);
    f.columns.push_back(std::move(column));
  }
  return f;
}

}  // namespace

Result<LabeledData> LoadAdult(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(std::string text, core::ReadFile(path));
  // adult.test starts with "|1x3 Cross validator"; drop comment lines.
  std::string cleaned;
  cleaned.reserve(text.size());
  for (std::string_view line : core::SplitLines(text)) {
    if (!line.empty() && line[0] != '|') {
      cleaned.append(line);
      cleaned += '\n';
    }
  }
  CsvOptions opt;
  opt.has_header = false;
  Result<CsvTable> parsed = ParseCsv(cleaned, opt);
  if (!parsed.ok()) return parsed.status().WithContext(path);
  CsvTable t = std::move(parsed).value();
  static const char* kNames[] = {"age",
                                 "workclass",
                                 "fnlwgt",
                                 "education",
                                 "education_num",
                                 "marital_status",
                                 "occupation",
                                 "relationship",
                                 "race",
                                 "sex",
                                 "capital_gain",
                                 "capital_loss",
                                 "hours_per_week",
                                 "native_country",
                                 "income"};
  if (t.header.size() != 15) {
    return Status::Corruption(path + ": expected 15 columns (UCI Adult), got " +
                              std::to_string(t.header.size()));
  }
  for (size_t c = 0; c < 15; ++c) t.header[c] = kNames[c];
  for (auto& row : t.rows) {
    if (!row[14].empty() && row[14].back() == '.') row[14].pop_back();  // adult.test
  }
  LabeledData d;
  d.name = "adult";
  // fnlwgt is a census sampling weight, not an applicant attribute.
  d.features = FrameFromRows(t, {0, 1, 3, 4, 5, 6, 7, 10, 11, 12, 13});
  WARDEN_ASSIGN_OR_RETURN(
      d.labels, ParseLabels(FrameFromRows(t, {14}).columns[0], {">50K"}, {"<=50K"}, "income"));
  d.sensitive = FrameFromRows(t, {9, 8});
  std::vector<std::string> age_group;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    double age = 0;
    if (!ParseNumber(t.rows[r][0], &age)) {
      return Status::Corruption(path + ": row " + std::to_string(r + 1) + ", column 'age': '" +
                                t.rows[r][0] + "' is not a number");
    }
    age_group.push_back(age < 25 ? "<25" : age < 60 ? "25-59" : "60+");
  }
  d.sensitive.names.push_back("age_group");
  d.sensitive.columns.push_back(std::move(age_group));
  return d;
}

Result<LabeledData> LoadGerman(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(std::string text, core::ReadFile(path));
  // Fields are separated by runs of blanks, some lines end in one: split on
  // whitespace and re-join with commas before the CSV reader sees them.
  std::string cleaned;
  cleaned.reserve(text.size());
  bool pending = false;  // a separator is due before the next token
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r') {
      pending = true;
    } else if (c == '\n') {
      cleaned += '\n';
      pending = false;
    } else {
      if (pending && !cleaned.empty() && cleaned.back() != '\n') cleaned += ',';
      pending = false;
      cleaned += c;
    }
  }
  CsvOptions opt;
  opt.has_header = false;
  Result<CsvTable> parsed = ParseCsv(cleaned, opt);
  if (!parsed.ok()) return parsed.status().WithContext(path);
  CsvTable t = std::move(parsed).value();
  if (t.header.size() != 21) {
    return Status::Corruption(path + ": expected 21 space-separated columns (german.data), got " +
                              std::to_string(t.header.size()));
  }
  static const char* kNames[] = {"checking_status",
                                 "duration",
                                 "credit_history",
                                 "purpose",
                                 "credit_amount",
                                 "savings",
                                 "employment",
                                 "installment_rate",
                                 "personal_status",
                                 "other_debtors",
                                 "residence_since",
                                 "property",
                                 "age",
                                 "other_installment",
                                 "housing",
                                 "existing_credits",
                                 "job",
                                 "num_dependents",
                                 "telephone",
                                 "foreign_worker",
                                 "credit"};
  for (size_t c = 0; c < 21; ++c) t.header[c] = kNames[c];
  LabeledData d;
  d.name = "german";
  // personal_status mixes sex and marital status; it stays out of features.
  d.features =
      FrameFromRows(t, {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19});
  WARDEN_ASSIGN_OR_RETURN(d.labels, ParseLabels(FrameFromRows(t, {20}).columns[0], {}, {"2"},
                                                "credit"));  // 1 good, 2 bad
  std::vector<std::string> age_group, sex;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    double age = 0;
    if (!ParseNumber(t.rows[r][12], &age)) {
      return Status::Corruption(path + ": row " + std::to_string(r + 1) +
                                ", column 'age': not a number");
    }
    age_group.push_back(age <= 25 ? "<=25" : ">25");
    const std::string& ps = t.rows[r][8];
    if (ps == "A92" || ps == "A95") {
      sex.push_back("female");
    } else if (ps == "A91" || ps == "A93" || ps == "A94") {
      sex.push_back("male");
    } else {
      return Status::Corruption(path + ": row " + std::to_string(r + 1) +
                                ", column 'personal_status': unknown code '" + ps + "'");
    }
  }
  d.sensitive.names = {"age_group", "sex"};
  d.sensitive.columns = {std::move(age_group), std::move(sex)};
  return d;
}

Result<LabeledData> LoadCommunities(const std::string& data_path,
                                    const std::string& protected_path) {
  WARDEN_ASSIGN_OR_RETURN(CsvTable t, ReadCsv(data_path));
  WARDEN_ASSIGN_OR_RETURN(CsvTable p, ReadCsv(protected_path));
  if (p.rows.size() != 1) {
    return Status::Corruption(protected_path + ": expected a header and one row of 0/1 marks");
  }
  WARDEN_ASSIGN_OR_RETURN(size_t label_col, t.Column("ViolentCrimesPerPop"));
  LabeledData d;
  d.name = "communities";
  std::vector<size_t> feature_cols;
  std::vector<size_t> protected_cols;
  for (size_t c = 0; c < t.header.size(); ++c) {
    if (c == label_col || t.header[c].empty()) continue;  // unnamed index column
    bool is_protected = false;
    for (size_t k = 0; k < p.header.size(); ++k) {
      if (p.header[k] == t.header[c]) is_protected = p.rows[0][k] == "1";
    }
    (is_protected ? protected_cols : feature_cols).push_back(c);
  }
  if (protected_cols.empty()) return Status::Corruption(protected_path + ": no column marked 1");
  d.features = FrameFromRows(t, feature_cols);
  WARDEN_ASSIGN_OR_RETURN(d.labels, ParseLabels(FrameFromRows(t, {label_col}).columns[0], {}, {},
                                                "ViolentCrimesPerPop"));
  for (size_t c : protected_cols) {
    std::vector<double> values(t.rows.size());
    for (size_t r = 0; r < t.rows.size(); ++r) {
      if (!ParseNumber(t.rows[r][c], &values[r])) {
        return Status::Corruption(data_path + ": row " + std::to_string(r + 1) + ", column '" +
                                  t.header[c] + "': not a number");
      }
    }
    std::vector<double> sorted = values;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2),
                     sorted.end());
    const double median = sorted.empty() ? 0 : sorted[sorted.size() / 2];
    std::vector<std::string> group;
    for (double v : values) group.push_back(v > median ? "high" : "low");
    d.sensitive.names.push_back(t.header[c]);
    d.sensitive.columns.push_back(std::move(group));
    d.protected_numeric_names.push_back(t.header[c]);
    d.protected_numeric.push_back(std::move(values));
  }
  return d;
}

}  // namespace warden::fairness
