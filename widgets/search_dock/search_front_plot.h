// The growing front of a search: every front network's objective cost
// against its proxy accuracy (line and discs), the exact design, the
// budget line, the chosen design (after verification) and the design
// loaded into the workbench. A click on a front point emits pointClicked.
#pragma once

#include "search_dock/search_job.h"

#include <QWidget>

#include <memory>

class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;

namespace axbnn::gui {

class SearchFrontPlot : public QWidget {
    Q_OBJECT

public:
    explicit SearchFrontPlot(QWidget* parent = nullptr);

    // Redraws the front; `objective` picks the cost axis, `budget` (points)
    // the budget line below the exact design's proxy accuracy.
    void setSnapshot(const SearchSnapshot& snapshot, Objective objective, double budget);
    // Marks front point `index` as the loaded design (-1: none).
    void setLoaded(int index);
    QCustomPlot* plot() const { return plot_; }
    int pointCount() const; // front points drawn
    // The widget position of front point `index` (for tests and tooltips).
    QPointF pointPosition(int index) const;

Q_SIGNALS:
    void pointClicked(int index);

private:
    QCustomPlot* plot_;
    QCPGraph* front_;
    QCPGraph* exact_;
    QCPGraph* chosen_;
    QCPGraph* loaded_;
    QCPItemStraightLine* budget_;
    std::vector<std::pair<double, double>> points_; // (cost, accuracy %), front order
};

} // namespace axbnn::gui
