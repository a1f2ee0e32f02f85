// Builders for exact popcount netlists of N inputs in each topology
// (docs/domain.md section 2). Approximation is applied afterwards (approximation.h).
#pragma once

#include "circuit/design_limits.h"
#include "circuit/netlist.h"

#include <string>

namespace axbnn {

// Builds the exact popcount circuit from the library's "fa", "ha", "xor2" and
// "xor3" cells. Throws std::invalid_argument for N outside 1..kMaxPopcountInputs.
Netlist buildPopcount(int inputs, Topology topology, const CellLibrary& library);

// The bits a ripple-carry adder adds in column j: a[j] and b[j] where the
// operands reach, and the carry into the column unless kNoSignal.
std::vector<Signal> rippleColumn(const std::vector<Signal>& a, const std::vector<Signal>& b, int j, Signal carry);
// The same with `pairs` input pairs (2k, 2k+1) first compressed to one
// weight-2 bit each by "and-pair" (k even) and "or-pair" (k odd) cells on
// level 0 (docs/domain.md section 3). The weight-2 bits enter column 1 of a
// compressor tree; an adder tree sums them in a tree of their own and adds
// that, shifted, to the tree of the other inputs; the chain adds them after
// the other inputs. Such a netlist keeps no adder nodes (exact propagation
// does not apply; exhaustive and Monte Carlo analysis do). Throws
// std::invalid_argument for pairs outside 0..inputs / 2.
Netlist buildPopcount(int inputs, Topology topology, const CellLibrary& library, int pairs);

// The structural approximations a builder applies (circuit/approximation.h's
// pairs and compressorColumns knobs).
struct BuildOptions {
    int pairs = 0;
    // Wallace / Dadda: in every reduction stage, the columns below this one
    // reduce groups of four bits with `compressor` (circuit/compressors.h):
    // its sum stays in the column, its carry goes to the next; the bits left
    // over use full and half adders as usual. The final adder stays exact.
    int compressorColumns = 0;
    std::string compressor;
};

// The same with both; throws std::invalid_argument also for compressors on
// an adder tree or chain and for an unknown compressor name.
Netlist buildPopcount(int inputs, Topology topology, const CellLibrary& library, const BuildOptions& options);

} // namespace axbnn
