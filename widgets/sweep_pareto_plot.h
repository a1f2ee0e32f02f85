// Scatter of a sweep's points on a chosen cost axis against a chosen quality
// axis, with the Pareto-optimal rows (the table's pareto column) as a front.
#pragma once

#include "sweep/sweep_table.h"

#include <QWidget>

class QCustomPlot;
class QCPGraph;

namespace axbnn::gui {

class SweepParetoPlot : public QWidget {
    Q_OBJECT

public:
    explicit SweepParetoPlot(QWidget* parent = nullptr);

    // `table` must be marked (markPareto) with `choice`; "auto" quality
    // shows accuracy when any row has one, else mae.
    void setTable(const SweepTable& table, const ParetoChoice& choice);
    QCustomPlot* plot() const { return plot_; }
    int pointCount() const;
    int frontCount() const;

private:
    QCustomPlot* plot_;
    QCPGraph* all_;
    QCPGraph* front_;
};

} // namespace axbnn::gui
