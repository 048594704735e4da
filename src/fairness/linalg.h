// Small dense linear algebra shared by the fairness learners (Newton steps of
// logistic regression, the rich-subgroup auditor's least squares).
#ifndef WARDEN_SRC_FAIRNESS_LINALG_H_
#define WARDEN_SRC_FAIRNESS_LINALG_H_

#include <cstddef>
#include <vector>

namespace warden::fairness::detail {

// Solves the symmetric positive-definite system a x = b in place: `a` (k x k,
// row-major) is overwritten by its Cholesky factor, `b` by x. Returns false,
// leaving both partly overwritten, when `a` is not positive definite.
bool CholeskySolve(std::vector<double>& a, std::vector<double>& b, size_t k);

}  // namespace warden::fairness::detail

#endif  // WARDEN_SRC_FAIRNESS_LINALG_H_
