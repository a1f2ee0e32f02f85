// Imports a popcount netlist file, choosing the reader by extension: .json is
// a Yosys write_json netlist, anything else gate-level Verilog.
#pragma once

#include "circuit/cell_library.h"
#include "circuit/netlist.h"

#include <string>

namespace axbnn {

// Throws std::runtime_error naming the file when it cannot be read or parsed.
Netlist importNetlistFile(const std::string& path, const CellLibrary* library = nullptr);

} // namespace axbnn
