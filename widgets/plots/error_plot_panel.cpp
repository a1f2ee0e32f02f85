// Draws ErrorStats::pmf as bars, one per integer error value.
#include "plots/error_plot_panel.h"

#include "state/exploration_state.h"
#include "state/latency_trace.h"
#include "plots/lazy_replot.h"
#include "plots/plot_hover.h"

#include <QCheckBox>
#include <QVBoxLayout>

#include <algorithm>

#include "plots/customplot.h"

namespace axbnn::gui {

void styleErrorBars(QCPBars* bars)
{
    // Opaque fill (the former translucent blue over the white background) and
    // no antialiasing: the bars are axis-aligned rectangles that look the same,
    // and the replot of a few hundred bars takes about a millisecond instead of
    // 15-30 ms (translucent antialiased fills are slow on the raster engine).
    bars->setPen(QPen(QColor(31, 119, 180)));
    bars->setBrush(QColor(114, 170, 208));
    bars->setAntialiased(false);
}

ErrorPlotPanel::ErrorPlotPanel(ExplorationState* state, QWidget* parent) : QWidget(parent), state_(state)
{
    auto* layout = new QVBoxLayout(this);
    plot_ = new QCustomPlot;
    plot_->setObjectName(QStringLiteral("errorPlot"));
    plot_->setToolTip(tr("Probability of each error value e under the stated inputs"));
    plot_->plotLayout()->insertRow(0);
    title_ = new QCPTextElement(plot_, tr("P(e)"));
    plot_->plotLayout()->addElement(0, 0, title_);
    plot_->xAxis->setLabel(tr("error e = approximate - exact"));
    plot_->yAxis->setLabel(tr("probability"));
    auto integers = QSharedPointer<QCPAxisTickerFixed>::create(); // errors are integers
    integers->setTickStep(1.0);
    integers->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot_->xAxis->setTicker(integers);
    bars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
    bars_->setObjectName(QStringLiteral("errorBars"));
    bars_->setName(tr("P(e)"));
    bars_->setWidth(0.8);
    styleErrorBars(bars_);
    normalPen_ = bars_->pen();
    normalBrush_ = bars_->brush();
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    installHoverReadout(plot_, [](const QCPAbstractPlottable*, double key, double value) {
        return QObject::tr("P(e = %1) = %2").arg(key).arg(value, 0, 'g', 4);
    });
    layout->addWidget(plot_, 1);

    logScale_ = new QCheckBox(tr("Logarithmic probability axis"));
    logScale_->setObjectName(QStringLiteral("errorLogScale"));
    logScale_->setToolTip(tr("Show rare large errors next to the common small ones"));
    layout->addWidget(logScale_);
    connect(logScale_, &QCheckBox::toggled, this, &ErrorPlotPanel::applyScale);

    connect(state, &ExplorationState::reportReady, this,
            [this](const std::shared_ptr<const CircuitReport>& report) { showReport(*report); });
    connect(state, &ExplorationState::failed, this, &ErrorPlotPanel::showFailure);
    // A change greys the distribution until the new report arrives.
    connect(state, &ExplorationState::changed, this, [this] {
        const auto report = state_->report();
        const bool stale = report && !state_->isCurrent(*report);
        bars_->setPen(stale ? QPen(QColor(190, 190, 190)) : normalPen_);
        bars_->setBrush(stale ? QColor(225, 225, 225) : normalBrush_);
        if (report)
            title_->setText(stale ? tr("%1 — updating…").arg(reportTitle_) : reportTitle_);
        plot_->setProperty("stale", stale);
        replotWhenVisible(plot_);
    });
    if (state->report())
        showReport(*state->report());
}

void ErrorPlotPanel::showReport(const CircuitReport& report)
{
    const ErrorStats& e = report.error;
    QVector<double> keys, values;
    keys.reserve(static_cast<qsizetype>(e.pmf.size()));
    values.reserve(static_cast<qsizetype>(e.pmf.size()));
    for (const auto& [error, probability] : e.pmf) {
        keys << error;
        values << probability;
    }
    bars_->setData(keys, values, true);
    hideHoverMarker(plot_); // it marked a bar of the previous distribution
    // The precision statement is too long for a title: the summary and the tooltip show it.
    reportTitle_ =
        tr("P(e) for N = %1 (%2)").arg(report.spec.inputs).arg(QString::fromStdString(errorMethodName(e.method)));
    title_->setText(reportTitle_);
    bars_->setPen(normalPen_);
    bars_->setBrush(normalBrush_);
    plot_->setProperty("stale", false);
    plot_->setToolTip(
        tr("Probability of each error value e = approximate - exact; %1").arg(QString::fromStdString(e.precision)));
    applyScale();
    trace::mark("error plot shown");
}

void ErrorPlotPanel::showFailure(const QString& message)
{
    bars_->data()->clear();
    title_->setText(tr("no distribution: %1").arg(message));
    replotWhenVisible(plot_);
}

void ErrorPlotPanel::applyScale()
{
    const bool log = logScale_->isChecked();
    plot_->yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (log)
        plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    else
        plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());

    bool found = false;
    const QCPRange keys = bars_->getKeyRange(found);
    plot_->xAxis->setRange(found ? QCPRange(keys.lower - 1.0, keys.upper + 1.0) : QCPRange(-1, 1));
    double smallest = 1.0, largest = 0.0; // over the positive probabilities
    for (const QCPBarsData& bar : *bars_->data()) {
        if (bar.value > 0.0) {
            smallest = std::min(smallest, bar.value);
            largest = std::max(largest, bar.value);
        }
    }
    if (log)
        plot_->yAxis->setRange(smallest / 2.0, 2.0);
    else
        plot_->yAxis->setRange(0.0, largest > 0.0 ? largest * 1.1 : 1.0);
    replotWhenVisible(plot_);
}

} // namespace axbnn::gui
