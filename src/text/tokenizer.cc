// Tokenizer methods shared by every vocabulary.
#include "warden/text/tokenizer.h"
#include "warden/text/utf8.h"

namespace warden::text {

std::string Tokenizer::Decode(std::span<const TokenId> ids) const {
  std::string out;
  const TokenId n = vocab_size();
  for (TokenId id : ids) {
    if (id >= 0 && id < n) out.append(TokenBytes(id));
  }
  return out;
}

std::string Tokenizer::DecodeValid(std::span<const TokenId> ids) const {
  std::string out;
  text::AppendRepairedUtf8(Decode(ids), &out);
  return out;
}

}  // namespace warden::text
