#include "eval/watermark/attacks.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "warden/core/hash.h"
#include "warden/core/io.h"
#include "warden/core/strings.h"

namespace warden::eval {

uint64_t EvalRng::Below(uint64_t n) {
  // Lemire's multiply-shift; the tiny bias (< n / 2^64) is irrelevant here
  // and keeps the output identical across standard libraries.
  return static_cast<uint64_t>((static_cast<unsigned __int128>(gen_()) * n) >> 64);
}

double EvalRng::Unit() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }

uint64_t StreamSeed(uint64_t seed, std::string_view purpose, uint64_t index) {
  return core::Mix64(core::Hash64(purpose, seed) ^ core::Mix64(index + 0x9e3779b97f4a7c15ULL));
}

std::vector<size_t> PickPositions(size_t n, double rate, EvalRng& rng) {
  const size_t k = std::min(n, static_cast<size_t>(std::llround(rate * static_cast<double>(n))));
  std::vector<size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  for (size_t i = 0; i < k; ++i) std::swap(idx[i], idx[i + rng.Below(n - i)]);
  idx.resize(k);
  std::sort(idx.begin(), idx.end());
  return idx;
}

namespace {

TokenId RandomToken(int32_t vocab_size, TokenId avoid, TokenId also_avoid, EvalRng& rng) {
  for (;;) {
    const auto t = static_cast<TokenId>(rng.Below(static_cast<uint64_t>(vocab_size)));
    if (t != avoid && t != also_avoid) return t;
  }
}

}  // namespace

std::vector<TokenId> DeleteTokens(std::span<const TokenId> tokens, double rate, EvalRng& rng) {
  const std::vector<size_t> gone = PickPositions(tokens.size(), rate, rng);
  std::vector<TokenId> out;
  out.reserve(tokens.size() - gone.size());
  size_t g = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (g < gone.size() && gone[g] == i) {
      ++g;
      continue;
    }
    out.push_back(tokens[i]);
  }
  return out;
}

std::vector<TokenId> InsertTokens(std::span<const TokenId> tokens, double rate, int32_t vocab_size,
                                  TokenId avoid, EvalRng& rng) {
  const size_t n = tokens.size();
  const auto k = static_cast<size_t>(std::llround(rate * static_cast<double>(n)));
  // (gap, token): the token goes before original position `gap` (n = end).
  std::vector<std::pair<size_t, TokenId>> ins(k);
  for (auto& [gap, tok] : ins) {
    gap = rng.Below(n + 1);
    tok = RandomToken(vocab_size, avoid, avoid, rng);
  }
  std::stable_sort(ins.begin(), ins.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<TokenId> out;
  out.reserve(n + k);
  size_t j = 0;
  for (size_t i = 0; i <= n; ++i) {
    for (; j < ins.size() && ins[j].first == i; ++j) out.push_back(ins[j].second);
    if (i < n) out.push_back(tokens[i]);
  }
  return out;
}

std::vector<TokenId> SubstituteTokens(std::span<const TokenId> tokens, double rate,
                                      int32_t vocab_size, TokenId avoid, EvalRng& rng) {
  std::vector<TokenId> out(tokens.begin(), tokens.end());
  for (size_t i : PickPositions(tokens.size(), rate, rng)) {
    out[i] = RandomToken(vocab_size, avoid, tokens[i], rng);
  }
  return out;
}

// --- WordNet synonyms -------------------------------------------------------

namespace {

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
char Lower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// The usable lowercase form of a WordNet lemma, or "" (multi-word, hyphens,
// digits...). Adjective lemmas may carry a syntactic marker: "big(a)".
std::string UsableLemma(std::string_view lemma) {
  if (size_t paren = lemma.find('('); paren != std::string_view::npos) {
    lemma = lemma.substr(0, paren);
  }
  if (lemma.empty()) return "";
  std::string out;
  out.reserve(lemma.size());
  for (char c : lemma) {
    if (!IsLetter(c)) return "";
    out.push_back(Lower(c));
  }
  return out;
}

std::vector<std::string_view> SplitSpaces(std::string_view line) {
  std::vector<std::string_view> f;
  size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    const size_t start = pos;
    while (pos < line.size() && line[pos] != ' ') ++pos;
    if (pos > start) f.push_back(line.substr(start, pos - start));
  }
  return f;
}

// Short words are left alone: WordNet knows "a" (angstrom) and "I"
// (iodine), and swapping those is not what a paraphraser does.
constexpr size_t kMinWordLength = 3;

}  // namespace

void SynonymTable::AddDataText(std::string_view data) {
  std::vector<std::string> lemmas;
  for (std::string_view line : core::SplitLines(data)) {
    if (line.empty() || line[0] == ' ') continue;  // the license header
    if (size_t bar = line.find(" | "); bar != std::string_view::npos) line = line.substr(0, bar);
    const std::vector<std::string_view> f = SplitSpaces(line);
    if (f.size() < 4) continue;
    size_t count = 0;
    for (char c : f[3]) {
      const int d = c >= '0' && c <= '9'                     ? c - '0'
                    : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                             : -1;
      if (d < 0) {
        count = 0;
        break;
      }
      count = count * 16 + static_cast<size_t>(d);
    }
    lemmas.clear();
    for (size_t i = 0; i < count && 4 + 2 * i < f.size(); ++i) {
      std::string w = UsableLemma(f[4 + 2 * i]);
      if (w.size() >= kMinWordLength &&
          std::find(lemmas.begin(), lemmas.end(), w) == lemmas.end()) {
        lemmas.push_back(std::move(w));
      }
    }
    for (const std::string& a : lemmas) {
      for (const std::string& b : lemmas) {
        if (a != b) table_[a].push_back(b);
      }
    }
  }
}

SynonymTable SynonymTable::FromDataText(std::string_view data) {
  SynonymTable t;
  t.AddDataText(data);
  for (auto& [w, syn] : t.table_) {
    std::sort(syn.begin(), syn.end());
    syn.erase(std::unique(syn.begin(), syn.end()), syn.end());
  }
  return t;
}

Result<SynonymTable> SynonymTable::Load(const std::string& dir) {
  std::string all;
  int found = 0;
  for (const char* part : {"noun", "verb", "adj", "adv"}) {
    auto text = core::ReadFile(dir + "/data." + part);
    if (!text.ok()) continue;
    ++found;
    all += *text;
    all += '\n';
  }
  if (found == 0) {
    return Status::NotFound(dir +
                            "/data.*: WordNet not found (install the Debian package "
                            "'wordnet-base')");
  }
  return FromDataText(all);
}

std::span<const std::string> SynonymTable::Synonyms(std::string_view lower_word) const {
  auto it = table_.find(std::string(lower_word));
  if (it == table_.end()) return {};
  return it->second;
}

SynonymTable::Substitution SynonymTable::Substitute(std::string_view text, double rate,
                                                    EvalRng& rng) const {
  struct Word {
    size_t begin, end;
    std::span<const std::string> synonyms;
  };
  std::vector<Word> words;
  for (size_t i = 0; i < text.size();) {
    if (!IsLetter(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && IsLetter(text[j])) ++j;
    std::string lower;
    for (size_t k = i; k < j; ++k) lower.push_back(Lower(text[k]));
    words.push_back(
        {i, j, lower.size() >= kMinWordLength ? Synonyms(lower) : std::span<const std::string>()});
    i = j;
  }
  std::vector<size_t> candidates;
  for (size_t i = 0; i < words.size(); ++i) {
    if (!words[i].synonyms.empty()) candidates.push_back(i);
  }
  const auto target = static_cast<size_t>(std::llround(rate * static_cast<double>(words.size())));
  const size_t k = std::min(target, candidates.size());
  for (size_t i = 0; i < k; ++i) {
    std::swap(candidates[i], candidates[i + rng.Below(candidates.size() - i)]);
  }
  candidates.resize(k);
  std::sort(candidates.begin(), candidates.end());

  Substitution out;
  out.words = static_cast<int64_t>(words.size());
  out.replaced = static_cast<int64_t>(k);
  size_t copied = 0;
  for (size_t c : candidates) {
    const Word& w = words[c];
    out.text.append(text.substr(copied, w.begin - copied));
    std::string rep = w.synonyms[rng.Below(w.synonyms.size())];
    const std::string_view orig = text.substr(w.begin, w.end - w.begin);
    const bool all_upper = orig.size() > 1 && std::all_of(orig.begin(), orig.end(), IsUpper);
    if (all_upper) {
      for (char& ch : rep) ch = Upper(ch);
    } else if (IsUpper(orig[0])) {
      rep[0] = Upper(rep[0]);
    }
    out.text += rep;
    copied = w.end;
  }
  out.text.append(text.substr(copied));
  return out;
}

}  // namespace warden::eval
