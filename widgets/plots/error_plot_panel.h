// Bar chart of the error distribution P(e) of the latest circuit report.
#pragma once

#include "analysis/circuit_report.h"

#include <QBrush>
#include <QPen>
#include <QString>
#include <QWidget>

class QCheckBox;
class QCPBars;
class QCPTextElement;
class QCustomPlot;

namespace axbnn::gui {

class ExplorationState;

// The error histogram's look, shared by the panel and the report's figure.
void styleErrorBars(QCPBars* bars);

class ErrorPlotPanel : public QWidget {
    Q_OBJECT

public:
    explicit ErrorPlotPanel(ExplorationState* state, QWidget* parent = nullptr);

private:
    void showReport(const CircuitReport& report);
    void showFailure(const QString& message);
    void applyScale();

    QCustomPlot* plot_ = nullptr;
    QCPBars* bars_ = nullptr;
    ExplorationState* state_ = nullptr;
    QPen normalPen_;
    QBrush normalBrush_;
    QString reportTitle_;
    QCPTextElement* title_ = nullptr;
    QCheckBox* logScale_ = nullptr;
};

} // namespace axbnn::gui
