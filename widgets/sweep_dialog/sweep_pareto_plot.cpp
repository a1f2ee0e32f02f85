// Pareto plot of sweep results.
#include "sweep_dialog/sweep_pareto_plot.h"

#include <QVBoxLayout>

#include "plots/customplot.h"

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
    plot_->legend->setVisible(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
}

void SweepParetoPlot::setTable(const SweepTable& table, const ParetoChoice& choice)
{
    std::string quality = choice.quality;
    if (quality == "auto") {
        const bool anyAccuracy = std::any_of(table.rows.begin(), table.rows.end(),
                                             [](const SweepRow& r) { return number(r[ColAccuracy]).has_value(); });
        quality = anyAccuracy ? "accuracy" : "mae";
    }
    const int x = columnIndex(choice.cost), y = columnIndex(quality);
    // Points and front per group, groups in order of first appearance.
    struct Data {
        std::string label;
        QVector<double> ax, ay;
        std::vector<std::pair<double, double>> front;
    };
    std::vector<Data> data;
    for (const SweepRow& row : table.rows) {
        if (x < 0 || y < 0)
            break;
        const auto vx = number(row[static_cast<size_t>(x)]), vy = number(row[static_cast<size_t>(y)]);
        if (!vx || !vy)
            continue;
        const std::string label = paretoGroupLabel(row);
        auto it = std::find_if(data.begin(), data.end(), [&](const Data& d) { return d.label == label; });
        if (it == data.end())
            it = data.insert(data.end(), Data{label, {}, {}, {}});
        it->ax.push_back(*vx);
        it->ay.push_back(*vy);
        if (number(row[ColPareto]).value_or(0) == 1)
            it->front.emplace_back(*vx, *vy);
    }

    for (const Group& g : groups_) {
        plot_->removeGraph(g.points);
        plot_->removeGraph(g.front);
    }
    groups_.clear();
    static const QColor palette[] = {QColor(200, 40, 40),   QColor(30, 100, 200), QColor(40, 150, 60),
                                     QColor(200, 120, 20),  QColor(130, 60, 170), QColor(20, 150, 150),
                                     QColor(120, 120, 120), QColor(170, 60, 110)};
    const bool one = data.size() == 1;
    for (size_t i = 0; i < data.size(); ++i) {
        Data& d = data[i];
        const QColor colour = palette[i % std::size(palette)];
        QColor faint = colour;
        faint.setAlpha(110);
        Group g;
        g.label = QString::fromStdString(d.label);
        g.points = plot_->addGraph();
        g.points->setName(one ? tr("sweep points") : g.label);
        g.points->setLineStyle(QCPGraph::lsNone);
        g.points->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, faint, 6));
        g.points->setData(d.ax, d.ay);
        std::sort(d.front.begin(), d.front.end());
        QVector<double> fx, fy;
        for (const auto& [a, b] : d.front) {
            fx.push_back(a);
            fy.push_back(b);
        }
        g.front = plot_->addGraph();
        g.front->setName(tr("Pareto front"));
        g.front->setLineStyle(QCPGraph::lsLine);
        g.front->setPen(QPen(colour, 1.5));
        g.front->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, 7));
        g.front->setData(fx, fy, true);
        if (!one) // one legend entry per group: its points' colour names it
            g.front->removeFromLegend();
        groups_.push_back(g);
    }
    plot_->xAxis->setLabel(QString::fromStdString(choice.cost));
    plot_->yAxis->setLabel(QString::fromStdString(quality));
    plot_->rescaleAxes();
    plot_->xAxis->scaleRange(1.1); // a margin, so that no point sits on the frame
    plot_->yAxis->scaleRange(1.1);
    plot_->replot();
}

int SweepParetoPlot::pointCount() const
{
    int n = 0;
    for (const Group& g : groups_)
        n += g.points->dataCount();
    return n;
}

int SweepParetoPlot::frontCount() const
{
    int n = 0;
    for (const Group& g : groups_)
        n += g.front->dataCount();
    return n;
}

QString SweepParetoPlot::groupLabel(int i) const
{
    return groups_.at(static_cast<size_t>(i)).label;
}

} // namespace axbnn::gui
