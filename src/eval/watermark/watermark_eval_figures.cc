// The SVG figures of the watermark evaluation page (watermark_eval.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "eval/watermark/watermark_eval.h"
#include "warden/core/svg.h"

namespace warden::eval {
namespace {

std::string Trimmed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

core::LineChart TprVsLength(const WatermarkEvalReport& r) {
  // The headline configuration (gamma 0.25, delta 2) of each scheme; Gumbel
  // has no gamma or delta and appears once.
  core::LineChart c;
  c.title = "Detection rate at 1% FPR vs text length (gamma 0.25, delta 2)";
  c.x_label = "tokens detected (T)";
  c.y_label = "TPR at 1% FPR";
  c.y_min = 0, c.y_max = 1;
  std::map<std::string, core::Series> by_label;
  std::vector<std::string> order;
  for (const DetectabilityRow& row : r.detectability) {
    const bool gumbel = row.config.scheme == watermark::Scheme::kGumbel;
    if (!gumbel && (row.config.gamma != 0.25 || row.config.delta != 2)) continue;
    if (!by_label.contains(row.label)) order.push_back(row.label);
    core::Series& s = by_label[row.label];
    s.name = row.label;
    s.points.emplace_back(row.length, row.tpr_1e2);
  }
  for (const std::string& l : order) c.series.push_back(by_label[l]);
  for (int32_t t : r.options.lengths) c.x_ticks.push_back(t);
  return c;
}

core::BarChart PValueHistogram(const WatermarkEvalReport& r) {
  constexpr int kBins = 20;
  core::BarChart c;
  c.title = "Human p-values (" + r.human_p_label + ")";
  c.x_label = "p-value bin";
  c.y_label = "passages";
  std::vector<double> counts(kBins, 0);
  for (double p : r.human_p_values) {
    counts[static_cast<size_t>(std::clamp(static_cast<int>(p * kBins), 0, kBins - 1))] += 1;
  }
  for (int b = 0; b < kBins; ++b) c.categories.push_back(Trimmed(static_cast<double>(b) / kBins));
  c.values = counts;
  c.has_reference = true;
  c.reference = static_cast<double>(r.human_p_values.size()) / kBins;
  c.reference_label = "uniform";
  return c;
}

core::LineChart PValueQq(const WatermarkEvalReport& r) {
  core::LineChart c;
  c.title = "QQ plot of human p-values vs uniform";
  c.x_label = "expected -log10 p";
  c.y_label = "observed -log10 p";
  const size_t n = r.human_p_values.size();
  core::Series obs{"observed", {}, false};
  // Every point of the tail, a thinned sample of the bulk.
  for (size_t i = 0; i < n; ++i) {
    if (i >= 200 && i % std::max<size_t>(1, n / 400) != 0) continue;
    const double expected = (static_cast<double>(i) + 0.5) / static_cast<double>(n);
    obs.points.emplace_back(-std::log10(expected),
                            -std::log10(std::max(r.human_p_values[i], 1e-300)));
  }
  std::reverse(obs.points.begin(), obs.points.end());
  const double top = n > 0 ? -std::log10(0.5 / static_cast<double>(n)) : 1;
  c.series.push_back(std::move(obs));
  c.series.push_back({"y = x (calibrated)", {{0, 0}, {top, top}}, true});
  c.x_min = 0, c.x_max = top;
  c.y_min = 0,
  c.y_max = std::max(top, c.series[0].points.empty() ? top : c.series[0].points.back().second);
  return c;
}

// TPR at 1% FPR, or (median_z) the median z-score, which still moves when
// every sample stays detected.
core::LineChart RobustnessChart(const WatermarkEvalReport& r, bool median_z) {
  core::LineChart c;
  const std::string t = " after edits (T = " + std::to_string(r.options.tokens) + ")";
  c.title = median_z ? "Median z-score" + t : "Detection rate at 1% FPR" + t;
  c.x_label = "attack rate (share of tokens or words edited)";
  c.y_label = median_z ? "median z" : "TPR at 1% FPR";
  if (!median_z) c.y_min = 0, c.y_max = 1;
  std::map<std::string, core::Series> by_name;
  std::vector<std::string> order;
  std::map<std::string, double> clean;  // label -> TPR without attack
  for (const RobustnessRow& row : r.robustness) {
    if (row.attack == "none") clean[row.label] = median_z ? row.median_z : row.tpr_1e2;
  }
  for (const RobustnessRow& row : r.robustness) {
    if (row.attack != "deletion" && row.attack != "insertion" && row.attack != "substitution" &&
        row.attack != "synonym") {
      continue;
    }
    const std::string name = row.label + ": " + row.attack;
    if (!by_name.contains(name)) {
      order.push_back(name);
      by_name[name].name = name;
      by_name[name].dashed = row.label.starts_with("Unigram");
      by_name[name].points.emplace_back(0, clean[row.label]);
    }
    by_name[name].points.emplace_back(row.rate, median_z ? row.median_z : row.tpr_1e2);
  }
  for (const std::string& n : order) c.series.push_back(by_name[n]);
  return c;
}

core::LineChart QualityChart(const WatermarkEvalReport& r) {
  core::LineChart c;
  c.title = "Perplexity under the plain model vs delta";
  c.x_label = "delta (the rightmost point: infinity)";
  c.y_label = "pooled perplexity";
  double plain = 0, max_finite = 0;
  for (const QualityRow& q : r.quality) {
    if (!q.watermarked) plain = q.perplexity;
    if (q.watermarked && std::isfinite(q.config.delta)) {
      max_finite = std::max(max_finite, q.config.delta);
    }
  }
  const double inf_x = max_finite > 0 ? max_finite * 1.5 : 1;
  std::map<std::string, core::Series> by_name;
  std::vector<std::string> order;
  for (const QualityRow& q : r.quality) {
    if (!q.watermarked || q.config.scheme == watermark::Scheme::kGumbel) continue;
    const std::string name = q.label + " g=" + Trimmed(q.config.gamma);
    if (!by_name.contains(name)) order.push_back(name), by_name[name].name = name;
    by_name[name].points.emplace_back(std::isfinite(q.config.delta) ? q.config.delta : inf_x,
                                      q.perplexity);
  }
  for (const std::string& n : order) {
    auto& pts = by_name[n].points;
    std::sort(pts.begin(), pts.end());
    c.series.push_back(by_name[n]);
  }
  c.series.push_back({"plain (no watermark)", {{0, plain}, {inf_x, plain}}, true});
  c.x_min = 0, c.x_max = inf_x;
  return c;
}

}  // namespace

std::vector<EvalFigure> RenderWatermarkEvalFigures(const WatermarkEvalReport& report) {
  std::vector<EvalFigure> f;
  f.push_back({"tpr_vs_length.svg", core::RenderLineChart(TprVsLength(report))});
  f.push_back({"human_pvalues_hist.svg", core::RenderBarChart(PValueHistogram(report))});
  f.push_back({"human_pvalues_qq.svg", core::RenderLineChart(PValueQq(report))});
  f.push_back({"robustness.svg", core::RenderLineChart(RobustnessChart(report, false))});
  f.push_back({"robustness_z.svg", core::RenderLineChart(RobustnessChart(report, true))});
  f.push_back({"quality.svg", core::RenderLineChart(QualityChart(report))});
  return f;
}

}  // namespace warden::eval
