// Rendering of fairness results: JSON for machines, a self-contained HTML page
// (inline SVG charts, no external assets) and plain text for the terminal.
//
// Thread safety: pure functions.
#ifndef WARDEN_FAIRNESS_REPORT_H_
#define WARDEN_FAIRNESS_REPORT_H_

#include <string>
#include <vector>

#include "warden/fairness/audit.h"
#include "warden/fairness/postprocess.h"
#include "warden/fairness/subgroup.h"

namespace warden::fairness {

std::string AuditToJson(const AuditResult& audit, const std::vector<SubgroupFinding>& subgroups);
// Terminal summary: per-group table of each grouping, disparities with the
// worst pair, warnings and notes.
std::string AuditToText(const AuditResult& audit, const std::vector<SubgroupFinding>& subgroups);
// HTML fragment: one table per grouping, value [lo, hi] per cell.
std::string AuditToHtml(const AuditResult& audit, const std::vector<SubgroupFinding>& subgroups);

// One point of an error-vs-disparity trade-off.
struct TradeoffPoint {
  std::string method;  // series name, e.g. "exponentiated gradient"
  double epsilon = 0;
  double error = 0, disparity = 0;
};
std::string TradeoffSvg(const std::string& title, const std::string& disparity_label,
                        const std::vector<TradeoffPoint>& points);

// Per-group ROC curves with operating points (each a named (FPR, TPR)).
struct RocSeries {
  std::string group;
  std::vector<RocPoint> curve;
};
struct OperatingPoint {
  std::string label;
  double fpr = 0, tpr = 0;
};
std::string RocSvg(const std::string& title, const std::vector<RocSeries>& curves,
                   const std::vector<OperatingPoint>& points);

// A complete HTML document around body fragments (XML-escaped title).
std::string HtmlPage(const std::string& title, const std::string& body);

}  // namespace warden::fairness

#endif  // WARDEN_FAIRNESS_REPORT_H_
