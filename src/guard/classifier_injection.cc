// Heuristic signals of prompt injection and jailbreaks.
//
// Each signal is a feature of the injection classifier (so training decides
// how much it counts) and evidence in its findings. Phrase signals look at
// the classifier's normalized words, so case, homoglyphs, leetspeak and
// invisible characters do not hide them; the others look at the raw bytes
// (invisible and tag characters, delimiters) or decode what looks encoded
// (base64, hex, rot13) and look for the phrase signals inside.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/strings.h"
#include "warden/guard/classifier.h"
#include "warden/text/utf8.h"

namespace warden::guard {
namespace {

template <size_t N>
bool Contains(const std::array<std::string_view, N>& set, std::string_view w) {
  for (std::string_view s : set) {
    if (s == w) return true;
  }
  return false;
}

std::vector<std::string_view> Words(std::string_view normalized) {
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (pos < normalized.size()) {
    size_t end = normalized.find(' ', pos);
    if (end == std::string_view::npos) end = normalized.size();
    if (end > pos) words.push_back(normalized.substr(pos, end - pos));
    pos = end + 1;
  }
  return words;
}

// True when the word sequence `phrase` (space separated) occurs in `words`.
bool HasPhrase(const std::vector<std::string_view>& words, std::string_view phrase) {
  const std::vector<std::string_view> p = Words(phrase);
  if (p.empty() || p.size() > words.size()) return false;
  for (size_t i = 0; i + p.size() <= words.size(); ++i) {
    size_t j = 0;
    while (j < p.size() && words[i + j] == p[j]) ++j;
    if (j == p.size()) return true;
  }
  return false;
}

constexpr std::array<std::string_view, 12> kOverrideVerbs = {
    "ignore",  "disregard", "forget",  "override", "bypass", "skip",
    "neglect", "abandon",   "discard", "drop",     "omit",   "overlook"};
constexpr std::array<std::string_view, 20> kOverrideObjects = {
    "instructions", "instruction", "rules",        "directives",  "directive",
    "guidelines",   "prompt",      "above",        "previous",    "prior",
    "earlier",      "everything",  "restrictions", "programming", "constraints",
    "policies",     "told",        "guidance",     "commands",    "orders"};

constexpr std::array<std::string_view, 16> kRoleplayPhrases = {
    "you are now",     "pretend to be", "pretend you are",
    "act as",          "roleplay",      "role play",
    "do anything now", "jailbreak",     "developer mode",
    "no restrictions", "unfiltered",    "stay in character",
    "from now on",     "you will now",  "without any restrictions",
    "no longer bound"};
constexpr std::array<std::string_view, 12> kExtractionPhrases = {
    "system prompt",    "your instructions",   "initial prompt", "original prompt",
    "repeat the words", "reveal your",         "print your",     "show me your prompt",
    "your prompt",      "hidden instructions", "above text",     "text above"};

void PhraseSignals(std::string_view normalized, std::string_view prefix,
                   std::vector<InjectionSignal>* out, size_t begin, size_t end) {
  const std::vector<std::string_view> words = Words(normalized);
  bool override_found = false;
  for (size_t i = 0; i < words.size() && !override_found; ++i) {
    if (!Contains(kOverrideVerbs, words[i])) continue;
    for (size_t j = i + 1; j < words.size() && j <= i + 5; ++j) {
      if (Contains(kOverrideObjects, words[j])) {
        override_found = true;
        break;
      }
    }
  }
  auto add = [&](std::string_view name) {
    out->push_back({std::string(prefix) + std::string(name), begin, end});
  };
  for (std::string_view p : {"regardless of previous", "regardless of your", "instead of your",
                             "new instructions", "updated instructions", "real instructions"}) {
    override_found = override_found || HasPhrase(words, p);
  }
  if (override_found) add("override");
  for (std::string_view p : kRoleplayPhrases) {
    if (HasPhrase(words, p)) {
      add("roleplay");
      break;
    }
  }
  for (std::string_view p : kExtractionPhrases) {
    if (HasPhrase(words, p)) {
      add("prompt_extraction");
      break;
    }
  }
  if (words.size() == 1 ? false : HasPhrase(words, "dan")) add("roleplay_dan");
}

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/' || c == '=';
}
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Mostly printable ASCII with some letters and spaces: decoded prose.
bool LooksLikeText(std::string_view s) {
  if (s.size() < 8) return false;
  size_t printable = 0, letters = 0, spaces = 0;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    printable += (u >= 0x20 && u < 0x7F) || u == '\n';
    letters += (u | 0x20) >= 'a' && (u | 0x20) <= 'z';
    spaces += u == ' ';
  }
  return printable * 100 >= s.size() * 95 && letters * 2 >= s.size() && spaces >= 1;
}

std::string Rot13(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>('a' + (c - 'a' + 13) % 26);
  }
  return out;
}

const ClassifierNormalizer* Normalizer() {
  static const auto* n = [] {
    auto r = ClassifierNormalizer::Create();
    return r.ok() ? new ClassifierNormalizer(std::move(r).value()) : nullptr;
  }();
  return n;
}

void HiddenSignals(std::string_view decoded, std::string_view kind, size_t begin, size_t end,
                   std::vector<InjectionSignal>* out) {
  out->push_back({std::string(kind), begin, end});
  if (Normalizer() == nullptr) return;
  PhraseSignals(Normalizer()->Normalize(decoded), "hidden_", out, begin, end);
}

}  // namespace

std::vector<InjectionSignal> FindInjectionSignals(std::string_view text,
                                                  std::string_view normalized) {
  std::vector<InjectionSignal> out;
  PhraseSignals(normalized, "", &out, 0, text.size());

  // Raw scan: invisible and tag characters, encoded runs, delimiters.
  std::string tag_payload;
  size_t tag_begin = 0, tag_end = 0, invisible_at = std::string_view::npos, invisible_end = 0;
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const size_t bad = text::FindInvalidUtf8(text.substr(i, 4));
      if (bad == 0) {
        ++i;
        continue;
      }
      const auto* p = reinterpret_cast<const uint8_t*>(text.data() + i);
      const auto* start = p;
      const uint32_t cp = text::DecodeValidUtf8(p);
      const size_t len = static_cast<size_t>(p - start);
      if (cp >= 0xE0000 && cp <= 0xE007F) {
        if (tag_payload.empty()) tag_begin = i;
        tag_end = i + len;
        if (cp >= 0xE0020 && cp < 0xE007F) tag_payload.push_back(static_cast<char>(cp - 0xE0000));
      } else if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF ||
                 cp == 0x00AD || (cp >= 0x202A && cp <= 0x202E)) {
        if (invisible_at == std::string_view::npos) invisible_at = i;
        invisible_end = i + len;
      }
      i += len;
      continue;
    }
    // A run of base64 or hex characters.
    if (IsBase64Char(static_cast<char>(c))) {
      size_t j = i;
      bool all_hex = true;
      while (j < text.size() && IsBase64Char(text[j])) {
        all_hex &= HexValue(text[j]) >= 0;
        ++j;
      }
      const std::string_view run = text.substr(i, j - i);
      if (run.size() >= 16) {
        if (all_hex && run.size() % 2 == 0) {
          std::string decoded;
          for (size_t h = 0; h + 1 < run.size(); h += 2) {
            decoded.push_back(static_cast<char>(HexValue(run[h]) * 16 + HexValue(run[h + 1])));
          }
          if (LooksLikeText(decoded)) HiddenSignals(decoded, "encoded_hex", i, j, &out);
        } else {
          const std::string decoded =
              core::DecodeBase64Prefix(run, core::Base64Alphabet::kStandard);
          if (LooksLikeText(decoded)) HiddenSignals(decoded, "encoded_base64", i, j, &out);
        }
      }
      i = j;
      continue;
    }
    ++i;
  }
  if (!tag_payload.empty() || tag_end > 0) {
    HiddenSignals(tag_payload, "tag_chars", tag_begin, tag_end, &out);
  }
  if (invisible_at != std::string_view::npos) {
    out.push_back({"invisible", invisible_at, invisible_end});
  }
  for (std::string_view d : {"```", "###", "<|", "|>", "[INST]", "[/INST]", "</s>", "<<SYS>>",
                             "-----", "=====", "\"\"\"", "<system>", "</system>"}) {
    if (text.find(d) != std::string_view::npos) {
      const size_t at = text.find(d);
      out.push_back({"delimiter", at, at + d.size()});
      break;
    }
  }
  // rot13: phrase signals that only appear once the words are rotated.
  std::vector<InjectionSignal> rotated;
  PhraseSignals(Rot13(normalized), "hidden_", &rotated, 0, text.size());
  if (!rotated.empty()) {
    out.push_back({"encoded_rot13", 0, text.size()});
    out.insert(out.end(), rotated.begin(), rotated.end());
  }
  const std::vector<std::string_view> words = Words(normalized);
  for (std::string_view w : words) {
    if (w == "base64" || w == "rot13" || w == "hex" || w == "decode" || w == "encoded") {
      out.push_back({"mentions_encoding", 0, text.size()});
      break;
    }
  }
  return out;
}

}  // namespace warden::guard
