// Popcount area against model accuracy for every configuration of the level
// sweep, with and without mitigation, and the Pareto front (smaller area,
// higher accuracy).
#pragma once

#include <QWidget>

class QCPGraph;
class QCPTextElement;
class QCustomPlot;

namespace axbnn::gui {

class ExplorationState;

class ParetoPlotPanel : public QWidget {
    Q_OBJECT

public:
    explicit ParetoPlotPanel(ExplorationState* state, QWidget* parent = nullptr);

private:
    void redraw();

    ExplorationState* state_;
    QCustomPlot* plot_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPGraph* plain_ = nullptr;
    QCPGraph* mitigated_ = nullptr;
    QCPGraph* front_ = nullptr;
    QCPGraph* current_ = nullptr;
};

} // namespace axbnn::gui
