// Builders for exact popcount netlists of N inputs in each topology
// (docs/domain.md section 2). Approximation is applied afterwards (approximation.h).
#pragma once

#include "circuit/design_limits.h"
#include "circuit/netlist.h"

namespace axbnn {

// Builds the exact popcount circuit from the library's "fa", "ha", "xor2" and
// "xor3" cells. Throws std::invalid_argument for N outside 1..kMaxPopcountInputs.
Netlist buildPopcount(int inputs, Topology topology, const CellLibrary& library);

// The bits a ripple-carry adder adds in column j: a[j] and b[j] where the
// operands reach, and the carry into the column unless kNoSignal.
std::vector<Signal> rippleColumn(const std::vector<Signal>& a, const std::vector<Signal>& b, int j, Signal carry);

} // namespace axbnn
