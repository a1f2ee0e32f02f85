// Constant propagation and unobserved logic for the cost model
// (docs/cell-library.md, "Constant and unobserved logic"): what synthesis
// keeps of each cell instance once constant signals are propagated and logic
// with no path to a primary output is removed.
#pragma once

#include "circuit/netlist.h"

#include <array>
#include <cstdint>
#include <vector>

namespace axbnn {

// Signal value known at build time: 0, 1, or unknown (depends on the inputs).
inline constexpr int8_t kUnknown = -1;

// The figures one cell instance is costed at. Output 0 is the sum, 1 the
// carry. An output that is constant, unobserved or a plain copy of an input
// has zero delay and energy; `dependsOn` is the mask of cell inputs (bit i =
// input a, b, c) the output's value depends on given the constant inputs.
struct LiveCell {
    double areaUm2 = 0.0;
    int transistors = 0;
    std::array<double, 2> delayPs{};
    std::array<double, 2> energyFj{};
    // Input-pin energy per transition of input a, b, c: the cell's own when
    // it is kept whole, zero when it is removed or replaced.
    std::array<double, 3> inputEnergyFj{};
    std::array<uint8_t, 2> dependsOn{};
    std::array<bool, 2> live{}; // observed, not constant (a copied input counts as live)
};

struct LiveLogic {
    std::vector<int8_t> value; // per signal: 0, 1 or kUnknown
    std::vector<LiveCell> cells; // per cell instance, netlist order
};

// Propagates constants forwards (an output is constant when it is the same
// for every input combination the constant inputs allow), marks outputs with
// no path to a non-constant primary output, and costs each cell at what
// remains of it:
//   * nothing when no output is live, or every live output is a copy of an input;
//   * the full cell when all of it is live and no input is constant;
//   * otherwise the cheapest (transistors, then area) of the full cell, one
//     cell kind of the netlist or logic gate computing all live outputs (with
//     inputs renamed or tied to constants), or one such per live output.
// Candidate gates take their figures from a netlist cell kind of the same
// name when there is one (a --cells file), else the built-in gate table.
LiveLogic liveLogic(const Netlist& netlist);

} // namespace axbnn
