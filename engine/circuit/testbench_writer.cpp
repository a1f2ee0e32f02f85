// Testbench generation: vectors, expected counts from the simulator, and the
// Verilog test module around the exported circuit.
#include "circuit/testbench_writer.h"

#include "circuit/simulator.h"
#include "circuit/verilog_writer.h"
#include "util/atomic_file.h"
#include "util/random_bits.h"

#include <stdexcept>

namespace axbnn {

namespace {

// N-bit binary literal of a vector, input i at bit i.
std::string literal(const std::vector<uint8_t>& bits)
{
    std::string s = std::to_string(bits.size()) + "'b";
    for (size_t i = bits.size(); i-- > 0;)
        s += bits[i] ? '1' : '0';
    return s;
}

std::vector<std::vector<uint8_t>> makeVectors(int n, const TestbenchOptions& o)
{
    std::vector<std::vector<uint8_t>> out;
    if (n < 31 && (uint64_t{1} << n) <= static_cast<uint64_t>(o.vectors)) {
        for (uint64_t v = 0; v < (uint64_t{1} << n); ++v) {
            std::vector<uint8_t> b(static_cast<size_t>(n));
            for (int i = 0; i < n; ++i)
                b[static_cast<size_t>(i)] = (v >> i) & 1;
            out.push_back(std::move(b));
        }
        return out;
    }
    out.push_back(std::vector<uint8_t>(static_cast<size_t>(n), 0));
    out.push_back(std::vector<uint8_t>(static_cast<size_t>(n), 1));
    Rng rng(o.seed);
    while (static_cast<int>(out.size()) < o.vectors) {
        const double density = rng.uniform(); // exercises every count range, not just ~N/2
        std::vector<uint8_t> b(static_cast<size_t>(n));
        for (auto& bit : b)
            bit = rng.uniform() < density ? 1 : 0;
        out.push_back(std::move(b));
    }
    return out;
}

} // namespace

std::string writeTestbench(const Netlist& netlist, const std::string& moduleName, const TestbenchOptions& o)
{
    if (o.vectors < 2 || o.vectors > 1'000'000)
        throw std::invalid_argument("testbench vectors must be between 2 and 1000000, got "
                                    + std::to_string(o.vectors));
    std::string out = writeVerilog(netlist, moduleName); // validates the name and the netlist
    const int n = netlist.inputs, w = netlist.outputBits();
    const auto vectors = makeVectors(n, o);
    const Simulator sim(netlist);
    const size_t count = vectors.size();
    const std::string tb = moduleName + "_tb";
    out += "\n// Self-checking testbench (AxBNN Workbench): expected counts from the engine's\n"
           "// simulation. Run: iverilog -o sim FILE.v && vvp sim   (exit status 0 = PASS)\n";
    out += "`timescale 1ns/1ps\nmodule " + tb + ";\n";
    out += "  reg [" + std::to_string(n - 1) + ":0] x;\n  wire [" + std::to_string(w - 1) + ":0] y;\n";
    out += "  reg [" + std::to_string(n - 1) + ":0] vin [0:" + std::to_string(count - 1) + "];\n";
    out += "  reg [" + std::to_string(w - 1) + ":0] vexp [0:" + std::to_string(count - 1) + "];\n";
    out += "  integer i, errors;\n  " + moduleName + " dut(.x(x), .y(y));\n  initial begin\n";
    for (size_t k = 0; k < count; ++k) {
        uint64_t expected = sim.evaluate(vectors[k]);
        if (k == 0)
            expected = (expected + static_cast<uint64_t>(o.corruptFirstExpected))
                & ((w >= 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1));
        out += "    vin[" + std::to_string(k) + "] = " + literal(vectors[k]) + "; vexp[" + std::to_string(k)
            + "] = " + std::to_string(w) + "'d" + std::to_string(expected) + ";\n";
    }
    const std::string c = std::to_string(count);
    out += "    errors = 0;\n"
           "    for (i = 0; i < "
        + c
        + "; i = i + 1) begin\n"
          "      x = vin[i];\n"
          "      #1;\n"
          "      if (y !== vexp[i]) begin\n"
          "        errors = errors + 1;\n"
          "        if (errors <= 10)\n"
          "          $display(\"FAIL: vector %0d: x = %b, y = %0d, expected %0d\", i, x, y, vexp[i]);\n"
          "      end\n"
          "    end\n"
          "    if (errors == 0) begin\n"
          "      $display(\"PASS: "
        + c
        + " vectors\");\n"
          "      $finish;\n"
          "    end else begin\n"
          "      $display(\"FAIL: %0d of "
        + c
        + " vectors\", errors);\n"
          "      $fatal(1, \"popcount testbench failed\");\n"
          "    end\n"
          "  end\nendmodule\n";
    return out;
}

void writeTestbenchFile(const Netlist& netlist, const std::string& moduleName, const std::string& path,
                        const TestbenchOptions& options)
{
    writeFileAtomically(path, writeTestbench(netlist, moduleName, options));
}

} // namespace axbnn
