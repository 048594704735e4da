// `warden model`: inspect GGUF files (info), write random-weight test models
// (synth), and print raw logits (logits, for the reference comparison).
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/common.h"
#include "warden/lm/gguf.h"
#include "warden/lm/transformer.h"

namespace warden::cli {
namespace {

void Info(const std::string& path, bool all_tensors) {
  lm::GgufFile f = OrDie(lm::GgufFile::Open(path));
  std::printf("%s: GGUF v%u, %.1f MB, %zu metadata keys, %zu tensors, alignment %llu\n",
              path.c_str(), f.version(), static_cast<double>(f.file_size()) / 1e6,
              f.metadata().size(), f.tensors().size(),
              static_cast<unsigned long long>(f.alignment()));
  for (const auto& [key, value] : f.metadata()) {
    std::printf("  %s = %s\n", key.c_str(), value.ToString().c_str());
  }
  std::map<std::string, std::pair<int, uint64_t>> by_type;
  for (const lm::GgufTensor& t : f.tensors()) {
    auto& e = by_type[lm::GgmlTypeName(t.type)];
    e.first++;
    e.second += t.nbytes;
  }
  for (const auto& [type, e] : by_type) {
    std::printf("tensors %s: %d, %.1f MB\n", type.c_str(), e.first,
                static_cast<double>(e.second) / 1e6);
  }
  size_t shown = 0;
  for (const lm::GgufTensor& t : f.tensors()) {
    if (!all_tensors && shown == 12) {
      std::printf("  ... %zu more (--tensors to list all)\n", f.tensors().size() - shown);
      break;
    }
    std::string dims;
    for (int64_t d : t.dims) dims += (dims.empty() ? "" : " x ") + std::to_string(d);
    std::printf("  %-32s %-5s [%s] %llu bytes\n", t.name.c_str(), lm::GgmlTypeName(t.type).c_str(),
                dims.c_str(), static_cast<unsigned long long>(t.nbytes));
    ++shown;
  }
  auto tf = lm::Transformer::Load(&f);
  if (tf.ok()) {
    const lm::TransformerConfig& c = (*tf)->config();
    std::printf(
        "engine: %s, %d layers, width %d, heads %d (kv %d), ffn %d, vocabulary %d, %s head, "
        "%.1f MB read per token\n",
        c.arch.c_str(), c.n_layer, c.d_model, c.n_head, c.n_kv_head, c.d_ff, c.vocab_size,
        c.tied_output ? "tied" : "separate", static_cast<double>((*tf)->bytes_per_token()) / 1e6);
  } else {
    std::printf("engine: cannot run this file: %s\n", tf.status().message().c_str());
  }
}

struct SynthFlags {
  lm::SynthOptions o;
  std::string type = "f32";
  bool untied = false;
  std::string out;
};

void Synth(const SynthFlags& f) {
  lm::SynthOptions o = f.o;
  o.type = OrDie(lm::ParseGgmlType(f.type));
  o.tied_output = !f.untied;
  std::string bytes = OrDie(lm::SynthesizeModel(o));
  OrDie(core::WriteFileAtomic(f.out, bytes));
  std::printf("wrote %s: %s %s, %.1f MB\n", f.out.c_str(), o.arch.c_str(), f.type.c_str(),
              static_cast<double>(bytes.size()) / 1e6);
}

// Logits after each token of the list, as JSON: {"vocab": V, "logits": [[...], ...]}.
void Logits(const std::string& path, const std::string& token_list, int threads) {
  lm::GgufFile f = OrDie(lm::GgufFile::Open(path));
  std::unique_ptr<lm::Transformer> tf = OrDie(lm::Transformer::Load(&f));
  std::vector<TokenId> tokens;
  std::stringstream ss(token_list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      tokens.push_back(static_cast<TokenId>(std::stol(item)));
    } catch (const std::exception&) {
      Fail("--tokens: not a number: " + item);
    }
  }
  if (tokens.empty()) Fail("--tokens: give at least one token id");
  auto state = tf->NewState(threads);
  std::vector<float> logits(static_cast<size_t>(tf->config().vocab_size));
  nlohmann::json rows = nlohmann::json::array();
  for (TokenId t : tokens) {
    OrDie(tf->Forward(state.get(), std::span<const TokenId>(&t, 1), logits));
    rows.push_back(logits);
  }
  nlohmann::json out = {{"vocab", tf->config().vocab_size}, {"tokens", tokens}, {"logits", rows}};
  std::printf("%s\n", out.dump().c_str());
}

}  // namespace

void RegisterModel(CLI::App& app) {
  CLI::App* model = app.add_subcommand("model", "inspect and make GGUF transformer models");
  model->require_subcommand(1);

  auto info_path = std::make_shared<std::string>();
  auto info_all = std::make_shared<bool>(false);
  CLI::App* info = model->add_subcommand("info", "print a GGUF file's metadata and tensors");
  info->add_option("file", *info_path, "GGUF file")->required();
  info->add_flag("--tensors", *info_all, "list every tensor");
  info->callback([info_path, info_all] { Info(*info_path, *info_all); });

  auto sf = std::make_shared<SynthFlags>();
  CLI::App* synth = model->add_subcommand(
      "synth", "write a random-weight model (for tests and benchmarks; its text is gibberish)");
  synth->add_option("--arch", sf->o.arch, "llama or qwen2")->capture_default_str();
  synth->add_option("--type", sf->type, "weights: f32, f16, bf16, q8_0, q4_0, q5_0")
      ->capture_default_str();
  synth->add_option("--layers", sf->o.n_layer, "blocks")->capture_default_str();
  synth->add_option("--width", sf->o.d_model, "embedding width")->capture_default_str();
  synth->add_option("--heads", sf->o.n_head, "attention heads")->capture_default_str();
  synth->add_option("--kv-heads", sf->o.n_kv_head, "key/value heads")->capture_default_str();
  synth->add_option("--ffn", sf->o.d_ff, "feed-forward width")->capture_default_str();
  synth->add_option("--vocab-size", sf->o.vocab_size, "tokens")->capture_default_str();
  synth->add_option("--vocab", sf->o.vocab, "llama (SentencePiece) or gpt2 (byte-level BPE)");
  synth->add_option("--context", sf->o.context_length, "context length")->capture_default_str();
  synth->add_option("--rope-base", sf->o.rope_base, "RoPE frequency base")->capture_default_str();
  synth->add_option("--seed", sf->o.seed, "weights seed")->capture_default_str();
  synth->add_flag("--untied", sf->untied, "separate output head (default: tied to the embedding)");
  synth->add_option("out", sf->out, "output .gguf file")->required();
  synth->callback([sf] { Synth(*sf); });

  auto lp = std::make_shared<std::string>();
  auto lt = std::make_shared<std::string>();
  auto threads = std::make_shared<int>(1);
  CLI::App* logits = model->add_subcommand(
      "logits", "print the logits after each token of a list, as JSON (for reference checks)");
  logits->add_option("file", *lp, "GGUF file")->required();
  logits->add_option("--tokens", *lt, "comma-separated token ids")->required();
  logits->add_option("--threads", *threads, "threads")->capture_default_str();
  logits->callback([lp, lt, threads] { Logits(*lp, *lt, *threads); });
}

}  // namespace warden::cli
