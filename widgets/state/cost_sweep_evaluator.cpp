// Background computation of one cost sweep at a time.
#include "state/cost_sweep_evaluator.h"

#include "state/latency_trace.h"

namespace axbnn::gui {

CostSweepEvaluator::CostSweepEvaluator(std::shared_ptr<const CellLibrary> library, QObject* parent)
    : QObject(parent), library_(std::move(library)),
      runner_(this,
              {[this](auto sweep) { Q_EMIT sweepReady(std::move(sweep)); },
               [this](const QString& message) { Q_EMIT failed(message); },
               [this](bool busy) { Q_EMIT busyChanged(busy); }})
{}

void CostSweepEvaluator::evaluate(Topology topology, const ApproxConfig& approx)
{
    runner_.submit([topology, approx, library = library_, cache = cache_] {
        trace::mark("sweep job start");
        CostSweep sweep = computeCostSweep(kCostSweepInputs, topology, approx, *library, cache.get());
        trace::mark("sweep job end");
        return sweep;
    });
}

} // namespace axbnn::gui
