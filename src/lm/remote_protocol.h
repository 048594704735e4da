// The OpenAI wire format, apart from HTTP: request bodies, response and
// stream-chunk parsing, server-sent-event framing and error messages. Kept
// separate from the transport so it can be tested on bytes alone.
#ifndef WARDEN_SRC_LM_REMOTE_PROTOCOL_H_
#define WARDEN_SRC_LM_REMOTE_PROTOCOL_H_

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "warden/lm/remote.h"

namespace warden::lm::detail {

std::string CompletionRequestBody(const std::string& model, std::string_view prompt,
                                  const RemoteSampling& s, bool stream);
std::string ChatRequestBody(const std::string& model, std::span<const text::ChatMessage> messages,
                            const RemoteSampling& s, bool stream);

// Parses a whole (non-streamed) response into `out` (text, finish reason,
// model, usage). Corruption when the body is not the expected JSON.
Status ParseResponse(std::string_view body, bool chat, RemoteCompletion* out);

// Parses one streamed chunk's JSON; appends its text delta to `delta` and
// records finish reason / model / usage in `out` when present.
Status ParseStreamChunk(std::string_view json, bool chat, std::string* delta,
                        RemoteCompletion* out);

// The server's own explanation in an error body ({"error": {"message": ...}}
// or {"error": "..."} or {"message": ...}), else the body itself, shortened
// to one line of at most 300 bytes.
std::string ServerErrorMessage(std::string_view body);

// Server-sent events: bytes in, the "data" of each complete event out.
// Lines are separated by LF or CRLF; "data:" fields of one event are joined
// with "\n"; comments and other fields are ignored; an event ends at a blank
// line. A "data: [DONE]" event sets done().
class SseParser {
 public:
  // Calls `on_data` for each event completed by `bytes`; stops and returns
  // its error if it fails. An event larger than 16 MiB is OutOfRange.
  Status Feed(std::string_view bytes, const std::function<Status(std::string_view)>& on_data);
  // Flushes a last event not followed by a blank line (servers that close
  // the connection right after "data: ...\n").
  Status Finish(const std::function<Status(std::string_view)>& on_data);
  bool done() const { return done_; }
  bool saw_data() const { return saw_data_; }

 private:
  Status Line(std::string_view line, const std::function<Status(std::string_view)>& on_data);
  std::string pending_;  // bytes of an incomplete line
  std::string data_;     // data of the event being read
  bool has_data_ = false;
  bool done_ = false;
  bool saw_data_ = false;
};

}  // namespace warden::lm::detail

#endif  // WARDEN_SRC_LM_REMOTE_PROTOCOL_H_
