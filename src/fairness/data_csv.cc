// RFC 4180 CSV reading for the fairness module. Input files are untrusted, so
// every malformed construct is an error naming line and column, never a crash
// (fuzz/fairness_csv_fuzz.cc).
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/io.h"
#include "warden/core/strings.h"
#include "warden/fairness/data.h"
#include "warden/text/utf8.h"

namespace warden::fairness {
namespace {

// CSV fields lose spaces and tabs only: a CR or other whitespace is data.
std::string_view Trim(std::string_view s) { return core::Trim(s, " \t"); }

std::string Where(size_t line, size_t column) {
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": ";
}

}  // namespace

bool IsMissing(std::string_view field) {
  field = Trim(field);
  return field.empty() || field == "?";
}

Result<size_t> CsvTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  std::string have;
  for (size_t i = 0; i < header.size() && i < 20; ++i) have += (i ? ", " : "") + header[i];
  if (header.size() > 20) have += ", ...";
  return Status::NotFound("column '" + std::string(name) + "' not found (columns: " + have + ")");
}

Result<CsvTable> ParseCsv(std::string_view text, const CsvOptions& options) {
  // Column names and categories end up in JSON models and reports, which
  // must be valid UTF-8: refuse the file here, naming where it goes wrong.
  if (const size_t bad = text::FindInvalidUtf8(text); bad != std::string_view::npos) {
    const size_t bad_line = 1 + std::count(text.begin(), text.begin() + bad, '\n');
    return Status::InvalidArgument("line " + std::to_string(bad_line) + ": invalid UTF-8 at byte " +
                                   std::to_string(bad) + " (the CSV must be UTF-8)");
  }
  CsvTable table;
  std::vector<std::string> row;
  std::string field;
  size_t line = 1;             // current physical line (1-based)
  size_t record_line = 1;      // line where the current record started
  bool field_quoted = false;   // the current field was quoted
  bool field_started = false;  // any character consumed for this field
  bool after_quote = false;    // just closed a quoted field
  size_t i = 0;
  const size_t n = text.size();
  if (n >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 BOM

  auto finish_field = [&]() -> Status {
    if (row.size() >= options.max_fields) {
      return Status::OutOfRange(Where(record_line, row.size() + 1) + "more than " +
                                std::to_string(options.max_fields) + " fields");
    }
    row.push_back(field_quoted || !options.trim_spaces ? field : std::string(Trim(field)));
    field.clear();
    field_quoted = false;
    field_started = false;
    after_quote = false;
    return Status::Ok();
  };
  auto finish_record = [&]() -> Status {
    // A blank line is skipped, not read as a one-field record.
    if (row.size() == 1 && row[0].empty()) {
      row.clear();
      return Status::Ok();
    }
    if (table.header.empty()) {
      if (options.has_header) {
        table.header = std::move(row);
        row.clear();
        return Status::Ok();
      }
      for (size_t c = 0; c < row.size(); ++c) table.header.push_back("c" + std::to_string(c));
    }
    if (row.size() != table.header.size()) {
      return Status::Corruption("line " + std::to_string(record_line) + ": " +
                                std::to_string(row.size()) + " fields, expected " +
                                std::to_string(table.header.size()));
    }
    table.rows.push_back(std::move(row));
    row.clear();
    return Status::Ok();
  };

  while (i < n) {
    const char c = text[i];
    if (field_quoted && !after_quote) {  // inside quotes
      if (c == '"') {
        if (i + 1 < n && text[i + 1] == '"') {
          field += '"';
          i += 2;
          continue;
        }
        after_quote = true;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      ++i;
      continue;
    }
    if (c == options.delimiter) {
      WARDEN_RETURN_IF_ERROR(finish_field());
      ++i;
      continue;
    }
    if (c == '\n' || c == '\r') {
      WARDEN_RETURN_IF_ERROR(finish_field());
      WARDEN_RETURN_IF_ERROR(finish_record());
      if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
      ++i;
      ++line;
      record_line = line;
      continue;
    }
    if (after_quote) {
      if (c == ' ' || c == '\t') {
        ++i;
        continue;
      }
      return Status::Corruption(Where(line, row.size() + 1) + "text after a closing quote");
    }
    if (c == '"') {
      if (field_started && !Trim(field).empty()) {
        return Status::Corruption(Where(line, row.size() + 1) + "quote inside an unquoted field");
      }
      field.clear();
      field_quoted = true;
      field_started = true;
      ++i;
      continue;
    }
    field += c;
    field_started = true;
    ++i;
  }
  if (field_quoted && !after_quote) {
    return Status::Corruption(Where(record_line, row.size() + 1) + "unterminated quoted field");
  }
  if (field_started || !row.empty()) {
    WARDEN_RETURN_IF_ERROR(finish_field());
    WARDEN_RETURN_IF_ERROR(finish_record());
  }
  if (table.header.empty()) return Status::InvalidArgument("empty CSV (no header)");
  return table;
}

Result<CsvTable> ReadCsv(const std::string& path, const CsvOptions& options) {
  WARDEN_ASSIGN_OR_RETURN(std::string text, core::ReadFile(path));
  Result<CsvTable> table = ParseCsv(text, options);
  if (!table.ok()) return table.status().WithContext(path);
  return table;
}

Result<size_t> Frame::Column(std::string_view name) const {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  return Status::NotFound("column '" + std::string(name) + "' not found");
}

Frame Frame::Select(const std::vector<size_t>& rows) const {
  Frame out;
  out.names = names;
  out.columns.resize(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    out.columns[c].reserve(rows.size());
    for (size_t r : rows) out.columns[c].push_back(columns[c][r]);
  }
  return out;
}

Result<std::vector<uint8_t>> ParseLabels(const std::vector<std::string>& column,
                                         const std::vector<std::string>& positive,
                                         const std::vector<std::string>& negative,
                                         std::string_view column_name) {
  std::vector<uint8_t> labels(column.size());
  for (size_t r = 0; r < column.size(); ++r) {
    std::string_view v = Trim(column[r]);
    bool done = false;
    if (v == "1" || v == "1.0") {
      labels[r] = 1;
      done = true;
    } else if (v == "0" || v == "0.0") {
      labels[r] = 0;
      done = true;
    }
    for (const auto& p : positive) {
      if (!done && v == p) labels[r] = 1, done = true;
    }
    for (const auto& p : negative) {
      if (!done && v == p) labels[r] = 0, done = true;
    }
    if (!done) {
      return Status::InvalidArgument("row " + std::to_string(r + 1) + ", column '" +
                                     std::string(column_name) + "': label '" + std::string(v) +
                                     "' is not 0 or 1" + (IsMissing(v) ? " (missing label)" : ""));
    }
  }
  return labels;
}

}  // namespace warden::fairness
