// Draws a CostSweep as area curves (left axis) and delay curves (right axis)
// on log-log axes, and the latest report as a point on each.
#include "plots/cost_plot_panel.h"

#include "plots/design_marking.h"
#include "state/exploration_state.h"
#include "plots/lazy_replot.h"
#include "plots/plot_hover.h"

#include <QVBoxLayout>

#include "plots/customplot.h"

namespace axbnn::gui {

namespace {

QCPGraph* addCurve(QCustomPlot* plot, const QString& objectName, const QString& name, const QColor& color,
                   Qt::PenStyle style, QCPAxis* valueAxis = nullptr)
{
    QCPGraph* graph = plot->addGraph(plot->xAxis, valueAxis ? valueAxis : plot->yAxis);
    graph->setObjectName(objectName);
    graph->setName(name);
    graph->setPen(QPen(color, 2, style));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, Qt::white, 6));
    return graph;
}

} // namespace

CostPlotPanel::CostPlotPanel(ExplorationState* state, QWidget* parent) : QWidget(parent), state_(state)
{
    auto* layout = new QVBoxLayout(this);
    plot_ = new QCustomPlot;
    plot_->setObjectName(QStringLiteral("costPlot"));
    plot_->setToolTip(tr("Area of the exact and the approximate popcount for typical input counts "
                         "(same topology and knobs); the red point is the current design"));
    plot_->plotLayout()->insertRow(0);
    title_ = new QCPTextElement(plot_, tr("Area and delay against N"));
    plot_->plotLayout()->addElement(0, 0, title_);

    plot_->yAxis2->setVisible(true);
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis, plot_->yAxis2}) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    }
    plot_->xAxis->setLabel(tr("inputs N (bits added by the popcount)"));
    plot_->yAxis->setLabel(tr("area (µm²), circles"));
    plot_->yAxis2->setLabel(tr("critical-path delay (ps), triangles"));

    exact_ = addCurve(plot_, QStringLiteral("exact"), tr("area, exact"), QColor(90, 90, 90), Qt::DashLine);
    approximate_ =
        addCurve(plot_, QStringLiteral("approximate"), tr("area, approximate"), QColor(31, 119, 180), Qt::SolidLine);
    exactDelay_ = addCurve(plot_, QStringLiteral("exactDelay"), tr("delay, exact"), QColor(150, 150, 150), Qt::DashLine,
                           plot_->yAxis2);
    approximateDelay_ = addCurve(plot_, QStringLiteral("approximateDelay"), tr("delay, approximate"),
                                 QColor(255, 127, 14), Qt::SolidLine, plot_->yAxis2);
    for (QCPGraph* delay : {exactDelay_, approximateDelay_})
        delay->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssTriangle, delay->pen().color(), Qt::white, 7));
    current_ =
        addCurve(plot_, QStringLiteral("current design"), tr("current design"), QColor(214, 39, 40), Qt::SolidLine);
    current_->setLineStyle(QCPGraph::lsNone);
    current_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(214, 39, 40), 10));
    currentDelay_ = addCurve(plot_, QStringLiteral("currentDelay"), tr("current design, delay"), QColor(214, 39, 40),
                             Qt::SolidLine, plot_->yAxis2);
    currentDelay_->setLineStyle(QCPGraph::lsNone);
    currentDelay_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssTriangle, QColor(214, 39, 40), QColor(214, 39, 40), 11));
    currentDelay_->removeFromLegend();
    installHoverReadout(plot_, [this](const QCPAbstractPlottable* p, double key, double value) {
        const bool delay = p->valueAxis() == plot_->yAxis2;
        return tr("%1\nN = %2: %3 %4").arg(p->name()).arg(key).arg(value, 0, 'f', 1).arg(delay ? tr("ps") : tr("µm²"));
    });
    currentLine_ = new QCPItemStraightLine(plot_);
    currentLine_->setPen(QPen(QColor(214, 39, 40, 120), 1, Qt::DotLine));
    currentLine_->setVisible(false);

    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    layout->addWidget(plot_);

    connect(state, &ExplorationState::costSweepReady, this,
            [this](const std::shared_ptr<const CostSweep>& sweep) { showSweep(*sweep); });
    connect(state, &ExplorationState::costSweepFailed, this, &CostPlotPanel::showMessage);
    connect(state, &ExplorationState::reportReady, this,
            [this](const std::shared_ptr<const CircuitReport>& report) { showCurrent(*report); });
    // A change greys the curves until the sweep of the new design arrives.
    connect(state, &ExplorationState::changed, this, [this] {
        if (const auto sweep = state_->costSweep())
            markDesign(plot_, title_, sweepText_, sweepHash_, !state_->isCurrent(*sweep));
        replotWhenVisible(plot_);
    });
    if (state->costSweep())
        showSweep(*state->costSweep());
    if (state->report())
        showCurrent(*state->report());
}

void CostPlotPanel::showSweep(const CostSweep& sweep)
{
    QVector<double> inputs, exact, approximate, exactDelay, approximateDelay;
    for (const CostSweepPoint& point : sweep.points) {
        inputs << point.inputs;
        exact << point.exact.areaUm2;
        approximate << point.approximate.areaUm2;
        exactDelay << point.exact.delayPs;
        approximateDelay << point.approximate.delayPs;
    }
    exact_->setData(inputs, exact, true);
    approximate_->setData(inputs, approximate, true);
    exactDelay_->setData(inputs, exactDelay, true);
    approximateDelay_->setData(inputs, approximateDelay, true);
    const QString approx = sweep.approx.isExact() ? tr("no approximation")
                                                  : tr("%1 on LSB %2 / levels %3")
                                                        .arg(QString::fromStdString(sweep.approx.faCell))
                                                        .arg(sweep.approx.lsbColumns)
                                                        .arg(sweep.approx.levels);
    sweepText_ =
        tr("Area and delay against N, %1, %2").arg(QString::fromStdString(topologyName(sweep.topology)), approx);
    sweepHash_ = ExplorationState::hashOf(sweep);
    markDesign(plot_, title_, sweepText_, sweepHash_, !state_->isCurrent(sweep));
    rescale();
}

void CostPlotPanel::showCurrent(const CircuitReport& report)
{
    const double n = report.spec.inputs;
    current_->setData({n}, {report.cost.areaUm2}, true);
    currentDelay_->setData({n}, {report.cost.delayPs}, true);
    currentLine_->point1->setCoords(n, 1.0);
    currentLine_->point2->setCoords(n, 2.0);
    currentLine_->setVisible(true);
    rescale();
}

void CostPlotPanel::showMessage(const QString& message)
{
    for (QCPGraph* graph : {exact_, approximate_, exactDelay_, approximateDelay_})
        graph->data()->clear();
    title_->setText(tr("no cost curve: %1").arg(message));
    replotWhenVisible(plot_);
}

void CostPlotPanel::rescale()
{
    plot_->rescaleAxes();
    // Some room around the points on the logarithmic axes.
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis, plot_->yAxis2}) {
        const QCPRange r = axis->range();
        if (r.lower > 0.0)
            axis->setRange(r.lower / 1.5, r.upper * 1.5);
    }
    replotWhenVisible(plot_);
}

} // namespace axbnn::gui
