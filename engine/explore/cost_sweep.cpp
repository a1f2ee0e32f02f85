// Exact and approximate cost for each input count of a sweep.
#include "explore/cost_sweep.h"

#include "circuit/popcount_builder.h"

namespace axbnn {

ExactCostCache::Entry ExactCostCache::get(int inputs, Topology topology, const CellLibrary& library,
                                          const CostOptions& options)
{
    const auto key = std::make_pair(inputs, topology);
    {
        const std::lock_guard lock(mutex_);
        if (const auto it = entries_.find(key); it != entries_.end())
            return it->second;
    }
    auto netlist = std::make_shared<const Netlist>(buildPopcount(inputs, topology, library));
    Entry entry{netlist, computeCost(*netlist, options)};
    const std::lock_guard lock(mutex_);
    entries_.emplace(key, entry);
    return entry;
}

CostSweep computeCostSweep(std::span<const int> inputs, Topology topology, const ApproxConfig& approx,
                           const CellLibrary& library, ExactCostCache* cache)
{
    CostOptions options;
    options.energyVectors = 128; // the cost model's minimum; energy is not plotted
    options.transistors = false; // nor transistors: the plots show area and delay

    CostSweep sweep;
    sweep.topology = topology;
    sweep.approx = approx;
    sweep.points.reserve(inputs.size());
    for (const int n : inputs) {
        ExactCostCache::Entry exact;
        if (cache) {
            exact = cache->get(n, topology, library, options);
        } else {
            exact.netlist = std::make_shared<const Netlist>(buildPopcount(n, topology, library));
            exact.cost = computeCost(*exact.netlist, options);
        }
        const Netlist approximate = applyApproximation(*exact.netlist, library, approx);
        sweep.points.push_back({n, exact.cost, computeCost(approximate, options)});
    }
    return sweep;
}

} // namespace axbnn
