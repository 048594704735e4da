#include "eval/watermark/data.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "eval/watermark/attacks.h"
#include "warden/core/hash.h"
#include "warden/core/parallel.h"

namespace warden::eval {

Status ParallelFor(size_t n, int threads, const std::function<Status(size_t)>& fn) {
  std::vector<Status> status(n);
  core::ParallelForDynamic(n, threads, 1, [&](size_t begin, size_t end, int) {
    for (size_t i = begin; i < end; ++i) status[i] = fn(i);
  });
  for (Status& s : status) {
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

namespace {

std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> w;
  size_t pos = 0;
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  while (pos < text.size()) {
    while (pos < text.size() && space(text[pos])) ++pos;
    const size_t start = pos;
    while (pos < text.size() && !space(text[pos])) ++pos;
    if (pos > start) w.push_back(text.substr(start, pos - start));
  }
  return w;
}

}  // namespace

Result<std::vector<std::string>> MakePrompts(std::span<const text::CorpusDocument> heldout,
                                             int32_t count, int32_t words, uint64_t seed) {
  std::vector<std::pair<uint64_t, std::string>> eligible;
  for (const text::CorpusDocument& d : heldout) {
    const std::vector<std::string_view> w = Words(d.text);
    if (w.size() < static_cast<size_t>(words) + 4) continue;
    std::string prompt;
    for (int32_t i = 0; i < words; ++i) {
      if (i > 0) prompt += ' ';
      prompt += w[static_cast<size_t>(i)];
    }
    eligible.emplace_back(core::Hash64(d.text, seed), std::move(prompt));
  }
  if (eligible.empty()) {
    return Status::InvalidArgument("no held-out document has " + std::to_string(words + 4) +
                                   " words to take a prompt from");
  }
  std::sort(eligible.begin(), eligible.end());
  std::vector<std::string> prompts;
  for (int32_t i = 0; i < count; ++i) {
    prompts.push_back(eligible[static_cast<size_t>(i) % eligible.size()].second);
  }
  return prompts;
}

namespace {

// Splits a document into words, each with the whitespace before it (BPE
// pre-tokens carry their leading space, so the pieces tokenize almost
// exactly as the whole does).
std::vector<std::string_view> WordPieces(std::string_view text) {
  std::vector<std::string_view> out;
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  size_t start = 0;
  for (size_t i = 1; i < text.size(); ++i) {
    if (space(text[i]) && !space(text[i - 1])) {
      out.push_back(text.substr(start, i - start));
      start = i;
    }
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

}  // namespace

Result<std::vector<HumanPassage>> MakeHumanPassages(std::span<const text::CorpusDocument> heldout,
                                                    const text::Tokenizer& tokenizer,
                                                    const PassageOptions& opts) {
  struct Piece {
    std::string_view text;
    int64_t tokens = 0;
  };
  std::vector<std::vector<Piece>> pieces(heldout.size());
  std::vector<int64_t> doc_tokens(heldout.size());
  WARDEN_RETURN_IF_ERROR(ParallelFor(heldout.size(), opts.threads, [&](size_t i) {
    std::vector<TokenId> ids;
    for (std::string_view s : WordPieces(heldout[i].text)) {
      ids.clear();
      WARDEN_RETURN_IF_ERROR(
          tokenizer.Encode(s, &ids).WithContext("held-out document " + std::to_string(i)));
      pieces[i].push_back({s, static_cast<int64_t>(ids.size())});
      doc_tokens[i] += static_cast<int64_t>(ids.size());
    }
    return Status::Ok();
  }));

  // One open passage per source, so that interleaved sources still give
  // passages of consecutive text of a single source. A passage ends as soon
  // as it is long enough, even inside a document: ending only between
  // documents would waste a fifth of the held-out text on overshoot, and the
  // held-out part has barely 10,000 passages' worth of tokens.
  std::vector<HumanPassage> natural;
  std::map<std::string, HumanPassage> open;
  for (size_t i = 0; i < heldout.size(); ++i) {
    HumanPassage& p = open[heldout[i].source];
    bool doc_start = true;
    for (const Piece& piece : pieces[i]) {
      std::string_view text = piece.text;
      if (p.text.empty()) {
        while (!text.empty() && (text.front() == ' ' || text.front() == '\n')) {
          text.remove_prefix(1);
        }
        if (text.empty()) continue;
      } else if (doc_start) {
        p.text += "\n\n";
        p.tokens += 1;
      }
      doc_start = false;
      p.source = heldout[i].source;
      p.text += text;
      p.tokens += piece.tokens;
      if (p.tokens >= opts.min_tokens) {
        natural.push_back(std::move(p));
        p = HumanPassage();
      }
    }
  }
  if (natural.empty()) {
    return Status::InvalidArgument("the held-out corpus is too small for one passage of " +
                                   std::to_string(opts.min_tokens) + " tokens");
  }
  std::vector<HumanPassage> out;
  const size_t keep = std::min(natural.size(), static_cast<size_t>(opts.max_natural));
  for (size_t k = 0; k < keep; ++k) {
    out.push_back(std::move(natural[k * natural.size() / keep]));
  }

  std::vector<size_t> shorts;
  for (int64_t lo : {16, 1}) {
    for (size_t i = 0; i < heldout.size(); ++i) {
      if (doc_tokens[i] >= lo && doc_tokens[i] <= 48) shorts.push_back(i);
    }
    if (!shorts.empty()) break;
  }
  const auto repetitive =
      static_cast<size_t>(std::llround(opts.repetitive_fraction * static_cast<double>(out.size())));
  for (size_t k = 0; k < repetitive && !shorts.empty(); ++k) {
    EvalRng rng(StreamSeed(opts.seed, "repetitive passage", k));
    const size_t doc = shorts[rng.Below(shorts.size())];
    const auto times = static_cast<int>(3 + rng.Below(4));
    const bool list = k % 2 == 1;
    HumanPassage p;
    p.source = heldout[doc].source;
    p.repetitive = true;
    // Inner newlines would break the list look; a chorus keeps them.
    std::string line = heldout[doc].text;
    if (list) std::replace(line.begin(), line.end(), '\n', ' ');
    for (int t = 0; t < times; ++t) {
      p.text += list ? "- " + line + "\n" : line + "\n";
    }
    p.tokens = doc_tokens[doc] * times;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace warden::eval
