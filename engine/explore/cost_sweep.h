// Cost of exact and approximate popcounts over a range of input counts, for
// the area-against-N curve. Qt-free: a candidate for engine/analysis/.
#pragma once

#include "circuit/approximation.h"
#include "circuit/cost_model.h"

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

namespace axbnn {

// Typical XNOR-popcount widths: k x k x C kernels of common BNN layers.
inline constexpr std::array<int, 10> kCostSweepInputs{9, 25, 49, 81, 144, 288, 576, 1152, 2304, 4608};

struct CostSweepPoint {
    int inputs = 0;
    CircuitCost exact;
    CircuitCost approximate;
};

struct CostSweep {
    Topology topology = Topology::AdderTree;
    ApproxConfig approx;
    std::vector<CostSweepPoint> points; // in the order of the requested inputs
};

// Exact netlists and their costs per (N, topology) for one cell library: the
// exact half of a sweep does not depend on the approximation, so a level
// change only approximates and costs. Thread-safe.
class ExactCostCache {
public:
    struct Entry {
        std::shared_ptr<const Netlist> netlist;
        CircuitCost cost;
    };
    // Builds and costs on first use (with `options`, which must not vary).
    Entry get(int inputs, Topology topology, const CellLibrary& library, const CostOptions& options);

private:
    std::mutex mutex_;
    std::map<std::pair<int, Topology>, Entry> entries_;
};

// Builds, approximates and costs each size; no error analysis. Energy is only
// a rough estimate here (the minimum number of simulated vectors) and
// transistors are not counted (0), to stay fast: use area and delay. Throws like applyApproximation.
// With a cache (always used with the same library) the exact netlists and
// costs are reused; the results are the same.
CostSweep computeCostSweep(std::span<const int> inputs, Topology topology, const ApproxConfig& approx,
                           const CellLibrary& library, ExactCostCache* cache = nullptr);

} // namespace axbnn
