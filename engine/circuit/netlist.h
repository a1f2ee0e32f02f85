// Gate-level popcount netlist: cell instances over numbered signals, plus the
// adder-node structure that tree-shaped topologies keep for exact analysis.
#pragma once

#include "circuit/cell_library.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace axbnn {

using Signal = uint32_t;
inline constexpr Signal kConst0 = 0;
inline constexpr Signal kConst1 = 1;
inline constexpr Signal kNoSignal = 0xffffffffu;
// Primary input i is signal kFirstInput + i.
inline constexpr Signal kFirstInput = 2;

// Imported: a gate-level netlist read from a file (io/verilog_import.h); it
// has no adder nodes, and the builders do not produce it.
enum class Topology { AdderTree, Wallace, Dadda, Chain, Imported };

std::string topologyName(Topology topology);
// Throws std::invalid_argument listing the valid names (of buildable topologies).
Topology parseTopology(const std::string& name);

struct CellInstance {
    int type = 0; // index into Netlist::types
    std::array<Signal, 3> in{kNoSignal, kNoSignal, kNoSignal}; // a, b, c
    Signal sum = kNoSignal;
    Signal carry = kNoSignal; // kNoSignal for sum-only cells
    int column = 0; // bit weight 2^column of the sum output
    int level = 0; // tree level (0 = nearest the inputs) or reduction stage
    int node = -1; // adder node this cell belongs to, -1 if none
};

// A ripple-carry adder that adds two operands and an optional carry-in. An
// operand is either the output of another node or one primary input bit.
struct AdderNode {
    int childA = -1; // node index, or -1 when operand A is a raw bit
    int childB = -1; // likewise for operand B
    std::vector<Signal> a, b; // operand bits, least significant first
    Signal cin = kNoSignal; // raw input bit used as carry-in, if any
    std::vector<Signal> out; // result bits, least significant first
    uint32_t maxValue = 0; // largest exact result
    int inputCount = 0; // primary inputs summed by this subtree
    int level = 0;
};

struct Netlist {
    int inputs = 0;
    Topology topology = Topology::AdderTree;
    std::vector<CellType> types; // the kinds used by cells
    std::vector<CellInstance> cells; // in topological order
    std::vector<Signal> outputs; // popcount bits, least significant first
    uint32_t signalCount = 0; // signals are 0 .. signalCount-1
    std::vector<AdderNode> nodes; // empty for compressor trees
    int levels = 0; // number of distinct cell levels

    int outputBits() const { return static_cast<int>(outputs.size()); }
    // Index of a type by name, adding it from the library when missing.
    int typeIndex(const CellLibrary& library, const std::string& name);
    const CellType& typeOf(const CellInstance& cell) const { return types[cell.type]; }
    bool isApproximate(const CellInstance& cell) const { return !typeOf(cell).isExact(); }
    int approximateCellCount() const;
    // Removes kinds no cell uses, so reports list only what is built.
    void dropUnusedTypes();
};

// Bits needed to represent values 0..maxValue: ceil(log2(maxValue + 1)).
int bitsFor(uint64_t maxValue);

// Who reads each signal: the number of reading cell inputs (a netlist
// output counts as two, so an output never looks like a single reader), and
// the first and last reading cell in netlist order (-1 if none).
struct SignalReaders {
    std::vector<int> count, first, last;
};
SignalReaders readersOf(const Netlist& net);

} // namespace axbnn
