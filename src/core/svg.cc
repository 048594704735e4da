#include "warden/core/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace warden::core {
namespace {

constexpr double kWidth = 860, kHeight = 420;
constexpr double kLeft = 70, kRight = 280, kTop = 40, kBottom = 60;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;

// Colour-blind-safe palette (Okabe-Ito), cycled.
constexpr const char* kColors[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                   "#E69F00", "#56B4E9", "#000000", "#F0E442"};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", v);
  return buf;
}

// Tick label: short, no trailing zeros.
std::string TickLabel(double v) {
  char buf[32];
  if (v != 0 && (std::fabs(v) >= 1e5 || std::fabs(v) < 1e-3)) {
    std::snprintf(buf, sizeof(buf), "%.0e", v);
  } else {
    std::snprintf(buf, sizeof(buf), "%.4g", v);
  }
  return buf;
}

std::vector<double> EvenTicks(double lo, double hi) {
  std::vector<double> ticks;
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / 5;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0 : t);
  }
  return ticks;
}

struct Frame {
  double x0, x1, y0, y1;
  bool log_x;
  double X(double x) const {
    const double a = log_x ? std::log10(x) : x;
    const double lo = log_x ? std::log10(x0) : x0, hi = log_x ? std::log10(x1) : x1;
    return kLeft + (hi > lo ? (a - lo) / (hi - lo) : 0.5) * kPlotW;
  }
  double Y(double y) const {
    return kTop + kPlotH - (y1 > y0 ? (y - y0) / (y1 - y0) : 0.5) * kPlotH;
  }
};

void Header(std::string* out, std::string_view title) {
  *out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  *out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + Num(kWidth) +
          "\" height=\"" + Num(kHeight) + "\" viewBox=\"0 0 " + Num(kWidth) + " " + Num(kHeight) +
          "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  *out += "<title>" + XmlEscape(title) + "</title>\n";
  *out += "<rect x=\"0\" y=\"0\" width=\"" + Num(kWidth) + "\" height=\"" + Num(kHeight) +
          "\" fill=\"white\"/>\n";
  *out += "<text x=\"" + Num(kWidth / 2) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" +
          XmlEscape(title) + "</text>\n";
}

void AxisLabels(std::string* out, std::string_view x_label, std::string_view y_label) {
  *out += "<text x=\"" + Num(kLeft + kPlotW / 2) + "\" y=\"" + Num(kHeight - 15) +
          "\" text-anchor=\"middle\">" + XmlEscape(x_label) + "</text>\n";
  *out += "<text x=\"18\" y=\"" + Num(kTop + kPlotH / 2) +
          "\" text-anchor=\"middle\" transform=\"rotate(-90 18 " + Num(kTop + kPlotH / 2) + ")\">" +
          XmlEscape(y_label) + "</text>\n";
  *out += "<rect x=\"" + Num(kLeft) + "\" y=\"" + Num(kTop) + "\" width=\"" + Num(kPlotW) +
          "\" height=\"" + Num(kPlotH) + "\" fill=\"none\" stroke=\"#333\"/>\n";
}

void YTicks(std::string* out, const Frame& f) {
  for (double t : EvenTicks(f.y0, f.y1)) {
    const double y = f.Y(t);
    *out += "<line x1=\"" + Num(kLeft) + "\" y1=\"" + Num(y) + "\" x2=\"" + Num(kLeft + kPlotW) +
            "\" y2=\"" + Num(y) + "\" stroke=\"#ddd\"/>\n";
    *out += "<text x=\"" + Num(kLeft - 6) + "\" y=\"" + Num(y + 4) + "\" text-anchor=\"end\">" +
            TickLabel(t) + "</text>\n";
  }
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderLineChart(const LineChart& chart) {
  // Points that cannot be drawn (non-finite, or x <= 0 on a log axis) are
  // dropped rather than corrupting the path.
  auto drawable = [&](const std::pair<double, double>& p) {
    return std::isfinite(p.first) && std::isfinite(p.second) && (!chart.log_x || p.first > 0);
  };
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const Series& s : chart.series) {
    for (const auto& p : s.points) {
      if (!drawable(p)) continue;
      x0 = std::min(x0, p.first), x1 = std::max(x1, p.first);
      y0 = std::min(y0, p.second), y1 = std::max(y1, p.second);
    }
  }
  if (!std::isfinite(x0)) x0 = chart.log_x ? 1 : 0, x1 = chart.log_x ? 10 : 1, y0 = 0, y1 = 1;
  if (chart.x_min < chart.x_max) x0 = chart.x_min, x1 = chart.x_max;
  if (chart.y_min < chart.y_max) y0 = chart.y_min, y1 = chart.y_max;
  const Frame f{x0, x1, y0, y1, chart.log_x};

  std::string out;
  Header(&out, chart.title);
  YTicks(&out, f);
  std::vector<double> xt = chart.x_ticks;
  if (xt.empty()) {
    if (chart.log_x) {
      for (double d = std::pow(10, std::floor(std::log10(x0))); d <= x1 * 1.0001; d *= 10) {
        if (d >= x0 * 0.9999) xt.push_back(d);
      }
    } else {
      xt = EvenTicks(x0, x1);
    }
  }
  for (double t : xt) {
    if (chart.log_x && t <= 0) continue;
    const double x = f.X(t);
    out += "<line x1=\"" + Num(x) + "\" y1=\"" + Num(kTop) + "\" x2=\"" + Num(x) + "\" y2=\"" +
           Num(kTop + kPlotH) + "\" stroke=\"#eee\"/>\n";
    out += "<text x=\"" + Num(x) + "\" y=\"" + Num(kTop + kPlotH + 16) +
           "\" text-anchor=\"middle\">" + TickLabel(t) + "</text>\n";
  }
  AxisLabels(&out, chart.x_label, chart.y_label);

  for (size_t i = 0; i < chart.series.size(); ++i) {
    const Series& s = chart.series[i];
    const char* color = kColors[i % std::size(kColors)];
    std::string pts;
    for (const auto& p : s.points) {
      if (!drawable(p)) continue;
      if (!pts.empty()) pts += ' ';
      pts += Num(f.X(p.first)) + "," + Num(f.Y(p.second));
    }
    out += "<g class=\"series\" data-name=\"" + XmlEscape(s.name) + "\">\n";
    out += "<polyline fill=\"none\" stroke=\"" + std::string(color) + "\" stroke-width=\"2\"" +
           (s.dashed ? " stroke-dasharray=\"6,4\"" : "") + " points=\"" + pts + "\"/>\n";
    for (const auto& p : s.points) {
      if (!drawable(p)) continue;
      out += "<circle cx=\"" + Num(f.X(p.first)) + "\" cy=\"" + Num(f.Y(p.second)) +
             "\" r=\"3\" fill=\"" + color + "\"/>\n";
    }
    out += "</g>\n";
    const double ly = kTop + 10 + 18 * static_cast<double>(i);
    const double lx = kLeft + kPlotW + 12;
    out += "<line x1=\"" + Num(lx) + "\" y1=\"" + Num(ly) + "\" x2=\"" + Num(lx + 22) + "\" y2=\"" +
           Num(ly) + "\" stroke=\"" + color + "\" stroke-width=\"2\"" +
           (s.dashed ? " stroke-dasharray=\"6,4\"" : "") + "/>\n";
    out += "<text x=\"" + Num(lx + 28) + "\" y=\"" + Num(ly + 4) + "\">" + XmlEscape(s.name) +
           "</text>\n";
  }
  out += "</svg>\n";
  return out;
}

std::string RenderBarChart(const BarChart& chart) {
  double y1 = chart.has_reference ? chart.reference : 0;
  for (double v : chart.values) {
    if (std::isfinite(v)) y1 = std::max(y1, v);
  }
  if (!(y1 > 0)) y1 = 1;
  const Frame f{0, 1, 0, y1 * 1.1, false};

  std::string out;
  Header(&out, chart.title);
  YTicks(&out, f);
  AxisLabels(&out, chart.x_label, chart.y_label);
  const size_t n = std::max<size_t>(1, chart.categories.size());
  const double slot = kPlotW / static_cast<double>(n);
  // Label every k-th category so that labels do not overlap.
  const size_t every = std::max<size_t>(1, n / 10);
  for (size_t i = 0; i < chart.categories.size(); ++i) {
    const double v =
        i < chart.values.size() && std::isfinite(chart.values[i]) ? chart.values[i] : 0;
    const double x = kLeft + slot * static_cast<double>(i);
    out += "<rect class=\"bar\" x=\"" + Num(x + slot * 0.1) + "\" y=\"" + Num(f.Y(v)) +
           "\" width=\"" + Num(slot * 0.8) + "\" height=\"" + Num(kTop + kPlotH - f.Y(v)) +
           "\" fill=\"" + kColors[0] + "\"><title>" + XmlEscape(chart.categories[i]) + ": " +
           TickLabel(v) + "</title></rect>\n";
    if (i % every == 0) {
      out += "<text x=\"" + Num(x + slot / 2) + "\" y=\"" + Num(kTop + kPlotH + 16) +
             "\" text-anchor=\"middle\" font-size=\"10\">" + XmlEscape(chart.categories[i]) +
             "</text>\n";
    }
  }
  if (chart.has_reference) {
    const double y = f.Y(chart.reference);
    out += "<line x1=\"" + Num(kLeft) + "\" y1=\"" + Num(y) + "\" x2=\"" + Num(kLeft + kPlotW) +
           "\" y2=\"" + Num(y) + "\" stroke=\"" + kColors[1] +
           "\" stroke-width=\"2\" stroke-dasharray=\"6,4\"/>\n";
    out += "<text x=\"" + Num(kLeft + kPlotW + 8) + "\" y=\"" + Num(y + 4) + "\">" +
           XmlEscape(chart.reference_label) + "</text>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace warden::core
