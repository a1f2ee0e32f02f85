// Logic gates that imported gate-level netlists are made of (io/verilog_import.h,
// io/yosys_json_import.h): one CellType per gate, with SKY130 figures in the
// style of the adder cells (docs/cell-library.md, "Logic gates").
#pragma once

#include "circuit/cell_library.h"

#include <optional>
#include <string>
#include <string_view>

namespace axbnn {

// Inputs a, b (and c for Mux2). One-input gates are 2-input cells whose table
// ignores b (the importer ties b to constant 0). Mux2 is c ? b : a.
enum class Gate { Inv, Buf, And2, Or2, Nand2, Nor2, Xor2, Xnor2, AndNot, OrNot, Mux2 };

inline constexpr int kGateKinds = 11;

// Cell-type name of a gate ("inv", "nand2", "andnot" = a & ~b, "mux2", ...).
std::string gateName(Gate gate);
// Number of inputs the gate reads: 1, 2 or 3.
int gateArity(Gate gate);
// The gate's cell type (gate = true, sum-only). When `overrides` has a cell
// of the same name (a --cells file), its area, transistors, delay and energy
// replace the built-in figures; the truth table stays the gate's.
CellType gateCell(Gate gate, const CellLibrary* overrides = nullptr);

// The gate of a Yosys internal cell type ("$_AND_", "$_MUX_", ...), with its
// ports in order a, b, c: A, B, S for $_MUX_ (Y = S ? B : A), A, B otherwise.
std::optional<Gate> yosysGate(std::string_view type);

} // namespace axbnn
