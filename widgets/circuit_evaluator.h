// Evaluates circuit specifications (netlist, cost, error statistics) off the
// GUI thread and announces only the result for the newest specification.
#pragma once

#include "latest_only_runner.h"

#include "analysis/circuit_report.h"
#include "circuit/cell_library.h"

#include <QObject>

#include <memory>

namespace axbnn::gui {

class ExactNetlistCache;

class CircuitEvaluator : public QObject {
    Q_OBJECT

public:
    explicit CircuitEvaluator(std::shared_ptr<const CellLibrary> library, QObject* parent = nullptr);

    // Starts (or queues) evaluateCircuit(spec); supersedes earlier requests.
    void evaluate(const CircuitSpec& spec);
    bool isBusy() const { return runner_.isBusy(); }
    int droppedCount() const { return runner_.droppedCount(); }

signals:
    void reportReady(std::shared_ptr<const axbnn::CircuitReport> report);
    void failed(const QString& message);
    void busyChanged(bool busy);

private:
    std::shared_ptr<const CellLibrary> library_;
    // The exact netlists of the latest structures: a level change rebuilds nothing.
    std::shared_ptr<ExactNetlistCache> cache_;
    LatestOnlyRunner<CircuitReport> runner_;
};

} // namespace axbnn::gui
