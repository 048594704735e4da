// Shared helpers for the text module's tests: sample English prose and
// random strings.
#ifndef WARDEN_TESTS_TEXT_TEXT_TEST_UTIL_H_
#define WARDEN_TESTS_TEXT_TEXT_TEST_UTIL_H_

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace warden::text::testing {

// A few paragraphs of plain English, written for these tests.
inline constexpr std::string_view kEnglishSample =
    "The lighthouse keeper climbed the stairs every evening at six, counting each of the\n"
    "one hundred and twelve steps out loud. His daughter, who found the habit tiresome,\n"
    "once asked him why he didn't simply trust his legs. \"Because the day I lose count,\"\n"
    "he said, \"is the day I stop paying attention to the sea.\"\n"
    "\n"
    "In 1987 the harbour office replaced the old lamp with an automatic one. The keeper\n"
    "kept climbing anyway. He wrote the weather in a notebook: wind from the north-east,\n"
    "visibility 3 miles, two fishing boats returning late. Nobody read the notebook, and\n"
    "he knew it; that was not the point.\n"
    "\n"
    "    When the storm of the following winter came, the automatic lamp failed for\n"
    "forty minutes. The keeper lit the spare lantern, carried it to the gallery, and\n"
    "held it there until his arms shook. Three boats came home that night. The report\n"
    "said the outage was \"brief and without consequence\", which was true, in a way.\n"
    "\n"
    "Years later, his daughter found the notebooks in a box (there were 41 of them),\n"
    "each page dated and signed. She read them all, slowly, over a summer. The weather\n"
    "repeated itself more than she had expected; the keeper's handwriting did not.\n";

// `approx_bytes` of English-like text: sentences of the sample shuffled
// with a fixed seed, so tests see a larger but reproducible corpus.
inline std::string EnglishText(size_t approx_bytes, uint32_t seed = 1) {
  std::vector<std::string_view> sentences;
  std::string_view s = kEnglishSample;
  while (!s.empty()) {
    size_t end = s.find_first_of(".;:", 0);
    end = end == std::string_view::npos ? s.size() : end + 1;
    sentences.push_back(s.substr(0, end));
    s.remove_prefix(end);
  }
  std::mt19937 rng(seed);
  std::string out;
  while (out.size() < approx_bytes) out += sentences[rng() % sentences.size()];
  return out;
}

// A random valid UTF-8 string of `n` code points drawn from ASCII, Latin,
// Cyrillic, CJK, emoji, combining marks and invisible characters.
inline std::string RandomUtf8(std::mt19937& rng, size_t n) {
  static constexpr uint32_t kRanges[][2] = {
      {0x20, 0x7E},     {0x09, 0x0D},     {0x80, 0x7FF},    {0x400, 0x4FF},     {0x300, 0x36F},
      {0x4E00, 0x4FFF}, {0x200B, 0x206F}, {0xE000, 0xFFFD}, {0x1F300, 0x1F6FF}, {0x10000, 0x10FFFF},
  };
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    // ASCII half of the time so pre-token classes mix.
    const auto& r = (rng() % 2 == 0) ? kRanges[0] : kRanges[rng() % std::size(kRanges)];
    uint32_t c = r[0] + rng() % (r[1] - r[0] + 1);
    if (c >= 0xD800 && c <= 0xDFFF) c = 'x';
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

}  // namespace warden::text::testing

#endif  // WARDEN_TESTS_TEXT_TEXT_TEST_UTIL_H_
