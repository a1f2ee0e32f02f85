// Transistor count of a whole circuit as static CMOS gates
// (docs/cell-library.md, "Transistors of a whole circuit"): the netlist's
// logic is mapped together onto NAND, NOR, AOI, OAI, XOR, XNOR, MUX and NOT
// gates, so that logic shared between neighbouring cells, inverters absorbed
// into their readers and functions that collapse when a cell's inputs are
// related (S = NOT C of a MAJ-FA read by the next adder) are counted once, as
// synthesis counts them.
#pragma once

#include "circuit/live_logic.h"
#include "circuit/netlist.h"

#include <array>
#include <string>
#include <vector>

namespace axbnn {

struct MappedTransistors {
    long transistors = 0; // mapped logic plus black boxes
    long blackBoxTransistors = 0; // cells costed at their own figure
    int mappedCells = 0; // cell instances whose logic was mapped
    int blackBoxCells = 0;
};

// One gate of the cover, driving one phase of a node of the mapped logic.
struct MappedGate {
    uint32_t node = 0;
    int phase = 0; // 1: the node's complement
    int shape = 0; // kMappedInverter, kMappedConstant or a gate of mappedGateName()
    int transistors = 0;
    int inputs = 0;
    std::array<uint32_t, 4> inNode{};
    std::array<int, 4> inPhase{};
    bool constantValue = false; // kMappedConstant only
};
inline constexpr int kMappedInverter = -1; // NOT of the node's other phase
inline constexpr int kMappedConstant = -2; // logic that is constant after all

// The cover as gates, for checking it computes the netlist (tests).
struct MappedCover {
    std::vector<uint32_t> inputNodes; // node of primary input i
    std::vector<std::pair<uint32_t, Signal>> blackBoxOutputs; // node standing for a black box's output signal
    // (node, phase) of output bit j; node 0 is constant 0 (phase 1: 1). Only
    // outputs of mapped logic are listed when the netlist has black boxes.
    std::vector<std::pair<uint32_t, int>> outputs;
    std::vector<MappedGate> gates; // every gate after the gates it reads
};

// "nand2", "aoi3", "xor2", "mux2", "wire", ...
std::string mappedGateName(int shape);
// The gate's output for its input values (bit i: input i).
bool mappedGateOutput(const MappedGate& gate, unsigned inputBits);

// Cells whose transistor figure is the built-in static-CMOS figure of their
// function (the SKY130 table and the logic gates) are decomposed into an
// and-inverter graph with structural hashing and mapped by a cut-based
// area-flow mapper (4-input cuts, one gate per cut, both phases of every
// node). Any other cell (transistor-level cmos45 cells, a --cells file's own
// figures) is a black box at its live_logic figure, its outputs inputs of the
// mapped logic and its inputs outputs of it. Constant and unobserved logic
// costs nothing. Iterative (no recursion on netlist depth).
// The cover's gates go to `cover` when given.
MappedTransistors mapTransistors(const Netlist& netlist, const LiveLogic& live, MappedCover* cover = nullptr);

} // namespace axbnn
