// Export of a popcount netlist as synthesisable structural Verilog-2001, one
// module per cell kind plus a top module (docs/verilog.md).
#pragma once

#include "circuit/netlist.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace axbnn {

// The Verilog text of `netlist`: cell modules named axbnn_<cell name> (with
// characters other than letters, digits and '_' replaced by '_'), and
//   module <moduleName>(input [N-1:0] x, output [W-1:0] y);
// where x[i] is primary input i and y[k] is popcount bit k (y[0] = LSB).
// Throws std::invalid_argument when moduleName is not a Verilog identifier
// (or is a keyword, or clashes with a cell module) and when the netlist is
// malformed (undriven or doubly driven signals, bad cell types).
std::string writeVerilog(const Netlist& netlist, const std::string& moduleName);

// Writes writeVerilog() to `path` through writeFileAtomically()
// (util/atomic_file.h): a temporary file beside `path`, synced and renamed
// over it, so a failed write leaves an existing file untouched and no partial
// file behind. Throws std::invalid_argument as writeVerilog() (before touching
// the disk) and std::runtime_error naming the path when it cannot write.
void writeVerilogFile(const Netlist& netlist, const std::string& moduleName, const std::string& path);

// True when `name` is a legal Verilog-2001 simple identifier and no keyword.
bool isVerilogIdentifier(std::string_view name);

// A Verilog expression over inputs a, b (and c when arity is 3) for a truth
// table indexed by a + 2b + 4c: familiar forms (a ^ b ^ c, majority, a & b,
// a | b, constants, their complements) where the table is one, otherwise a
// minimal sum of products.
std::string verilogExpression(uint8_t table, int arity);

} // namespace axbnn
