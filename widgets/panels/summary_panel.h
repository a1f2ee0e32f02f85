// Numbers of the latest circuit report: cost, error statistics with the
// method and precision they were computed with, and cell counts.
#pragma once

#include "analysis/circuit_report.h"

#include <QWidget>

#include <memory>

class QFormLayout;
class QLabel;

namespace axbnn::gui {

class ExplorationState;

class SummaryPanel : public QWidget {
    Q_OBJECT

public:
    explicit SummaryPanel(ExplorationState* state, QWidget* parent = nullptr);

private:
    QLabel* addValue(QFormLayout* form, const QString& label, const QString& objectName, const QString& tip);
    void showReport(const CircuitReport& report);
    void showBusy(bool busy);
    void showFailure(const QString& message);
    void showAccuracy();

    QLabel* status_ = nullptr;
    QLabel* design_ = nullptr;
    QLabel* imported_ = nullptr;
    QLabel* area_ = nullptr;
    QLabel* transistors_ = nullptr;
    QLabel* delay_ = nullptr;
    QLabel* energy_ = nullptr;
    QLabel* cells_ = nullptr;
    QLabel* cellCounts_ = nullptr;
    QLabel* errorRate_ = nullptr;
    QLabel* meanError_ = nullptr;
    QLabel* mae_ = nullptr;
    QLabel* mse_ = nullptr;
    QLabel* wce_ = nullptr;
    QLabel* method_ = nullptr;
    QLabel* precision_ = nullptr;
    QWidget* values_ = nullptr;
    ExplorationState* state_ = nullptr;
    QLabel* accuracy_ = nullptr;
    QLabel* accuracyDelta_ = nullptr;
};

} // namespace axbnn::gui
