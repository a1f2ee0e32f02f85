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

// The cover as gates, for checking it computes the netlist (tests). Node
// ids are global over the windows; node 0 is constant 0.
struct MappedCover {
    // Nodes standing for a netlist signal made outside the mapped logic of
    // their window: a primary input, a black box's output, a signal of an
    // earlier window.
    std::vector<std::pair<uint32_t, Signal>> inputs;
    // What each window makes for the netlist's outputs and later windows:
    // (node, phase, signal). Signals that are constant are not listed.
    struct Output {
        uint32_t node = 0;
        int phase = 0;
        Signal signal = 0;
    };
    std::vector<Output> outputs;
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
// Cells are mapped in windows of `windowCells` cells in netlist order, so
// memory stays bounded (about 30 MB a window) on the largest netlists;
// signals crossing a window boundary are inputs of the later window and
// outputs of the earlier one, and logic shared across a boundary is counted
// in both. Every circuit of up to 20,000 cells is one window. The cover's
// gates go to `cover` when given.
inline constexpr int kMapWindowCells = 20000;
MappedTransistors mapTransistors(const Netlist& netlist, const LiveLogic& live, MappedCover* cover = nullptr,
                                 int windowCells = kMapWindowCells);

} // namespace axbnn
