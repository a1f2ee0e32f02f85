// Exact and approximate cost for each input count of a sweep.
#include "cost_sweep.h"

#include "circuit/popcount_builder.h"

namespace axbnn::gui {

CostSweep computeCostSweep(std::span<const int> inputs, Topology topology,
                           const ApproxConfig& approx, const CellLibrary& library)
{
    CostOptions options;
    options.energyVectors = 128; // the cost model's minimum; energy is not plotted

    CostSweep sweep;
    sweep.topology = topology;
    sweep.approx = approx;
    sweep.points.reserve(inputs.size());
    for (const int n : inputs) {
        const Netlist exact = buildPopcount(n, topology, library);
        const Netlist approximate = applyApproximation(exact, library, approx);
        sweep.points.push_back({n, computeCost(exact, options), computeCost(approximate, options)});
    }
    return sweep;
}

} // namespace axbnn::gui
