// Scatter of (area, accuracy) sweep points and their Pareto front.
#include "plots/pareto_plot_panel.h"

#include "plots/design_marking.h"
#include "state/exploration_state.h"
#include "plots/lazy_replot.h"
#include "plots/plot_hover.h"

#include <QVBoxLayout>

#include "plots/customplot.h"

namespace axbnn::gui {

namespace {

QCPGraph* addScatter(QCustomPlot* plot, const QString& name, const QColor& color, QCPScatterStyle::ScatterShape shape)
{
    QCPGraph* graph = plot->addGraph();
    graph->setName(name);
    graph->setLineStyle(QCPGraph::lsNone);
    graph->setScatterStyle(QCPScatterStyle(shape, color, QColor(color.red(), color.green(), color.blue(), 90), 8));
    return graph;
}

QString configName(const LevelPoint& p)
{
    if (p.level == 0)
        return QStringLiteral("exact");
    return p.knob == Knob::LsbColumns ? QStringLiteral("LSB %1").arg(p.level)
                                      : QStringLiteral("levels %1").arg(p.level);
}

} // namespace

ParetoPlotPanel::ParetoPlotPanel(ExplorationState* state, QWidget* parent) : QWidget(parent), state_(state)
{
    auto* layout = new QVBoxLayout(this);
    plot_ = new QCustomPlot;
    plot_->setObjectName(QStringLiteral("paretoPlot"));
    plot_->plotLayout()->insertRow(0);
    title_ = new QCPTextElement(plot_, tr("Load a model to see area against accuracy"));
    plot_->plotLayout()->addElement(0, 0, title_);
    plot_->xAxis->setLabel(tr("popcount area (µm²)"));
    plot_->yAxis->setLabel(tr("test accuracy (%)"));
    plain_ = addScatter(plot_, tr("no mitigation"), QColor(31, 119, 180), QCPScatterStyle::ssCircle);
    mitigated_ = addScatter(plot_, tr("with mitigation"), QColor(44, 160, 44), QCPScatterStyle::ssSquare);
    front_ = plot_->addGraph();
    front_->setName(tr("Pareto front"));
    front_->setObjectName(QStringLiteral("paretoFront"));
    front_->setLineStyle(QCPGraph::lsStepLeft);
    front_->setPen(QPen(QColor(120, 120, 120), 1.5, Qt::DashLine));
    current_ = addScatter(plot_, tr("current configuration"), QColor(214, 39, 40), QCPScatterStyle::ssDisc);
    current_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(214, 39, 40), 11));
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    installHoverReadout(plot_, [this](const QCPAbstractPlottable* p, double key, double value) {
        QString config;
        if (const auto sweep = state_->accuracySweep())
            for (const LevelPoint& s : sweep->points)
                if (s.areaUm2 == key)
                    config = configName(s);
        return tr("%1 %2\narea %3 µm², accuracy %4 %").arg(p->name(), config).arg(key, 0, 'f', 0).arg(value, 0, 'f', 2);
    });
    layout->addWidget(plot_, 1);

    connect(state_, &ExplorationState::accuracySweepChanged, this, &ParetoPlotPanel::redraw);
    connect(state_, &ExplorationState::accuracyChanged, this, &ParetoPlotPanel::redraw);
    connect(state_, &ExplorationState::reportReady, this, &ParetoPlotPanel::redraw);
    connect(state_, &ExplorationState::modelChanged, this, &ParetoPlotPanel::redraw);
    connect(state_, &ExplorationState::changed, this, &ParetoPlotPanel::redraw); // mark stale at once
    connect(state_, &ExplorationState::netlistChanged, this, &ParetoPlotPanel::redraw);
    redraw();
}

void ParetoPlotPanel::redraw()
{
    const auto sweep = state_->accuracySweep();
    QVector<double> area, plain, mitigated, frontArea, frontAccuracy;
    if (sweep) {
        // The front over both variants: the best accuracy reachable for an area.
        std::vector<LevelPoint> all;
        for (const LevelPoint& p : sweep->points) {
            area << p.areaUm2;
            plain << 100.0 * p.accuracy;
            mitigated << 100.0 * p.mitigatedAccuracy;
            all.push_back(p);
            LevelPoint m = p;
            m.accuracy = p.mitigatedAccuracy;
            all.push_back(m);
        }
        for (const int i : levelParetoFront(all)) {
            frontArea << all[i].areaUm2;
            frontAccuracy << 100.0 * all[i].accuracy;
        }
    }
    plain_->setData(area, plain);
    mitigated_->setData(area, mitigated);
    front_->setData(frontArea, frontAccuracy, true);
    const auto report = state_->report();
    const auto accuracy = state_->accuracy();
    const bool stale = sweep && !state_->isCurrent(*sweep);
    if (report && state_->isCurrent(*report) && accuracy && state_->isCurrent(*accuracy) && sweep && !stale)
        current_->setData({report->cost.areaUm2}, {100.0 * accuracy->accuracy()}, true);
    else
        current_->data()->clear();

    QString title;
    if (!state_->model())
        title = tr("Load a model to see popcount area against accuracy");
    else if (!sweep)
        title = tr("Area against accuracy: computing…");
    else
        title = tr("Area of the N = %1 popcount against accuracy (%2 test images per point)")
                    .arg(sweep->inputs)
                    .arg(sweep->images);
    markDesign(plot_, title_, title, sweep ? sweep->hash : std::string(), stale);
    plot_->rescaleAxes();
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        const QCPRange r = axis->range();
        const double pad = std::max(r.size() * 0.08, axis == plot_->yAxis ? 1.0 : 10.0);
        axis->setRange(r.lower - pad, r.upper + pad);
    }
    replotWhenVisible(plot_);
}

} // namespace axbnn::gui
