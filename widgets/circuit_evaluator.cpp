// Background evaluation of one circuit specification at a time.
#include "circuit_evaluator.h"

namespace axbnn::gui {

CircuitEvaluator::CircuitEvaluator(std::shared_ptr<const CellLibrary> library, QObject* parent)
    : QObject(parent),
      library_(std::move(library)),
      runner_(this, {[this](auto report) { emit reportReady(std::move(report)); },
                     [this](const QString& message) { emit failed(message); },
                     [this](bool busy) { emit busyChanged(busy); }})
{
}

void CircuitEvaluator::evaluate(const CircuitSpec& spec)
{
    // The job owns a copy of the spec and shares the immutable library.
    runner_.submit([spec, library = library_] { return evaluateCircuit(spec, *library); });
}

} // namespace axbnn::gui
