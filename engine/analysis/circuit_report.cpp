// Glue from a circuit specification to netlist, cost and error statistics.
#include "analysis/circuit_report.h"

#include "circuit/popcount_builder.h"

#include <future>
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
    return evaluateCircuit(spec, library, exact, nullptr);
}

namespace {

// Same cells of the same kinds over the same wiring; `a` and `b` come from
// one exact netlist, so the wiring is equal when the structure is.
bool sameCellKinds(const Netlist& a, const Netlist& b)
{
    if (a.cells.size() != b.cells.size() || a.inputs != b.inputs || a.topology != b.topology)
        return false;
    for (size_t i = 0; i < a.cells.size(); ++i) {
        const CellType& x = a.typeOf(a.cells[i]);
        const CellType& y = b.typeOf(b.cells[i]);
        if (x.name != y.name || x.sumTable != y.sumTable || x.carryTable != y.carryTable)
            return false;
    }
    return true;
}

// Fills r.cost and r.error from r.netlist and r.spec. With threads for
// either, the cost runs on a thread of its own meanwhile (the two are
// independent); the results are the same either way.
void costAndAnalyse(CircuitReport& r)
{
    if (r.spec.error.threads <= 1 && r.spec.cost.threads <= 1) {
        r.cost = computeCost(r.netlist, r.spec.cost);
        r.error = analyzeErrors(r.netlist, r.spec.error);
        return;
    }
    auto cost = std::async(std::launch::async, [&r] { return computeCost(r.netlist, r.spec.cost); });
    try {
        r.error = analyzeErrors(r.netlist, r.spec.error);
    } catch (...) {
        cost.wait(); // it reads r.netlist
        throw;
    }
    r.cost = cost.get();
}

} // namespace

CircuitReport evaluateCircuit(const CircuitSpec& spec, const CellLibrary& library, const Netlist& exact,
                              const CircuitReport* previous)
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
    // The structure the cell indices refer to (the circuit view draws it and
    // toggles cells of it): with AND/OR pairs or 4:2 compressors, the rebuilt netlist.
    r.exact = approximationStructure(exact, library, spec.approx);
    r.netlist = applyApproximation(r.exact, library, knobsWithoutStructure(spec.approx));
    if (previous && previous->source.empty() && previous->librarySource == r.librarySource
        && previous->spec.p == r.spec.p && previous->spec.error == r.spec.error && previous->spec.cost == r.spec.cost
        && previous->exact.cells.size() == exact.cells.size() && sameCellKinds(previous->netlist, r.netlist)) {
        r.cost = previous->cost;
        r.error = previous->error;
        return r;
    }
    costAndAnalyse(r);
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
    costAndAnalyse(r);
    return r;
}

} // namespace axbnn
