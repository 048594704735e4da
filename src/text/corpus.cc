// Extraction of the default corpus from Debian's text packages (corpus.h).
#include "warden/text/corpus.h"

#include <dirent.h>
#include <zlib.h>

#include <algorithm>
#include <string_view>

#include "warden/core/hash.h"
#include "warden/core/io.h"
#include "warden/core/strings.h"
#include "warden/text/utf8.h"

namespace warden::text {
namespace {

// Corpus lines lose spaces, tabs and CRs only (a form feed is kept).
std::string_view Trim(std::string_view s) { return core::Trim(s, " \t\r"); }

size_t CountWords(std::string_view s) {
  size_t n = 0;
  bool in = false;
  for (char c : s) {
    bool sp = c == ' ' || c == '\n' || c == '\t';
    if (!sp && !in) ++n;
    in = !sp;
  }
  return n;
}

std::string RepairUtf8(std::string_view s);

// Splits on lines holding only `sep`.
std::vector<std::string> SplitOnSeparatorLines(std::string_view text, std::string_view sep) {
  std::vector<std::string> out;
  std::string cur;
  for (std::string_view line : core::SplitLines(text)) {
    if (Trim(line) == sep) {
      out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur.append(line);
    cur.push_back('\n');
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

Status LoadFortunes(const std::string& dir, std::vector<CorpusDocument>* docs) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr)
    return Status::NotFound(dir + ": not found (install the Debian package 'fortunes')");
  std::vector<std::string> files;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (!name.ends_with(".u8")) continue;
    if (name == "art.u8" || name == "ascii-art.u8") continue;  // pictures, not prose
    files.push_back(name);
  }
  ::closedir(d);
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) {
    WARDEN_ASSIGN_OR_RETURN(std::string raw, core::ReadFile(dir + "/" + f));
    const std::string text = RepairUtf8(raw);
    for (std::string& doc : SplitOnSeparatorLines(text, "%")) {
      std::string_view t = Trim(doc);
      while (!t.empty() && t.back() == '\n') t.remove_suffix(1);
      while (!t.empty() && t.front() == '\n') t.remove_prefix(1);
      if (CountWords(t) >= 3) docs->push_back({"fortunes", std::string(t)});
    }
  }
  return Status::Ok();
}

// WordNet data lines: "offset lex_filenum ss_type ... | gloss  ".
Status LoadWordNet(const std::string& dir, std::vector<CorpusDocument>* docs) {
  static const char* kFiles[] = {"data.noun", "data.verb", "data.adj", "data.adv"};
  for (const char* f : kFiles) {
    auto text = core::ReadFile(dir + "/" + f);
    if (!text.ok()) {
      return Status::NotFound(dir + "/" + f +
                              ": not found (install the Debian package 'wordnet-base')");
    }
    const std::string repaired = RepairUtf8(*text);
    for (std::string_view line : core::SplitLines(repaired)) {
      if (line.starts_with("  ")) continue;  // licence header
      size_t bar = line.find(" | ");
      if (bar == std::string_view::npos) continue;
      std::string_view gloss = Trim(line.substr(bar + 3));
      if (CountWords(gloss) < 3) continue;
      std::string doc(gloss);
      if (!doc.empty() && doc.back() != '.' && doc.back() != '"') doc.push_back('.');
      docs->push_back({"wordnet", std::move(doc)});
    }
  }
  return Status::Ok();
}

// GCIDE has a few stray Windows-1252 bytes among its UTF-8. Each byte that
// is not part of valid UTF-8 is read as Windows-1252 (Latin-1 for 0xA0..0xFF)
// and re-encoded, so the corpus is valid UTF-8 and loses no letter.
std::string RepairUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    const size_t bad = FindInvalidUtf8(s);
    if (bad == std::string_view::npos) {
      out.append(s);
      break;
    }
    out.append(s.substr(0, bad));
    const unsigned char c = static_cast<unsigned char>(s[bad]);
    s.remove_prefix(bad + 1);
    uint32_t cp = c;
    if (c >= 0x80 && c < 0xA0) {
      switch (c) {
        case 0x85:
          cp = 0x2026;
          break;
        case 0x91:
          cp = 0x2018;
          break;
        case 0x92:
          cp = 0x2019;
          break;
        case 0x93:
          cp = 0x201C;
          break;
        case 0x94:
          cp = 0x201D;
          break;
        case 0x96:
          cp = 0x2013;
          break;
        case 0x97:
          cp = 0x2014;
          break;
        default:
          continue;  // no printable meaning: drop it
      }
    }
    if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

Result<std::string> ReadGzip(const std::string& path) {
  gzFile g = gzopen(path.c_str(), "rb");
  if (g == nullptr)
    return Status::NotFound(path + ": not found (install the Debian package 'dict-gcide')");
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(g, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  int err = 0;
  const char* msg = gzerror(g, &err);
  std::string m = msg ? msg : "";
  gzclose(g);
  if (n < 0 || (err != Z_OK && err != Z_STREAM_END)) return Status::Corruption(path + ": " + m);
  return out;
}

// A source tag line such as "[1913 Webster]" or "[PJC]".
bool IsTagLine(std::string_view line) {
  line = Trim(line);
  return line.size() >= 3 && line.front() == '[' && line.back() == ']' &&
         line.find('[', 1) == std::string_view::npos;
}

// Dictionary markup is not prose: "{Di*chot"o*mous*ly}" carries syllable and
// stress marks inside braces, and "[L. dichotomos, Gr. ?]" etymologies or
// "[R.]" labels interrupt sentences. Braces and the marks inside them are
// dropped, bracketed segments removed, and spaces collapsed.
std::string CleanGcideMarkup(std::string_view para) {
  std::string out;
  out.reserve(para.size());
  int brace = 0, bracket = 0;
  for (char c : para) {
    if (c == '[') {
      ++bracket;
      continue;
    }
    if (c == ']' && bracket > 0) {
      --bracket;
      continue;
    }
    if (bracket > 0) continue;
    if (c == '{') {
      ++brace;
      continue;
    }
    if (c == '}' && brace > 0) {
      --brace;
      continue;
    }
    if (brace > 0 && (c == '*' || c == '"' || c == '`')) continue;
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  // "word ." and "word ," left behind by a removed segment.
  std::string fixed;
  fixed.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == ' ' && i + 1 < out.size() &&
        (out[i + 1] == '.' || out[i + 1] == ',' || out[i + 1] == ';')) {
      continue;
    }
    fixed.push_back(out[i]);
  }
  return fixed;
}

Status LoadGcide(const std::string& path, std::vector<CorpusDocument>* docs) {
  WARDEN_ASSIGN_OR_RETURN(std::string raw, ReadGzip(path));
  const std::string all = RepairUtf8(raw);
  raw.clear();
  std::string para;
  bool skip_etymology = false;
  bool first_line = true;
  auto flush = [&]() {
    const std::string clean = CleanGcideMarkup(para);
    std::string_view t = Trim(clean);
    bool boiler = t.find("GNU") != std::string_view::npos ||
                  t.find("* * *") != std::string_view::npos ||
                  t.find("====") != std::string_view::npos;
    if (!boiler && CountWords(t) >= 5) docs->push_back({"gcide", std::string(t)});
    para.clear();
    first_line = true;
    skip_etymology = false;
  };
  for (std::string_view line : core::SplitLines(all)) {
    line = Trim(line);
    if (line.empty()) {
      flush();
      continue;
    }
    if (first_line) {
      first_line = false;
      // "Headword \Pro*nun"ci*a`tion\, n. [etymology ...]": not prose.
      if (line.find('\\') != std::string_view::npos) {
        size_t open = line.rfind('[');
        skip_etymology =
            open != std::string_view::npos && line.find(']', open) == std::string_view::npos;
        continue;
      }
    }
    if (skip_etymology) {
      if (line.find(']') != std::string_view::npos) skip_etymology = false;
      continue;
    }
    if (IsTagLine(line)) continue;
    if (!para.empty()) para.push_back(' ');
    para.append(line);
  }
  flush();
  return Status::Ok();
}

}  // namespace

bool IsHeldOut(std::string_view text, double fraction) {
  // 2^-64 resolution; the constant seed makes the split stable forever.
  const uint64_t h = core::Hash64(text, 0x5eedc0de2026ULL);
  return static_cast<double>(h) < fraction * 18446744073709551616.0;
}

Result<Corpus> LoadDefaultCorpus(const DefaultCorpusOptions& opts) {
  if (!(opts.heldout_fraction >= 0 && opts.heldout_fraction < 1))
    return Status::InvalidArgument("held-out fraction must be in [0, 1)");
  std::vector<CorpusDocument> docs;
  WARDEN_RETURN_IF_ERROR(LoadFortunes(opts.fortunes_dir, &docs));
  WARDEN_RETURN_IF_ERROR(LoadWordNet(opts.wordnet_dir, &docs));
  WARDEN_RETURN_IF_ERROR(LoadGcide(opts.gcide_path, &docs));
  Corpus c;
  for (CorpusDocument& d : docs) {
    if (IsHeldOut(d.text, opts.heldout_fraction)) {
      c.heldout_bytes += d.text.size();
      c.heldout.push_back(std::move(d));
    } else if (opts.max_train_bytes == 0 || c.train_bytes + d.text.size() <= opts.max_train_bytes) {
      c.train_bytes += d.text.size();
      c.train.push_back(std::move(d));
    }
  }
  return c;
}

}  // namespace warden::text
