// Remote backend: a client for OpenAI-compatible HTTP servers (llama.cpp's
// server, vLLM, Ollama, hosted APIs): /v1/completions and
// /v1/chat/completions, plain or streamed (server-sent events).
//
// What it can and cannot do: a server returns text, not the model's logits
// at every step, so only text-level features work through it (watermark
// *detection* of returned text, guardrail scanning, provenance lookups).
// Logits-level features (watermarking while decoding, decode-time blocking
// of protected content) need a local model; RemoteModel is deliberately not
// a LanguageModel, and LogitsFeatureUnavailable() gives the message to show.
//
// Reliability: connection failures, HTTP 429 and 5xx are retried with
// exponential backoff (initial_backoff_s * 2^k, capped at max_backoff_s; a
// 429/503 Retry-After of at most max_backoff_s seconds is honoured), up to
// max_retries times; other 4xx answers are not retried (the request itself is
// wrong). A read timeout is not retried either: the server may still be
// working on the request. A stream is retried only if it failed before its
// first token reached the caller. Errors name the URL, the HTTP status and
// the server's own message.
//
// Secrets: the API key is read from the environment variable named by
// api_key_env (default OPENAI_API_KEY) when the model is created, sent as
// "Authorization: Bearer", and never appears in errors.
//
// Thread safety: a RemoteModel is immutable after Create; Complete and Chat
// may be called from several threads (each call opens its own connection).
#ifndef WARDEN_LM_REMOTE_H_
#define WARDEN_LM_REMOTE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/text/chat_template.h"

namespace warden::lm {

struct RemoteOptions {
  // "http[s]://host[:port][/prefix]". With no path, "/v1" is used; with a
  // path (e.g. ".../v1" or a proxy's "/openai/v1"), endpoints go under it.
  std::string url;
  std::string model;  // the "model" field of requests (servers may ignore it)
  std::string api_key_env = "OPENAI_API_KEY";
  double connect_timeout_s = 10;
  double read_timeout_s = 300;  // per read; generation can be slow on CPUs
  int32_t max_retries = 3;
  double initial_backoff_s = 0.5;
  double max_backoff_s = 8;
};

// Sampling fields; unset ones are left to the server's defaults.
struct RemoteSampling {
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int32_t> max_tokens;
  std::optional<int64_t> seed;
  std::vector<std::string> stop;
};

struct RemoteCompletion {
  std::string text;
  std::string finish_reason;   // "stop", "length", ... ("" when not given)
  std::string model;           // as the server reports it
  int64_t prompt_tokens = -1;  // from "usage", -1 when not given
  int64_t completion_tokens = -1;
  int32_t attempts = 0;  // HTTP requests made, retries included
};

// Receives each piece of streamed text as it arrives; return false to stop
// the stream early (the call then returns what arrived so far).
using RemoteStreamCallback = std::function<bool(std::string_view delta)>;

class RemoteModel {
 public:
  // Validates the options (URL scheme and host, model name, timeouts) and
  // reads the API key. A missing key is not an error: local servers need none.
  static Result<RemoteModel> Create(RemoteOptions options);

  // POST {prefix}/completions. With `on_delta`, the request streams and
  // each text delta goes to it as it arrives; the result holds the whole text.
  Result<RemoteCompletion> Complete(std::string_view prompt, const RemoteSampling& sampling,
                                    const RemoteStreamCallback& on_delta = nullptr) const;
  // POST {prefix}/chat/completions with the messages as given (the server
  // applies its model's chat template).
  Result<RemoteCompletion> Chat(std::span<const text::ChatMessage> messages,
                                const RemoteSampling& sampling,
                                const RemoteStreamCallback& on_delta = nullptr) const;

  const RemoteOptions& options() const { return options_; }
  bool has_api_key() const { return !api_key_.empty(); }

 private:
  RemoteModel() = default;
  Result<RemoteCompletion> Run(std::string_view endpoint, std::string body, bool chat,
                               const RemoteStreamCallback& on_delta) const;

  RemoteOptions options_;
  std::string scheme_host_port_;  // "http://127.0.0.1:8080"
  std::string path_prefix_;       // "/v1"
  std::string api_key_;
};

// Unimplemented: "<feature> needs the model's logits at every decoding step;
// an OpenAI-compatible server does not expose them. Run the model locally
// (warden generate --model FILE.gguf) ...".
Status LogitsFeatureUnavailable(std::string_view feature);

}  // namespace warden::lm

#endif  // WARDEN_LM_REMOTE_H_
