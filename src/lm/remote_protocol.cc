// OpenAI wire format (see remote_protocol.h).
#include "lm/remote_protocol.h"

#include <nlohmann/json.hpp>

namespace warden::lm::detail {
namespace {

using nlohmann::json;

constexpr size_t kMaxEventBytes = size_t{16} << 20;

void AddSampling(const RemoteSampling& s, json* j) {
  if (s.temperature) (*j)["temperature"] = *s.temperature;
  if (s.top_p) (*j)["top_p"] = *s.top_p;
  if (s.max_tokens) (*j)["max_tokens"] = *s.max_tokens;
  if (s.seed) (*j)["seed"] = *s.seed;
  if (!s.stop.empty()) (*j)["stop"] = s.stop;
}

// Strings from the server are passed through as they are; dump() with
// `replace` keeps a hostile byte sequence in a prompt from throwing.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void ReadUsageAndModel(const json& j, RemoteCompletion* out) {
  if (j.contains("model") && j["model"].is_string()) out->model = j["model"].get<std::string>();
  if (j.contains("usage") && j["usage"].is_object()) {
    const json& u = j["usage"];
    if (u.contains("prompt_tokens") && u["prompt_tokens"].is_number_integer()) {
      out->prompt_tokens = u["prompt_tokens"].get<int64_t>();
    }
    if (u.contains("completion_tokens") && u["completion_tokens"].is_number_integer()) {
      out->completion_tokens = u["completion_tokens"].get<int64_t>();
    }
  }
}

Status ServerReportedError(const json& j) {
  if (j.is_object() && j.contains("error")) {
    return Status::IOError("server reported an error: " + ServerErrorMessage(Dump(j)));
  }
  return Status::Ok();
}

// choices[0], or Corruption.
Result<const json*> FirstChoice(const json& j, std::string_view what) {
  if (!j.is_object() || !j.contains("choices") || !j["choices"].is_array()) {
    return Status::Corruption(std::string(what) + ": no \"choices\" array");
  }
  if (j["choices"].empty()) return Status::Corruption(std::string(what) + ": empty \"choices\"");
  const json& c = j["choices"][0];
  if (!c.is_object()) return Status::Corruption(std::string(what) + ": choice is not an object");
  return &c;
}

// `obj[key]` as text: absent or null is empty, a string is itself, anything
// else is Corruption.
Status OptionalString(const json& obj, const char* key, std::string_view what, std::string* out) {
  if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return Status::Ok();
  if (!obj[key].is_string()) {
    return Status::Corruption(std::string(what) + ": \"" + key + "\" is not a string");
  }
  out->append(obj[key].get<std::string>());
  return Status::Ok();
}

}  // namespace

std::string CompletionRequestBody(const std::string& model, std::string_view prompt,
                                  const RemoteSampling& s, bool stream) {
  json j = {{"model", model}, {"prompt", std::string(prompt)}, {"stream", stream}};
  AddSampling(s, &j);
  return Dump(j);
}

std::string ChatRequestBody(const std::string& model, std::span<const text::ChatMessage> messages,
                            const RemoteSampling& s, bool stream) {
  json msgs = json::array();
  for (const text::ChatMessage& m : messages)
    msgs.push_back({{"role", m.role}, {"content", m.content}});
  json j = {{"model", model}, {"messages", msgs}, {"stream", stream}};
  AddSampling(s, &j);
  return Dump(j);
}

Status ParseResponse(std::string_view body, bool chat, RemoteCompletion* out) {
  const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::Corruption("response is not JSON: " + ServerErrorMessage(body));
  }
  WARDEN_RETURN_IF_ERROR(ServerReportedError(j));
  WARDEN_ASSIGN_OR_RETURN(const json* choice, FirstChoice(j, "response"));
  if (chat) {
    if (!choice->contains("message") || !(*choice)["message"].is_object()) {
      return Status::Corruption("response: choice has no \"message\" object");
    }
    WARDEN_RETURN_IF_ERROR(
        OptionalString((*choice)["message"], "content", "response message", &out->text));
  } else {
    if (!choice->contains("text")) return Status::Corruption("response: choice has no \"text\"");
    WARDEN_RETURN_IF_ERROR(OptionalString(*choice, "text", "response", &out->text));
  }
  std::string finish;
  WARDEN_RETURN_IF_ERROR(OptionalString(*choice, "finish_reason", "response", &finish));
  out->finish_reason = finish;
  ReadUsageAndModel(j, out);
  return Status::Ok();
}

Status ParseStreamChunk(std::string_view text, bool chat, std::string* delta,
                        RemoteCompletion* out) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::Corruption("stream chunk is not JSON: " + ServerErrorMessage(text));
  }
  WARDEN_RETURN_IF_ERROR(ServerReportedError(j));
  ReadUsageAndModel(j, out);
  // The last chunk of some servers carries only usage, with no choices.
  if (j.is_object() && j.contains("choices") && j["choices"].is_array() && j["choices"].empty()) {
    return Status::Ok();
  }
  WARDEN_ASSIGN_OR_RETURN(const json* choice, FirstChoice(j, "stream chunk"));
  if (chat) {
    if (choice->contains("delta")) {
      WARDEN_RETURN_IF_ERROR(
          OptionalString((*choice)["delta"], "content", "stream chunk delta", delta));
    }
  } else {
    WARDEN_RETURN_IF_ERROR(OptionalString(*choice, "text", "stream chunk", delta));
  }
  std::string finish;
  WARDEN_RETURN_IF_ERROR(OptionalString(*choice, "finish_reason", "stream chunk", &finish));
  if (!finish.empty()) out->finish_reason = finish;
  return Status::Ok();
}

std::string ServerErrorMessage(std::string_view body) {
  std::string msg;
  const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded() && j.is_object()) {
    const json* e = j.contains("error") ? &j["error"] : &j;
    if (e->is_string()) {
      msg = e->get<std::string>();
    } else if (e->is_object() && e->contains("message") && (*e)["message"].is_string()) {
      msg = (*e)["message"].get<std::string>();
    }
  }
  if (msg.empty()) msg = std::string(body.substr(0, 301));
  for (char& c : msg) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (msg.size() > 300) msg = msg.substr(0, 300) + "...";
  if (msg.empty()) msg = "(empty body)";
  return msg;
}

Status SseParser::Line(std::string_view line,
                       const std::function<Status(std::string_view)>& on_data) {
  if (line.empty()) {
    if (!has_data_) return Status::Ok();
    has_data_ = false;
    std::string data;
    data.swap(data_);
    if (data == "[DONE]") {
      done_ = true;
      return Status::Ok();
    }
    return on_data(data);
  }
  if (line[0] == ':') return Status::Ok();  // comment / keep-alive
  const size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  if (field != "data") return Status::Ok();  // event:, id:, retry:
  std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
  if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  if (has_data_) data_.push_back('\n');
  data_.append(value);
  has_data_ = true;
  saw_data_ = true;
  return Status::Ok();
}

Status SseParser::Feed(std::string_view bytes,
                       const std::function<Status(std::string_view)>& on_data) {
  pending_.append(bytes);
  size_t start = 0;
  while (!done_) {
    const size_t nl = pending_.find('\n', start);
    if (nl == std::string::npos) break;
    size_t end = nl;
    if (end > start && pending_[end - 1] == '\r') --end;
    WARDEN_RETURN_IF_ERROR(Line(std::string_view(pending_).substr(start, end - start), on_data));
    start = nl + 1;
  }
  pending_.erase(0, start);
  if (pending_.size() + data_.size() > kMaxEventBytes) {
    return Status::OutOfRange("stream event larger than 16 MiB");
  }
  return Status::Ok();
}

Status SseParser::Finish(const std::function<Status(std::string_view)>& on_data) {
  if (done_) return Status::Ok();
  if (!pending_.empty()) {
    std::string last;
    last.swap(pending_);
    WARDEN_RETURN_IF_ERROR(Line(last, on_data));
  }
  return Line("", on_data);
}

}  // namespace warden::lm::detail
