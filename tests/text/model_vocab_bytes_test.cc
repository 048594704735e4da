// The GPT-2 byte mapping's inverse on hostile token texts (a model file may
// hold anything): bytes that start no character are kept, never decoded.
#include <gtest/gtest.h>

#include <string>

#include "text/model_vocab_impl.h"

namespace warden::text {
namespace {

TEST(Gpt2TextToBytes, MapsPrintableStandIns) {
  // "Ġ" (U+0120) stands for the space byte, "Ċ" (U+010A) for newline.
  EXPECT_EQ(Gpt2TextToBytes("\xC4\xA0hi\xC4\x8A"), " hi\n");
}

// Found by fuzz/model_vocab_fuzz.cc: a trailing stray continuation byte or a
// 0xF8..0xFF lead byte was decoded as a character and read past the end.
TEST(Gpt2TextToBytes, StrayAndTruncatedBytesAreKeptAsIs) {
  for (const std::string& s : {std::string("a\x80"), std::string("\xF8"), std::string("\xFF\xBF"),
                               std::string("\xC4"), std::string("x\xE2\x82")}) {
    EXPECT_EQ(Gpt2TextToBytes(s), s);
  }
}

}  // namespace
}  // namespace warden::text
