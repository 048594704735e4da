// JSON, text and HTML renderings of audits, trade-off and ROC charts.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "warden/core/svg.h"
#include "warden/fairness/report.h"

namespace warden::fairness {
namespace {

using nlohmann::json;

json Num(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

std::string Fmt(double v, const char* f = "%.4f") {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string WithCi(double v, const Interval& ci) {
  if (std::isnan(ci.lo)) return Fmt(v);
  return Fmt(v) + " [" + Fmt(ci.lo) + ", " + Fmt(ci.hi) + "]";
}

const char* RateName(SubgroupRate r) { return r == SubgroupRate::kFpr ? "FPR" : "FNR"; }

}  // namespace

std::string AuditToJson(const AuditResult& a, const std::vector<SubgroupFinding>& subgroups) {
  json j;
  j["convention"] =
      "label 1 = favourable; prediction 1 = approve; false_rejection_rate = "
      "P(pred=0 | label=1)";
  j["options"] = {{"bootstrap_resamples", a.options.bootstrap_resamples},
                  {"seed", a.options.seed},
                  {"confidence", a.options.confidence},
                  {"tolerance", a.options.tolerance}};
  json overall = {{"n", a.overall.n()}, {"auc", Num(a.overall_auc)}};
  for (int m = 0; m < kNumMetrics; ++m) {
    overall[std::string(MetricName(static_cast<Metric>(m)))] = Num(a.overall_value[m]);
  }
  j["overall"] = overall;
  for (const auto& g : a.groupings) {
    json gj;
    gj["grouping"] = g.name;
    for (const auto& r : g.groups) {
      json rj = {{"group", r.group},
                 {"n", r.counts.n()},
                 {"positives", r.counts.positives()},
                 {"negatives", r.counts.negatives()},
                 {"auc", Num(r.auc)},
                 {"auc_ci", {Num(r.auc_ci.lo), Num(r.auc_ci.hi)}}};
      for (int m = 0; m < kNumMetrics; ++m) {
        const std::string name(MetricName(static_cast<Metric>(m)));
        rj[name] = Num(r.value[m]);
        rj[name + "_ci"] = {Num(r.ci[m].lo), Num(r.ci[m].hi)};
      }
      json cal = json::array();
      for (const auto& b : r.calibration) {
        cal.push_back({{"lo", b.lo},
                       {"hi", b.hi},
                       {"count", b.count},
                       {"mean_score", b.mean_score},
                       {"positive_rate", b.positive_rate}});
      }
      if (!cal.empty()) rj["calibration"] = cal;
      gj["groups"].push_back(rj);
    }
    for (const auto& d : g.disparities) {
      gj["disparities"].push_back(
          {{"metric", MetricName(d.metric)},
           {"difference", Num(d.difference)},
           {"difference_ci", {Num(d.difference_ci.lo), Num(d.difference_ci.hi)}},
           {"ratio", Num(d.ratio)},
           {"ratio_ci", {Num(d.ratio_ci.lo), Num(d.ratio_ci.hi)}},
           {"highest", d.highest},
           {"lowest", d.lowest}});
    }
    gj["warnings"] = json::array();
    for (const auto& w : g.warnings) {
      gj["warnings"].push_back({{"group", w.group},
                                {"metric", MetricName(w.metric)},
                                {"denominator", w.denominator},
                                {"half_width", w.half_width},
                                {"needed", w.needed},
                                {"message", w.message}});
    }
    gj["notes"] = g.notes;
    j["groupings"].push_back(gj);
  }
  j["rich_subgroups"] = json::array();
  for (const auto& s : subgroups) {
    j["rich_subgroups"].push_back({{"rate", RateName(s.rate)},
                                   {"subgroup", s.Describe()},
                                   {"size", s.size},
                                   {"fraction", s.fraction},
                                   {"subgroup_rate", s.subgroup_rate},
                                   {"base_rate", s.base_rate},
                                   {"violation", s.violation}});
  }
  return j.dump(1);
}

std::string AuditToText(const AuditResult& a, const std::vector<SubgroupFinding>& subgroups) {
  std::string out;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "rows %lld  error %.4f  selection %.4f  false-rejection %.4f  FPR %.4f  AUC %s\n",
                static_cast<long long>(a.overall.n()), a.overall_value[5], a.overall_value[0],
                a.overall_value[3], a.overall_value[2], Fmt(a.overall_auc).c_str());
  out += buf;
  for (const auto& g : a.groupings) {
    out += "\n== " + g.name + "\n";
    std::snprintf(buf, sizeof buf, "%-32s %7s %6s %8s %8s %8s %8s %8s %8s\n", "group", "n", "pos",
                  "select", "TPR", "FPR", "FRR", "error", "AUC");
    out += buf;
    for (const auto& r : g.groups) {
      std::snprintf(buf, sizeof buf, "%-32s %7lld %6lld %8s %8s %8s %8s %8s %8s\n",
                    r.group.substr(0, 32).c_str(), static_cast<long long>(r.counts.n()),
                    static_cast<long long>(r.counts.positives()), Fmt(r.value[0]).c_str(),
                    Fmt(r.value[1]).c_str(), Fmt(r.value[2]).c_str(), Fmt(r.value[3]).c_str(),
                    Fmt(r.value[5]).c_str(), Fmt(r.auc).c_str());
      out += buf;
    }
    for (const auto& d : g.disparities) {
      if (std::isnan(d.difference)) continue;
      std::snprintf(buf, sizeof buf,
                    "  %-22s difference %s [%s, %s]  ratio %s  (highest %s, lowest %s)\n",
                    std::string(MetricName(d.metric)).c_str(), Fmt(d.difference).c_str(),
                    Fmt(d.difference_ci.lo).c_str(), Fmt(d.difference_ci.hi).c_str(),
                    Fmt(d.ratio).c_str(), d.highest.c_str(), d.lowest.c_str());
      out += buf;
    }
    for (const auto& w : g.warnings) out += "  warning: " + w.message + "\n";
    for (const auto& n : g.notes) out += "  note: " + n + "\n";
  }
  for (const auto& s : subgroups) {
    std::snprintf(buf, sizeof buf,
                  "\nrich subgroup (%s): %s\n  size %lld (%.1f%%), rate %.4f vs %.4f, violation "
                  "%.4f\n",
                  RateName(s.rate), s.Describe().c_str(), static_cast<long long>(s.size),
                  100 * s.fraction, s.subgroup_rate, s.base_rate, s.violation);
    out += buf;
  }
  return out;
}

std::string AuditToHtml(const AuditResult& a, const std::vector<SubgroupFinding>& subgroups) {
  std::string out;
  for (const auto& g : a.groupings) {
    out += "<h3>" + core::XmlEscape(g.name) +
           "</h3>\n<table>\n<tr><th>group</th><th>n</th>"
           "<th>positives</th>";
    for (int m = 0; m < kNumMetrics; ++m) {
      if (static_cast<Metric>(m) == Metric::kFnr) continue;  // same as false rejection
      out += "<th>" + std::string(MetricName(static_cast<Metric>(m))) + "</th>";
    }
    out += "<th>AUC</th></tr>\n";
    for (const auto& r : g.groups) {
      out += "<tr><td>" + core::XmlEscape(r.group) + "</td><td>" + std::to_string(r.counts.n()) +
             "</td><td>" + std::to_string(r.counts.positives()) + "</td>";
      for (int m = 0; m < kNumMetrics; ++m) {
        if (static_cast<Metric>(m) == Metric::kFnr) continue;
        out += "<td>" + WithCi(r.value[m], r.ci[m]) + "</td>";
      }
      out += "<td>" + WithCi(r.auc, r.auc_ci) + "</td></tr>\n";
    }
    out += "</table>\n<ul>\n";
    for (const auto& d : g.disparities) {
      if (std::isnan(d.difference) || d.metric == Metric::kFnr) continue;
      out += "<li>" + std::string(MetricName(d.metric)) + ": difference " +
             WithCi(d.difference, d.difference_ci) + ", ratio " + WithCi(d.ratio, d.ratio_ci) +
             " (highest " + core::XmlEscape(d.highest) + ", lowest " + core::XmlEscape(d.lowest) +
             ")</li>\n";
    }
    for (const auto& w : g.warnings) {
      out += "<li class=\"warn\">warning: " + core::XmlEscape(w.message) + "</li>\n";
    }
    for (const auto& n : g.notes) out += "<li>note: " + core::XmlEscape(n) + "</li>\n";
    out += "</ul>\n";
  }
  for (const auto& s : subgroups) {
    out += "<p>Rich subgroup (" + std::string(RateName(s.rate)) + "): <code>" +
           core::XmlEscape(s.Describe()) + "</code>, size " + std::to_string(s.size) + " (" +
           Fmt(100 * s.fraction, "%.1f") + "%), rate " + Fmt(s.subgroup_rate) + " vs " +
           Fmt(s.base_rate) + ", violation " + Fmt(s.violation) + "</p>\n";
  }
  return out;
}

std::string TradeoffSvg(const std::string& title, const std::string& disparity_label,
                        const std::vector<TradeoffPoint>& points) {
  core::LineChart chart;
  chart.title = title;
  chart.x_label = disparity_label;
  chart.y_label = "error";
  std::map<std::string, core::Series> by_method;
  std::vector<std::string> order;
  for (const auto& p : points) {
    if (!by_method.count(p.method)) order.push_back(p.method);
    auto& s = by_method[p.method];
    s.name = p.method;
    s.points.push_back({p.disparity, p.error});
  }
  for (const auto& m : order) {
    auto s = by_method[m];
    std::sort(s.points.begin(), s.points.end());
    chart.series.push_back(s);
  }
  return core::RenderLineChart(chart);
}

std::string RocSvg(const std::string& title, const std::vector<RocSeries>& curves,
                   const std::vector<OperatingPoint>& points) {
  core::LineChart chart;
  chart.title = title;
  chart.x_label = "false positive rate";
  chart.y_label = "true positive rate (1 - false rejection)";
  chart.x_min = 0, chart.x_max = 1, chart.y_min = 0, chart.y_max = 1;
  for (const auto& c : curves) {
    core::Series s;
    s.name = "ROC " + c.group;
    // About 60 points per curve keep the page small and the curve faithful.
    const size_t step = std::max<size_t>(1, c.curve.size() / 60);
    for (size_t i = 0; i < c.curve.size(); i += step)
      s.points.push_back({c.curve[i].fpr, c.curve[i].tpr});
    s.points.push_back({c.curve.back().fpr, c.curve.back().tpr});
    chart.series.push_back(std::move(s));
  }
  for (const auto& p : points) {
    core::Series s;
    s.name = p.label;
    s.dashed = true;
    s.points.push_back({p.fpr, p.tpr});
    chart.series.push_back(std::move(s));
  }
  return core::RenderLineChart(chart);
}

std::string HtmlPage(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
         core::XmlEscape(title) +
         "</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}"
         "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px "
         "5px}li.warn{color:#a00}</style></head><body>\n<h1>" +
         core::XmlEscape(title) + "</h1>\n" + body + "\n</body></html>\n";
}

}  // namespace warden::fairness
