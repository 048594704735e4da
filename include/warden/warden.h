/* warden's C ABI: opaque handles, sized integer types, status codes.
 *
 * For inference engines written in other languages, or C/C++ engines that
 * should not link warden's C++ API (llama.cpp, for instance). The candidate
 * array has the shape of llama.cpp's llama_token_data_array, so a warden
 * watermark processor can run inside another engine's sampler at every
 * decoding step: pass the candidates and the token history, read back the
 * adjusted logits (or, for a selecting scheme, `selected`).
 *
 * Conventions
 *  - Every function that can fail returns warden_status; WARDEN_OK is 0.
 *    The message of the last failure on the calling thread is returned by
 *    warden_last_error() and stays valid until the next call on that thread.
 *  - `*_init` allocates a handle that the caller owns and must release with
 *    the matching `*_free` (free functions accept NULL).
 *  - No C++ exception ever crosses this boundary.
 *  - A processor handle belongs to one thread at a time; different handles
 *    may be used concurrently. Detection functions are thread-safe.
 */
#ifndef WARDEN_WARDEN_H_
#define WARDEN_WARDEN_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum warden_status {
  WARDEN_OK = 0,
  WARDEN_INVALID_ARGUMENT = 1,
  WARDEN_NOT_FOUND = 2,
  WARDEN_CORRUPTION = 3,
  WARDEN_IO_ERROR = 4,
  WARDEN_MISMATCH = 5,
  WARDEN_OUT_OF_RANGE = 6,
  WARDEN_UNIMPLEMENTED = 7,
  WARDEN_INTERNAL = 8
} warden_status;

/* Message of the last failure on this thread ("" if none). */
const char* warden_last_error(void);
/* "0.1.0" */
const char* warden_version(void);

typedef struct warden_token_data {
  int32_t id;
  float logit;
  float p;
} warden_token_data;

typedef struct warden_token_data_array {
  warden_token_data* data;
  size_t size;
  int64_t selected; /* index chosen by a selecting processor, or -1 */
  bool sorted;
} warden_token_data_array;

typedef enum warden_scheme {
  WARDEN_SCHEME_KGW = 0,
  WARDEN_SCHEME_UNIGRAM = 1,
  WARDEN_SCHEME_GUMBEL = 2
} warden_scheme;

typedef enum warden_seeding {
  WARDEN_SEEDING_LEFTHASH = 0,
  WARDEN_SEEDING_MINHASH = 1,
  WARDEN_SEEDING_SELFHASH = 2
} warden_seeding;

typedef struct warden_watermark_params {
  int32_t scheme;        /* warden_scheme */
  double gamma;          /* green fraction, (0, 1) */
  double delta;          /* logit bias; INFINITY keeps only green tokens */
  int32_t context_width; /* h, 1..8 */
  int32_t seeding;       /* warden_seeding */
  int32_t vocab_size;    /* size of the candidate vocabulary */
} warden_watermark_params;

/* KGW, gamma 0.25, delta 2, h 1, LeftHash, vocab_size 0 (must be set). */
warden_watermark_params warden_watermark_default_params(void);

typedef struct warden_processor warden_processor;

/* A watermark processor for `params` under the secret key bytes (at least
 * 16). On success *out owns a new handle. */
warden_status warden_watermark_processor_init(const warden_watermark_params* params,
                                              const uint8_t* key, size_t key_len,
                                              warden_processor** out);
void warden_processor_free(warden_processor* p);

/* True when the processor chooses the token itself (the Gumbel scheme): after
 * apply, read candidates->selected instead of sampling. */
bool warden_processor_is_selector(const warden_processor* p);

/* Runs the processor on one decoding step. `history` holds every token before
 * the one being chosen (prompt included). */
warden_status warden_processor_apply(warden_processor* p, const int32_t* history, size_t n_history,
                                     warden_token_data_array* candidates);
/* Tells the processor which token was chosen. */
void warden_processor_accept(warden_processor* p, int32_t token);
void warden_processor_reset(warden_processor* p);

typedef enum warden_verdict {
  WARDEN_VERDICT_INSUFFICIENT = 0,
  WARDEN_VERDICT_NOT_WATERMARKED = 1,
  WARDEN_VERDICT_WATERMARKED = 2
} warden_verdict;

typedef struct warden_detection {
  int64_t tokens_total;
  int64_t tokens_scored;
  int64_t green;   /* green count (KGW, Unigram); 0 for Gumbel */
  double score;    /* z-score (standardized Gumbel score for Gumbel) */
  double p_value;  /* exact one-sided p-value */
  int32_t verdict; /* warden_verdict at significance `alpha` */
} warden_detection;

/* Scores token ids for the watermark of `params` and `key`; repeated
 * (context, token) pairs count once. Thread-safe. */
warden_status warden_watermark_detect_tokens(const warden_watermark_params* params,
                                             const uint8_t* key, size_t key_len,
                                             const int32_t* tokens, size_t n_tokens, double alpha,
                                             warden_detection* out);

#ifdef __cplusplus
}
#endif

#endif /* WARDEN_WARDEN_H_ */
