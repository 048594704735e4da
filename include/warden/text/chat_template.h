// Chat templates: how a conversation becomes the prompt text a chat model was
// trained on. warden renders the common families itself, in plain C++ (no
// Jinja engine): a template is chosen by name, or detected from the Jinja
// text a GGUF file ships in tokenizer.chat_template.
//
//   chatml  <|im_start|>{role}\n{content}<|im_end|>\n ... (Qwen2, many others)
//           generation prompt: <|im_start|>assistant\n
//   smollm  chatml, plus SmolLM2's default system message when the
//           conversation does not start with one
//   llama3  <|start_header_id|>{role}<|end_header_id|>\n\n{content, trimmed}<|eot_id|>
//           generation prompt: <|start_header_id|>assistant<|end_header_id|>\n\n
//
// The rendered text holds no BOS token: the tokenizer adds it
// (ModelTokenizer::EncodeForModel with add_special), as llama.cpp does.
// Special-token markup inside message contents is rejected, so a user message
// cannot forge a turn of another role.
//
// All functions are pure and thread-safe.
#ifndef WARDEN_TEXT_CHAT_TEMPLATE_H_
#define WARDEN_TEXT_CHAT_TEMPLATE_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"

namespace warden::text {

struct ChatMessage {
  std::string role;  // "system", "user", "assistant", "tool", ...
  std::string content;
};

enum class ChatTemplate { kChatMl, kSmolLm, kLlama3 };

// "chatml", "smollm", "llama3"; NotFound with the list otherwise.
Result<ChatTemplate> ChatTemplateByName(std::string_view name);
std::string_view ChatTemplateName(ChatTemplate t);
std::vector<std::string> ChatTemplateNames();

// Recognizes the family of a Jinja chat template by the markup it writes;
// Unimplemented when it is none of the families above.
Result<ChatTemplate> DetectChatTemplate(std::string_view jinja_text);

// The prompt for `messages`; with `add_generation_prompt`, ends with the
// header of an assistant turn so the model writes the reply. Fails with
// InvalidArgument on an empty role, a role with markup or a newline, invalid
// UTF-8, or template markup inside a content.
Result<std::string> RenderChat(ChatTemplate t, std::span<const ChatMessage> messages,
                               bool add_generation_prompt);

}  // namespace warden::text

#endif  // WARDEN_TEXT_CHAT_TEMPLATE_H_
