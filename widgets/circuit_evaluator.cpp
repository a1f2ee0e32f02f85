// Background evaluation of one circuit specification at a time.
#include "circuit_evaluator.h"

#include "io/netlist_import.h"

namespace axbnn::gui {

CircuitEvaluator::CircuitEvaluator(std::shared_ptr<const CellLibrary> library, QObject* parent)
    : QObject(parent),
      library_(std::move(library)),
      runner_(this, {[this](auto report) { emit reportReady(std::move(report)); },
                     [this](const QString& message) { emit failed(message); },
                     [this](bool busy) { emit busyChanged(busy); }}),
      importer_(this, {[this](auto report) { emit netlistImported(std::move(report)); },
                       [this](const QString& message) { emit importFailed(importing_, message); },
                       {}})
{
}

void CircuitEvaluator::evaluate(const CircuitSpec& spec)
{
    // The job owns a copy of the spec and shares the immutable library.
    runner_.submit([spec, library = library_] { return evaluateCircuit(spec, *library); });
}

void CircuitEvaluator::evaluateNetlist(std::shared_ptr<const Netlist> netlist, const CircuitSpec& spec,
                                       const QString& source)
{
    runner_.submit([netlist = std::move(netlist), spec, library = library_, source = source.toStdString()] {
        return axbnn::evaluateNetlist(*netlist, spec, library->source(), source);
    });
}

void CircuitEvaluator::importNetlist(const QString& path, const CircuitSpec& spec)
{
    importing_ = path;
    importer_.submit([path = path.toStdString(), spec, library = library_] {
        const Netlist netlist = importNetlistFile(path, library.get());
        return axbnn::evaluateNetlist(netlist, spec, library->source(), path);
    });
}

} // namespace axbnn::gui
