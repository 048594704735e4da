// Fuzzes the fairness module's readers of untrusted files: the RFC 4180 CSV
// reader with what is built on it (labels, audit columns, the encoder), and
// saved model JSON. The first byte picks the target.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "warden/fairness/data.h"
#include "warden/fairness/model.h"
#include "warden/fairness/pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool model = data[0] & 1;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  if (model) {
    auto m = warden::fairness::FairnessModel::FromJson(in);
    if (m.ok()) {
      // A model that loads must survive a round trip.
      auto again = warden::fairness::FairnessModel::FromJson(m->ToJson());
      if (!again.ok()) __builtin_trap();
    }
    return 0;
  }
  auto t = warden::fairness::ParseCsv(in);
  if (!t.ok()) return 0;
  for (const auto& row : t->rows) {
    if (row.size() != t->header.size()) __builtin_trap();
  }
  if (t->header.size() < 3) return 0;
  warden::fairness::AuditColumns c;
  c.label = t->header[0];
  c.score = t->header[1];
  c.sensitive = {t->header[2]};
  auto audit_in = warden::fairness::AuditInputFromCsv(*t, c);
  warden::fairness::Frame f;
  for (size_t k = 0; k < t->header.size(); ++k) {
    f.names.push_back(t->header[k]);
    f.columns.emplace_back();
    for (const auto& row : t->rows) f.columns.back().push_back(row[k]);
  }
  auto enc = warden::fairness::Encoder::Fit(f);
  if (enc.ok()) {
    auto x = enc->Transform(f);
    auto back = warden::fairness::Encoder::FromJson(enc->ToJson());
    if (!back.ok()) __builtin_trap();
  }
  return 0;
}
