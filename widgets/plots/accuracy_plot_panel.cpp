// Draws an AccuracySweep's points of one knob as accuracy curves.
#include "plots/accuracy_plot_panel.h"

#include "plots/design_marking.h"
#include "state/exploration_state.h"
#include "plots/lazy_replot.h"
#include "plots/plot_hover.h"

#include <QComboBox>
#include <QFormLayout>
#include <QVBoxLayout>

#include <cmath>

#include "plots/customplot.h"

namespace axbnn::gui {

namespace {

QCPGraph* addCurve(QCustomPlot* plot, const QString& name, const QColor& color, Qt::PenStyle style,
                   QCPScatterStyle::ScatterShape shape)
{
    QCPGraph* graph = plot->addGraph();
    graph->setName(name);
    graph->setPen(QPen(color, 2, style));
    graph->setScatterStyle(QCPScatterStyle(shape, color, Qt::white, 7));
    return graph;
}

} // namespace

AccuracyPlotPanel::AccuracyPlotPanel(ExplorationState* state, QWidget* parent) : QWidget(parent), state_(state)
{
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    knob_ = new QComboBox;
    knob_->setObjectName(QStringLiteral("accuracyKnobCombo"));
    knob_->addItem(tr("LSB columns"), static_cast<int>(Knob::LsbColumns));
    knob_->addItem(tr("Tree levels"), static_cast<int>(Knob::Levels));
    knob_->setToolTip(tr("Which approximation knob the horizontal axis sweeps (the other is 0)"));
    form->addRow(tr("Level axis"), knob_);
    layout->addLayout(form);

    plot_ = new QCustomPlot;
    plot_->setObjectName(QStringLiteral("accuracyPlot"));
    plot_->plotLayout()->insertRow(0);
    title_ = new QCPTextElement(plot_, tr("Load a model to see its accuracy"));
    plot_->plotLayout()->addElement(0, 0, title_);
    plot_->yAxis->setLabel(tr("test accuracy (%)"));
    auto integers = QSharedPointer<QCPAxisTickerFixed>::create();
    integers->setTickStep(1.0);
    plot_->xAxis->setTicker(integers);
    plain_ = addCurve(plot_, tr("model"), QColor(31, 119, 180), Qt::SolidLine, QCPScatterStyle::ssCircle);
    mitigated_ =
        addCurve(plot_, tr("model + mitigation"), QColor(44, 160, 44), Qt::DashLine, QCPScatterStyle::ssSquare);
    comparison_ =
        addCurve(plot_, tr("comparison model"), QColor(255, 127, 14), Qt::DotLine, QCPScatterStyle::ssDiamond);
    current_ = plot_->addGraph();
    current_->setName(tr("current configuration"));
    current_->setLineStyle(QCPGraph::lsNone);
    current_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(214, 39, 40), 11));
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    installHoverReadout(plot_, [this](const QCPAbstractPlottable* p, double key, double value) {
        return tr("%1\n%2 = %3: %4 %").arg(p->name(), knob_->currentText()).arg(key).arg(value, 0, 'f', 2);
    });
    layout->addWidget(plot_, 1);

    connect(knob_, &QComboBox::currentIndexChanged, this, &AccuracyPlotPanel::redraw);
    connect(state_, &ExplorationState::accuracySweepChanged, this, &AccuracyPlotPanel::redraw);
    connect(state_, &ExplorationState::accuracyChanged, this, &AccuracyPlotPanel::redraw);
    connect(state_, &ExplorationState::modelChanged, this, &AccuracyPlotPanel::redraw);
    connect(state_, &ExplorationState::changed, this, &AccuracyPlotPanel::redraw); // mark stale at once
    redraw();
}

void AccuracyPlotPanel::redraw()
{
    const auto sweep = state_->accuracySweep();
    const auto knob = static_cast<Knob>(knob_->currentData().toInt());
    plot_->xAxis->setLabel(knob == Knob::LsbColumns ? tr("approximate LSB columns per adder (level)")
                                                    : tr("approximate tree levels from the inputs (level)"));
    QVector<double> x, plain, mitigated, comparison;
    if (sweep) {
        for (const LevelPoint& p : sweep->points) {
            // Level 0 of either knob is the exact circuit: share it.
            if (p.knob != knob && p.level != 0)
                continue;
            x << p.level;
            plain << 100.0 * p.accuracy;
            mitigated << 100.0 * p.mitigatedAccuracy;
            if (!std::isnan(p.comparisonAccuracy))
                comparison << 100.0 * p.comparisonAccuracy;
        }
    }
    plain_->setData(x, plain, true);
    mitigated_->setData(x, mitigated, true);
    mitigated_->setName(sweep ? tr("model + %1 mitigation").arg(QString::fromStdString(sweep->mitigation))
                              : tr("model + mitigation"));
    comparison_->setData(comparison.size() == x.size() ? x : QVector<double>{}, comparison, true);
    comparison_->setVisible(sweep && sweep->hasComparison);
    comparison_->removeFromLegend();
    if (comparison_->visible())
        comparison_->addToLegend();

    // The current point, when the current knobs lie on this axis.
    const CircuitSpec& spec = state_->spec();
    const int level = knobValue(spec.approx, knob);
    const int other = knobValue(spec.approx, knob == Knob::LsbColumns ? Knob::Levels : Knob::LsbColumns);
    const auto accuracy = state_->accuracy();
    const bool stale = sweep && !state_->isCurrent(*sweep);
    if (accuracy && state_->isCurrent(*accuracy) && !stale && other == 0 && spec.approx.extraCells.empty()
        && spec.approx.exactCells.empty())
        current_->setData({double(level)}, {100.0 * accuracy->accuracy()}, true);
    else
        current_->data()->clear();

    QString title;
    if (!state_->model())
        title = tr("Load a model to see its accuracy against the approximation level");
    else if (!sweep)
        title = tr("Accuracy against level: computing…");
    else
        title = tr("Accuracy against level, %1, N = %2 (first %3 test images each)")
                    .arg(QString::fromStdString(topologyName(state_->spec().topology)))
                    .arg(sweep->inputs)
                    .arg(sweep->images);
    markDesign(plot_, title_, title, sweep ? sweep->hash : std::string(), stale);
    plot_->rescaleAxes();
    const QCPRange y = plot_->yAxis->range();
    plot_->yAxis->setRange(std::max(0.0, y.lower - 2.0), std::min(100.0, y.upper + 2.0));
    const QCPRange xr = plot_->xAxis->range();
    plot_->xAxis->setRange(xr.lower - 0.5, xr.upper + 0.5);
    replotWhenVisible(plot_);
}

} // namespace axbnn::gui
