// Scatter of a sweep's points on a chosen cost axis against a chosen quality
// axis, with the Pareto-optimal rows (the table's pareto column) as a front:
// one colour and legend entry per Pareto group (workload and p).
#pragma once

#include "sweep/sweep_table.h"

#include <QWidget>

#include <vector>

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
    int groupCount() const { return static_cast<int>(groups_.size()); }
    // Legend text of group i (its paretoGroupLabel), in plotting order.
    QString groupLabel(int i) const;

private:
    struct Group {
        QString label;
        QCPGraph* points = nullptr;
        QCPGraph* front = nullptr;
    };
    QCustomPlot* plot_;
    std::vector<Group> groups_;
};

} // namespace axbnn::gui
