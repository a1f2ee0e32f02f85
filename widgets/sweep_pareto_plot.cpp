// Pareto plot of sweep results.
#include "sweep_pareto_plot.h"

#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>

namespace axbnn::gui {
namespace {

int columnIndex(const std::string& name)
{
    const auto& columns = sweepColumns();
    for (size_t c = 0; c < columns.size(); ++c)
        if (name == columns[c].name)
            return static_cast<int>(c);
    return -1;
}

std::optional<double> number(const SweepValue& v)
{
    if (const auto* i = std::get_if<int64_t>(&v))
        return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&v))
        return *d;
    return std::nullopt;
}

} // namespace

SweepParetoPlot::SweepParetoPlot(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot)
{
    plot_->setObjectName(QStringLiteral("sweepParetoPlot"));
    plot_->setMinimumHeight(220);
    all_ = plot_->addGraph();
    all_->setName(tr("sweep points"));
    all_->setLineStyle(QCPGraph::lsNone);
    all_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(120, 120, 120), 6));
    front_ = plot_->addGraph();
    front_->setName(tr("Pareto front"));
    front_->setLineStyle(QCPGraph::lsNone); // one front per workload group
    front_->setPen(QPen(QColor(200, 40, 40), 1.5));
    front_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(200, 40, 40), 7));
    plot_->legend->setVisible(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
}

void SweepParetoPlot::setTable(const SweepTable& table, const ParetoChoice& choice)
{
    std::string quality = choice.quality;
    if (quality == "auto") {
        const bool anyAccuracy = std::any_of(table.rows.begin(), table.rows.end(), [](const SweepRow& r) {
            return number(r[ColAccuracy]).has_value();
        });
        quality = anyAccuracy ? "accuracy" : "mae";
    }
    const int x = columnIndex(choice.cost), y = columnIndex(quality);
    QVector<double> ax, ay;
    std::vector<std::pair<double, double>> front;
    for (const SweepRow& row : table.rows) {
        if (x < 0 || y < 0)
            break;
        const auto vx = number(row[static_cast<size_t>(x)]), vy = number(row[static_cast<size_t>(y)]);
        if (!vx || !vy)
            continue;
        ax.push_back(*vx);
        ay.push_back(*vy);
        if (number(row[ColPareto]).value_or(0) == 1)
            front.emplace_back(*vx, *vy);
    }
    std::sort(front.begin(), front.end());
    QVector<double> fx, fy;
    for (const auto& [a, b] : front) {
        fx.push_back(a);
        fy.push_back(b);
    }
    all_->setData(ax, ay);
    front_->setData(fx, fy, true);
    plot_->xAxis->setLabel(QString::fromStdString(choice.cost));
    plot_->yAxis->setLabel(QString::fromStdString(quality));
    plot_->rescaleAxes();
    plot_->xAxis->scaleRange(1.1); // a margin, so that no point sits on the frame
    plot_->yAxis->scaleRange(1.1);
    plot_->replot();
}

int SweepParetoPlot::pointCount() const { return all_->dataCount(); }
int SweepParetoPlot::frontCount() const { return front_->dataCount(); }

} // namespace axbnn::gui
