// Reading documents to index from files, directories and JSONL (see
// index.h for what happens to binary files, bad UTF-8 and malformed lines).
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "warden/core/io.h"
#include "warden/provenance/index.h"
#include "warden/text/utf8.h"

namespace warden::provenance {
namespace {

bool LooksBinary(std::string_view data) {
  return data.substr(0, 8192).find('\0') != std::string_view::npos;
}

// Replaces every byte that is not part of valid UTF-8 with U+FFFD.
bool RepairUtf8(std::string* s) {
  size_t bad = text::FindInvalidUtf8(*s);
  if (bad == std::string::npos) return false;
  std::string out;
  size_t from = 0;
  std::string_view rest(*s);
  while (bad != std::string_view::npos) {
    out.append(rest.substr(0, bad));
    out.append("\xEF\xBF\xBD");
    rest = rest.substr(bad + 1);
    bad = text::FindInvalidUtf8(rest);
  }
  out.append(rest);
  (void)from;
  *s = std::move(out);
  return true;
}

bool IsJsonl(const std::string& path) {
  return path.ends_with(".jsonl") || path.ends_with(".jsonl.zst");
}

Status ReadJsonl(const std::string& path, std::vector<IndexDocument>* out) {
  WARDEN_ASSIGN_OR_RETURN(auto reader, core::LineReader::Open(path));
  std::string line;
  while (reader->Next(&line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(reader->line_number());
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
      return Status::InvalidArgument(where + ": not a JSON object");
    auto text = j.find("text");
    if (text == j.end() || !text->is_string()) {
      return Status::InvalidArgument(where + ": missing string field \"text\"");
    }
    IndexDocument d;
    d.text = text->get<std::string>();
    auto id = j.find("id");
    if (id != j.end() && id->is_string()) {
      d.id = id->get<std::string>();
    } else if (id != j.end() && id->is_number_integer()) {
      d.id = std::to_string(id->get<int64_t>());
    } else {
      d.id = where;
    }
    auto lang = j.find("lang");
    if (lang != j.end() && lang->is_string()) {
      d.language = LanguageFromName(lang->get<std::string>());
      if (!d.language && lang->get<std::string>() != "text") {
        return Status::InvalidArgument(where + ": unknown \"lang\" " + lang->dump());
      }
    }
    d.source = where;
    d.repaired_utf8 = RepairUtf8(&d.text);
    out->push_back(std::move(d));
  }
  return reader->status();
}

Status ReadOne(const std::string& path, std::vector<IndexDocument>* out, IndexBuildReport* report) {
  if (IsJsonl(path)) return ReadJsonl(path, out);
  WARDEN_ASSIGN_OR_RETURN(std::string data, core::ReadFile(path));
  if (LooksBinary(data)) {
    if (report) report->skipped_binary.push_back(path + ": binary (NUL byte), not indexed");
    return Status::Ok();
  }
  IndexDocument d;
  d.id = path;
  d.source = path;
  d.language = LanguageFromPath(path);
  d.text = std::move(data);
  d.repaired_utf8 = RepairUtf8(&d.text);
  out->push_back(std::move(d));
  return Status::Ok();
}

}  // namespace

Result<std::vector<IndexDocument>> ReadIndexInputs(std::span<const std::string> paths,
                                                   IndexBuildReport* report) {
  std::vector<IndexDocument> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::string> files;
      for (auto it = std::filesystem::recursive_directory_iterator(p, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) files.push_back(it->path().string());
      }
      if (ec) return Status::IOError(p + ": " + ec.message());
      std::sort(files.begin(), files.end());
      for (const std::string& f : files) WARDEN_RETURN_IF_ERROR(ReadOne(f, &out, report));
    } else {
      WARDEN_RETURN_IF_ERROR(ReadOne(p, &out, report));
    }
  }
  return out;
}

}  // namespace warden::provenance
