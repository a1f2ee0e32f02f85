// Reads a popcount circuit from gate-level Verilog: the flat subset written by
// approximate-circuit libraries and by `yosys write_verilog -noattr`, plus
// instances of modules of the same file (our own writer's output) and of Yosys
// gate primitives ($_AND_, ...). docs/netlist-import.md lists the subset.
#pragma once

#include "circuit/cell_library.h"
#include "circuit/netlist.h"

#include <string>
#include <string_view>

namespace axbnn {

// The top module (`top`, or the one module no other module instantiates) must
// have one input vector, the N popcount inputs (its least significant index is
// input 0), and one output vector, the count, least significant bit first.
// The result is a Netlist of gate cells (circuit/gate_cells.h) with topology
// Imported; gate figures can be overridden by same-named cells of `library`.
// Throws std::runtime_error "origin: line N: ..." on anything it cannot read.
Netlist importVerilog(std::string_view text, const std::string& origin, const CellLibrary* library = nullptr,
                      const std::string& top = "");

} // namespace axbnn
