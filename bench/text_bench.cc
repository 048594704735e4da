// Benchmarks of the text module: normalization, BPE encoding and training.
#include <benchmark/benchmark.h>
