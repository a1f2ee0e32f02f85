// Approximate 4:2 compressors (docs/cell-library.md, "Approximate 4:2
// compressors"): published functions of four weight-1 bits x1..x4 to a sum
// (weight 1) and a carry (weight 2), without the exact compressor's carry-in
// and carry-out, each built from library cells and logic gates. The Wallace
// and Dadda builders reduce groups of four bits of the low columns with one
// (popcount_builder.h, knob "compressors").
#pragma once

#include "circuit/cell_library.h"

#include <span>
#include <string>
#include <string_view>

namespace axbnn {

// One part of a compressor's decomposition: the library cell "ha" (two
// outputs: its sum, then its carry) or a logic gate of circuit/gate_cells.h
// by name ("or2", "and2", "xnor2"). Its inputs index the compressor's values:
// 0..3 are x1..x4, then every part's outputs in order.
struct CompressorPart {
    const char* cell;
    int a, b;
    int weight; // 0: its (sum) output has the column's weight; 1: the next column's
};

inline constexpr int kCompressorMaxParts = 4;

struct Compressor {
    const char* name; // --compressor, "compressor" in design JSON and layer configs
    const char* citation;
    const char* function; // the published function, for people
    CompressorPart parts[kCompressorMaxParts];
    int partCount;
    int sum, carry; // the values that are the outputs
};

// The table, default first. Names are spelled here only.
std::span<const Compressor> compressorTable();
const Compressor& defaultCompressor();
// Throws std::invalid_argument "unknown 4:2 compressor 'x' (known: ...)".
const Compressor& compressorNamed(std::string_view name);
std::string compressorNames(); // "c42-hl, c42-yin"

// The cell type of a compressor's logic-gate part ("or2" -> "c42-or2"): the
// gate's truth table and SKY130 figures (circuit/gate_cells.h, under every
// library), but not flagged as a gate: a sum-only cell whose output is not
// the parity of its inputs counts as approximate, so reports, the circuit
// view and inference's error bounds see where the compressors are.
CellType compressorPartCell(std::string_view gate);

// The outputs of the decomposition for combination i = x1 + 2 x2 + 4 x3 + 8 x4:
// sum + 2 carry.
int compressorValue(const Compressor& c, unsigned combination);
// That value minus the number of ones among x1..x4.
int compressorError(const Compressor& c, unsigned combination);

} // namespace axbnn
