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
    ErrorOptions error;   // error.p is overwritten by p
    CostOptions cost;     // cost.p is overwritten by p
};

struct CircuitReport {
    CircuitSpec spec;
    std::string librarySource;
    Netlist exact;
    Netlist netlist; // exact with the approximation applied
    CircuitCost cost;
    ErrorStats error;
};

// Builds, approximates, costs and analyses. Throws std::invalid_argument or
// std::runtime_error with a user-facing message on bad specifications.
CircuitReport evaluateCircuit(const CircuitSpec& spec, const CellLibrary& library);

} // namespace axbnn
