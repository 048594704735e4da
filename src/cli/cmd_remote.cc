// `warden remote complete|chat`: talk to an OpenAI-compatible server.
// Argument parsing and printing only; the client is warden/remote.h.
#include <cstdio>
#include <memory>

#include "cli/common.h"
#include "warden/lm/remote.h"

namespace warden::cli {
namespace {

struct RemoteFlags {
  lm::RemoteOptions opts;
  double temperature = 0;
  double top_p = 1;
  int32_t max_tokens = 0;
  int64_t seed = 0;
  std::vector<std::string> stop;
  bool stream = false;
  bool verbose = false;
  bool watermark = false;
  std::string prompt;
  std::string system;
  // Which sampling options were given (unset ones are left to the server).
  CLI::Option* temperature_opt = nullptr;
  CLI::Option* top_p_opt = nullptr;
  CLI::Option* max_tokens_opt = nullptr;
  CLI::Option* seed_opt = nullptr;

  void Register(CLI::App* c) {
    c->add_option("--url", opts.url,
                  "server base URL, e.g. http://127.0.0.1:8080 (\"/v1\" is added when no path "
                  "is given)")
        ->required();
    c->add_option("--model", opts.model, "model name sent to the server")->required();
    c->add_option("--api-key-env", opts.api_key_env,
                  "environment variable holding the API key (unset: no key is sent)")
        ->capture_default_str();
    temperature_opt = c->add_option("--temperature", temperature, "sampling temperature");
    top_p_opt = c->add_option("--top-p", top_p, "nucleus sampling mass");
    max_tokens_opt = c->add_option("--max-tokens", max_tokens, "tokens to generate at most");
    seed_opt = c->add_option("--seed", seed, "sampling seed (servers that support it)");
    c->add_option("--stop", stop, "stop sequence (repeatable)");
    c->add_flag("--stream", stream, "print text as it arrives");
    c->add_option("--timeout", opts.read_timeout_s, "seconds to wait for each read")
        ->capture_default_str();
    c->add_option("--connect-timeout", opts.connect_timeout_s, "seconds to wait for a connection")
        ->capture_default_str();
    c->add_option("--retries", opts.max_retries,
                  "retries after connection errors, HTTP 429 and 5xx (never after other 4xx)")
        ->capture_default_str();
    c->add_flag("-v,--verbose", verbose, "print finish reason, usage and attempts on stderr");
    c->add_flag("--watermark", watermark,
                "refused: watermarking needs the logits, which a remote server does not give");
  }

  lm::RemoteSampling Sampling() const {
    lm::RemoteSampling s;
    if (temperature_opt->count() > 0) s.temperature = temperature;
    if (top_p_opt->count() > 0) s.top_p = top_p;
    if (max_tokens_opt->count() > 0) s.max_tokens = max_tokens;
    if (seed_opt->count() > 0) s.seed = seed;
    s.stop = stop;
    return s;
  }
};

void Run(const RemoteFlags& f, bool chat) {
  if (f.watermark) Fail(lm::LogitsFeatureUnavailable("--watermark (watermarking while decoding)"));
  const lm::RemoteModel model = OrDie(lm::RemoteModel::Create(f.opts));
  lm::RemoteStreamCallback print = nullptr;
  if (f.stream) {
    print = [](std::string_view delta) {
      std::fwrite(delta.data(), 1, delta.size(), stdout);
      std::fflush(stdout);
      return true;
    };
  }
  lm::RemoteCompletion r;
  if (chat) {
    std::vector<text::ChatMessage> messages;
    if (!f.system.empty()) messages.push_back({"system", f.system});
    messages.push_back({"user", f.prompt});
    r = OrDie(model.Chat(messages, f.Sampling(), print));
  } else {
    r = OrDie(model.Complete(f.prompt, f.Sampling(), print));
  }
  if (!f.stream) std::fwrite(r.text.data(), 1, r.text.size(), stdout);
  std::fputc('\n', stdout);
  if (f.verbose) {
    std::fprintf(stderr,
                 "finish %s, model %s, prompt tokens %lld, completion tokens %lld, %d attempt(s)\n",
                 r.finish_reason.empty() ? "?" : r.finish_reason.c_str(),
                 r.model.empty() ? "?" : r.model.c_str(), static_cast<long long>(r.prompt_tokens),
                 static_cast<long long>(r.completion_tokens), r.attempts);
  }
}

}  // namespace

void RegisterRemote(CLI::App& app) {
  CLI::App* remote = app.add_subcommand(
      "remote",
      "use an OpenAI-compatible server (llama.cpp server, vLLM, Ollama); text-level features only");
  remote->require_subcommand(1);

  auto complete = std::make_shared<RemoteFlags>();
  CLI::App* c = remote->add_subcommand("complete", "continue a prompt (/v1/completions)");
  complete->Register(c);
  c->add_option("prompt", complete->prompt, "text to continue")->required();
  c->callback([complete]() { Run(*complete, /*chat=*/false); });

  auto chat = std::make_shared<RemoteFlags>();
  CLI::App* ch = remote->add_subcommand("chat", "answer a user message (/v1/chat/completions)");
  chat->Register(ch);
  ch->add_option("--system", chat->system, "system message");
  ch->add_option("message", chat->prompt, "the user's message")->required();
  ch->callback([chat]() { Run(*chat, /*chat=*/true); });
}

}  // namespace warden::cli
