// Reads a popcount circuit from a Yosys `write_json` netlist of simple gate
// cells ($_AND_, $_OR_, $_XOR_, $_NOT_, $_NAND_, $_NOR_, $_XNOR_, $_ANDNOT_,
// $_ORNOT_, $_MUX_, $_BUF_) after `synth` (docs/netlist-import.md).
#pragma once

#include "circuit/cell_library.h"
#include "circuit/netlist.h"

#include <string>
#include <string_view>

namespace axbnn {

// Same conventions as importVerilog (io/verilog_import.h): one input port (the
// N popcount inputs, bit 0 first) and one output port (the count, LSB first)
// on the top module (`top`, else the module with attribute top, else the only
// module). Throws std::runtime_error "origin: ..." on bad input.
Netlist importYosysJson(std::string_view text, const std::string& origin, const CellLibrary* library = nullptr,
                        const std::string& top = "");

} // namespace axbnn
