// Hand-built netlists for the cost-model suites (test_live_logic,
// test_tech_map): primary inputs plus cells appended one by one.
#pragma once

#include "circuit/cell_library.h"
#include "circuit/netlist.h"

#include <array>
#include <string>
#include <utility>

namespace axbnn::netlist_test {

struct Builder {
    CellLibrary lib = CellLibrary::defaults();
    Netlist net;

    explicit Builder(int inputs)
    {
        net.inputs = inputs;
        net.signalCount = kFirstInput + static_cast<Signal>(inputs);
    }
    Signal x(int i) const { return kFirstInput + static_cast<Signal>(i); }
    // Appends a cell; returns its sum and carry signals.
    std::pair<Signal, Signal> cell(const std::string& kind, std::array<Signal, 3> in)
    {
        CellInstance c;
        c.type = net.typeIndex(lib, kind);
        c.in = in;
        c.sum = net.signalCount++;
        if (net.typeOf(c).hasCarry)
            c.carry = net.signalCount++;
        net.cells.push_back(c);
        return {c.sum, c.carry};
    }
};

} // namespace axbnn::netlist_test
