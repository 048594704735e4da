// Loading, validation and querying of n-gram model files (see ngram.h and
// docs/formats.md, "N-gram model file").
//
// Lookups trust the tables only as far as Load has checked them: every
// section lies inside the file, array lengths agree with each other, context
// keys are strictly increasing (binary search relies on it), successor ranges
// are increasing and end at the array's end, and every stored token id is
// inside the vocabulary. So a lying file can give odd probabilities but never
// an out-of-bounds read.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "lm/ngram_format.h"
#include "lm/ngram_session.h"
#include "warden/core/hash.h"
#include "warden/core/io.h"
#include "warden/lm/ngram.h"
#include "warden/text/bpe_tokenizer.h"

namespace warden::lm {

using detail::ContextInfo;
using detail::Key128;
using detail::Successor;

namespace {

struct OrderView {
  const char* keys = nullptr;  // count keys of key_bytes each
  uint64_t count = 0;
  const ContextInfo* infos = nullptr;  // count + 1
  const Successor* successors = nullptr;
  uint64_t successor_count = 0;
};

Status Corrupt(const std::string& name, const std::string& what) {
  return Status::Corruption(name + ": n-gram model: " + what);
}

bool FiniteIn01(float x) { return std::isfinite(x) && x >= 0.0f && x <= 1.0f; }

}  // namespace

struct NgramModel::Impl {
  std::optional<core::MappedFile> mapped;
  std::unique_ptr<uint64_t[]> owned;  // LoadFromBytes's copy, 8-byte aligned
  std::string_view data;
  std::string name;
  int order = 0, vocab = 0, eos = 0, bits = 0, key_bytes = 0;
  const float* unigram = nullptr;
  std::array<OrderView, detail::kMaxOrder + 1> orders;
  std::unique_ptr<text::BpeTokenizer> tokenizer;
  NgramStats stats;

  Status Parse();
  Status ValidateOrder(int n) const;

  template <typename Key>
  int64_t FindKey(const OrderView& v, Key key) const {
    uint64_t lo = 0, hi = v.count;
    while (lo < hi) {
      const uint64_t mid = lo + (hi - lo) / 2;
      if (detail::LoadKey<Key>(v.keys + mid * sizeof(Key)) < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo < v.count && detail::LoadKey<Key>(v.keys + lo * sizeof(Key)) == key) {
      return static_cast<int64_t>(lo);
    }
    return -1;
  }

  // The stored context of order n (its last n-1 tokens of `eff`), or -1.
  // `eff` holds order-1 tokens, padded and validated (see Effective).
  int64_t FindContext(int n, const int32_t* eff, int valid_from) const {
    const int start = (order - 1) - (n - 1);
    if (start < valid_from || orders[n].count == 0) return -1;
    if (key_bytes == 8) {
      return FindKey(orders[n], detail::PackTokens<uint64_t>(eff + start, n - 1, bits));
    }
    return FindKey(orders[n], detail::PackTokens<Key128>(eff + start, n - 1, bits));
  }

  // Copies the last order-1 tokens of eos-padding + context into eff and
  // returns the index after the last out-of-range token (0 if none).
  int Effective(std::span<const TokenId> context, int32_t* eff) const {
    const int need = order - 1;
    const int have = static_cast<int>(std::min<size_t>(context.size(), need));
    int valid_from = 0;
    for (int i = 0; i < need; ++i) {
      const int from_end = need - i;  // 1-based position from the end
      int32_t t = from_end <= have ? context[context.size() - from_end] : eos;
      if (t < 0 || t >= vocab) valid_from = i + 1;
      eff[i] = t;
    }
    return valid_from;
  }
};

Status NgramModel::Impl::Parse() {
  if (std::endian::native != std::endian::little) {
    return Status::Unimplemented(name + ": n-gram models need a little-endian machine");
  }
  if (data.size() < detail::kHeaderSize) return Corrupt(name, "file too short for the header");
  detail::Header h;
  std::memcpy(&h, data.data(), sizeof(h));
  if (std::memcmp(h.magic, detail::kMagic, 4) != 0) return Corrupt(name, "bad magic (not WNGM)");
  if (h.version != detail::kVersion) {
    return Corrupt(name, "unsupported version " + std::to_string(h.version));
  }
  if (h.header_size != detail::kHeaderSize || h.reserved0 != 0) return Corrupt(name, "bad header");
  if (h.file_size != data.size()) {
    return Corrupt(name, "file size " + std::to_string(data.size()) + " but header says " +
                             std::to_string(h.file_size) + " (truncated?)");
  }
  if (detail::FileChecksum(data) != h.checksum) {
    return Corrupt(name, "checksum mismatch");
  }
  if (h.order < 1 || h.order > static_cast<uint32_t>(detail::kMaxOrder)) {
    return Corrupt(name, "order " + std::to_string(h.order) + " outside 1..8");
  }
  if (h.vocab_size < 1 || h.vocab_size > static_cast<uint32_t>(detail::kMaxVocab)) {
    return Corrupt(name, "vocabulary size " + std::to_string(h.vocab_size) + " out of range");
  }
  order = static_cast<int>(h.order);
  vocab = static_cast<int>(h.vocab_size);
  bits = detail::BitsPerToken(vocab);
  if (h.eos >= h.vocab_size) return Corrupt(name, "<eos> id outside the vocabulary");
  eos = static_cast<int>(h.eos);
  if (h.bits_per_token != static_cast<uint32_t>(bits) || order * bits > 128) {
    return Corrupt(name, "bad bits per token");
  }
  key_bytes = (order - 1) * bits <= 64 ? 8 : 16;
  if (h.key_bytes != static_cast<uint32_t>(key_bytes)) return Corrupt(name, "bad key width");
  if (h.section_count > detail::kMaxSections) return Corrupt(name, "too many sections");
  const uint64_t table_end =
      uint64_t{detail::kHeaderSize} + uint64_t{h.section_count} * detail::kSectionEntrySize;
  if (table_end > data.size()) return Corrupt(name, "section table past the end of the file");

  std::array<std::optional<std::string_view>, 16 * (detail::kMaxOrder + 1)> sections;
  for (uint32_t i = 0; i < h.section_count; ++i) {
    detail::SectionEntry e;
    std::memcpy(&e, data.data() + detail::kHeaderSize + i * detail::kSectionEntrySize, sizeof(e));
    const std::string which = "section " + std::to_string(e.id);
    if (e.reserved != 0 || e.offset % detail::kSectionAlign != 0 || e.offset < table_end ||
        e.offset > data.size() || e.length > data.size() - e.offset) {
      return Corrupt(name, which + " out of bounds or misaligned");
    }
    const bool known = e.id == detail::kSecTokenizer || e.id == detail::kSecDiscounts ||
                       e.id == detail::kSecUnigram ||
                       (e.id >= detail::SecContextKeys(2) && e.id <= detail::SecSuccessors(order) &&
                        e.id % 16 <= 2);
    if (!known) return Corrupt(name, "unknown " + which);
    if (sections[e.id]) return Corrupt(name, "duplicate " + which);
    sections[e.id] = data.substr(e.offset, e.length);
  }
  auto need = [&](uint32_t id, const char* what) -> Result<std::string_view> {
    if (!sections[id]) return Corrupt(name, std::string("missing ") + what + " section");
    return *sections[id];
  };

  WARDEN_ASSIGN_OR_RETURN(std::string_view tok, need(detail::kSecTokenizer, "tokenizer"));
  auto parsed = text::BpeTokenizer::Deserialize(tok);
  if (!parsed.ok()) return parsed.status().WithContext(name + ": embedded tokenizer");
  tokenizer = std::make_unique<text::BpeTokenizer>(std::move(parsed).value());
  if (tokenizer->vocab_size() != vocab || tokenizer->eos() != eos) {
    return Corrupt(name, "embedded tokenizer does not match the header");
  }

  WARDEN_ASSIGN_OR_RETURN(std::string_view disc, need(detail::kSecDiscounts, "discounts"));
  if (disc.size() != static_cast<size_t>(order) * 3 * sizeof(double)) {
    return Corrupt(name, "discounts section has the wrong size");
  }
  stats.discounts.resize(order);
  for (int n = 0; n < order; ++n) {
    std::memcpy(stats.discounts[n].data(), disc.data() + n * 3 * sizeof(double),
                3 * sizeof(double));
    for (double d : stats.discounts[n]) {
      if (!std::isfinite(d)) return Corrupt(name, "non-finite discount");
    }
  }

  WARDEN_ASSIGN_OR_RETURN(std::string_view uni, need(detail::kSecUnigram, "unigram"));
  if (uni.size() != static_cast<size_t>(vocab) * sizeof(float)) {
    return Corrupt(name, "unigram section has the wrong size");
  }
  unigram = reinterpret_cast<const float*>(uni.data());
  for (int w = 0; w < vocab; ++w) {
    if (!FiniteIn01(unigram[w])) return Corrupt(name, "unigram probability out of range");
  }

  stats.order = order;
  stats.vocab_size = vocab;
  stats.training_tokens = h.training_tokens;
  stats.file_bytes = data.size();
  stats.contexts.assign(1, 1);
  stats.ngrams.assign(1, static_cast<uint64_t>(vocab));
  for (int n = 2; n <= order; ++n) {
    const std::string on = " (order " + std::to_string(n) + ")";
    WARDEN_ASSIGN_OR_RETURN(std::string_view keys, need(detail::SecContextKeys(n), "context keys"));
    WARDEN_ASSIGN_OR_RETURN(std::string_view infos,
                            need(detail::SecContextInfos(n), "context infos"));
    WARDEN_ASSIGN_OR_RETURN(std::string_view succ, need(detail::SecSuccessors(n), "successors"));
    OrderView& v = orders[n];
    if (keys.size() % key_bytes != 0) return Corrupt(name, "ragged context keys" + on);
    v.count = keys.size() / key_bytes;
    if (infos.size() / sizeof(ContextInfo) != v.count + 1 ||
        infos.size() % sizeof(ContextInfo) != 0) {
      return Corrupt(name, "context infos disagree with context keys" + on);
    }
    if (succ.size() % sizeof(Successor) != 0) return Corrupt(name, "ragged successors" + on);
    v.successor_count = succ.size() / sizeof(Successor);
    v.keys = keys.data();
    v.infos = reinterpret_cast<const ContextInfo*>(infos.data());
    v.successors = reinterpret_cast<const Successor*>(succ.data());
    WARDEN_RETURN_IF_ERROR(ValidateOrder(n));
    stats.contexts.push_back(v.count);
    stats.ngrams.push_back(v.successor_count);
  }
  return Status::Ok();
}

Status NgramModel::Impl::ValidateOrder(int n) const {
  const OrderView& v = orders[n];
  const std::string on = " (order " + std::to_string(n) + ")";
  for (uint64_t i = 1; i < v.count; ++i) {
    const bool increasing = key_bytes == 8 ? detail::LoadKey<uint64_t>(v.keys + (i - 1) * 8) <
                                                 detail::LoadKey<uint64_t>(v.keys + i * 8)
                                           : detail::LoadKey<Key128>(v.keys + (i - 1) * 16) <
                                                 detail::LoadKey<Key128>(v.keys + i * 16);
    if (!increasing) return Corrupt(name, "context keys not strictly increasing" + on);
  }
  if (v.infos[0].first != 0 || v.infos[v.count].first != v.successor_count) {
    return Corrupt(name, "successor ranges do not cover the successor array" + on);
  }
  for (uint64_t i = 0; i < v.count; ++i) {
    const ContextInfo& c = v.infos[i];
    if (c.first >= v.infos[i + 1].first || v.infos[i + 1].first > v.successor_count) {
      return Corrupt(name, "empty, reversed or out-of-bounds successor range" + on);
    }
    if (!FiniteIn01(c.gamma)) return Corrupt(name, "interpolation weight out of range" + on);
    for (uint32_t j = c.first; j < v.infos[i + 1].first; ++j) {
      const Successor& s = v.successors[j];
      if (s.token >= static_cast<uint32_t>(vocab) ||
          (j > c.first && s.token <= v.successors[j - 1].token)) {
        return Corrupt(name, "successor tokens unsorted or out of range" + on);
      }
      if (!FiniteIn01(s.prob)) return Corrupt(name, "successor probability out of range" + on);
    }
  }
  return Status::Ok();
}

NgramModel::NgramModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NgramModel::~NgramModel() = default;

Result<std::unique_ptr<NgramModel>> NgramModel::Load(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  WARDEN_ASSIGN_OR_RETURN(core::MappedFile m, core::MappedFile::Open(path));
  impl->mapped.emplace(std::move(m));
  impl->data = impl->mapped->data();
  impl->name = path;
  WARDEN_RETURN_IF_ERROR(impl->Parse());
  return std::unique_ptr<NgramModel>(new NgramModel(std::move(impl)));
}

Result<std::unique_ptr<NgramModel>> NgramModel::LoadFromBytes(std::string_view bytes,
                                                              std::string name) {
  auto impl = std::make_unique<Impl>();
  impl->owned = std::make_unique_for_overwrite<uint64_t[]>(bytes.size() / 8 + 1);
  if (!bytes.empty()) std::memcpy(impl->owned.get(), bytes.data(), bytes.size());
  impl->data = std::string_view(reinterpret_cast<const char*>(impl->owned.get()), bytes.size());
  impl->name = std::move(name);
  WARDEN_RETURN_IF_ERROR(impl->Parse());
  return std::unique_ptr<NgramModel>(new NgramModel(std::move(impl)));
}

int32_t NgramModel::order() const { return impl_->order; }
const NgramStats& NgramModel::stats() const { return impl_->stats; }
const text::Tokenizer& NgramModel::tokenizer() const { return *impl_->tokenizer; }
int32_t NgramModel::vocab_size() const { return impl_->vocab; }

double NgramModel::LogProb(std::span<const TokenId> context, TokenId next) const {
  const Impl& m = *impl_;
  if (next < 0 || next >= m.vocab) return -std::numeric_limits<double>::infinity();
  int32_t eff[detail::kMaxOrder];
  const int valid_from = m.Effective(context, eff);
  double p = m.unigram[next];
  for (int n = 2; n <= m.order; ++n) {
    const int64_t c = m.FindContext(n, eff, valid_from);
    if (c < 0) continue;
    const OrderView& v = m.orders[n];
    const Successor* begin = v.successors + v.infos[c].first;
    const Successor* end = v.successors + v.infos[c + 1].first;
    const Successor* it =
        std::lower_bound(begin, end, static_cast<uint32_t>(next),
                         [](const Successor& s, uint32_t t) { return s.token < t; });
    const double own = (it != end && it->token == static_cast<uint32_t>(next)) ? it->prob : 0.0;
    p = own + static_cast<double>(v.infos[c].gamma) * p;
  }
  return std::log(p);
}

void NgramModel::Distribution(std::span<const TokenId> context, std::span<float> probs) const {
  const Impl& m = *impl_;
  assert(probs.size() == static_cast<size_t>(m.vocab));
  int32_t eff[detail::kMaxOrder];
  const int valid_from = m.Effective(context, eff);
  // P_N = s_N + g_N (s_{N-1} + g_{N-1} (... + g_2 P_1)): each level's stored
  // successors are added with the product of the weights above them, and
  // P_1 once, densely, with the product of all of them.
  int64_t found[detail::kMaxOrder + 1];
  float weight[detail::kMaxOrder + 1];
  float scale = 1.0f;
  for (int n = m.order; n >= 2; --n) {
    found[n] = m.FindContext(n, eff, valid_from);
    if (found[n] < 0) continue;
    weight[n] = scale;
    scale *= m.orders[n].infos[found[n]].gamma;
  }
  float* out = probs.data();
  const float* uni = m.unigram;
  for (int w = 0; w < m.vocab; ++w) out[w] = scale * uni[w];
  for (int n = 2; n <= m.order; ++n) {
    if (found[n] < 0) continue;
    const OrderView& v = m.orders[n];
    const Successor* s = v.successors + v.infos[found[n]].first;
    const Successor* end = v.successors + v.infos[found[n] + 1].first;
    const float wgt = weight[n];
    for (; s != end; ++s) out[s->token] += wgt * s->prob;
  }
}

void NgramModel::DistributionReference(std::span<const TokenId> context,
                                       std::span<float> probs) const {
  assert(probs.size() == static_cast<size_t>(impl_->vocab));
  for (int w = 0; w < impl_->vocab; ++w) {
    probs[w] = static_cast<float>(std::exp(LogProb(context, w)));
  }
}

Result<std::unique_ptr<LmSession>> NgramModel::NewSession() const {
  return std::unique_ptr<LmSession>(new detail::NgramSession(*this));
}

std::string NgramModel::description() const {
  const NgramStats& s = impl_->stats;
  uint64_t ngrams = 0;
  for (uint64_t c : s.ngrams) ngrams += c;
  char buf[256];
  std::snprintf(buf, sizeof(buf),
                "n-gram LM (interpolated modified Kneser-Ney), order %d, vocab %d, %llu n-grams, "
                "%.1f MB, %s",
                s.order, s.vocab_size, static_cast<unsigned long long>(ngrams),
                static_cast<double>(s.file_bytes) / 1e6, impl_->name.c_str());
  return buf;
}

}  // namespace warden::lm
