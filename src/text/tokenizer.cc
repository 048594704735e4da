// Tokenizer methods shared by every vocabulary.
#include "warden/tokenizer.h"
#include "text/utf8.h"

namespace warden {

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

}  // namespace warden
