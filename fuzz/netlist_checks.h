// Invariants of an imported netlist, shared by the Verilog and Yosys JSON
// harnesses: every signal a cell or output reads is driven before it is read,
// the netlist simulates, and it survives our own Verilog writer and reader
// with the same outputs on 64 input vectors.
#pragma once

#include "circuit/simulator.h"
#include "circuit/verilog_writer.h"
#include "fuzz_support.h"
#include "io/verilog_import.h"

#include <random>
#include <vector>

namespace axbnn::fuzz {

inline void checkDrivenInOrder(const Netlist& net)
{
    check(net.inputs > 0, "an imported netlist of " + std::to_string(net.inputs) + " inputs");
    std::vector<char> driven(net.signalCount, 0);
    check(net.signalCount >= kFirstInput + static_cast<uint32_t>(net.inputs), "fewer signals than inputs");
    for (uint32_t s = 0; s < kFirstInput + static_cast<uint32_t>(net.inputs); ++s)
        driven[s] = 1;
    for (size_t i = 0; i < net.cells.size(); ++i) {
        const CellInstance& c = net.cells[i];
        check(c.type >= 0 && static_cast<size_t>(c.type) < net.types.size(), "a cell of an unknown type");
        const CellType& t = net.typeOf(c);
        for (int k = 0; k < t.inputs; ++k)
            check(c.in[k] < net.signalCount && driven[c.in[k]],
                  "cell " + std::to_string(i) + " reads a signal not driven before it");
        for (Signal out : {c.sum, c.carry}) {
            if (out == kNoSignal)
                continue;
            check(out < net.signalCount && !driven[out], "cell " + std::to_string(i) + " drives a driven signal");
            driven[out] = 1;
        }
        check((c.carry != kNoSignal) == t.hasCarry, "cell " + std::to_string(i) + " carry output against its type");
    }
    for (Signal out : net.outputs)
        check(out < net.signalCount && driven[out], "an output that nothing drives");
}

inline std::vector<uint64_t> simulate(const Netlist& net, uint64_t seed)
{
    std::mt19937_64 random(seed);
    std::vector<uint64_t> in(static_cast<size_t>(net.inputs)), out(net.outputs.size()), scratch;
    for (uint64_t& w : in)
        w = random();
    Simulator(net).run(in, 1, out, scratch);
    return out;
}

inline void checkImportedNetlist(const Netlist& net, const CellLibrary& library)
{
    checkDrivenInOrder(net);
    const std::vector<uint64_t> outputs = simulate(net, 1);
    if (net.cells.size() > 20000)
        return; // the round trip below would dominate the run time
    mustNotThrow(
        [&] {
            const Netlist back = importVerilog(writeVerilog(net, "fuzz_top"), "round-trip.v", &library);
            check(back.inputs == net.inputs && back.outputBits() == net.outputBits(),
                  "the written Verilog reads back with another interface");
            check(simulate(back, 1) == outputs, "the written Verilog reads back computing something else");
        },
        "writing an imported netlist as Verilog and reading it back");
}

} // namespace axbnn::fuzz
