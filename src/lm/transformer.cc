// Transformer: loading and validating a llama/qwen2 GGUF model, and the
// forward pass with its KV cache (see transformer.h).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "lm/transformer_kernels.h"
#include "warden/lm/transformer.h"

namespace warden::lm {
namespace {

using detail::ActBlock;
using detail::Matrix;

struct Linear {
  Matrix m;
  detail::DotFn dot = nullptr;
};

struct Layer {
  std::vector<float> attn_norm, ffn_norm, bq, bk, bv;
  Linear wq, wk, wv, wo, gate, up, down;
};

constexpr int64_t kMaxDim = 1 << 20;

}  // namespace

struct Transformer::Impl {
  const GgufFile* file = nullptr;
  TransformerConfig cfg;
  Matrix embd;
  Linear out;
  std::vector<float> out_norm;
  std::vector<Layer> layers;
  std::vector<float> inv_freq;  // per rotated pair
  uint64_t bytes_per_token = 0;

  Status Check(bool ok, const std::string& what) const {
    return ok ? Status::Ok() : Status::Corruption(file->name() + ": " + what);
  }

  // A tensor of exactly `dims`, f32 when `f32`, copied into `out`.
  Status LoadVector(const std::string& name, int64_t n, std::vector<float>* out, bool optional) {
    const GgufTensor* t = file->FindTensor(name);
    if (t == nullptr) return optional ? Status::Ok() : Check(false, "missing tensor " + name);
    WARDEN_RETURN_IF_ERROR(Check(t->type == GgmlType::kF32, name + " must be f32"));
    WARDEN_RETURN_IF_ERROR(Check(t->dims.size() == 1 && t->dims[0] == n,
                                 name + " must have " + std::to_string(n) + " elements"));
    out->resize(static_cast<size_t>(n));
    std::memcpy(out->data(), t->data, static_cast<size_t>(n) * 4);
    bytes_per_token += t->nbytes;
    return Status::Ok();
  }

  Status LoadMatrix(const std::string& name, int64_t cols, int64_t rows, Matrix* m) {
    const GgufTensor* t = file->FindTensor(name);
    WARDEN_RETURN_IF_ERROR(Check(t != nullptr, "missing tensor " + name));
    WARDEN_RETURN_IF_ERROR(Check(detail::IsSupportedWeightType(t->type),
                                 name + ": tensor type " + GgmlTypeName(t->type) +
                                     " is not supported (f32, f16, bf16, q8_0, q4_0, q5_0)"));
    WARDEN_RETURN_IF_ERROR(
        Check(t->dims.size() == 2 && t->dims[0] == cols && t->dims[1] == rows,
              name + " must be " + std::to_string(cols) + " x " + std::to_string(rows)));
    WARDEN_RETURN_IF_ERROR(
        Check(reinterpret_cast<uintptr_t>(t->data) % 4 == 0, name + ": misaligned data"));
    WARDEN_RETURN_IF_ERROR(Check(!detail::UsesActBlocks(t->type) || cols % detail::kBlock == 0,
                                 name + ": row not a multiple of 32"));
    *m = Matrix{t->type, t->data, rows, cols, detail::RowBytes(t->type, cols)};
    return Status::Ok();
  }

  Status LoadLinear(const std::string& name, int64_t cols, int64_t rows, Linear* l) {
    WARDEN_RETURN_IF_ERROR(LoadMatrix(name, cols, rows, &l->m));
    l->dot = detail::BestDot(l->m.type);
    bytes_per_token += static_cast<uint64_t>(l->m.row_bytes * rows);
    return Status::Ok();
  }

  Status LoadConfig() {
    WARDEN_ASSIGN_OR_RETURN(cfg.arch, file->GetString("general.architecture"));
    if (cfg.arch != "llama" && cfg.arch != "qwen2") {
      return Status::Unimplemented(file->name() + ": architecture " + cfg.arch +
                                   " is not supported (llama, qwen2)");
    }
    const std::string a = cfg.arch + ".";
    auto get = [&](const std::string& key, int64_t fallback, int32_t* out) -> Status {
      WARDEN_ASSIGN_OR_RETURN(
          int64_t v, fallback < 0 ? file->GetInt(a + key) : file->GetIntOr(a + key, fallback));
      if (v <= 0 || v > kMaxDim) return Check(false, a + key + " out of range");
      *out = static_cast<int32_t>(v);
      return Status::Ok();
    };
    WARDEN_RETURN_IF_ERROR(get("block_count", -1, &cfg.n_layer));
    WARDEN_RETURN_IF_ERROR(get("embedding_length", -1, &cfg.d_model));
    WARDEN_RETURN_IF_ERROR(get("feed_forward_length", -1, &cfg.d_ff));
    WARDEN_RETURN_IF_ERROR(get("attention.head_count", -1, &cfg.n_head));
    WARDEN_RETURN_IF_ERROR(get("attention.head_count_kv", cfg.n_head, &cfg.n_kv_head));
    WARDEN_RETURN_IF_ERROR(get("context_length", 2048, &cfg.context_length));
    WARDEN_RETURN_IF_ERROR(Check(cfg.n_layer <= 4096, "too many layers"));
    WARDEN_RETURN_IF_ERROR(Check(cfg.d_model % cfg.n_head == 0, "width not divisible by heads"));
    WARDEN_RETURN_IF_ERROR(
        Check(cfg.n_head % cfg.n_kv_head == 0, "heads not divisible by kv heads"));
    cfg.head_dim = cfg.d_model / cfg.n_head;
    WARDEN_RETURN_IF_ERROR(Check(cfg.head_dim % 2 == 0, "odd head dimension"));
    int32_t rope_dims = cfg.head_dim;
    WARDEN_RETURN_IF_ERROR(get("rope.dimension_count", cfg.head_dim, &rope_dims));
    if (rope_dims != cfg.head_dim) {
      return Status::Unimplemented(file->name() + ": partial rotary embeddings are not supported");
    }
    WARDEN_ASSIGN_OR_RETURN(double eps,
                            file->GetFloatOr(a + "attention.layer_norm_rms_epsilon", 1e-5));
    WARDEN_ASSIGN_OR_RETURN(double base, file->GetFloatOr(a + "rope.freq_base", 10000.0));
    WARDEN_RETURN_IF_ERROR(Check(eps > 0 && eps < 1, "rms epsilon out of range"));
    WARDEN_RETURN_IF_ERROR(Check(base > 1 && base < 1e12, "rope base out of range"));
    cfg.rms_eps = static_cast<float>(eps);
    cfg.rope_base = static_cast<float>(base);
    cfg.rope_half_split = cfg.arch == "qwen2";
    return Status::Ok();
  }

  Status LoadAll() {
    WARDEN_RETURN_IF_ERROR(LoadConfig());
    const GgufTensor* e = file->FindTensor("token_embd.weight");
    WARDEN_RETURN_IF_ERROR(Check(e != nullptr && e->dims.size() == 2, "missing token_embd.weight"));
    WARDEN_RETURN_IF_ERROR(Check(e->dims[1] <= kMaxDim * 4, "vocabulary too large"));
    cfg.vocab_size = static_cast<int32_t>(e->dims[1]);
    const int64_t d = cfg.d_model, hd = cfg.head_dim, vocab = cfg.vocab_size;
    WARDEN_RETURN_IF_ERROR(LoadMatrix("token_embd.weight", d, vocab, &embd));
    cfg.tied_output = file->FindTensor("output.weight") == nullptr;
    if (cfg.tied_output) {
      out.m = embd;
      out.dot = detail::BestDot(embd.type);
      bytes_per_token += static_cast<uint64_t>(embd.row_bytes * vocab);
    } else {
      WARDEN_RETURN_IF_ERROR(LoadLinear("output.weight", d, vocab, &out));
    }
    WARDEN_RETURN_IF_ERROR(LoadVector("output_norm.weight", d, &out_norm, false));
    cfg.qkv_bias = file->FindTensor("blk.0.attn_q.bias") != nullptr;
    layers.resize(static_cast<size_t>(cfg.n_layer));
    for (int32_t i = 0; i < cfg.n_layer; ++i) {
      const std::string p = "blk." + std::to_string(i) + ".";
      Layer& l = layers[static_cast<size_t>(i)];
      WARDEN_RETURN_IF_ERROR(LoadVector(p + "attn_norm.weight", d, &l.attn_norm, false));
      WARDEN_RETURN_IF_ERROR(LoadVector(p + "ffn_norm.weight", d, &l.ffn_norm, false));
      WARDEN_RETURN_IF_ERROR(LoadLinear(p + "attn_q.weight", d, cfg.n_head * hd, &l.wq));
      WARDEN_RETURN_IF_ERROR(LoadLinear(p + "attn_k.weight", d, cfg.n_kv_head * hd, &l.wk));
      WARDEN_RETURN_IF_ERROR(LoadLinear(p + "attn_v.weight", d, cfg.n_kv_head * hd, &l.wv));
      WARDEN_RETURN_IF_ERROR(LoadLinear(p + "attn_output.weight", cfg.n_head * hd, d, &l.wo));
      WARDEN_RETURN_IF_ERROR(LoadLinear(p + "ffn_gate.weight", d, cfg.d_ff, &l.gate));
      WARDEN_RETURN_IF_ERROR(LoadLinear(p + "ffn_up.weight", d, cfg.d_ff, &l.up));
      WARDEN_RETURN_IF_ERROR(LoadLinear(p + "ffn_down.weight", cfg.d_ff, d, &l.down));
      WARDEN_RETURN_IF_ERROR(LoadVector(p + "attn_q.bias", cfg.n_head * hd, &l.bq, true));
      WARDEN_RETURN_IF_ERROR(LoadVector(p + "attn_k.bias", cfg.n_kv_head * hd, &l.bk, true));
      WARDEN_RETURN_IF_ERROR(LoadVector(p + "attn_v.bias", cfg.n_kv_head * hd, &l.bv, true));
    }
    for (int64_t i = 0; i < hd / 2; ++i) {
      inv_freq.push_back(
          static_cast<float>(std::pow(static_cast<double>(cfg.rope_base),
                                      -2.0 * static_cast<double>(i) / static_cast<double>(hd))));
    }
    return Status::Ok();
  }
};

namespace {

class StateImpl final : public Transformer::State {
 public:
  StateImpl(const TransformerConfig& cfg, int threads)
      : pool(threads), k(static_cast<size_t>(cfg.n_layer)), v(static_cast<size_t>(cfg.n_layer)) {}
  int64_t position() const override { return pos; }
  void Reset() override { pos = 0; }

  int64_t pos = 0;
  detail::ThreadPool pool;
  std::vector<std::vector<float>> k, v;  // per layer: position x kv width
  // Scratch, sized for the largest batch seen.
  std::vector<float> x, h, q, kn, vn, att, gate, up, tmp;
  std::vector<ActBlock> xq;
};

void RmsNorm(const float* x, const std::vector<float>& w, int64_t d, float eps, float* out) {
  double ss = 0;
  for (int64_t i = 0; i < d; ++i) ss += static_cast<double>(x[i]) * x[i];
  const float scale = static_cast<float>(1.0 / std::sqrt(ss / static_cast<double>(d) + eps));
  for (int64_t i = 0; i < d; ++i) out[i] = x[i] * scale * w[static_cast<size_t>(i)];
}

// out[t] = W * in[t] for n tokens, quantizing `in` first when W wants it.
void Project(const Linear& l, const float* in, int64_t n, float* out, StateImpl* s) {
  const ActBlock* xq = nullptr;
  if (detail::UsesActBlocks(l.m.type)) {
    s->xq.resize(static_cast<size_t>(n * l.m.cols / detail::kBlock));
    detail::QuantizeActs(in, n * l.m.cols, s->xq.data());
    xq = s->xq.data();
  }
  detail::MatMul(l.m, in, xq, n, out, &s->pool, l.dot);
}

void AddBias(const std::vector<float>& b, int64_t n, float* y) {
  if (b.empty()) return;
  const int64_t w = static_cast<int64_t>(b.size());
  for (int64_t t = 0; t < n; ++t) {
    for (int64_t i = 0; i < w; ++i) y[t * w + i] += b[static_cast<size_t>(i)];
  }
}

void Rope(float* vec, int64_t heads, int64_t hd, int64_t pos, bool half_split,
          const std::vector<float>& inv_freq) {
  for (int64_t i = 0; i < hd / 2; ++i) {
    const double angle = static_cast<double>(pos) * inv_freq[static_cast<size_t>(i)];
    const float c = static_cast<float>(std::cos(angle)), s = static_cast<float>(std::sin(angle));
    const int64_t a = half_split ? i : 2 * i, b = half_split ? i + hd / 2 : 2 * i + 1;
    for (int64_t h = 0; h < heads; ++h) {
      float* p = vec + h * hd;
      const float x0 = p[a], x1 = p[b];
      p[a] = x0 * c - x1 * s;
      p[b] = x0 * s + x1 * c;
    }
  }
}

}  // namespace

Transformer::Transformer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Transformer::~Transformer() = default;

Result<std::unique_ptr<Transformer>> Transformer::Load(const GgufFile* file) {
  auto impl = std::make_unique<Impl>();
  impl->file = file;
  WARDEN_RETURN_IF_ERROR(impl->LoadAll());
  return std::unique_ptr<Transformer>(new Transformer(std::move(impl)));
}

const TransformerConfig& Transformer::config() const { return impl_->cfg; }
uint64_t Transformer::bytes_per_token() const { return impl_->bytes_per_token; }
uint64_t Transformer::kv_bytes_per_token() const {
  const auto& c = impl_->cfg;
  return 2ull * 4 * static_cast<uint64_t>(c.n_layer) *
         static_cast<uint64_t>(c.n_kv_head * c.head_dim);
}

std::unique_ptr<Transformer::State> Transformer::NewState(int threads) const {
  return std::make_unique<StateImpl>(impl_->cfg, threads);
}

Status Transformer::Forward(State* state, std::span<const TokenId> tokens,
                            std::span<float> logits) const {
  const Impl& m = *impl_;
  const TransformerConfig& c = m.cfg;
  auto* s = static_cast<StateImpl*>(state);
  for (TokenId id : tokens) {
    if (id < 0 || id >= c.vocab_size) {
      return Status::OutOfRange("token id " + std::to_string(id) + " outside the vocabulary of " +
                                std::to_string(c.vocab_size));
    }
  }
  if (!logits.empty() && logits.size() != static_cast<size_t>(c.vocab_size)) {
    return Status::InvalidArgument("logits buffer size differs from the vocabulary size");
  }
  const int64_t n = static_cast<int64_t>(tokens.size());
  if (s->pos + n > c.context_length) {
    return Status::OutOfRange("context of " + std::to_string(s->pos + n) +
                              " tokens exceeds the model's " + std::to_string(c.context_length));
  }
  if (n == 0) {
    if (logits.empty()) return Status::Ok();
    return Status::InvalidArgument("logits need at least one token of context");
  }
  const int64_t d = c.d_model, hd = c.head_dim, nh = c.n_head, nkv = c.n_kv_head;
  const int64_t kvw = nkv * hd, qw = nh * hd, group = nh / nkv;
  const int64_t end = s->pos + n;
  s->x.resize(static_cast<size_t>(n * d));
  s->h.resize(static_cast<size_t>(n * std::max<int64_t>(d, qw)));
  s->q.resize(static_cast<size_t>(n * qw));
  s->kn.resize(static_cast<size_t>(n * kvw));
  s->vn.resize(static_cast<size_t>(n * kvw));
  s->att.resize(static_cast<size_t>(n * qw));
  s->gate.resize(static_cast<size_t>(n * c.d_ff));
  s->up.resize(static_cast<size_t>(n * c.d_ff));
  s->tmp.resize(static_cast<size_t>(n * d));
  for (int64_t t = 0; t < n; ++t) {
    detail::DequantizeRow(m.embd.type,
                          m.embd.data + tokens[static_cast<size_t>(t)] * m.embd.row_bytes, d,
                          &s->x[static_cast<size_t>(t * d)]);
  }
  const float att_scale = 1.0f / std::sqrt(static_cast<float>(hd));
  for (size_t li = 0; li < m.layers.size(); ++li) {
    const Layer& L = m.layers[li];
    std::vector<float>& kc = s->k[li];
    std::vector<float>& vc = s->v[li];
    kc.resize(static_cast<size_t>(end * kvw));
    vc.resize(static_cast<size_t>(end * kvw));
    for (int64_t t = 0; t < n; ++t) RmsNorm(&s->x[t * d], L.attn_norm, d, c.rms_eps, &s->h[t * d]);
    Project(L.wq, s->h.data(), n, s->q.data(), s);
    Project(L.wk, s->h.data(), n, s->kn.data(), s);
    Project(L.wv, s->h.data(), n, s->vn.data(), s);
    AddBias(L.bq, n, s->q.data());
    AddBias(L.bk, n, s->kn.data());
    AddBias(L.bv, n, s->vn.data());
    for (int64_t t = 0; t < n; ++t) {
      Rope(&s->q[t * qw], nh, hd, s->pos + t, c.rope_half_split, m.inv_freq);
      Rope(&s->kn[t * kvw], nkv, hd, s->pos + t, c.rope_half_split, m.inv_freq);
    }
    std::copy(s->kn.begin(), s->kn.begin() + n * kvw, kc.begin() + s->pos * kvw);
    std::copy(s->vn.begin(), s->vn.begin() + n * kvw, vc.begin() + s->pos * kvw);
    const int64_t base = s->pos;
    auto attend = [&](int64_t b, int64_t e) {
      std::vector<float> scores(static_cast<size_t>(end));
      for (int64_t job = b; job < e; ++job) {
        const int64_t t = job / nh, head = job % nh, kvh = head / group;
        const int64_t ctx = base + t + 1;
        const float* qv = &s->q[t * qw + head * hd];
        float mx = -INFINITY;
        for (int64_t j = 0; j < ctx; ++j) {
          const float* kv = &kc[j * kvw + kvh * hd];
          float dot = 0;
          for (int64_t i = 0; i < hd; ++i) dot += qv[i] * kv[i];
          scores[j] = dot * att_scale;
          mx = std::max(mx, scores[j]);
        }
        float sum = 0;
        for (int64_t j = 0; j < ctx; ++j) sum += scores[j] = std::exp(scores[j] - mx);
        float* o = &s->att[t * qw + head * hd];
        std::fill(o, o + hd, 0.0f);
        for (int64_t j = 0; j < ctx; ++j) {
          const float p = scores[j] / sum;
          const float* vv = &vc[j * kvw + kvh * hd];
          for (int64_t i = 0; i < hd; ++i) o[i] += p * vv[i];
        }
      }
    };
    if (n * nh * end < 4096) {
      attend(0, n * nh);
    } else {
      s->pool.ParallelFor(n * nh, attend);
    }
    Project(L.wo, s->att.data(), n, s->tmp.data(), s);
    for (int64_t i = 0; i < n * d; ++i) s->x[i] += s->tmp[i];
    for (int64_t t = 0; t < n; ++t) RmsNorm(&s->x[t * d], L.ffn_norm, d, c.rms_eps, &s->h[t * d]);
    Project(L.gate, s->h.data(), n, s->gate.data(), s);
    Project(L.up, s->h.data(), n, s->up.data(), s);
    for (int64_t i = 0; i < n * c.d_ff; ++i) {
      const float g = s->gate[i];
      s->gate[i] = g / (1.0f + std::exp(-g)) * s->up[i];
    }
    Project(L.down, s->gate.data(), n, s->tmp.data(), s);
    for (int64_t i = 0; i < n * d; ++i) s->x[i] += s->tmp[i];
  }
  s->pos = end;
  if (!logits.empty()) {
    RmsNorm(&s->x[(n - 1) * d], m.out_norm, d, c.rms_eps, s->h.data());
    Project(m.out, s->h.data(), 1, logits.data(), s);
  }
  return Status::Ok();
}

}  // namespace warden::lm
