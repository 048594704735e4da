// libFuzzer target for model tokenizers: builds a ModelVocab from fuzz bytes
// (as a hostile GGUF file could), and when NewModelTokenizer accepts it,
// encodes text and checks the invariants: ids in range, Encode fails exactly
// on invalid UTF-8, and Decode(Encode(s)) == s whenever the vocabulary can
// represent every byte (llama family: unless the text holds a literal
// U+2581, which SentencePiece decodes as a space).
//
// Input layout: byte 0 = flags (bit 0: gpt2 family, bits 1-3: pre-tokenizer
// index, bit 4: add_space_prefix, bit 5: add_bos, bit 6: llama byte tokens);
// then vocabulary entries separated by 0x00 up to a 0x00 0x00, the rest is
// the text. An entry's first byte is its type (mod 8; 'M' in gpt2 = a merge
// "left right"), the remaining bytes its text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "warden/text/model_vocab.h"
#include "warden/text/utf8.h"

namespace {

const char* const kPre[] = {"gpt2", "default", "llama-bpe", "qwen2", "smollm", "", "bogus", "gpt2"};

std::string GptByteChar(int b) {
  // GPT-2's mapping: printable Latin-1 keeps its code point, the rest
  // take U+0100 + k in byte order.
  auto printable = [](int x) {
    return (x >= '!' && x <= '~') || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF);
  };
  int k = 0;
  for (int x = 0; x < b; ++x) k += printable(x) ? 0 : 1;
  const unsigned c = printable(b) ? static_cast<unsigned>(b) : 256u + k;
  std::string s;
  if (c < 0x80) {
    s.push_back(static_cast<char>(c));
  } else {
    s.push_back(static_cast<char>(0xC0 | (c >> 6)));
    s.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t end = rest.find(std::string_view("\0\0", 2));
  const std::string_view table = end == std::string_view::npos ? rest : rest.substr(0, end);
  const std::string_view text =
      end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);

  warden::text::ModelVocab v;
  const bool gpt2 = flags & 1;
  v.model = gpt2 ? "gpt2" : "llama";
  v.pre = kPre[(flags >> 1) & 7];
  v.add_space_prefix = flags & 16;
  const bool byte_tokens = gpt2 || (flags & 64);
  auto add = [&v](std::string t, warden::text::VocabTokenType type) {
    v.scores.push_back(-static_cast<float>(v.tokens.size() % 97));
    v.tokens.push_back(std::move(t));
    v.token_types.push_back(type);
  };
  if (!gpt2) add("<unk>", warden::text::VocabTokenType::kUnknown);
  if (byte_tokens) {
    for (int b = 0; b < 256; ++b) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "<0x%02X>", b);
      if (gpt2) {
        add(GptByteChar(b), warden::text::VocabTokenType::kNormal);
      } else {
        add(buf, warden::text::VocabTokenType::kByte);
      }
    }
  }
  size_t pos = 0;
  while (pos < table.size() && v.tokens.size() < 4096) {
    size_t next = table.find('\0', pos);
    if (next == std::string_view::npos) next = table.size();
    const std::string_view entry = table.substr(pos, next - pos);
    pos = next + 1;
    if (entry.empty()) continue;
    if (gpt2 && entry[0] == 'M') {
      v.merges.emplace_back(entry.substr(1));
      continue;
    }
    add(std::string(entry.substr(1)), static_cast<warden::text::VocabTokenType>(entry[0] & 7));
  }
  if (!gpt2) v.unk = 0;
  v.bos = v.tokens.empty() ? -1 : 0;
  v.add_bos = (flags & 32) && v.bos >= 0;

  auto built = warden::text::NewModelTokenizerFull(v);
  if (!built.ok()) return 0;
  const warden::text::ModelTokenizer& tok = **built;
  const bool valid = warden::text::FindInvalidUtf8(text) == std::string_view::npos;
  for (bool parse_special : {true, false}) {
    std::vector<warden::TokenId> ids;
    const warden::Status s = tok.EncodeForModel(text, /*add_special=*/true, parse_special, &ids);
    if (s.ok() != valid) std::abort();
    for (warden::TokenId id : ids) {
      if (id < 0 || id >= tok.vocab_size()) std::abort();
    }
    if (!s.ok() || parse_special || !byte_tokens) continue;
    // SentencePiece writes spaces as U+2581, so a literal U+2581 in the text
    // decodes as a space there (as in SentencePiece itself).
    if (!gpt2 && text.find("\xE2\x96\x81") != std::string_view::npos) continue;
    std::vector<warden::TokenId> plain;
    if (!tok.EncodeForModel(text, false, false, &plain).ok()) std::abort();
    if (tok.DecodeText(plain) != text) std::abort();
  }
  return 0;
}
