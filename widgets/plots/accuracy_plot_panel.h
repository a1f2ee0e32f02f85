// Accuracy of the loaded model against the approximation level (LSB columns
// or tree levels), without and with mitigation, and of the comparison model;
// the current configuration is marked.
#pragma once

#include "explore/accuracy.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QCPGraph;
class QCPTextElement;
class QCustomPlot;

namespace axbnn::gui {

class ExplorationState;

class AccuracyPlotPanel : public QWidget {
    Q_OBJECT

public:
    explicit AccuracyPlotPanel(ExplorationState* state, QWidget* parent = nullptr);

private:
    void redraw();

    ExplorationState* state_;
    QComboBox* knob_ = nullptr;
    QCustomPlot* plot_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPGraph* plain_ = nullptr;
    QCPGraph* mitigated_ = nullptr;
    QCPGraph* comparison_ = nullptr;
    QCPGraph* current_ = nullptr;
};

} // namespace axbnn::gui
