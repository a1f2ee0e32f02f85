// One call from a circuit specification to everything the tool reports about
// it: the netlist, its cost and its error statistics.
#pragma once

#include "analysis/error_analysis.h"
#include "circuit/approximation.h"
#include "circuit/cost_model.h"

#include <string>

namespace axbnn {

struct CircuitSpec {
    int inputs = 576;
    Topology topology = Topology::AdderTree;
    ApproxConfig approx;
    double p = 0.5;
    ErrorOptions error; // error.p is overwritten by p
    CostOptions cost; // cost.p is overwritten by p
};

struct CircuitReport {
    CircuitSpec spec;
    std::string librarySource;
    std::string source; // file an imported netlist came from; empty for built circuits
    Netlist exact; // empty for imported netlists; with AND/OR pairs or 4:2 compressors the rebuilt structure
    Netlist netlist; // exact with the approximation applied
    CircuitCost cost;
    ErrorStats error;
};

// Builds, approximates, costs and analyses. Throws std::invalid_argument or
// std::runtime_error with a user-facing message on bad specifications.
CircuitReport evaluateCircuit(const CircuitSpec& spec, const CellLibrary& library);
// The same from an exact netlist already built by buildPopcount(spec.inputs,
// spec.topology, library), e.g. one kept per structure while only the
// approximation changes. Identical results.
CircuitReport evaluateCircuit(const CircuitSpec& spec, const CellLibrary& library, const Netlist& exact);
// The same, reusing `previous`'s cost and error statistics when it is a
// report of the same structure, library, p and options whose approximated
// netlist has the same cell kinds cell for cell (a knob that changes no cell,
// e.g. LSB columns on the chain, which has no full adders). Identical results.
CircuitReport evaluateCircuit(const CircuitSpec& spec, const CellLibrary& library, const Netlist& exact,
                              const CircuitReport* previous);

// Costs and analyses a given netlist (an imported one): spec.inputs and
// spec.topology are taken from it, spec.approx is left as given (unused).
// Auto error analysis enumerates up to spec.error.exhaustiveMaxInputs inputs
// and falls back to Monte Carlo for netlists without adder nodes.
CircuitReport evaluateNetlist(const Netlist& netlist, CircuitSpec spec, const std::string& librarySource,
                              const std::string& source);

} // namespace axbnn
