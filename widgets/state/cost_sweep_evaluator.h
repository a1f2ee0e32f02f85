// Computes the cost-against-N sweep off the GUI thread and announces only the
// sweep for the newest topology and approximation knobs.
#pragma once

#include "explore/cost_sweep.h"
#include "state/latest_only_runner.h"

#include "circuit/cell_library.h"

#include <QObject>

#include <memory>

namespace axbnn::gui {

class CostSweepEvaluator : public QObject {
    Q_OBJECT

public:
    explicit CostSweepEvaluator(std::shared_ptr<const CellLibrary> library, QObject* parent = nullptr);

    // Starts (or queues) the sweep over kCostSweepInputs; supersedes earlier requests.
    void evaluate(Topology topology, const ApproxConfig& approx);
    bool isBusy() const { return runner_.isBusy(); }

Q_SIGNALS:
    void sweepReady(std::shared_ptr<const axbnn::CostSweep> sweep);
    void failed(const QString& message);
    void busyChanged(bool busy);

private:
    std::shared_ptr<const CellLibrary> library_;
    std::shared_ptr<ExactCostCache> cache_ = std::make_shared<ExactCostCache>(); // for library_
    LatestOnlyRunner<CostSweep> runner_;
};

} // namespace axbnn::gui
