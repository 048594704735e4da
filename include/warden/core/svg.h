// A tiny, dependency-free SVG chart writer for the evaluation page
// (docs/watermark-eval.md): line charts (one polyline per series, optional
// log10 x axis) and bar charts. Output is a complete, standalone SVG 1.1
// document that browsers and GitHub render inline; text is XML-escaped.
//
// It draws just enough (axes, ticks, grid, legend) to read numbers off; it is
// not a plotting library.
//
// Thread safety: pure functions.
#ifndef WARDEN_CORE_SVG_H_
#define WARDEN_CORE_SVG_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::core {

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), drawn in order
  bool dashed = false;
};

struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<Series> series;
  bool log_x = false;  // x values must then be > 0 (others are dropped)
  // Axis ranges; when min >= max the range is taken from the data.
  double x_min = 0, x_max = 0;
  double y_min = 0, y_max = 0;
  // Tick positions on x; empty: about 6 evenly spaced ticks.
  std::vector<double> x_ticks;
};

struct BarChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<std::string> categories;
  std::vector<double> values;  // one per category
  // A horizontal reference line (e.g. the expected count), when has_reference.
  bool has_reference = false;
  double reference = 0;
  std::string reference_label;
};

std::string RenderLineChart(const LineChart& chart);
std::string RenderBarChart(const BarChart& chart);

// "&", "<", ">", '"' and "'" as XML entities.
std::string XmlEscape(std::string_view text);

}  // namespace warden::core

#endif  // WARDEN_CORE_SVG_H_
