// Background computation of one cost sweep at a time.
#include "cost_sweep_evaluator.h"

namespace axbnn::gui {

CostSweepEvaluator::CostSweepEvaluator(std::shared_ptr<const CellLibrary> library, QObject* parent)
    : QObject(parent),
      library_(std::move(library)),
      runner_(this, {[this](auto sweep) { emit sweepReady(std::move(sweep)); },
                     [this](const QString& message) { emit failed(message); },
                     [this](bool busy) { emit busyChanged(busy); }})
{
}

void CostSweepEvaluator::evaluate(Topology topology, const ApproxConfig& approx)
{
    runner_.submit([topology, approx, library = library_, cache = cache_] {
        return computeCostSweep(kCostSweepInputs, topology, approx, *library, cache.get());
    });
}

} // namespace axbnn::gui
