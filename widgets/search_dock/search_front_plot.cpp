// Front plot of a search.
#include "search_dock/search_front_plot.h"

#include "plots/plot_hover.h"

#include <QVBoxLayout>

#include "plots/customplot.h"

namespace axbnn::gui {
namespace {

QCPGraph* scatter(QCustomPlot* plot, const QString& name, const QColor& colour, QCPScatterStyle::ScatterShape shape,
                  double size)
{
    QCPGraph* g = plot->addGraph();
    g->setName(name);
    g->setLineStyle(QCPGraph::lsNone);
    g->setScatterStyle(QCPScatterStyle(shape, colour, size));
    return g;
}

} // namespace

SearchFrontPlot::SearchFrontPlot(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot)
{
    plot_->setObjectName(QStringLiteral("searchFrontPlot"));
    plot_->setMinimumHeight(220);
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    front_ = plot_->addGraph();
    front_->setName(tr("front (proxy accuracy)"));
    front_->setLineStyle(QCPGraph::lsStepLeft);
    front_->setPen(QPen(QColor(30, 100, 200), 1.5));
    front_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(30, 100, 200), 7));
    exact_ = scatter(plot_, tr("exact design"), Qt::black, QCPScatterStyle::ssSquare, 8);
    chosen_ = scatter(plot_, tr("chosen (verified)"), QColor(40, 150, 60), QCPScatterStyle::ssStar, 14);
    loaded_ = scatter(plot_, tr("in the workbench"), QColor(214, 39, 40), QCPScatterStyle::ssCircle, 13);
    budget_ = new QCPItemStraightLine(plot_);
    budget_->setPen(QPen(QColor(200, 120, 20), 1, Qt::DashLine));
    budget_->setVisible(false);
    budget_->setLayer(QStringLiteral("grid")); // below the points: a click near both picks the point
    plot_->yAxis->setLabel(tr("proxy accuracy (%)"));
    installHoverReadout(plot_, [](const QCPAbstractPlottable* p, double key, double value) {
        return QStringLiteral("%1\ncost %2, accuracy %3 %").arg(p->name()).arg(key, 0, 'g', 6).arg(value, 0, 'f', 2);
    });
    // A click on a front point, or on the chosen / loaded marker drawn over one.
    connect(plot_, &QCustomPlot::plottableClick, this, [this](QCPAbstractPlottable* p, int index, QMouseEvent*) {
        auto* graph = qobject_cast<QCPGraph*>(p);
        if (!graph || graph == exact_ || index < 0 || index >= graph->dataCount())
            return;
        const auto at = graph->data()->at(index);
        for (size_t i = 0; i < points_.size(); ++i)
            if (points_[i] == std::pair{at->key, at->value}) {
                Q_EMIT pointClicked(static_cast<int>(i));
                return;
            }
    });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
}

void SearchFrontPlot::setSnapshot(const SearchSnapshot& s, Objective objective, double budget)
{
    points_.clear();
    QVector<double> x, y;
    for (const SearchFrontPoint& p : s.front) {
        points_.emplace_back(p.cost.of(objective), 100.0 * p.proxy.accuracy());
        x.push_back(points_.back().first);
        y.push_back(points_.back().second);
    }
    // Index i of the graph is front point i: the front is cheapest first, so sorted.
    front_->setData(x, y, true);
    exact_->data()->clear();
    chosen_->data()->clear();
    if (s.final)
        exact_->addData(s.exactCost.of(objective), 100.0 * s.exactProxy);
    if (s.chosen >= 0)
        chosen_->addData(x[s.chosen], y[s.chosen]);
    const double line = 100.0 * s.exactProxy - budget;
    budget_->point1->setCoords(0, line);
    budget_->point2->setCoords(1, line);
    budget_->setVisible(!s.front.empty());
    const ObjectiveInfo& info = objectiveInfo(objective);
    plot_->xAxis->setLabel(
        tr("network popcount %1 (%2)").arg(QString::fromUtf8(info.name), QString::fromUtf8(info.column)));
    plot_->rescaleAxes();
    plot_->xAxis->scaleRange(1.1);
    plot_->yAxis->setRange(std::min(plot_->yAxis->range().lower, line), std::max(plot_->yAxis->range().upper, line));
    // Margins, so that no point sits on an axis (whose ticks would take its clicks).
    plot_->yAxis->scaleRange(1.15);
    hideHoverMarker(plot_);
    plot_->replot();
}

void SearchFrontPlot::setLoaded(int index)
{
    loaded_->data()->clear();
    if (index >= 0 && index < static_cast<int>(points_.size()))
        loaded_->addData(points_[static_cast<size_t>(index)].first, points_[static_cast<size_t>(index)].second);
    plot_->replot();
}

int SearchFrontPlot::pointCount() const
{
    return front_->dataCount();
}

QPointF SearchFrontPlot::pointPosition(int index) const
{
    const auto& [x, y] = points_.at(static_cast<size_t>(index));
    return plot_->mapTo(this, QPoint(0, 0)) + QPointF(plot_->xAxis->coordToPixel(x), plot_->yAxis->coordToPixel(y));
}

} // namespace axbnn::gui
