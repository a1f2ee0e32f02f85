// Optional Yosys synthesis report (issue 7): runs circuit/yosys_report in
// the background for the explored circuit and shows Yosys's cell and
// transistor counts beside the built-in cost model. Disabled, with a
// tooltip saying why, when yosys is not on PATH.
#pragma once

#include "state/latest_only_runner.h"

#include "circuit/yosys_report.h"

#include <QWidget>

#include <memory>

class QAction;
class QLabel;
class QTableWidget;

namespace axbnn::gui {

class ExplorationState;

class YosysPanel : public QWidget {
    Q_OBJECT

public:
    explicit YosysPanel(ExplorationState* state, QWidget* parent = nullptr);

    // "Synthesize with Yosys": enabled when yosys is found and a circuit exists.
    QAction* synthesizeAction() const { return action_; }
    bool yosysFound() const { return !yosys_.empty(); }
    // Starts synthesis of the latest report's netlist; false if unavailable.
    bool synthesize();
    bool isRunning() const { return runner_.isBusy(); }
    std::shared_ptr<const YosysReport> report() const { return report_; }
    QString summaryText() const;

Q_SIGNALS:
    void reportReady();

private:
    void show(std::shared_ptr<const YosysReport> report);
    void updateEnabled();

    ExplorationState* state_;
    std::string yosys_;
    QAction* action_;
    QLabel* summary_;
    QTableWidget* cells_;
    std::shared_ptr<const YosysReport> report_;
    std::string reportHash_; // the circuit Yosys synthesized (explored circuit, p aside)
    int reportInputs_ = 0;
    std::string circuitHash() const;
    void markStale();
    long builtInTransistors_ = 0;
    int builtInCells_ = 0;
    LatestOnlyRunner<YosysReport> runner_;
};

} // namespace axbnn::gui
