// Plots of a report, styled like the workbench panels (tab10 colours).
#include "report/report_figures.h"

#include "plots/error_plot_panel.h"

#include <stdexcept>

#include "plots/customplot.h"

namespace axbnn::gui {

namespace {

const QColor kBlue(31, 119, 180), kOrange(255, 127, 14), kGreen(44, 160, 44), kGrey(90, 90, 90);

QCPGraph* addGraph(QCustomPlot* plot, const QString& name, const QColor& color, QCPScatterStyle::ScatterShape shape,
                   bool line, QCPAxis* valueAxis = nullptr)
{
    QCPGraph* graph = plot->addGraph(plot->xAxis, valueAxis ? valueAxis : plot->yAxis);
    graph->setName(name);
    graph->setPen(QPen(color, 2));
    graph->setLineStyle(line ? QCPGraph::lsLine : QCPGraph::lsNone);
    graph->setScatterStyle(QCPScatterStyle(shape, color, color, 7));
    return graph;
}

void setTitle(QCustomPlot* plot, const QString& title)
{
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, QFont("sans", 11, QFont::Bold)));
}

void drawError(QCustomPlot* plot, const ReportData& d)
{
    const ErrorStats& e = d.circuit->error;
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(QStringLiteral("P(e)"));
    bars->setWidth(0.8);
    styleErrorBars(bars); // as in the workbench's error panel
    QVector<double> keys, values;
    double largest = 0.0;
    for (const auto& [error, probability] : e.pmf) {
        keys << error;
        values << probability;
        largest = std::max(largest, probability);
    }
    bars->setData(keys, values, true);
    plot->xAxis->setLabel(QStringLiteral("error e = approximate - exact"));
    plot->yAxis->setLabel(QStringLiteral("probability"));
    plot->xAxis->setRange(e.minError - 1.0, e.maxError + 1.0);
    plot->yAxis->setRange(0.0, largest > 0.0 ? largest * 1.1 : 1.0);
    setTitle(plot,
             QStringLiteral("P(e) for N = %1 (%2)")
                 .arg(d.circuit->spec.inputs)
                 .arg(QString::fromStdString(errorMethodName(e.method))));
}

void drawCost(QCustomPlot* plot, const ReportData& d)
{
    QVector<double> n, exact, approx, exactDelay, approxDelay;
    for (const CostSweepPoint& p : d.cost.points) {
        n << p.inputs;
        exact << p.exact.areaUm2;
        approx << p.approximate.areaUm2;
        exactDelay << p.exact.delayPs;
        approxDelay << p.approximate.delayPs;
    }
    plot->yAxis2->setVisible(true);
    addGraph(plot, QStringLiteral("exact area"), kBlue, QCPScatterStyle::ssCircle, true)->setData(n, exact);
    addGraph(plot, QStringLiteral("approximate area"), kOrange, QCPScatterStyle::ssCircle, true)->setData(n, approx);
    addGraph(plot, QStringLiteral("exact delay"), kBlue, QCPScatterStyle::ssTriangle, true, plot->yAxis2)
        ->setData(n, exactDelay);
    addGraph(plot, QStringLiteral("approximate delay"), kOrange, QCPScatterStyle::ssTriangle, true, plot->yAxis2)
        ->setData(n, approxDelay);
    plot->xAxis->setScaleType(QCPAxis::stLogarithmic);
    plot->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    plot->xAxis->setLabel(QStringLiteral("inputs N (bits added by the popcount)"));
    plot->yAxis->setLabel(QStringLiteral("area (µm²), circles"));
    plot->yAxis2->setLabel(QStringLiteral("critical-path delay (ps), triangles"));
    plot->rescaleAxes();
    setTitle(plot, QStringLiteral("Cost against N (%1)").arg(QString::fromStdString(topologyName(d.cost.topology))));
}

void requireSweep(const ReportData& d)
{
    if (!d.hasModel || d.sweep.points.empty())
        throw std::invalid_argument("the accuracy and pareto plots need a model in the session");
}

void drawAccuracy(QCustomPlot* plot, const ReportData& d)
{
    requireSweep(d);
    QVector<double> lsbX, lsbPlain, lsbMitigated, levelX, levelPlain;
    for (const LevelPoint& p : d.sweep.points) {
        if (p.knob == Knob::LsbColumns || p.level == 0) {
            lsbX << p.level;
            lsbPlain << 100.0 * p.accuracy;
            lsbMitigated << 100.0 * p.mitigatedAccuracy;
        }
        if (p.knob == Knob::Levels || p.level == 0) {
            levelX << p.level;
            levelPlain << 100.0 * p.accuracy;
        }
    }
    addGraph(plot, QStringLiteral("LSB columns"), kBlue, QCPScatterStyle::ssCircle, true)->setData(lsbX, lsbPlain);
    addGraph(plot, QStringLiteral("LSB columns + %1").arg(QString::fromStdString(d.sweep.mitigation)), kGreen,
             QCPScatterStyle::ssDiamond, true)
        ->setData(lsbX, lsbMitigated);
    addGraph(plot, QStringLiteral("tree levels"), kOrange, QCPScatterStyle::ssSquare, true)
        ->setData(levelX, levelPlain);
    plot->xAxis->setLabel(QStringLiteral("approximation level (LSB columns per adder / tree levels)"));
    plot->yAxis->setLabel(QStringLiteral("test accuracy (%)"));
    plot->rescaleAxes();
    plot->xAxis->setRange(-0.5, plot->xAxis->range().upper + 0.5);
    plot->yAxis->setRange(0.0, 100.0);
    plot->legend->setVisible(true);
    setTitle(plot,
             QStringLiteral("Accuracy against approximation level (N = %1, %2 test images)")
                 .arg(d.sweep.inputs)
                 .arg(d.sweep.images));
}

void drawPareto(QCustomPlot* plot, const ReportData& d)
{
    requireSweep(d);
    QVector<double> area, plain, mitigated, frontArea, frontAccuracy;
    for (const LevelPoint& p : d.sweep.points) {
        area << p.areaUm2;
        plain << 100.0 * p.accuracy;
        mitigated << 100.0 * p.mitigatedAccuracy;
    }
    for (const int i : levelParetoFront(d.sweep.points)) {
        frontArea << d.sweep.points[static_cast<size_t>(i)].areaUm2;
        frontAccuracy << 100.0 * d.sweep.points[static_cast<size_t>(i)].accuracy;
    }
    addGraph(plot, QStringLiteral("configurations"), kBlue, QCPScatterStyle::ssCircle, false)->setData(area, plain);
    addGraph(plot, QStringLiteral("with %1").arg(QString::fromStdString(d.sweep.mitigation)), kGreen,
             QCPScatterStyle::ssDiamond, false)
        ->setData(area, mitigated);
    QCPGraph* front = addGraph(plot, QStringLiteral("Pareto front"), kGrey, QCPScatterStyle::ssNone, true);
    front->setLineStyle(QCPGraph::lsStepLeft);
    front->setData(frontArea, frontAccuracy, true);
    plot->xAxis->setLabel(QStringLiteral("popcount area (µm²)"));
    plot->yAxis->setLabel(QStringLiteral("test accuracy (%)"));
    plot->rescaleAxes();
    const QCPRange x = plot->xAxis->range();
    plot->xAxis->setRange(x.lower - 0.05 * x.size() - 1.0, x.upper + 0.05 * x.size() + 1.0);
    plot->yAxis->setRange(0.0, 100.0);
    plot->legend->setVisible(true);
    setTitle(plot, QStringLiteral("Area against accuracy (N = %1)").arg(d.sweep.inputs));
}

} // namespace

QStringList figureKinds()
{
    return {QStringLiteral("error"), QStringLiteral("cost"), QStringLiteral("accuracy"), QStringLiteral("pareto")};
}

bool figureNeedsModel(const QString& kind)
{
    return kind == u"accuracy" || kind == u"pareto";
}

void drawFigure(QCustomPlot* plot, const QString& kind, const ReportData& data)
{
    if (!figureKinds().contains(kind))
        throw std::invalid_argument(
            ("unknown plot '" + kind + "' (known: error, cost, accuracy, pareto)").toStdString());
    if (!data.circuit)
        throw std::invalid_argument("the report has no circuit results");
    plot->clearPlottables();
    plot->clearItems();
    plot->legend->setVisible(false);
    if (kind == u"error")
        drawError(plot, data);
    else if (kind == u"cost")
        drawCost(plot, data);
    else if (kind == u"accuracy")
        drawAccuracy(plot, data);
    else
        drawPareto(plot, data);
    plot->replot();
}

} // namespace axbnn::gui
