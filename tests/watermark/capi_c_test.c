/* Compiles warden.h as C (not C++) and drives a watermark processor the way
 * a C inference engine would: at each step, bias the candidates, pick the
 * best one, tell the processor; then detect the watermark on the ids. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "warden/warden.h"

#define VOCAB 2000
#define STEPS 200

int main(void) {
  static const char key[] = "c-engine-demo-key-0123456789";
  warden_watermark_params params = warden_watermark_default_params();
  params.vocab_size = VOCAB;
  warden_processor* proc = NULL;
  if (warden_watermark_processor_init(&params, (const uint8_t*)key, strlen(key), &proc) !=
      WARDEN_OK) {
    fprintf(stderr, "init: %s\n", warden_last_error());
    return 1;
  }
  static warden_token_data cand[VOCAB];
  int32_t history[STEPS + 1];
  size_t n = 0;
  history[n++] = 7;
  unsigned seed = 12345;
  for (int step = 0; step < STEPS; ++step) {
    for (int32_t i = 0; i < VOCAB; ++i) {
      seed = seed * 1103515245u + 12345u;
      cand[i].id = i;
      cand[i].logit = (float)((seed >> 16) % 1000) / 1000.0f; /* a flat "model" */
      cand[i].p = 0.0f;
    }
    warden_token_data_array arr = {cand, VOCAB, -1, false};
    if (warden_processor_apply(proc, history, n, &arr) != WARDEN_OK) {
      fprintf(stderr, "apply: %s\n", warden_last_error());
      return 1;
    }
    size_t best = 0;
    for (size_t i = 1; i < arr.size; ++i) {
      if (arr.data[i].logit > arr.data[best].logit) best = i;
    }
    warden_processor_accept(proc, arr.data[best].id);
    history[n++] = arr.data[best].id;
  }
  warden_processor_free(proc);

  warden_detection det;
  if (warden_watermark_detect_tokens(&params, (const uint8_t*)key, strlen(key), history, n, 1e-3,
                                     &det) != WARDEN_OK) {
    fprintf(stderr, "detect: %s\n", warden_last_error());
    return 1;
  }
  printf("scored %lld green %lld p %.3g verdict %d\n", (long long)det.tokens_scored,
         (long long)det.green, det.p_value, det.verdict);
  if (det.verdict != WARDEN_VERDICT_WATERMARKED || !(det.p_value < 1e-6)) return 1;

  /* A wrong key must not see it. */
  static const char other[] = "another-key-entirely-987654";
  if (warden_watermark_detect_tokens(&params, (const uint8_t*)other, strlen(other), history, n,
                                     1e-3, &det) != WARDEN_OK ||
      det.verdict == WARDEN_VERDICT_WATERMARKED) {
    return 1;
  }
  return 0;
}
