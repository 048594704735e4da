// libFuzzer target for the text module's untrusted-input entry points:
// BpeTokenizer::Deserialize (model files) and Normalizer::Normalize (any
// text), plus Encode/Decode on whatever parses.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "warden/text/bpe_tokenizer.h"
#include "warden/text/normalize.h"
#include "warden/text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  auto tok = warden::text::BpeTokenizer::Deserialize(input);
  if (tok.ok()) {
    std::vector<warden::TokenId> ids;
    const std::string_view text = "The keeper climbed 112 steps, \xD0\xB0nd counted.\n";
    if (!tok->Encode(text, &ids).ok()) std::abort();
    if (tok->Decode(ids) != text) std::abort();
    if (tok->Serialize() != input) std::abort();
  }

  static const warden::text::Normalizer* normalizer = [] {
    auto n = warden::text::Normalizer::Create({});
    if (!n.ok()) std::abort();
    return new warden::text::Normalizer(std::move(n).value());
  }();
  auto norm = normalizer->Normalize(input);
  if (norm.ok() && warden::text::FindInvalidUtf8(*norm) != std::string_view::npos) std::abort();
  if (norm.ok() != (warden::text::FindInvalidUtf8(input) == std::string_view::npos)) std::abort();

  // The input as text, through a byte-level tokenizer with no merges.
  static const warden::text::BpeTokenizer* bytes_only = [] {
    auto t = warden::text::BpeTokenizer::Train(std::vector<std::string>{}, {});
    if (!t.ok()) std::abort();
    return new warden::text::BpeTokenizer(std::move(t).value());
  }();
  std::vector<warden::TokenId> ids;
  if (bytes_only->Encode(input, &ids).ok() && bytes_only->Decode(ids) != input) std::abort();
  return 0;
}
