// Classification metrics of the guard evaluation.
#include <algorithm>
#include <cmath>
#include <vector>

#include "warden/guard/classifier_recipe.h"

namespace warden::guard {

double RocAuc(const std::vector<double>& positive_scores,
              const std::vector<double>& negative_scores) {
  if (positive_scores.empty() || negative_scores.empty()) return 0;
  // Mann-Whitney U over the merged, sorted scores; ties share their rank.
  std::vector<std::pair<double, bool>> all;
  all.reserve(positive_scores.size() + negative_scores.size());
  for (double s : positive_scores) all.emplace_back(s, true);
  for (double s : negative_scores) all.emplace_back(s, false);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  double rank_sum = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k) {
      if (all[k].second) rank_sum += mid_rank;
    }
    i = j;
  }
  const auto np = static_cast<double>(positive_scores.size());
  const auto nn = static_cast<double>(negative_scores.size());
  return (rank_sum - np * (np + 1) / 2) / (np * nn);
}

double RecallAtFpr(const std::vector<double>& positive_scores,
                   const std::vector<double>& negative_scores, double fpr, double* threshold) {
  std::vector<double> neg = negative_scores;
  std::sort(neg.begin(), neg.end(), std::greater<>());
  // At most floor(fpr * n) negatives may score above the threshold: the
  // threshold is the score of the next one (or +inf side: the maximum).
  const auto allowed =
      static_cast<size_t>(std::floor(fpr * static_cast<double>(neg.size()) + 1e-9));
  double t = neg.empty() ? 0 : (allowed < neg.size() ? neg[allowed] : neg.back() - 1);
  if (threshold != nullptr) *threshold = t;
  if (positive_scores.empty()) return 0;
  size_t hit = 0;
  for (double s : positive_scores) hit += s > t;
  return static_cast<double>(hit) / static_cast<double>(positive_scores.size());
}

MulticlassMetrics ComputeMulticlassMetrics(const std::vector<std::string>& class_names,
                                           const std::vector<int>& labels,
                                           const std::vector<std::vector<double>>& probs) {
  const size_t k = class_names.size();
  MulticlassMetrics m;
  m.confusion.assign(k, std::vector<size_t>(k, 0));
  size_t correct = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto pred =
        static_cast<size_t>(std::max_element(probs[i].begin(), probs[i].end()) - probs[i].begin());
    ++m.confusion[static_cast<size_t>(labels[i])][pred];
    correct += pred == static_cast<size_t>(labels[i]);
  }
  m.accuracy =
      labels.empty() ? 0 : static_cast<double>(correct) / static_cast<double>(labels.size());
  double weighted = 0;
  for (size_t c = 0; c < k; ++c) {
    ClassMetrics cm;
    cm.name = class_names[c];
    size_t tp = m.confusion[c][c], predicted = 0, actual = 0;
    for (size_t o = 0; o < k; ++o) {
      predicted += m.confusion[o][c];
      actual += m.confusion[c][o];
    }
    cm.support = actual;
    cm.precision = predicted ? static_cast<double>(tp) / static_cast<double>(predicted) : 0;
    cm.recall = actual ? static_cast<double>(tp) / static_cast<double>(actual) : 0;
    cm.f1 = cm.precision + cm.recall > 0 ? 2 * cm.precision * cm.recall / (cm.precision + cm.recall)
                                         : 0;
    std::vector<double> pos, neg;
    for (size_t i = 0; i < labels.size(); ++i) {
      (static_cast<size_t>(labels[i]) == c ? pos : neg).push_back(probs[i][c]);
    }
    cm.roc_auc = RocAuc(pos, neg);
    m.macro_f1 += cm.f1 / static_cast<double>(k);
    weighted += cm.f1 * static_cast<double>(actual);
    m.classes.push_back(cm);
  }
  m.weighted_f1 = labels.empty() ? 0 : weighted / static_cast<double>(labels.size());
  return m;
}

}  // namespace warden::guard
