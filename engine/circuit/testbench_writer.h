// Self-checking Verilog testbench for a popcount netlist: the circuit's own
// Verilog (circuit/verilog_writer.h) plus a test module whose expected outputs
// come from the engine's simulation, for Icarus Verilog (docs/verilog.md).
#pragma once

#include "circuit/netlist.h"

#include <cstdint>
#include <string>

namespace axbnn {

struct TestbenchOptions {
    int vectors = 1000; // exhaustive instead when 2^N <= vectors
    uint64_t seed = 1;
    // Test only: adds this to the first expected value, so a correct circuit must FAIL.
    int corruptFirstExpected = 0;
};

// One file: the netlist as module `moduleName` and module `<moduleName>_tb`,
// which applies every vector, prints "PASS: n vectors" and $finish-es, or
// prints each mismatch (up to 10), "FAIL: k of n vectors" and calls $fatal
// (vvp exits non-zero). Vectors: all 2^N when that is at most `vectors`,
// otherwise all zeros, all ones and random vectors whose density of ones is
// itself random. Expected values: Simulator::evaluate.
std::string writeTestbench(const Netlist& netlist, const std::string& moduleName, const TestbenchOptions& options = {});

// writeTestbench() to `path`, atomically (util/atomic_file.h).
void writeTestbenchFile(const Netlist& netlist, const std::string& moduleName, const std::string& path,
                        const TestbenchOptions& options = {});

} // namespace axbnn
