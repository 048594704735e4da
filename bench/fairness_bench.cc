// Fairness benchmarks: exponentiated gradient with logistic regression on
// Adult (target <= 2 s on one core) and an audit with 1,000 bootstrap
// resamples over 1,000,000 synthetic rows (target <= 5 s). OpenBLAS is held
// to one thread so "one core" means one core.
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <cstdlib>
#include <random>
#include <string>

#include "warden/core/io.h"
#include "warden/core/paths.h"
#include "warden/fairness/audit.h"
#include "warden/fairness/data.h"
#include "warden/fairness/train.h"

namespace warden::fairness {
namespace {

std::string DataDir() { return core::ResolveResourcePaths({}).data_dir + "/fairness"; }

struct AdultData {
  fairness::Matrix x;
  std::vector<uint8_t> y;
  fairness::Grouping sex;
  bool ok = false;
};

const AdultData& Adult() {
  static AdultData* d = [] {
    auto* a = new AdultData;
    auto train = fairness::LoadAdult(DataDir() + "/adult.data");
    if (!train.ok()) return a;
    auto enc = fairness::Encoder::Fit(train->features);
    auto x = enc->Transform(train->features);
    a->x = std::move(x).value();
    a->y = train->labels;
    a->sex = fairness::GroupBy(train->sensitive, {0});
    a->ok = true;
    return a;
  }();
  return *d;
}

void BM_LogisticFitAdult(benchmark::State& state) {
  openblas_set_num_threads(1);
  const AdultData& a = Adult();
  if (!a.ok) return state.SkipWithError("Adult not found (set WARDEN_DATA_DIR)");
  for (auto _ : state) {
    auto m = fairness::FitLogistic(a.x, a.y, {}, fairness::LogisticOptions{});
    benchmark::DoNotOptimize(m);
  }
  state.counters["rows"] = static_cast<double>(a.x.rows);
  state.counters["cols"] = static_cast<double>(a.x.cols);
}
BENCHMARK(BM_LogisticFitAdult)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_ExpGradAdult(benchmark::State& state) {
  openblas_set_num_threads(1);
  const AdultData& a = Adult();
  if (!a.ok) return state.SkipWithError("Adult not found (set WARDEN_DATA_DIR)");
  fairness::ConstraintSpec spec;
  spec.kind = state.range(0) == 0 ? fairness::Constraint::kTruePositiveRateParity
                                  : fairness::Constraint::kEqualizedOdds;
  fairness::ReductionOptions opt;
  int iterations = 0;
  for (auto _ : state) {
    auto r = fairness::ExponentiatedGradient(a.x, a.y, a.sex.ids, a.sex.groups.size(), spec, opt);
    iterations = r.ok() ? r->report.iterations : -1;
    benchmark::DoNotOptimize(r);
  }
  state.counters["eg_iterations"] = iterations;
  state.SetLabel(std::string(fairness::ConstraintName(spec.kind)));
}
BENCHMARK(BM_ExpGradAdult)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

fairness::AuditInput SyntheticAudit(size_t rows) {
  fairness::AuditInput in;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  in.sensitive.names = {"sex", "race"};
  in.sensitive.columns.assign(2, std::vector<std::string>(rows));
  static const char* kRace[] = {"a", "b", "c", "d", "e"};
  for (size_t i = 0; i < rows; ++i) {
    const bool female = u(rng) < 0.33;
    const int race = static_cast<int>(u(rng) * 5) % 5;
    in.sensitive.columns[0][i] = female ? "F" : "M";
    in.sensitive.columns[1][i] = kRace[race];
    const uint8_t y = u(rng) < (female ? 0.12 : 0.3) ? 1 : 0;
    const double s = std::min(1.0, std::max(0.0, 0.35 * y + 0.65 * u(rng)));
    in.labels.push_back(y);
    in.scores.push_back(s);
    in.predictions.push_back(s >= 0.5 ? 1 : 0);
  }
  return in;
}

void BM_Audit(benchmark::State& state) {
  const fairness::AuditInput in = SyntheticAudit(static_cast<size_t>(state.range(0)));
  fairness::AuditOptions opt;
  opt.bootstrap_resamples = 1000;
  for (auto _ : state) {
    auto r = fairness::Audit(in, opt);
    benchmark::DoNotOptimize(r);
  }
  state.counters["rows"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_Audit)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_Bootstrap(benchmark::State& state) {
  const fairness::AuditInput in = SyntheticAudit(100000);
  const fairness::Grouping g = fairness::GroupBy(in.sensitive, {0});
  const auto counts = fairness::CountByGroup(g.ids, g.groups.size(), in.labels, in.predictions);
  for (auto _ : state) {
    if (state.range(0) == 0) {
      benchmark::DoNotOptimize(fairness::BootstrapCountsFast(counts, 100, 1));
    } else {
      benchmark::DoNotOptimize(fairness::BootstrapCountsNaive(g.ids, g.groups.size(), in.labels,
                                                              in.predictions, 100, 1));
    }
  }
  state.SetLabel(state.range(0) == 0 ? "fast (multinomial counts)" : "naive (row resampling)");
  state.counters["rows"] = 100000;
  state.counters["resamples"] = 100;
}
BENCHMARK(BM_Bootstrap)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace warden::fairness
