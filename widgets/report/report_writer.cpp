// Report layout: one HTML page of tables, each number beside the axbnn
// command line that prints it; the PDF is the same HTML laid out by
// QTextDocument.
#include "report/report_writer.h"

#include "report/report_figures.h"

#include <QBuffer>
#include <QFileInfo>
#include <QImage>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>
#include <QUrl>

#include <stdexcept>

#include "plots/customplot.h"

namespace axbnn::gui {

namespace {

QString esc(const std::string& text)
{
    return QString::fromStdString(text).toHtmlEscaped();
}
QString esc(const QString& text)
{
    return text.toHtmlEscaped();
}

QString command(const std::string& cmd)
{
    return QStringLiteral("<p class=\"cmd\">Reproduce: <code>%1</code></p>\n").arg(esc(cmd));
}

QString row(const QStringList& cells, bool header = false)
{
    const QString tag = header ? QStringLiteral("th") : QStringLiteral("td");
    QString html = QStringLiteral("<tr>");
    for (const QString& c : cells)
        html += QStringLiteral("<%1>%2</%1>").arg(tag, c);
    return html + QStringLiteral("</tr>\n");
}

// A row's reproducing command on a full-width row of its own below it (a
// command column squeezed the PDF's tables into many pages).
QString commandRow(const std::string& cmd, int columns)
{
    return QStringLiteral("<tr><td colspan=\"%1\" class=\"cmd\"><code>%2</code></td></tr>\n")
        .arg(columns)
        .arg(esc(cmd));
}

QString figure(const QString& kind, const QMap<QString, QByteArray>& images, bool dataUris, const QString& caption)
{
    if (!images.contains(kind))
        return {};
    const QString src = dataUris
        ? QStringLiteral("data:image/png;base64,") + QString::fromLatin1(images[kind].toBase64())
        : QStringLiteral("plot:") + kind;
    return QStringLiteral("<p><img src=\"%1\" width=\"640\" alt=\"%2\"><br><i>%2</i></p>\n").arg(src, esc(caption));
}

QString cellText(const std::vector<int>& cells)
{
    QStringList parts;
    for (const int c : cells)
        parts << QString::number(c);
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(", "));
}

QString configurationSection(const ReportData& d)
{
    const CircuitSpec& s = d.request.spec;
    QString h = QStringLiteral("<h2>Configuration</h2>\n<table>\n");
    h += row({QStringLiteral("popcount inputs N"), QString::number(s.inputs)});
    h += row({QStringLiteral("topology"), esc(topologyName(s.topology))});
    h += row({QStringLiteral("approximate full-adder cell"), esc(s.approx.faCell)});
    h += row({QStringLiteral("approximate half-adder cell"),
              s.approx.haCell.empty() ? QStringLiteral("none (exact)") : esc(s.approx.haCell)});
    h += row({QStringLiteral("approximate LSB columns per adder"), QString::number(s.approx.lsbColumns)});
    h += row({QStringLiteral("approximate tree levels"), QString::number(s.approx.levels)});
    h += row({QStringLiteral("hand-picked approximate cells"), cellText(s.approx.extraCells)});
    h += row({QStringLiteral("hand-picked exact cells"), cellText(s.approx.exactCells)});
    h += row({QStringLiteral("P(input bit = 1), p"), reportNumber(s.p)});
    h += row({QStringLiteral("mitigation"), esc(d.request.mitigation)});
    return h + QStringLiteral("</table>\n");
}

QString modelSection(const ReportData& d)
{
    if (!d.hasModel)
        return QStringLiteral("<h2>Model</h2>\n<p>The session has no model: circuit results only.</p>\n");
    QString h = QStringLiteral("<h2>Model</h2>\n<p>File: <code>%1</code></p>\n<table>\n").arg(esc(d.request.modelPath));
    h += row({"#", "name", "kind", "fan-in N", "popcount bits", "exact area (µm²)", "approximate area (µm²)"}, true);
    for (const ReportLayer& l : d.layers) {
        const bool popcount = l.cost.fanIn > 0;
        h += row({QString::number(l.index), esc(l.name), esc(l.kind),
                  popcount ? QString::number(l.cost.fanIn) : QStringLiteral("–"),
                  popcount ? QString::number(l.cost.popcountBits) : QStringLiteral("–"),
                  popcount ? reportNumber(l.cost.exact.areaUm2) : QStringLiteral("–"),
                  popcount ? reportNumber(l.cost.approximate.areaUm2) : QStringLiteral("–")});
    }
    return h + QStringLiteral("</table>\n") + command(d.modelCommand);
}

QString circuitSection(const ReportData& d)
{
    const CircuitCost& c = d.circuit->cost;
    QString h = QStringLiteral("<h2>Circuit metrics</h2>\n<table>\n");
    h += row({QStringLiteral("cells (approximate)"), QStringLiteral("%1 (%2)").arg(c.cells).arg(c.approximateCells)});
    h += row({QStringLiteral("area (µm²)"), reportNumber(c.areaUm2)});
    h += row({QStringLiteral("transistors"), QString::number(c.transistors)});
    h += row({QStringLiteral("critical-path delay (ps)"), reportNumber(c.delayPs)});
    h += row({QStringLiteral("energy per evaluation (fJ)"), reportNumber(c.energyFj)});
    h += row({QStringLiteral("output bits"), QString::number(c.outputBits)});
    QStringList counts;
    for (const auto& [kind, n] : c.counts)
        counts << QStringLiteral("%1 × %2").arg(n).arg(esc(kind));
    h += row({QStringLiteral("cells by kind"), counts.join(QStringLiteral(", "))});
    h += QStringLiteral("</table>\n<p>Cell library: %1</p>\n").arg(esc(d.circuit->librarySource));
    return h + command(d.circuitCommand);
}

QString errorSection(const ReportData& d, const QMap<QString, QByteArray>& images, bool dataUris)
{
    const ErrorStats& e = d.circuit->error;
    QString h = QStringLiteral("<h2>Error statistics</h2>\n<p>Method: %1 (%2)</p>\n<table>\n")
                    .arg(esc(errorMethodName(e.method)), esc(e.precision));
    const bool mc = e.method == ErrorMethod::MonteCarlo;
    auto ci = [mc](double v, double half) {
        return mc ? QStringLiteral("%1 ± %2").arg(reportNumber(v), reportNumber(half)) : reportNumber(v);
    };
    h += row({QStringLiteral("error rate P(e ≠ 0)"), ci(e.errorRate, e.errorRateCi)});
    h += row({QStringLiteral("mean error (bias)"), ci(e.meanError, e.meanErrorCi)});
    h += row({QStringLiteral("mean absolute error (MAE)"), ci(e.mae, e.maeCi)});
    h += row({QStringLiteral("mean squared error"), ci(e.mse, e.mseCi)});
    h += row({QStringLiteral("worst-case error (WCE)"),
              QString::number(e.wce) + (e.wceExact ? QString() : QStringLiteral(" (largest observed)"))});
    h += QStringLiteral("</table>\n");
    h += figure(QStringLiteral("error"), images, dataUris, QStringLiteral("Error distribution P(e)"));
    return h + command(d.circuitCommand);
}

QString accuracySection(const ReportData& d)
{
    if (d.accuracy.empty())
        return {};
    QString h = QStringLiteral("<h2>Accuracy</h2>\n<p>Test images of %1; every conv and dense layer uses "
                               "a popcount of its own fan-in with the knobs above (hand-picked cells "
                               "index one netlist and are left out); the scores layer stays exact.</p>\n<table>\n")
                    .arg(esc(d.request.data));
    h += row({"configuration", "accuracy (%)", "correct"}, true);
    for (const ReportAccuracyRow& r : d.accuracy) {
        h += row({esc(r.label), QString::number(100.0 * r.accuracy(), 'f', 2),
                  QStringLiteral("%1 of %2").arg(r.correct).arg(r.images)});
        h += commandRow(r.command, 3);
    }
    return h + QStringLiteral("</table>\n");
}

// The per-layer design of a loaded search result (docs/search.md).
QString searchSection(const ReportData& d)
{
    if (!d.request.search)
        return {};
    const ReportSearch& s = *d.request.search;
    QString h = QStringLiteral("<h2>Per-layer design (search)</h2>\n<p>The design on screen is a result of "
                               "<code>axbnn search</code> (objective %1, budget %2 points, mitigation %3): "
                               "one popcount unit per layer, reused for every neuron of the layer. The "
                               "accuracy rows below use the knobs on every layer; this table is the "
                               "per-layer design.</p>\n<table>\n")
                    .arg(esc(s.objective), reportNumber(s.budgetPoints), esc(s.mitigation));
    h += row({"layer", "unit", "area (µm²)", "energy (fJ/inference)", "delay (ps)"}, true);
    const auto costRow = [](const ReportSearchLayer& l, const QString& name) {
        return row({name, esc(l.unit), reportNumber(l.areaUm2), reportNumber(l.energyFj), reportNumber(l.delayPs)});
    };
    for (const ReportSearchLayer& l : s.layers)
        h += costRow(l, esc(l.name));
    h += costRow(s.total, QStringLiteral("<b>total</b>"));
    h += costRow(s.exact, QStringLiteral("exact design"));
    h += QStringLiteral("</table>\n<table>\n");
    h += row({"accuracy", "design (%)", "exact (%)", "images"}, true);
    h += row({QStringLiteral("proxy (calibration images)"), QString::number(100.0 * s.proxyAccuracy, 'f', 2),
              QString::number(100.0 * s.exactProxyAccuracy, 'f', 2), QString::number(s.proxyImages)});
    if (s.testAccuracy >= 0)
        h += row({QStringLiteral("test set"), QString::number(100.0 * s.testAccuracy, 'f', 2),
                  QString::number(100.0 * s.exactTestAccuracy, 'f', 2), QString::number(s.testImages)});
    h += QStringLiteral("</table>\n");
    h += QStringLiteral("<p class=\"cmd\">Search: <code>%1</code></p>\n").arg(esc(s.searchCommand));
    return h
        + QStringLiteral("<p class=\"cmd\">Test accuracy of this design: <code>%1</code></p>\n")
              .arg(esc(s.evalCommand));
}

QString plotsSection(const ReportData& d, const QMap<QString, QByteArray>& images, bool dataUris)
{
    QString h = QStringLiteral("<h2>Plots</h2>\n");
    h += figure(QStringLiteral("cost"), images, dataUris, QStringLiteral("Area and delay against N"));
    h += command(d.costCommand);
    if (d.sweep.points.empty())
        return h;
    h += figure(QStringLiteral("accuracy"), images, dataUris, QStringLiteral("Accuracy against approximation level"));
    h += figure(QStringLiteral("pareto"), images, dataUris, QStringLiteral("Popcount area against accuracy"));
    h += QStringLiteral("<table>\n");
    h += row({"knob", "level", "area (µm²)", "accuracy (%)", QStringLiteral("+ %1 (%)").arg(esc(d.sweep.mitigation))},
             true);
    for (size_t i = 0; i < d.sweep.points.size(); ++i) {
        const LevelPoint& p = d.sweep.points[i];
        h += row({QString::fromUtf8(knobName(p.knob)), QString::number(p.level), reportNumber(p.areaUm2),
                  QString::number(100.0 * p.accuracy, 'f', 2), QString::number(100.0 * p.mitigatedAccuracy, 'f', 2)});
        h += commandRow(d.sweepCommands[i], 5);
    }
    return h + QStringLiteral("</table>\n");
}

} // namespace

QString reportNumber(double value)
{
    return QString::number(value, 'g', 6);
}

QMap<QString, QByteArray> renderReportFigures(const ReportData& data, int width, int height)
{
    QMap<QString, QByteArray> images;
    for (const QString& kind : figureKinds()) {
        if (figureNeedsModel(kind) && data.sweep.points.empty())
            continue;
        QCustomPlot plot;
        plot.resize(width, height);
        drawFigure(&plot, kind, data);
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        plot.toPixmap(width, height, 1.0).save(&buffer, "PNG");
        images.insert(kind, bytes);
    }
    return images;
}

QString reportHtml(const ReportData& d, const QMap<QString, QByteArray>& images, bool dataUris)
{
    QString h = QStringLiteral(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>AxBNN Workbench report</title>\n"
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto} table{border-collapse:collapse}"
        " td,th{border:1px solid #bbb;padding:2px 6px;text-align:left} code{font-size:90%} .cmd{color:#444}</style>\n"
        "</head><body>\n<h1>AxBNN Workbench report</h1>\n");
    if (!d.request.sessionPath.empty())
        h += QStringLiteral("<p>Session: <code>%1</code></p>\n").arg(esc(d.request.sessionPath));
    h += QStringLiteral("<p>Commands are for <code>build/bin/axbnn</code>; each prints the numbers beside it.</p>\n");
    h += modelSection(d);
    h += configurationSection(d);
    h += searchSection(d);
    h += circuitSection(d);
    h += errorSection(d, images, dataUris);
    h += accuracySection(d);
    h += plotsSection(d, images, dataUris);
    return h + QStringLiteral("</body></html>\n");
}

void writeReport(const ReportData& data, const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool pdf = suffix == u"pdf";
    if (!pdf && suffix != u"html" && suffix != u"htm")
        throw std::invalid_argument(
            QStringLiteral("%1: unknown report format (use a .html or .pdf file name)").arg(path).toStdString());
    const QMap<QString, QByteArray> images = renderReportFigures(data);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw std::runtime_error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()).toStdString());
    if (pdf) {
        QTextDocument document;
        for (auto it = images.begin(); it != images.end(); ++it)
            document.addResource(QTextDocument::ImageResource, QUrl(QStringLiteral("plot:") + it.key()),
                                 QImage::fromData(it.value(), "PNG"));
        document.setHtml(reportHtml(data, images, false));
        QPdfWriter writer(&file);
        writer.setCreator(QStringLiteral("AxBNN Workbench"));
        writer.setTitle(QStringLiteral("AxBNN Workbench report"));
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
        document.print(&writer);
    } else {
        const QByteArray bytes = reportHtml(data, images, true).toUtf8();
        if (file.write(bytes) != bytes.size())
            throw std::runtime_error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()).toStdString());
    }
    if (!file.commit())
        throw std::runtime_error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()).toStdString());
}

} // namespace axbnn::gui
