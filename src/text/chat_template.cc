// Chat templates rendered in C++ (see chat_template.h). The strings follow
// the templates the model families publish (ChatML as used by Qwen2 and
// SmolLM2; Llama 3's header/eot format).
#include "warden/text/chat_template.h"

#include <array>

#include "warden/core/strings.h"
#include "warden/text/utf8.h"

namespace warden::text {
namespace {

constexpr std::string_view kSmolLmSystem =
    "You are a helpful AI assistant named SmolLM, trained by Hugging Face";

// Markup that would let a content end its turn or open another.
constexpr std::array<std::string_view, 5> kMarkup = {
    "<|im_start|>", "<|im_end|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"};

Status CheckMessage(const ChatMessage& m, size_t index) {
  const std::string where = "chat message " + std::to_string(index) + ": ";
  if (m.role.empty()) return Status::InvalidArgument(where + "empty role");
  for (const std::string* field : {&m.role, &m.content}) {
    const size_t bad = FindInvalidUtf8(*field);
    if (bad != std::string::npos) {
      return Status::InvalidArgument(where + "invalid UTF-8 at byte " + std::to_string(bad));
    }
    for (std::string_view mark : kMarkup) {
      if (field->find(mark) != std::string::npos) {
        return Status::InvalidArgument(where + "contains template markup " + std::string(mark));
      }
    }
  }
  if (m.role.find_first_of("\r\n") != std::string::npos) {
    return Status::InvalidArgument(where + "role contains a newline");
  }
  return Status::Ok();
}

void AppendChatMl(std::string_view role, std::string_view content, std::string* out) {
  out->append("<|im_start|>").append(role).append("\n").append(content).append("<|im_end|>\n");
}

}  // namespace

Result<ChatTemplate> ChatTemplateByName(std::string_view name) {
  if (name == "chatml") return ChatTemplate::kChatMl;
  if (name == "smollm") return ChatTemplate::kSmolLm;
  if (name == "llama3") return ChatTemplate::kLlama3;
  return Status::NotFound("unknown chat template \"" + std::string(name) +
                          "\" (known: chatml, smollm, llama3)");
}

std::string_view ChatTemplateName(ChatTemplate t) {
  switch (t) {
    case ChatTemplate::kChatMl:
      return "chatml";
    case ChatTemplate::kSmolLm:
      return "smollm";
    case ChatTemplate::kLlama3:
      return "llama3";
  }
  return "chatml";
}

std::vector<std::string> ChatTemplateNames() { return {"chatml", "smollm", "llama3"}; }

Result<ChatTemplate> DetectChatTemplate(std::string_view jinja) {
  if (jinja.find("<|start_header_id|>") != std::string_view::npos &&
      jinja.find("<|eot_id|>") != std::string_view::npos) {
    return ChatTemplate::kLlama3;
  }
  if (jinja.find("<|im_start|>") != std::string_view::npos) {
    // SmolLM2's template injects its own default system message.
    if (jinja.find("SmolLM") != std::string_view::npos) return ChatTemplate::kSmolLm;
    return ChatTemplate::kChatMl;
  }
  return Status::Unimplemented(
      "chat template not recognized (warden renders chatml, smollm and llama3; pass one by "
      "name)");
}

Result<std::string> RenderChat(ChatTemplate t, std::span<const ChatMessage> messages,
                               bool add_generation_prompt) {
  for (size_t i = 0; i < messages.size(); ++i) WARDEN_RETURN_IF_ERROR(CheckMessage(messages[i], i));
  std::string out;
  switch (t) {
    case ChatTemplate::kSmolLm:
      if (messages.empty() || messages[0].role != "system") {
        AppendChatMl("system", kSmolLmSystem, &out);
      }
      [[fallthrough]];
    case ChatTemplate::kChatMl:
      for (const ChatMessage& m : messages) AppendChatMl(m.role, m.content, &out);
      if (add_generation_prompt) out.append("<|im_start|>assistant\n");
      break;
    case ChatTemplate::kLlama3:
      for (const ChatMessage& m : messages) {
        out.append("<|start_header_id|>")
            .append(m.role)
            .append("<|end_header_id|>\n\n")
            .append(core::Trim(m.content))
            .append("<|eot_id|>");
      }
      if (add_generation_prompt) out.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
      break;
  }
  return out;
}

}  // namespace warden::text
