// RemoteModel: HTTP transport, retries and streaming for the OpenAI-
// compatible backend (see remote.h). The wire format is remote_protocol.cc.
#include <httplib.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <thread>

#include "lm/remote_protocol.h"
#include "warden/lm/remote.h"

namespace warden::lm {
namespace {

// Splits "scheme://host[:port][/path]" into origin and path prefix.
Status ParseUrl(const std::string& url, std::string* origin, std::string* prefix) {
  const size_t sep = url.find("://");
  if (sep == std::string::npos) {
    return Status::InvalidArgument("remote URL \"" + url +
                                   "\" has no scheme (http:// or https://)");
  }
  const std::string scheme = url.substr(0, sep);
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("remote URL \"" + url + "\": scheme must be http or https");
  }
  const size_t path_start = url.find('/', sep + 3);
  const std::string authority = url.substr(
      sep + 3, path_start == std::string::npos ? std::string::npos : path_start - (sep + 3));
  if (authority.empty() || authority.find_first_of(" @?#") != std::string::npos) {
    return Status::InvalidArgument("remote URL \"" + url + "\": bad host");
  }
  *origin = scheme + "://" + authority;
  std::string path = path_start == std::string::npos ? "" : url.substr(path_start);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.find_first_of("?# ") != std::string::npos) {
    return Status::InvalidArgument("remote URL \"" + url + "\": query or fragment not allowed");
  }
  *prefix = path.empty() ? "/v1" : path;
  return Status::Ok();
}

std::string TransportError(httplib::Error err) {
  switch (err) {
    case httplib::Error::Connection:
      return "connection refused or host unreachable";
    case httplib::Error::ConnectionTimeout:
      return "connection timed out";
    case httplib::Error::SSLConnection:
      return "TLS handshake failed";
    case httplib::Error::SSLServerVerification:
      return "server certificate not trusted";
    default:
      return httplib::to_string(err);
  }
}

bool Retryable(int status) { return status == 429 || status >= 500; }

Status HttpError(const std::string& where, int status, std::string_view body) {
  std::string msg =
      where + ": HTTP " + std::to_string(status) + ": " + detail::ServerErrorMessage(body);
  if (status == 401 || status == 403) {
    msg += " (check the API key environment variable)";
    return Status::InvalidArgument(msg);
  }
  if (status == 404) return Status::NotFound(msg);
  if (status >= 400 && status < 500 && status != 429) return Status::InvalidArgument(msg);
  return Status::IOError(msg);
}

void SetTimeouts(httplib::Client* cli, const RemoteOptions& o) {
  auto us = [](double s) { return std::chrono::microseconds(static_cast<int64_t>(s * 1e6)); };
  cli->set_connection_timeout(us(o.connect_timeout_s));
  cli->set_read_timeout(us(o.read_timeout_s));
  cli->set_write_timeout(us(o.read_timeout_s));
}

// Outcome of one HTTP attempt.
struct Attempt {
  Status status;
  bool retryable = false;
  double retry_after_s = -1;  // from a Retry-After header
};

}  // namespace

Status LogitsFeatureUnavailable(std::string_view feature) {
  return Status::Unimplemented(
      std::string(feature) +
      " needs the model's logits at every decoding step, and an OpenAI-compatible server does "
      "not expose them; run the model locally (warden generate --model FILE.gguf). Text-level "
      "features work on remote output: pipe it to `warden watermark detect`, `warden guard`, "
      "...");
}

Result<RemoteModel> RemoteModel::Create(RemoteOptions options) {
  RemoteModel m;
  WARDEN_RETURN_IF_ERROR(ParseUrl(options.url, &m.scheme_host_port_, &m.path_prefix_));
  auto positive = [](double v) { return std::isfinite(v) && v > 0 && v < 1e6; };
  if (!positive(options.connect_timeout_s) || !positive(options.read_timeout_s)) {
    return Status::InvalidArgument("remote: timeouts must be positive seconds");
  }
  if (options.max_retries < 0 || options.max_retries > 20) {
    return Status::InvalidArgument("remote: max_retries must be in [0, 20]");
  }
  if (!(options.initial_backoff_s >= 0) || !(options.max_backoff_s >= options.initial_backoff_s) ||
      options.max_backoff_s > 600) {
    return Status::InvalidArgument("remote: backoff must satisfy 0 <= initial <= max <= 600 s");
  }
  if (!options.api_key_env.empty()) {
    const char* key = std::getenv(options.api_key_env.c_str());
    if (key != nullptr) m.api_key_ = key;
  }
  m.options_ = std::move(options);
  return m;
}

Result<RemoteCompletion> RemoteModel::Complete(std::string_view prompt,
                                               const RemoteSampling& sampling,
                                               const RemoteStreamCallback& on_delta) const {
  return Run("/completions",
             detail::CompletionRequestBody(options_.model, prompt, sampling, on_delta != nullptr),
             /*chat=*/false, on_delta);
}

Result<RemoteCompletion> RemoteModel::Chat(std::span<const text::ChatMessage> messages,
                                           const RemoteSampling& sampling,
                                           const RemoteStreamCallback& on_delta) const {
  if (messages.empty()) return Status::InvalidArgument("remote chat: no messages");
  return Run("/chat/completions",
             detail::ChatRequestBody(options_.model, messages, sampling, on_delta != nullptr),
             /*chat=*/true, on_delta);
}

Result<RemoteCompletion> RemoteModel::Run(std::string_view endpoint, std::string body, bool chat,
                                          const RemoteStreamCallback& on_delta) const {
  const std::string path = path_prefix_ + std::string(endpoint);
  const std::string where = "POST " + scheme_host_port_ + path;
  RemoteCompletion result;
  bool delivered = false;  // a streamed token reached the caller: no retry after that

  auto attempt_once = [&]() -> Attempt {
    httplib::Client cli(scheme_host_port_);
    SetTimeouts(&cli, options_);
    httplib::Request req;
    req.method = "POST";
    req.path = path;
    req.body = body;
    req.set_header("Content-Type", "application/json");
    req.set_header("Accept", on_delta ? "text/event-stream" : "application/json");
    if (!api_key_.empty()) req.set_header("Authorization", "Bearer " + api_key_);

    int status = -1;
    std::string raw;  // whole body (non-streamed, or an error answer)
    detail::SseParser sse;
    Status stream_status;
    bool stopped = false;
    RemoteCompletion partial;
    auto on_event = [&](std::string_view data) -> Status {
      std::string delta;
      WARDEN_RETURN_IF_ERROR(detail::ParseStreamChunk(data, chat, &delta, &partial));
      if (delta.empty()) return Status::Ok();
      partial.text += delta;
      delivered = true;
      if (!on_delta(delta)) stopped = true;
      return Status::Ok();
    };
    req.response_handler = [&](const httplib::Response& r) {
      status = r.status;
      return true;
    };
    req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
      if (!on_delta || status != 200) {
        raw.append(data, n);
        return raw.size() < (size_t{64} << 20);
      }
      stream_status = sse.Feed(std::string_view(data, n), on_event);
      return stream_status.ok() && !stopped && !sse.done();
    };
    httplib::Response res;
    httplib::Error err = httplib::Error::Success;
    const bool sent = cli.send(req, res, err);
    if (!stream_status.ok()) return {stream_status.WithContext(where)};
    if (stopped || sse.done()) {
      result = std::move(partial);
      return {Status::Ok()};
    }
    if (!sent) {
      if (err == httplib::Error::Connection || err == httplib::Error::ConnectionTimeout ||
          err == httplib::Error::SSLConnection) {
        return {Status::IOError(where + ": cannot connect: " + TransportError(err)), true};
      }
      if (err == httplib::Error::Read) {
        // Either the read timeout or the server closed mid-answer.
        return {
            Status::IOError(where + ": no complete answer within the read timeout of " +
                            std::to_string(options_.read_timeout_s) +
                            " s, or the connection was closed (" + httplib::to_string(err) + ")"),
            false};
      }
      return {Status::IOError(where + ": " + TransportError(err)), false};
    }
    if (status != 200) {
      Attempt a{HttpError(where, status, raw), Retryable(status)};
      if (res.has_header("Retry-After")) {
        char* end = nullptr;
        const std::string v = res.get_header_value("Retry-After");
        const double s = std::strtod(v.c_str(), &end);
        if (end != v.c_str() && std::isfinite(s) && s >= 0) a.retry_after_s = s;
      }
      return a;
    }
    if (on_delta) {
      stream_status = sse.Finish(on_event);
      if (!stream_status.ok()) return {stream_status.WithContext(where)};
      if (!sse.saw_data()) {
        return {Status::Corruption(where + ": expected a stream of \"data:\" events, got: " +
                                   detail::ServerErrorMessage(raw))};
      }
      result = std::move(partial);
      return {Status::Ok()};
    }
    RemoteCompletion parsed;
    Status ps = detail::ParseResponse(raw, chat, &parsed);
    if (!ps.ok()) return {ps.WithContext(where)};
    result = std::move(parsed);
    return {Status::Ok()};
  };

  double backoff = options_.initial_backoff_s;
  for (int32_t attempt = 0;; ++attempt) {
    Attempt a = attempt_once();
    result.attempts = attempt + 1;
    if (a.status.ok()) return result;
    if (!a.retryable || delivered || attempt >= options_.max_retries) {
      if (attempt > 0) {
        return a.status.WithContext("after " + std::to_string(attempt + 1) + " attempts");
      }
      return a.status;
    }
    double wait = backoff;
    if (a.retry_after_s >= 0 && a.retry_after_s <= options_.max_backoff_s) {
      wait = std::max(wait, a.retry_after_s);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(wait * 1e6)));
    backoff = std::min(backoff * 2, options_.max_backoff_s);
  }
}

}  // namespace warden::lm
