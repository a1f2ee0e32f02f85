// Optional cross-check by an external tool: Yosys synthesises a circuit's
// Verilog to static CMOS gates and counts cells and transistors (docs/domain.md
// section 4, docs/verilog.md). The workbench works without Yosys.
#pragma once

#include "circuit/netlist.h"

#include <map>
#include <string>

namespace axbnn {

struct YosysReport {
    bool ran = false; // false: Yosys missing, failed or timed out (see message)
    std::string message; // why it did not run, or the Yosys version line
    std::string script; // the synthesis script used
    std::map<std::string, int> cells; // Yosys gate type -> count ($_NAND_ ...)
    int cellCount = 0;
    long transistors = 0; // `stat -tech cmos` estimate
};

// Full path of `yosys` on PATH, or empty.
std::string findYosys();

// Writes the netlist's Verilog to a fresh temporary directory, runs
// `read_verilog; hierarchy; flatten; proc; techmap; opt -fast;
// abc -g cmos -script +strash;map,-a; opt_clean; stat -tech cmos` with a
// timeout (the process is killed when it runs longer), parses the counts
// and removes the directory. Never throws for a missing or failing Yosys:
// the report says what happened. No Qt; callable from any thread.
YosysReport runYosysReport(const Netlist& netlist, int timeoutSeconds = 120);

} // namespace axbnn
