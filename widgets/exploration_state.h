// The one exploration state of the workbench: the circuit being explored and
// the latest results computed for it. Panels read and change only this.
#pragma once

#include "cost_sweep.h"

#include "analysis/circuit_report.h"
#include "circuit/cell_library.h"

#include <QObject>
#include <QString>

#include <memory>

namespace axbnn::gui {

class CircuitEvaluator;
class CostSweepEvaluator;

// Every setter emits changed() only when the value really changes, then asks
// for fresh results: the circuit report always, the cost sweep only when the
// topology or approximation changed (the sweep ignores N and p). Results
// arrive later through reportReady() and costSweepReady(); engine errors
// arrive as failed() / costSweepFailed() with the engine's message.
class ExplorationState : public QObject {
    Q_OBJECT

public:
    // Starts from the default spec and the SKY130 default cells. Nothing is
    // computed before the first refresh().
    explicit ExplorationState(QObject* parent = nullptr);
    ExplorationState(CircuitSpec initial, CellLibrary library, QObject* parent = nullptr);
    ~ExplorationState() override;

    const CircuitSpec& spec() const { return spec_; }
    const CellLibrary& library() const { return *library_; }
    // Latest delivered results, null before the first one or after a failure.
    std::shared_ptr<const CircuitReport> report() const { return report_; }
    std::shared_ptr<const CostSweep> costSweep() const { return costSweep_; }
    bool isBusy() const; // a circuit report is being computed
    bool isCostSweepBusy() const;

    void setInputs(int inputs);
    void setTopology(Topology topology);
    void setFaCell(const QString& cell);
    void setLsbColumns(int columns);
    void setLevels(int levels);
    void setP(double p);
    // Flips one cell of the current circuit between exact and approximate
    // (ApproxConfig extraCells / exactCells); ignored for ids out of range.
    void toggleCell(int cellId);
    // Recomputes everything for the current spec (also the first computation).
    void refresh();

signals:
    void changed();
    void busyChanged(bool busy);
    void reportReady(std::shared_ptr<const axbnn::CircuitReport> report);
    void failed(const QString& message);
    void costSweepBusyChanged(bool busy);
    void costSweepReady(std::shared_ptr<const axbnn::gui::CostSweep> sweep);
    void costSweepFailed(const QString& message);

private:
    enum class Affects { Report, ReportAndSweep };
    void commit(Affects affects);

    std::shared_ptr<const CellLibrary> library_;
    CircuitSpec spec_;
    std::shared_ptr<const CircuitReport> report_;
    std::shared_ptr<const CostSweep> costSweep_;
    CircuitEvaluator* evaluator_;
    CostSweepEvaluator* sweepEvaluator_;
};

} // namespace axbnn::gui
