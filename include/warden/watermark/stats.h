// Exact tail probabilities for watermark detection: the p-values of
// detect.h, public so that evaluations and other detectors use the same ones.
//
// Detection reports P-values that must stay meaningful far beyond the range
// of a normal approximation (a few hundred watermarked tokens reach 1e-100),
// so everything is computed as a natural log:
//   - binomial upper tail P(X >= g), X ~ Bin(n, gamma), through the
//     regularized incomplete beta I_gamma(g, n - g + 1) evaluated by a
//     continued fraction (modified Lentz), its prefactor through Loader's
//     saddle-point form of the binomial probability (stirlerr + bd0) so that
//     large n loses no digits to lgamma cancellation;
//   - gamma upper tail Q(a, x) (the Gumbel score of n tokens is Gamma(n, 1)
//     under no watermark) by series or continued fraction, the prefactor
//     again through the Poisson probability in saddle-point form.
// The *Reference functions are slow direct sums in long double, kept for
// tests only.
//
// Thread safety: pure functions.
#ifndef WARDEN_WATERMARK_STATS_H_
#define WARDEN_WATERMARK_STATS_H_

#include <cstdint>

namespace warden::watermark {

// log of the binomial probability P(X = k), X ~ Bin(n, p), 0 <= k <= n.
double LogBinomialPmf(int64_t k, int64_t n, double p);

// log P(X >= g), X ~ Bin(n, p); 0 when g <= 0, -inf when g > n.
double LogBinomialUpperTail(int64_t g, int64_t n, double p);

// log Q(a, x): the upper regularized incomplete gamma function, a > 0.
double LogGammaUpperTail(double a, double x);

// log of the regularized incomplete beta I_x(a, b), a, b > 0.
double LogIncompleteBeta(double a, double b, double x);

// Slow references: direct sums of terms in long double.
double LogBinomialUpperTailReference(int64_t g, int64_t n, double p);
// Q(n, x) for integer n >= 1 as the Poisson sum e^-x sum_{k<n} x^k / k!.
double LogGammaUpperTailReference(int64_t n, double x);

// exp(log_p) clamped to [0, 1].
double ProbabilityFromLog(double log_p);

}  // namespace warden::watermark

#endif  // WARDEN_WATERMARK_STATS_H_
