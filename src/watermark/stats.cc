// Exact tail probabilities in log space (see stats.h).
#include "warden/watermark/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace warden::watermark {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kLnSqrt2Pi = 0.918938533204672741780329736406;  // log(sqrt(2 pi))
constexpr double kTiny = 1e-300;
constexpr double kEps = 1e-16;

// log(1 - exp(t)) for t <= 0, without cancellation near t = 0.
double Log1mExp(double t) {
  if (t >= 0) return -kInf;
  return t > -0.693147 ? std::log(-std::expm1(t)) : std::log1p(-std::exp(t));
}

// stirlerr(n) = log(n!) - log(sqrt(2 pi n) (n/e)^n): the error of
// Stirling's formula, small and smooth, so log n! never has to be formed.
double StirlingError(double n) {
  if (n > 15) {
    const double n2 = 1.0 / (n * n);
    constexpr double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680,
                     s4 = 1.0 / 1188;
    return (s0 - (s1 - (s2 - (s3 - s4 * n2) * n2) * n2) * n2) / n;
  }
  if (n <= 0) return 0;
  return std::lgamma(n + 1) - (n + 0.5) * std::log(n) + n - kLnSqrt2Pi;
}

// bd0(x, m) = x log(x / m) + m - x >= 0, accurate when x is close to m
// (where the direct form cancels) through its series in (x - m) / (x + m).
double Deviance(double x, double m) {
  if (std::fabs(x - m) < 0.1 * (x + m)) {
    double v = (x - m) / (x + m);
    double s = (x - m) * v;
    double term = 2 * x * v;
    v *= v;
    for (int j = 1; j < 1000; ++j) {
      term *= v;
      const double next = s + term / (2 * j + 1);
      if (next == s) return next;
      s = next;
    }
    return s;
  }
  return x * std::log(x / m) + m - x;
}

// log of e^-x x^k / k! (Poisson probability at real k >= 0).
double LogPoissonPmf(double k, double x) {
  if (x <= 0) return k == 0 ? 0 : -kInf;
  if (k == 0) return -x;
  return -StirlingError(k) - Deviance(k, x) - 0.5 * std::log(2 * M_PI * k);
}

// Continued fraction of I_x(a, b) (the factor after x^a (1-x)^b / (a B)),
// evaluated by the modified Lentz method; converges fast for
// x < (a + 1) / (a + b + 2).
double BetaContinuedFraction(double a, double b, double x) {
  auto guard = [](double v) { return std::fabs(v) < kTiny ? kTiny : v; };
  double c = 1;
  double d = 1.0 / guard(1 - (a + b) * x / (a + 1));
  double h = d;
  const int max_iter = 10000 + static_cast<int>(20 * std::sqrt(a + b));
  for (int m = 1; m <= max_iter; ++m) {
    const double m2 = 2.0 * m;
    double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1.0 / guard(1 + num * d);
    c = guard(1 + num / c);
    h *= d * c;
    num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1.0 / guard(1 + num * d);
    c = guard(1 + num / c);
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1) < kEps) break;
  }
  return h;
}

}  // namespace

double ProbabilityFromLog(double log_p) {
  if (!(log_p < 0)) return log_p >= 0 ? 1.0 : 0.0;  // NaN -> 0 is never produced
  return std::exp(log_p);
}

double LogBinomialPmf(int64_t k, int64_t n, double p) {
  if (k < 0 || k > n) return -kInf;
  const double q = 1 - p;
  if (k == 0) return static_cast<double>(n) * std::log1p(-p);
  if (k == n) return static_cast<double>(n) * std::log(p);
  const double kd = static_cast<double>(k), nd = static_cast<double>(n);
  return StirlingError(nd) - StirlingError(kd) - StirlingError(nd - kd) - Deviance(kd, nd * p) -
         Deviance(nd - kd, nd * q) + 0.5 * std::log(nd / (2 * M_PI * kd * (nd - kd)));
}

double LogIncompleteBeta(double a, double b, double x) {
  if (x <= 0) return -kInf;
  if (x >= 1) return 0;
  const double log_front =
      a * std::log(x) + b * std::log1p(-x) - (std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b));
  if (x < (a + 1) / (a + b + 2)) {
    return log_front - std::log(a) + std::log(BetaContinuedFraction(a, b, x));
  }
  return Log1mExp(log_front - std::log(b) + std::log(BetaContinuedFraction(b, a, 1 - x)));
}

double LogBinomialUpperTail(int64_t g, int64_t n, double p) {
  if (g <= 0) return 0;
  if (g > n) return -kInf;
  if (p <= 0) return -kInf;
  if (p >= 1) return 0;
  // P(X >= g) = I_p(a, b) with a = g, b = n - g + 1, whose prefactor
  // p^a (1-p)^b / (a B(a, b)) is exactly (1 - p) P(X = g).
  const double a = static_cast<double>(g);
  const double b = static_cast<double>(n - g + 1);
  const double log_pmf_term = LogBinomialPmf(g, n, p) + std::log1p(-p);
  if (p < (a + 1) / (a + b + 2)) {
    return log_pmf_term + std::log(BetaContinuedFraction(a, b, p));
  }
  // Above the mean the tail is large: 1 - I_{1-p}(b, a), whose prefactor is
  // the same term scaled by a / b.
  const double log_lower =
      log_pmf_term + std::log(a / b) + std::log(BetaContinuedFraction(b, a, 1 - p));
  return Log1mExp(log_lower);
}

double LogGammaUpperTail(double a, double x) {
  if (x <= 0) return 0;
  if (x < a + 1) {
    // Series for the lower tail P(a, x) = e^-x x^a / Gamma(a + 1) *
    // sum_k x^k / ((a + 1) ... (a + k)), then Q = 1 - P (not small here).
    double term = 1, sum = 1;
    for (int k = 1; k < 100000; ++k) {
      term *= x / (a + k);
      sum += term;
      if (term < sum * kEps) break;
    }
    return Log1mExp(LogPoissonPmf(a, x) + std::log(sum));
  }
  // Continued fraction for Q(a, x) = e^-x x^a / Gamma(a) * 1 / (x + 1 - a -
  // 1 (1 - a) / (x + 3 - a - ...)), modified Lentz.
  auto guard = [](double v) { return std::fabs(v) < kTiny ? kTiny : v; };
  double bn = x + 1 - a;
  double c = 1.0 / kTiny;
  double d = 1.0 / guard(bn);
  double h = d;
  const int max_iter = 10000 + static_cast<int>(20 * std::sqrt(a));
  for (int i = 1; i <= max_iter; ++i) {
    const double an = -i * (i - a);
    bn += 2;
    d = 1.0 / guard(an * d + bn);
    c = guard(bn + an / c);
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1) < kEps) break;
  }
  // e^-x x^a / Gamma(a) = a * e^-x x^a / Gamma(a + 1).
  return std::log(a) + LogPoissonPmf(a, x) + std::log(h);
}

double LogBinomialUpperTailReference(int64_t g, int64_t n, double p) {
  if (g <= 0) return 0;
  if (g > n) return -kInf;
  const long double lp = std::log(static_cast<long double>(p));
  const long double lq = std::log1p(-static_cast<long double>(p));
  const long double lgn = std::lgamma(static_cast<long double>(n) + 1);
  long double max_term = -kInf;
  for (int64_t k = g; k <= n; ++k) {
    const long double t = lgn - std::lgamma(static_cast<long double>(k) + 1) -
                          std::lgamma(static_cast<long double>(n - k) + 1) + k * lp + (n - k) * lq;
    max_term = std::max(max_term, t);
  }
  long double sum = 0;
  for (int64_t k = g; k <= n; ++k) {
    const long double t = lgn - std::lgamma(static_cast<long double>(k) + 1) -
                          std::lgamma(static_cast<long double>(n - k) + 1) + k * lp + (n - k) * lq;
    sum += std::exp(t - max_term);
  }
  return static_cast<double>(std::min<long double>(0, max_term + std::log(sum)));
}

double LogGammaUpperTailReference(int64_t n, double x) {
  const long double lx = std::log(static_cast<long double>(x));
  long double max_term = -kInf;
  for (int64_t k = 0; k < n; ++k) {
    max_term = std::max(max_term, k * lx - std::lgamma(static_cast<long double>(k) + 1));
  }
  long double sum = 0;
  for (int64_t k = 0; k < n; ++k) {
    sum += std::exp(k * lx - std::lgamma(static_cast<long double>(k) + 1) - max_term);
  }
  return static_cast<double>(
      std::min<long double>(0, max_term + std::log(sum) - static_cast<long double>(x)));
}

}  // namespace warden::watermark
