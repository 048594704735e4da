// The "Summary" and "Shortfalls" sections of the watermark evaluation page:
// sentences derived from the numbers, so that a missed target is reported by
// the page itself, with its reason, rather than left for a reader to spot.
//
// Thread safety: pure functions.
#ifndef WARDEN_WATERMARK_EVAL_NOTES_H_
#define WARDEN_WATERMARK_EVAL_NOTES_H_

#include <cstdint>
#include <string>

#include "warden/watermark_eval.h"

namespace warden::eval {

// Markdown: "## Summary" (headline numbers) and "## Notes and shortfalls".
std::string RenderNotes(const WatermarkEvalReport& report);

// log P(X >= k) for X ~ Binomial(n, p); 0 for k <= 0, -inf for k > n.
double LogBinomialTail(int64_t n, int64_t k, double p);

}  // namespace warden::eval

#endif  // WARDEN_WATERMARK_EVAL_NOTES_H_
