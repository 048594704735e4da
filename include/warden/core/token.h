// TokenId: the integer that tokenizers, models, logits processors and
// detectors exchange. It lives in core, in namespace `warden` itself, because
// every module above text speaks it (like Status); what an id means is up to
// the tokenizer that made it (text/tokenizer.h). Thread safety: a plain
// integer type.
#ifndef WARDEN_CORE_TOKEN_H_
#define WARDEN_CORE_TOKEN_H_

#include <cstdint>

namespace warden {

// A token's index in its vocabulary, [0, vocab_size), or -1 for "none"
// (e.g. a vocabulary without an end-of-text token).
using TokenId = int32_t;

}  // namespace warden

#endif  // WARDEN_CORE_TOKEN_H_
