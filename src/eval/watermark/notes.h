// The "Summary" and "Shortfalls" sections of the watermark evaluation page:
// sentences derived from the numbers, so that a missed target is reported by
// the page itself, with its reason, rather than left for a reader to spot.
//
// Thread safety: pure functions.
#ifndef WARDEN_SRC_EVAL_WATERMARK_NOTES_H_
#define WARDEN_SRC_EVAL_WATERMARK_NOTES_H_

#include <cstdint>
#include <string>

#include "eval/watermark/watermark_eval.h"

namespace warden::eval {

// Markdown: "## Summary" (headline numbers) and "## Notes and shortfalls".
std::string RenderNotes(const WatermarkEvalReport& report);

}  // namespace warden::eval

#endif  // WARDEN_SRC_EVAL_WATERMARK_NOTES_H_
