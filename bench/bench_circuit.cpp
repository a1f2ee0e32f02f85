// Circuit engine speed: the work behind one GUI slider move (build, approximate,
// cost, error statistics) at the kernel sizes of VGG3 (N = 576, 4608).
#include "analysis/circuit_report.h"
#include "circuit/popcount_builder.h"

#include <benchmark/benchmark.h>

using namespace axbnn;

namespace {

CircuitSpec spec(int n, int lsb)
{
    CircuitSpec s;
    s.inputs = n;
    s.approx.lsbColumns = lsb;
    s.approx.faCell = "maj-fa";
    return s;
}

// Everything `axbnn circuit --inputs N --approx-lsb 2` computes.
void metricsAndErrors(benchmark::State& state)
{
    const CellLibrary lib = CellLibrary::defaults();
    const CircuitSpec s = spec(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    for (auto _ : state) {
        CircuitReport r = evaluateCircuit(s, lib);
        benchmark::DoNotOptimize(r.error.errorRate);
    }
}

void buildAndApproximate(benchmark::State& state)
{
    const CellLibrary lib = CellLibrary::defaults();
    const CircuitSpec s = spec(static_cast<int>(state.range(0)), 2);
    for (auto _ : state) {
        Netlist n = applyApproximation(buildPopcount(s.inputs, s.topology, lib), lib, s.approx);
        benchmark::DoNotOptimize(n.cells.data());
    }
}

void costOnly(benchmark::State& state)
{
    const CellLibrary lib = CellLibrary::defaults();
    const CircuitSpec s = spec(static_cast<int>(state.range(0)), 2);
    const Netlist n = applyApproximation(buildPopcount(s.inputs, s.topology, lib), lib, s.approx);
    for (auto _ : state)
        benchmark::DoNotOptimize(computeCost(n).energyFj);
}

void errorMethod(benchmark::State& state, ErrorMethod method)
{
    const CellLibrary lib = CellLibrary::defaults();
    const CircuitSpec s = spec(static_cast<int>(state.range(0)), 2);
    const Netlist n = applyApproximation(buildPopcount(s.inputs, s.topology, lib), lib, s.approx);
    ErrorOptions o;
    o.method = method;
    for (auto _ : state)
        benchmark::DoNotOptimize(analyzeErrors(n, o).errorRate);
    if (method == ErrorMethod::MonteCarlo)
        state.counters["vectors_per_s"] =
            benchmark::Counter(static_cast<double>(o.samples), benchmark::Counter::kIsIterationInvariantRate);
}

void propagation(benchmark::State& state)
{
    errorMethod(state, ErrorMethod::Propagation);
}
void monteCarlo(benchmark::State& state)
{
    errorMethod(state, ErrorMethod::MonteCarlo);
}

} // namespace

BENCHMARK(metricsAndErrors)
    ->Args({576, 2})
    ->Args({4608, 2})
    ->Args({576, 4})
    ->Args({4608, 4})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(buildAndApproximate)->Arg(576)->Arg(4608)->Unit(benchmark::kMillisecond);
BENCHMARK(costOnly)->Arg(576)->Arg(4608)->Unit(benchmark::kMillisecond);
BENCHMARK(propagation)->Arg(576)->Arg(4608)->Unit(benchmark::kMillisecond);
BENCHMARK(monteCarlo)->Arg(576)->Arg(4608)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
