// Hand-built model vocabularies for the tokenizer tests: small enough that
// the expected ids can be worked out by hand.
#ifndef WARDEN_TESTS_TEXT_MODEL_VOCAB_TEST_UTIL_H_
#define WARDEN_TESTS_TEXT_MODEL_VOCAB_TEST_UTIL_H_

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "text/model_vocab_impl.h"
#include "warden/text/model_vocab.h"

namespace warden::text::testing {

// SentencePiece-style: 0 <unk>, 1 <s>, 2 </s>, 3..258 <0x00>..<0xFF>, then
// `pieces` (text with U+2581 for spaces, score) from id 259.
inline ModelVocab SpmVocab(const std::vector<std::pair<std::string, float>>& pieces,
                           bool byte_tokens = true) {
  ModelVocab v;
  v.model = "llama";
  v.pre = "default";
  auto add = [&v](std::string t, float score, VocabTokenType type) {
    v.tokens.push_back(std::move(t));
    v.scores.push_back(score);
    v.token_types.push_back(type);
  };
  add("<unk>", 0, VocabTokenType::kUnknown);
  add("<s>", 0, VocabTokenType::kControl);
  add("</s>", 0, VocabTokenType::kControl);
  if (byte_tokens) {
    for (int b = 0; b < 256; ++b) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "<0x%02X>", b);
      add(buf, 0, VocabTokenType::kByte);
    }
  }
  for (const auto& [text, score] : pieces) add(text, score, VocabTokenType::kNormal);
  v.unk = 0;
  v.bos = 1;
  v.eos = 2;
  v.add_bos = true;
  return v;
}
inline constexpr TokenId kSpmFirstPiece = 259;

// Byte-level BPE: ids 0..255 are the GPT-2 characters of bytes 0..255 (id ==
// byte), then one token per merge in `merges` order, then `specials`
// (control) and `user_defined` tokens.
inline ModelVocab Gpt2Vocab(const std::vector<std::string>& merges, const std::string& pre,
                            const std::vector<std::string>& specials = {},
                            const std::vector<std::string>& user_defined = {}) {
  ModelVocab v;
  v.model = "gpt2";
  v.pre = pre;
  const ByteCharMap& map = text::Gpt2ByteChars();
  for (int b = 0; b < 256; ++b) {
    v.tokens.push_back(map.byte_to_utf8[b]);
    v.token_types.push_back(VocabTokenType::kNormal);
  }
  for (const std::string& m : merges) {
    std::string joined = m;
    joined.erase(joined.find(' '), 1);
    v.tokens.push_back(joined);
    v.token_types.push_back(VocabTokenType::kNormal);
    v.merges.push_back(m);
  }
  for (const std::string& s : specials) {
    v.tokens.push_back(s);
    v.token_types.push_back(VocabTokenType::kControl);
  }
  for (const std::string& s : user_defined) {
    v.tokens.push_back(s);
    v.token_types.push_back(VocabTokenType::kUserDefined);
  }
  return v;
}

}  // namespace warden::text::testing

#endif  // WARDEN_TESTS_TEXT_MODEL_VOCAB_TEST_UTIL_H_
