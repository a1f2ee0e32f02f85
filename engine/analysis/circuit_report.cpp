// Glue from a circuit specification to netlist, cost and error statistics.
#include "analysis/circuit_report.h"

#include "circuit/popcount_builder.h"

#include <stdexcept>

namespace axbnn {

CircuitReport evaluateCircuit(const CircuitSpec& spec, const CellLibrary& library)
{
    if (!(spec.p >= 0.0 && spec.p <= 1.0))
        throw std::invalid_argument("p must be between 0 and 1");
    return evaluateCircuit(spec, library, buildPopcount(spec.inputs, spec.topology, library));
}

CircuitReport evaluateCircuit(const CircuitSpec& spec, const CellLibrary& library, const Netlist& exact)
{
    if (!(spec.p >= 0.0 && spec.p <= 1.0))
        throw std::invalid_argument("p must be between 0 and 1");
    if (exact.inputs != spec.inputs || exact.topology != spec.topology)
        throw std::invalid_argument("the exact netlist does not match the specification's N and topology");
    CircuitReport r;
    r.spec = spec;
    r.spec.error.p = spec.p;
    r.spec.cost.p = spec.p;
    r.librarySource = library.source();
    r.exact = exact;
    r.netlist = applyApproximation(r.exact, library, spec.approx);
    r.cost = computeCost(r.netlist, r.spec.cost);
    r.error = analyzeErrors(r.netlist, r.spec.error);
    return r;
}

CircuitReport evaluateNetlist(const Netlist& netlist, CircuitSpec spec, const std::string& librarySource,
                              const std::string& source)
{
    if (!(spec.p >= 0.0 && spec.p <= 1.0))
        throw std::invalid_argument("p must be between 0 and 1");
    spec.inputs = netlist.inputs;
    spec.topology = netlist.topology;
    CircuitReport r;
    r.spec = spec;
    r.spec.error.p = spec.p;
    r.spec.cost.p = spec.p;
    r.librarySource = librarySource;
    r.source = source;
    r.netlist = netlist;
    r.cost = computeCost(r.netlist, r.spec.cost);
    r.error = analyzeErrors(r.netlist, r.spec.error);
    return r;
}

} // namespace axbnn
