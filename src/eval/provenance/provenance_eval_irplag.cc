// IR-Plag evaluation (see provenance_eval.h).
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "eval/provenance/provenance_eval.h"
#include "warden/core/io.h"
#include "warden/provenance/index.h"

namespace warden::eval {

double RocAuc(std::span<const double> pos, std::span<const double> neg) {
  if (pos.empty() || neg.empty()) return 0;
  double wins = 0;
  for (double p : pos) {
    for (double n : neg) wins += p > n ? 1.0 : (p == n ? 0.5 : 0.0);
  }
  return wins / (static_cast<double>(pos.size()) * static_cast<double>(neg.size()));
}

namespace {

struct IrFile {
  std::string task;  // "case-01"
  std::string kind;  // "original", "L1".."L6", "non"
  std::string text;
};

struct Config {
  std::string name;
  bool code;
  bool mask;
};

// Every identifier renamed to v1, v2... consistently within the file.
std::string RenameIdentifiers(const std::string& text) {
  provenance::TokenizeOptions o;
  o.mode = provenance::TokenMode::kCode;
  o.language = provenance::CodeLanguage::kJava;
  auto toks = provenance::TokenizeForProvenance(text, o);
  if (!toks.ok()) return text;
  std::map<std::string, std::string> names;
  std::string out;
  size_t at = 0;
  for (const provenance::ProvenanceToken& t : *toks) {
    if (t.key != "\x01ID") continue;
    const std::string name = text.substr(t.begin, t.end - t.begin);
    auto [it, fresh] = names.try_emplace(name, "v" + std::to_string(names.size() + 1));
    out.append(text, at, t.begin - at);
    out.append(it->second);
    at = t.end;
  }
  out.append(text, at);
  return out;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "warden-irplag-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Result<std::vector<IrFile>> ReadDataset(const std::string& root) {
  std::vector<IrFile> files;
  std::error_code ec;
  std::vector<std::string> paths;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".java") paths.push_back(it->path());
  }
  if (ec) return Status::IOError(root + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  for (const std::string& p : paths) {
    const std::string rel = p.substr(root.size());
    const size_t c = rel.find("case-");
    if (c == std::string::npos) continue;
    IrFile f;
    f.task = rel.substr(c, 7);
    if (rel.find("/original/") != std::string::npos) {
      f.kind = "original";
    } else if (rel.find("/non-plagiarized/") != std::string::npos) {
      f.kind = "non";
    } else {
      const size_t l = rel.find("/plagiarized/L");
      if (l == std::string::npos) continue;
      f.kind = rel.substr(l + 13, 2);
    }
    WARDEN_ASSIGN_OR_RETURN(f.text, core::ReadFile(p));
    std::string repaired;
    for (char ch : f.text) repaired.push_back(static_cast<unsigned char>(ch) < 0x80 ? ch : '?');
    f.text = std::move(repaired);  // a few files are Latin-1; only ASCII matters to the lexer
    files.push_back(std::move(f));
  }
  return files;
}

Result<std::pair<double, double>> Score(const provenance::ProvenanceIndex& index, const Config& cfg,
                                        const std::string& task, const std::string& text) {
  provenance::TokenizeOptions o;
  o.mode = cfg.code ? provenance::TokenMode::kCode : provenance::TokenMode::kText;
  o.language = provenance::CodeLanguage::kJava;
  o.mask_identifiers = o.mask_literals = cfg.mask;
  WARDEN_ASSIGN_OR_RETURN(auto toks, provenance::TokenizeForProvenance(text, o));
  for (const provenance::NearCopyScore& s : index.NearCopies(toks, {}, 1000)) {
    if (s.doc_id == task) return std::make_pair(s.containment, s.doc_coverage);
  }
  return std::make_pair(0.0, 0.0);
}

}  // namespace

Result<IrPlagResult> EvaluateIrPlag(const std::string& zip_path, double threshold) {
  if (!core::FileExists(zip_path))
    return Status::NotFound(zip_path + ": IR-Plag archive not found");
  TempDir tmp;
  if (tmp.path().empty()) return Status::IOError("cannot create a temporary directory");
  const std::string cmd = "unzip -qq -o '" + zip_path + "' -d '" + tmp.path() + "'";
  if (zip_path.find('\'') != std::string::npos || std::system(cmd.c_str()) != 0) {
    return Status::IOError(zip_path + ": unzip failed");
  }
  WARDEN_ASSIGN_OR_RETURN(std::vector<IrFile> files, ReadDataset(tmp.path()));
  IrPlagResult result;
  result.threshold = threshold;
  result.files = static_cast<int>(files.size());
  const std::vector<std::string> levels = {"L1", "L2", "L3", "L4", "L5", "L6"};
  for (const Config& cfg : {Config{"masked", true, true}, Config{"lexer-raw", true, false},
                            Config{"text-words", false, false}}) {
    std::vector<provenance::IndexDocument> originals;
    for (const IrFile& f : files) {
      if (f.kind != "original") continue;
      provenance::IndexDocument d;
      d.id = f.task;
      d.text = f.text;
      if (cfg.code) d.language = provenance::CodeLanguage::kJava;
      originals.push_back(std::move(d));
    }
    result.tasks = static_cast<int>(originals.size());
    provenance::IndexBuildOptions bo;
    bo.mask_identifiers = bo.mask_literals = cfg.mask;
    WARDEN_ASSIGN_OR_RETURN(std::string bytes, provenance::IndexBuilder::BuildShardBytes(
                                                   std::move(originals), bo, nullptr));
    WARDEN_ASSIGN_OR_RETURN(auto index, provenance::ProvenanceIndex::FromBytes({std::move(bytes)}));
    IrPlagConfigResult r;
    r.config = cfg.name;
    r.levels = levels;
    std::vector<double> neg, neg_cov;
    std::map<std::string, std::vector<double>> pos, pos_cov;
    double before = 0, after = 0;
    int renamed = 0;
    for (const IrFile& f : files) {
      if (f.kind == "original") continue;
      WARDEN_ASSIGN_OR_RETURN(auto scores, Score(*index, cfg, f.task, f.text));
      const double s = scores.first;
      if (f.kind == "non") {
        neg.push_back(s);
        neg_cov.push_back(scores.second);
        continue;
      }
      pos[f.kind].push_back(s);
      pos_cov[f.kind].push_back(scores.second);
      WARDEN_ASSIGN_OR_RETURN(auto renamed_scores,
                              Score(*index, cfg, f.task, RenameIdentifiers(f.text)));
      const double s2 = renamed_scores.first;
      before += s;
      after += s2;
      r.lowered_by_rename += s2 < s ? 1 : 0;
      ++renamed;
    }
    r.negatives = static_cast<int>(neg.size());
    for (double s : neg) r.negative_mean_score += s / std::max<size_t>(1, neg.size());
    const double fp = static_cast<double>(
        std::count_if(neg.begin(), neg.end(), [&](double s) { return s >= threshold; }));
    for (const std::string& l : levels) {
      const std::vector<double>& p = pos[l];
      const double tp = static_cast<double>(
          std::count_if(p.begin(), p.end(), [&](double s) { return s >= threshold; }));
      r.positives.push_back(static_cast<int>(p.size()));
      r.auc.push_back(RocAuc(p, neg));
      r.auc_coverage.push_back(RocAuc(pos_cov[l], neg_cov));
      r.precision.push_back(tp + fp > 0 ? tp / (tp + fp) : 0.0);
      r.recall.push_back(p.empty() ? 0.0 : tp / static_cast<double>(p.size()));
      double mean = 0;
      for (double s : p) mean += s / static_cast<double>(p.size());
      r.mean_score.push_back(mean);
    }
    r.mean_before_rename = renamed ? before / renamed : 0;
    r.mean_after_rename = renamed ? after / renamed : 0;
    result.configs.push_back(std::move(r));
  }
  return result;
}

}  // namespace warden::eval
