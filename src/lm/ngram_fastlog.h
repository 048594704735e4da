// Internal: natural log of a whole array of floats, the last step of
// NgramSession::NextLogits (logits = log of the distribution).
//
// glibc's logf is not vectorized without -ffast-math, and it dominated a
// decoding step (about 20 us of 25 us at vocabulary 8,192). LogInPlace uses
// the Cephes logf polynomial written branch-free so the compiler vectorizes
// it; it is within a few float ulps of std::log and, unlike libm, gives the
// same bits on every machine. Arrays holding a zero, a subnormal, a negative,
// an infinity or a NaN take the plain std::log path for every element.
#ifndef WARDEN_SRC_LM_NGRAM_FASTLOG_H_
#define WARDEN_SRC_LM_NGRAM_FASTLOG_H_

#include <span>

namespace warden::lm::detail {

// x[i] = log(x[i]) for all i: the fast kernel.
void LogInPlace(std::span<float> x);
// The reference: std::log on each element.
void LogInPlaceReference(std::span<float> x);

}  // namespace warden::lm::detail

#endif  // WARDEN_SRC_LM_NGRAM_FASTLOG_H_
