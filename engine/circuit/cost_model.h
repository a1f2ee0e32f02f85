// Cost metrics of a netlist (docs/domain.md section 4): cell counts, area,
// transistors, static-timing critical path and switching energy.
#pragma once

#include "circuit/netlist.h"

#include <cstdint>
#include <map>
#include <string>

namespace axbnn {

// Bumped when a cost figure of the same circuit changes meaning, so that
// results stored under the old model (sweep journals and shards, whose spec
// hash includes it) are not mixed with new ones. 2: transistors are a
// static-CMOS mapping of the whole netlist (circuit/tech_map.h).
inline constexpr int kCostModelVersion = 2;

struct CostOptions {
    double p = 0.5; // probability that an input bit is 1
    int energyVectors = 8192; // random vectors simulated for switching activity
    uint64_t seed = 1;
    // Threads of the switching-energy simulation; the result does not depend
    // on it (the same vectors, integer toggle counts added up per block).
    int threads = 1;
    // Whether to map the netlist for its transistor count (circuit/tech_map.h,
    // most of the time computeCost takes); callers that read only area,
    // delay or energy turn it off and get transistors = 0.
    bool transistors = true;

    bool operator==(const CostOptions&) const = default;
};

struct CircuitCost {
    std::map<std::string, int> counts; // cell kind -> instances
    int cells = 0;
    int approximateCells = 0;
    double areaUm2 = 0.0;
    long transistors = 0;
    double delayPs = 0.0; // longest input-to-output path
    double energyFj = 0.0; // mean energy per evaluation (new input vector)
    int outputBits = 0;
};

// Cells are costed at what synthesis keeps of them once constants are
// propagated and unobserved logic removed (circuit/live_logic.h).

// Arrival time of every signal: max over the cell inputs it depends on plus
// its arc delay.
double criticalPathPs(const Netlist& netlist);

// Expected switching energy per evaluation from a bit-parallel simulation of
// consecutive independent Bernoulli(p) vectors: sum over cell outputs of
// toggle probability times the cell's energy per output transition (live
// outputs only).
double switchingEnergyFj(const Netlist& netlist, const CostOptions& options);

CircuitCost computeCost(const Netlist& netlist, const CostOptions& options = {});

} // namespace axbnn
