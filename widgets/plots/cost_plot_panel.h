// Area and delay against the number of inputs N for the exact and the
// approximate popcount of the current topology and knobs, with the current
// design marked.
#pragma once

#include "analysis/circuit_report.h"
#include "explore/cost_sweep.h"

#include <QWidget>

#include <memory>
#include <string>

class QCPGraph;
class QCPItemStraightLine;
class QCPTextElement;
class QCustomPlot;

namespace axbnn::gui {

class ExplorationState;

class CostPlotPanel : public QWidget {
    Q_OBJECT

public:
    explicit CostPlotPanel(ExplorationState* state, QWidget* parent = nullptr);

private:
    void showSweep(const CostSweep& sweep);
    void showCurrent(const CircuitReport& report);
    void showMessage(const QString& message);
    void rescale();

    QCustomPlot* plot_ = nullptr;
    QCPTextElement* title_ = nullptr;
    ExplorationState* state_ = nullptr;
    QString sweepText_; // the title of the sweep shown
    std::string sweepHash_; // its design hash
    QCPGraph* exact_ = nullptr;
    QCPGraph* approximate_ = nullptr;
    QCPGraph* current_ = nullptr;
    QCPGraph* exactDelay_ = nullptr;
    QCPGraph* approximateDelay_ = nullptr;
    QCPGraph* currentDelay_ = nullptr;
    QCPItemStraightLine* currentLine_ = nullptr;
};

} // namespace axbnn::gui
