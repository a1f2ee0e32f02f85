// Draws a CostSweep as two area curves on log-log axes and the latest report as a point.
#include "cost_plot_panel.h"

#include "exploration_state.h"

#include <QVBoxLayout>

#include <qcustomplot.h>

namespace axbnn::gui {

namespace {

QCPGraph* addCurve(QCustomPlot* plot, const QString& name, const QColor& color, Qt::PenStyle style)
{
    QCPGraph* graph = plot->addGraph();
    graph->setObjectName(name);
    graph->setName(name);
    graph->setPen(QPen(color, 2, style));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, Qt::white, 6));
    return graph;
}

} // namespace

CostPlotPanel::CostPlotPanel(ExplorationState* state, QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    plot_ = new QCustomPlot;
    plot_->setObjectName(QStringLiteral("costPlot"));
    plot_->setToolTip(tr("Area of the exact and the approximate popcount for typical input counts "
                         "(same topology and knobs); the red point is the current design"));
    plot_->plotLayout()->insertRow(0);
    title_ = new QCPTextElement(plot_, tr("Area against N"));
    plot_->plotLayout()->addElement(0, 0, title_);

    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    }
    plot_->xAxis->setLabel(tr("inputs N (bits added by the popcount)"));
    plot_->yAxis->setLabel(tr("area (µm²)"));

    exact_ = addCurve(plot_, tr("exact"), QColor(90, 90, 90), Qt::DashLine);
    approximate_ = addCurve(plot_, tr("approximate"), QColor(31, 119, 180), Qt::SolidLine);
    current_ = addCurve(plot_, tr("current design"), QColor(214, 39, 40), Qt::SolidLine);
    current_->setLineStyle(QCPGraph::lsNone);
    current_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(214, 39, 40), 10));
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
    if (state->costSweep())
        showSweep(*state->costSweep());
    if (state->report())
        showCurrent(*state->report());
}

void CostPlotPanel::showSweep(const CostSweep& sweep)
{
    QVector<double> inputs, exact, approximate;
    for (const CostSweepPoint& point : sweep.points) {
        inputs << point.inputs;
        exact << point.exact.areaUm2;
        approximate << point.approximate.areaUm2;
    }
    exact_->setData(inputs, exact, true);
    approximate_->setData(inputs, approximate, true);
    const QString approx =
        sweep.approx.isExact()
            ? tr("no approximation")
            : tr("%1 on LSB %2 / levels %3")
                  .arg(QString::fromStdString(sweep.approx.faCell))
                  .arg(sweep.approx.lsbColumns)
                  .arg(sweep.approx.levels);
    title_->setText(
        tr("Area against N, %1, %2").arg(QString::fromStdString(topologyName(sweep.topology)), approx));
    rescale();
}

void CostPlotPanel::showCurrent(const CircuitReport& report)
{
    const double n = report.spec.inputs;
    current_->setData({n}, {report.cost.areaUm2}, true);
    currentLine_->point1->setCoords(n, 1.0);
    currentLine_->point2->setCoords(n, 2.0);
    currentLine_->setVisible(true);
    rescale();
}

void CostPlotPanel::showMessage(const QString& message)
{
    exact_->data()->clear();
    approximate_->data()->clear();
    title_->setText(tr("no cost curve: %1").arg(message));
    plot_->replot();
}

void CostPlotPanel::rescale()
{
    plot_->rescaleAxes();
    // Some room around the points on the logarithmic axes.
    for (QCPAxis* axis : {plot_->xAxis, plot_->yAxis}) {
        const QCPRange r = axis->range();
        if (r.lower > 0.0)
            axis->setRange(r.lower / 1.5, r.upper * 1.5);
    }
    plot_->replot();
}

} // namespace axbnn::gui
