// GPT-2's byte <-> character mapping (see model_tok_impl.h).
#include "text/model_vocab_impl.h"
#include "warden/text/utf8.h"

namespace warden::text {

const ByteCharMap& Gpt2ByteChars() {
  static const ByteCharMap* map = [] {
    auto* m = new ByteCharMap();
    // Printable bytes keep their code point; the rest (controls, space, DEL,
    // NBSP, soft hyphen, ...) take U+0100, U+0101, ... in byte order.
    auto printable = [](int b) {
      return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    };
    uint32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const uint32_t c = printable(b) ? static_cast<uint32_t>(b) : next++;
      AppendUtf8(c, &m->byte_to_utf8[b]);
      m->char_to_byte[c] = static_cast<uint8_t>(b);
    }
    return m;
  }();
  return *map;
}

std::string Gpt2TextToBytes(std::string_view text) {
  const ByteCharMap& map = Gpt2ByteChars();
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const uint8_t* start = p;
    // Stored token text may be any bytes; only well-formed characters are
    // looked up, everything else is kept as is.
    const size_t len = (*p < 0x80)       ? 1
                       : (*p >> 5) == 6  ? 2
                       : (*p >> 4) == 14 ? 3
                       : (*p >> 3) == 30 ? 4
                                         : 1;
    // A stray continuation byte or a 0xF8..0xFF lead is no character at all
    // (found by fuzz/model_vocab_fuzz.cc: decoding it read past the end).
    bool ok = (*p < 0x80 || len > 1) && static_cast<size_t>(end - p) >= len;
    for (size_t k = 1; ok && k < len; ++k) ok = (p[k] & 0xC0) == 0x80;
    if (!ok) {
      out.push_back(static_cast<char>(*p++));
      continue;
    }
    const uint8_t* q = p;
    const uint32_t c = DecodeValidUtf8(q);
    p = start + len;
    auto it = map.char_to_byte.find(c);
    if (it != map.char_to_byte.end()) {
      out.push_back(static_cast<char>(it->second));
    } else {
      out.append(reinterpret_cast<const char*>(start), len);
    }
  }
  return out;
}

}  // namespace warden::text
