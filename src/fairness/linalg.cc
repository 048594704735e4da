// Cholesky solve for the fairness learners (see linalg.h).
#include "fairness/linalg.h"

#include <cmath>

namespace warden::fairness::detail {

bool CholeskySolve(std::vector<double>& a, std::vector<double>& b, size_t k) {
  for (size_t j = 0; j < k; ++j) {
    double d = a[j * k + j];
    for (size_t p = 0; p < j; ++p) d -= a[j * k + p] * a[j * k + p];
    if (!(d > 0)) return false;
    d = std::sqrt(d);
    a[j * k + j] = d;
    for (size_t i = j + 1; i < k; ++i) {
      double s = a[i * k + j];
      for (size_t p = 0; p < j; ++p) s -= a[i * k + p] * a[j * k + p];
      a[i * k + j] = s / d;
    }
  }
  for (size_t i = 0; i < k; ++i) {
    double s = b[i];
    for (size_t p = 0; p < i; ++p) s -= a[i * k + p] * b[p];
    b[i] = s / a[i * k + i];
  }
  for (size_t i = k; i-- > 0;) {
    double s = b[i];
    for (size_t p = i + 1; p < k; ++p) s -= a[p * k + i] * b[p];
    b[i] = s / a[i * k + i];
  }
  return true;
}

}  // namespace warden::fairness::detail
