// PII and evasion evaluations (see guard_eval.h).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "eval/guard/rules_eval.h"
#include "warden/core/io.h"

namespace warden::eval {
namespace {

std::string Pct(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", x);
  return b;
}

// Presidio entity types and the warden types that answer them.
std::string MapGold(const std::string& t) {
  if (t == "EMAIL_ADDRESS") return "email";
  if (t == "PHONE_NUMBER") return "phone";
  if (t == "CREDIT_CARD") return "card";
  if (t == "IBAN_CODE") return "iban";
  if (t == "US_SSN") return "ssn";
  if (t == "IP_ADDRESS") return "ip";
  if (t == "PERSON") return "person";
  if (t == "STREET_ADDRESS") return "address";
  return "";
}

std::string MapPred(const std::string& t) {
  if (t == "ipv4" || t == "ipv6") return "ip";
  return t;
}

struct Span {
  std::string type;
  size_t b, e;
};

double Iou(const Span& a, const Span& b) {
  const size_t lo = std::max(a.b, b.b), hi = std::min(a.e, b.e);
  if (hi <= lo) return 0;
  const size_t uni = std::max(a.e, b.e) - std::min(a.b, b.b);
  return static_cast<double>(hi - lo) / static_cast<double>(uni);
}

// Presidio offsets are Python string indices (code points); ours are bytes.
size_t CodePointToByte(const std::string& s, size_t cp) {
  size_t i = 0, n = 0;
  while (i < s.size() && n < cp) {
    const auto b = static_cast<uint8_t>(s[i]);
    i += b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    ++n;
  }
  return std::min(i, s.size());
}

void AddNames(const std::string& value, guard::NameGazetteer* g) {
  std::vector<std::string> words;
  std::string cur;
  for (char c : value + " ") {
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '\'' || c == '-') {
      cur.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!cur.empty()) {
      words.push_back(cur);
      cur.clear();
    }
  }
  static const std::set<std::string> kTitles = {"mr",   "mrs", "ms", "miss", "dr",
                                                "prof", "sir", "jr", "sr",   "md",
                                                "phd",  "dds", "ii", "iii",  "iv"};
  std::erase_if(words, [](const std::string& w) { return kTitles.count(w) != 0 || w.size() < 2; });
  if (words.empty()) return;
  g->first.insert(words.front());
  if (words.size() > 1) g->last.insert(words.back());
}

}  // namespace

Result<PiiEval> EvaluatePii(const std::string& path) {
  WARDEN_ASSIGN_OR_RETURN(std::string data, core::ReadFile(path));
  const auto j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_array())
    return Status::Corruption(path + ": expected a JSON array");
  PiiEval ev;
  for (size_t i = 0; i < j.size(); i += 2) {
    for (const auto& s : j[i].value("spans", nlohmann::json::array())) {
      if (s.value("entity_type", "") == "PERSON")
        AddNames(s.value("entity_value", ""), &ev.gazetteer);
    }
  }
  guard::PiiOptions opts;
  opts.names = ev.gazetteer;
  WARDEN_ASSIGN_OR_RETURN(auto scanner, guard::PiiScanner::Create(opts));
  double seconds = 0;
  for (size_t i = 0; i < j.size(); ++i) {
    const auto& rec = j[i];
    if (!rec.is_object() || !rec.contains("full_text"))
      return Status::Corruption(path + ": record without full_text");
    const std::string text = rec["full_text"].get<std::string>();
    const bool held_out = i % 2 == 1;
    ++ev.records;
    ev.held_out += held_out;
    std::vector<Span> gold;
    for (const auto& s : rec.value("spans", nlohmann::json::array())) {
      const std::string t = MapGold(s.value("entity_type", ""));
      if (t.empty()) continue;
      gold.push_back({t, CodePointToByte(text, s.value("start_position", 0u)),
                      CodePointToByte(text, s.value("end_position", 0u))});
    }
    std::vector<guard::Finding> found;
    const auto t0 = std::chrono::steady_clock::now();
    WARDEN_RETURN_IF_ERROR(scanner->Scan(text, &found));
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ev.bytes += text.size();
    std::vector<Span> pred;
    for (const guard::Finding& f : found) {
      const std::string t = MapPred(f.type);
      if (t == "url" || t == "date_of_birth") continue;  // no comparable gold type
      pred.push_back({t, f.begin, f.end});
    }
    std::vector<bool> used(gold.size(), false);
    auto counts = [&](const std::string& t) {
      return held_out || (t != "person" && t != "address");
    };
    for (const Span& p : pred) {
      if (!counts(p.type)) continue;
      bool hit = false;
      for (size_t g = 0; g < gold.size() && !hit; ++g) {
        if (!used[g] && gold[g].type == p.type && Iou(gold[g], p) >= 0.5) used[g] = hit = true;
      }
      (hit ? ev.by_type[p.type].tp : ev.by_type[p.type].fp)++;
    }
    for (size_t g = 0; g < gold.size(); ++g) {
      if (!used[g] && counts(gold[g].type)) ev.by_type[gold[g].type].fn++;
    }
  }
  ev.seconds = seconds;
  return ev;
}

std::vector<EvasionCase> BuildEvasionSuite(const std::vector<guard::LexiconTerm>& terms,
                                           uint64_t seed) {
  std::mt19937_64 rng(seed);
  // Single-word terms of at least 4 letters and real severity.
  std::vector<std::string> pool;
  std::set<std::string> seen;
  for (const guard::LexiconTerm& t : terms) {
    if (t.substring || t.severity < 0.5 || t.text.size() < 4 || t.text.size() > 10) continue;
    if (!std::all_of(t.text.begin(), t.text.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
      continue;
    if (seen.insert(t.text).second) pool.push_back(t.text);
  }
  std::shuffle(pool.begin(), pool.end(), rng);
  if (pool.size() > 60) pool.resize(60);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::vector<std::string> carriers = {"you are such a {} today", "{}", "what a {}!",
                                             "I said {} loudly", "total {} move"};
  auto carry = [&](const std::string& v) {
    std::string c = carriers[pick(carriers.size())];
    return c.replace(c.find("{}"), 2, v);
  };
  auto leet = [](std::string w) {
    for (char& c : w) {
      switch (c) {
        case 'a':
          c = '4';
          break;
        case 'e':
          c = '3';
          break;
        case 'i':
          c = '1';
          break;
        case 'o':
          c = '0';
          break;
        case 's':
          c = '$';
          break;
        case 't':
          c = '7';
          break;
        default:
          break;
      }
    }
    return w;
  };
  const std::vector<std::pair<char, std::string>> homoglyphs = {
      {'a', "\u0430"}, {'e', "\u0435"}, {'o', "\u043E"}, {'p', "\u0440"}, {'c', "\u0441"},
      {'x', "\u0445"}, {'y', "\u0443"}, {'i', "\u0456"}, {'s', "\u0455"}, {'k', "\u03BA"}};
  std::vector<EvasionCase> suite;
  for (const std::string& w : pool) {
    std::string sep_word;
    const std::string seps[] = {".", "-", "_", " ", "*", " . "};
    const std::string sep = seps[pick(std::size(seps))];
    for (size_t i = 0; i < w.size(); ++i) sep_word += (i ? sep : "") + std::string(1, w[i]);
    std::string repeated;
    for (char c : w) repeated += std::string(1 + pick(3), c);
    std::string homo;
    for (char c : w) {
      auto it = std::find_if(homoglyphs.begin(), homoglyphs.end(),
                             [&](const auto& h) { return h.first == c; });
      homo += it != homoglyphs.end() && pick(2) == 0 ? it->second : std::string(1, c);
    }
    if (homo == w)
      homo = std::string(1, static_cast<char>(std::toupper(w[0]))) + "\u200D" + w.substr(1);
    std::string invisible;
    const std::string invis[] = {"\u200B", "\u200C", "\u00AD", "\u2060"};
    for (size_t i = 0; i < w.size(); ++i)
      invisible += (i ? invis[pick(4)] : "") + std::string(1, w[i]);
    std::string wide;
    for (size_t i = 0; i < w.size(); ++i) {
      const char c = i % 2 ? w[i] : static_cast<char>(std::toupper(w[i]));
      std::string ch;
      // Full-width forms: U+FF01 + (c - '!').
      const uint32_t cp = 0xFF01 + static_cast<uint32_t>(c - '!');
      ch.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      ch.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      ch.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      wide += pick(2) ? ch : std::string(1, c);
    }
    std::string accent;
    for (char c : w) accent += std::string(1, c) + (std::strchr("aeiou", c) ? "\u0308" : "");
    std::string combo;
    const std::string lw = leet(w);
    for (size_t i = 0; i < lw.size(); ++i)
      combo += (i ? "." : "") + std::string(1 + (i == 1), lw[i]);
    for (const auto& [kind, v] :
         std::vector<std::pair<std::string, std::string>>{{"leetspeak", leet(w)},
                                                          {"separators", sep_word},
                                                          {"repeats", repeated},
                                                          {"homoglyphs", homo},
                                                          {"invisible", invisible},
                                                          {"fullwidth_case", wide},
                                                          {"accents", accent},
                                                          {"combined", combo}}) {
      suite.push_back({carry(v), true, kind, w});
    }
  }
  // Innocent look-alikes: dictionary words containing a denied term.
  std::vector<std::string> words = {
      "Scunthorpe", "Penistone",  "Essex",      "Sussex",   "Middlesex",    "cocktail",
      "cockatoo",   "assessment", "assassin",   "classic",  "passion",      "bass",
      "analysis",   "therapist",  "grape",      "document", "circumstance", "cumulative",
      "Hancock",    "shiitake",   "title",      "titan",    "constitution", "scrap",
      "Dickinson",  "hello",      "shell",      "pianist",  "arsenal",      "massive",
      "embassy",    "harassment", "buttress",   "button",   "cucumber",     "peacock",
      "Matsushita", "specialist", "skyscraper", "sextant",  "Sextus",       "pussywillow",
      "raccoon",    "niggardly",  "snigger",    "spick",    "Cockburn",     "Lightwater",
      "assume",     "glass",      "grass",      "brass",    "compass",      "bypass",
      "tassel",     "hassle",     "lasso",      "mass",     "Picasso",      "sassafras",
      "cassette"};
  std::ifstream index("/usr/share/dictd/gcide.index");
  std::vector<std::string> dict;
  for (std::string line; std::getline(index, line);) {
    const std::string w = line.substr(0, line.find('\t'));
    if (w.size() < 5 || w.size() > 14) continue;
    if (!std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; })) continue;
    dict.push_back(w);
  }
  std::vector<std::string> stems;
  for (const guard::LexiconTerm& t : terms) {
    if (!t.substring && t.text.size() >= 3 &&
        std::all_of(t.text.begin(), t.text.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
      stems.push_back(t.text);
    }
  }
  std::set<std::string> term_set(stems.begin(), stems.end());
  std::vector<std::string> contains;
  for (const std::string& w : dict) {
    if (term_set.count(w) != 0) continue;
    for (const std::string& s : stems) {
      // Contains the term, and is not the term plus an inflection.
      if (w.find(s) != std::string::npos && w.rfind(s, 0) != 0) {
        contains.push_back(w);
        break;
      }
    }
  }
  std::shuffle(contains.begin(), contains.end(), rng);
  if (contains.size() > 300) contains.resize(300);
  for (const std::string& w : contains) words.push_back(w);
  for (const std::string& w : words)
    suite.push_back({"the " + w + " was mentioned", false, "lookalike", w});
  return suite;
}

EvasionEval EvaluateEvasion(const guard::LexiconScanner& lexicon,
                            const std::vector<EvasionCase>& suite) {
  EvasionEval ev;
  std::vector<guard::Finding> found;
  for (const EvasionCase& c : suite) {
    found.clear();
    const bool flagged = lexicon.Scan(c.text, &found).ok() && !found.empty();
    auto& k = ev.by_kind[c.kind];
    ++k.second;
    k.first += flagged;
    if (c.should_flag) {
      ++ev.positives;
      ev.caught += flagged;
      if (!flagged && ev.missed.size() < 15) ev.missed.push_back(c.text);
    } else {
      ++ev.negatives;
      ev.false_positives += flagged;
      if (flagged && ev.flagged_innocent.size() < 15) {
        ev.flagged_innocent.push_back(c.term + " (" + (found.empty() ? "" : found[0].evidence) +
                                      ")");
      }
    }
  }
  return ev;
}

Result<PolicyEval> EvaluatePolicy(const guard::Guard& guard, const std::vector<EvasionCase>& suite,
                                  const std::string& path) {
  PolicyEval ev;
  for (const EvasionCase& c : suite) {
    WARDEN_ASSIGN_OR_RETURN(guard::Verdict v,
                            guard.Apply(c.text, guard::Direction::kOutput, nullptr));
    if (c.should_flag) {
      ++ev.variants;
      ev.variants_blocked += v.blocked;
    } else {
      ++ev.lookalikes;
      ev.lookalikes_allowed += !v.blocked;
    }
  }
  WARDEN_ASSIGN_OR_RETURN(std::string data, core::ReadFile(path));
  const auto j = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_array())
    return Status::Corruption(path + ": expected a JSON array");
  static const std::set<std::string> kStructured = {"email", "phone", "card", "iban", "ssn", "ip"};
  for (const auto& rec : j) {
    if (!rec.is_object() || !rec.contains("full_text") || !rec["full_text"].is_string()) continue;
    const std::string text = rec["full_text"].get<std::string>();
    WARDEN_ASSIGN_OR_RETURN(guard::Verdict v,
                            guard.Apply(text, guard::Direction::kOutput, nullptr));
    ++ev.records;
    ev.records_blocked += v.blocked;
    for (const auto& s : rec.value("spans", nlohmann::json::array())) {
      if (kStructured.count(MapGold(s.value("entity_type", ""))) == 0) continue;
      ++ev.pii_values;
      ev.pii_hidden += v.blocked || v.text.find(s.value("entity_value", "")) == std::string::npos;
    }
  }
  return ev;
}

Result<RulesEvalPage> RenderRulesEval(const RulesEvalOptions& options) {
  RulesEvalPage page;
  const std::string& dir = options.paths.data_dir;
  std::ostringstream md;
  md << "# Guard evaluation: rules (lexicon, PII)\n\n"
     << "Generated by `warden guard eval-rules --data-dir "
     << (options.command_data_dir.empty() ? "<shared data>" : options.command_data_dir)
     << "` (deterministic: fixed seed 4). Classifier figures (Davidson, HateCheck, injection): "
     << "[guard-eval-classifiers.md](guard-eval-classifiers.md). Speed and memory: "
        "[guard.md](guard.md#performance).\n\n";
  // PII.
  WARDEN_ASSIGN_OR_RETURN(PiiEval pii_eval,
                          EvaluatePii(dir + "/guard/presidio_synth_dataset_v2.json"));
  const PiiEval* pii = &pii_eval;
  md << "## PII (Presidio synthetic dataset v2)\n\n"
     << "Entity level: a prediction counts when it overlaps an unmatched gold span of the same "
        "type with "
     << "IoU >= 0.5. Structured types on all " << pii->records
     << " records; person and address on the " << pii->held_out
     << " odd-numbered records only, because the person-name gazetteer ("
     << pii->gazetteer.first.size() << " first, " << pii->gazetteer.last.size()
     << " last names) is built from the even-numbered ones. Gold ipv4/ipv6 are one type `ip`.\n\n"
     << "| type | gold | TP | FP | FN | precision | recall | F1 | target "
        "|\n|---|---|---|---|---|---|---|---|---|\n";
  const std::vector<std::string> structured = {"email", "phone", "card", "iban", "ssn", "ip"};
  int stp = 0, sfp = 0, sfn = 0;
  for (const auto& [type, s] : pii->by_type) {
    const bool is_structured =
        std::find(structured.begin(), structured.end(), type) != structured.end();
    if (is_structured) stp += s.tp, sfp += s.fp, sfn += s.fn;
    md << "| " << type << " | " << s.tp + s.fn << " | " << s.tp << " | " << s.fp << " | " << s.fn
       << " | " << Pct(s.precision()) << " | " << Pct(s.recall()) << " | " << Pct(s.f1()) << " | "
       << (is_structured ? (s.f1() >= 0.95 ? ">= 0.95 met" : ">= 0.95 **not met**") : "reported")
       << " |\n";
  }
  TypeScores all{stp, sfp, sfn};
  md << "| **structured, micro** | " << stp + sfn << " | " << stp << " | " << sfp << " | " << sfn
     << " | " << Pct(all.precision()) << " | " << Pct(all.recall()) << " | " << Pct(all.f1())
     << " | " << (all.f1() >= 0.95 ? "met" : "**not met**") << " |\n\n"
     << "Scanning time: " << Pct(pii->seconds * 1000) << " ms for " << pii->bytes << " bytes ("
     << Pct(pii->bytes / 1e6 / std::max(pii->seconds, 1e-9))
     << " MB/s, one thread, includes phone validation).\n\n";
  page.gazetteer = pii->gazetteer.Serialize();
  // Evasion.
  bool from_data = false;
  const auto terms = guard::LoadDefaultLexicon(dir, &from_data);
  WARDEN_ASSIGN_OR_RETURN(auto lex,
                          guard::LexiconScanner::Create(terms, guard::BuiltinAllowList()));
  const auto suite = BuildEvasionSuite(terms, 4);
  const auto ev = EvaluateEvasion(*lex, suite);
  md << "## Evasion suite\n\n"
     << "Lexicon: "
     << (from_data ? "LDNOOBW + Surge AI profanity + warden's builtin list"
                   : "warden's builtin list")
     << " (" << lex->term_count() << " distinct terms). " << ev.positives
     << " obfuscated variants of " << ev.positives / 8 << " terms in carrier sentences, "
     << ev.negatives
     << " innocent look-alikes (hand-written + GCIDE headwords that contain a denied term).\n\n"
     << "| kind | flagged | total | rate |\n|---|---|---|---|\n";
  for (const auto& [kind, k] : ev.by_kind) {
    md << "| " << kind << " | " << k.first << " | " << k.second << " | "
       << Pct(static_cast<double>(k.first) / k.second) << " |\n";
  }
  const double caught = static_cast<double>(ev.caught) / std::max(1, ev.positives);
  const double fpr = static_cast<double>(ev.false_positives) / std::max(1, ev.negatives);
  md << "\nCaught: **" << Pct(caught)
     << "** (target >= 0.95: " << (caught >= 0.95 ? "met" : "**not met**")
     << "). False positives on look-alikes: **" << Pct(fpr)
     << "** (target <= 0.01: " << (fpr <= 0.01 ? "met" : "**not met**") << ").\n\n";
  if (!ev.missed.empty()) {
    md << "Missed variants (first " << ev.missed.size() << "):\n\n";
    for (const auto& m : ev.missed) md << "- `" << m << "`\n";
    md << "\n";
  }
  if (!ev.flagged_innocent.empty()) {
    md << "Flagged look-alikes (first " << ev.flagged_innocent.size() << "):\n\n";
    for (const auto& m : ev.flagged_innocent) md << "- `" << m << "`\n";
    md << "\n";
  }
  // The strict shipped policy on the same sets (rules only: the classifier
  // page evaluates the models).
  core::ResourcePaths focus_paths = options.paths;
  focus_paths.data_dir = dir;
  WARDEN_ASSIGN_OR_RETURN(guard::Policy focus_policy,
                          guard::LoadPolicy("focus-group", focus_paths));
  WARDEN_ASSIGN_OR_RETURN(auto focus, guard::Guard::Create(focus_policy, focus_paths));
  WARDEN_ASSIGN_OR_RETURN(
      const PolicyEval pe,
      EvaluatePolicy(*focus, suite, dir + "/guard/presidio_synth_dataset_v2.json"));
  md << "## `--policy focus-group` on these sets (rules only, output direction)\n\n"
     << "| set | result |\n|---|---|\n"
     << "| obfuscated variants blocked | " << pe.variants_blocked << " / " << pe.variants << " ("
     << Pct(static_cast<double>(pe.variants_blocked) / std::max(1, pe.variants)) << ") |\n"
     << "| innocent look-alikes allowed | " << pe.lookalikes_allowed << " / " << pe.lookalikes
     << " (" << Pct(static_cast<double>(pe.lookalikes_allowed) / std::max(1, pe.lookalikes))
     << ") |\n"
     << "| Presidio structured PII values hidden (masked or record blocked) | " << pe.pii_hidden
     << " / " << pe.pii_values << " ("
     << Pct(static_cast<double>(pe.pii_hidden) / std::max(1, pe.pii_values)) << ") |\n"
     << "| Presidio records blocked outright | " << pe.records_blocked << " / " << pe.records
     << " |\n\n"
     << "Focus-group blocks at HIGH strength, so mild list terms (severity ~0.33) block too; "
        "records are "
     << "blocked when they contain such a term or invalid UTF-8.\n";
  page.markdown = md.str();
  page.structured_f1 = all.f1();
  page.caught = caught;
  page.false_positive_rate = fpr;
  return page;
}

}  // namespace warden::eval
