// Plot, table and report exports: every format is written, non-empty and
// valid (PNG of the requested size, SVG that parses as XML, PDF that
// pdftoppm renders), CSV that reads back to the model's values, and failed
// writes that say why and leave an existing file as it was.
#include "state/exploration_state.h"
#include "panels/layer_table_model.h"
#include "explore/model_analysis.h"
#include "report/plot_export.h"
#include "report/report_actions.h"
#include "explore/report_data.h"
#include "report/report_figures.h"
#include "report/report_writer.h"
#include "report/table_export.h"
#include "widget_test_support.h"

#include <QFile>
#include <QImage>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <unistd.h>

#include "plots/customplot.h"

using namespace axbnn;
using namespace axbnn::gui;

namespace {

ReportData circuitOnlyReport()
{
    ReportRequest r;
    r.spec.inputs = 12; // exhaustive error analysis: fast and exact
    r.spec.approx.faCell = "maj-fa";
    r.spec.approx.lsbColumns = 1;
    return computeReport(r);
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// pdftoppm (poppler-utils) renders the first page; the PNG it writes must be non-empty.
void requirePdfOpens(const QString& pdf, const QString& dir)
{
    QProcess p;
    p.start(QStringLiteral("pdftoppm"), {"-png", "-r", "20", "-f", "1", "-l", "1", pdf, dir + "/page"});
    QVERIFY2(p.waitForFinished(60000), "pdftoppm did not finish (is poppler-utils installed?)");
    QCOMPARE(p.exitCode(), 0);
    const QStringList pages = QDir(dir).entryList({"page*.png"});
    QVERIFY(!pages.isEmpty());
    QVERIFY(!QImage(dir + u'/' + pages.first()).isNull());
}

// Python's csv module, as pandas would see it: rows and one cell.
QStringList pythonCsv(const QString& path, int row, int column)
{
    QProcess p;
    p.start(QStringLiteral("/usr/bin/python3"),
            {"-c",
             "import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=''))); "
             "print(len(r)); print(len(r[0])); print(r[int(sys.argv[2])][int(sys.argv[3])])",
             path, QString::number(row), QString::number(column)});
    p.waitForFinished(30000);
    return QString::fromUtf8(p.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
}

} // namespace

class TestExports : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void plotExportWritesEveryFormat_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("file");
        QTest::newRow("error png x2") << "error"
                                      << "plot.png";
        QTest::newRow("cost pdf") << "cost"
                                  << "plot.pdf";
        QTest::newRow("error svg") << "error"
                                   << "plot.svg";
        QTest::newRow("cost svg") << "cost"
                                  << "plot.svg";
    }
    void plotExportWritesEveryFormat()
    {
        QFETCH(QString, kind);
        QFETCH(QString, file);
        QTemporaryDir dir;
        const ReportData data = circuitOnlyReport();
        QCustomPlot plot;
        drawFigure(&plot, kind, data);
        QCOMPARE(plot.plottableCount() > 0, true);
        const QString path = dir.filePath(file);
        const PlotExportOptions options{320, 200, 2.0};
        exportPlot(&plot, path, options);
        const QByteArray bytes = readAll(path);
        QVERIFY(bytes.size() > 200);
        if (file.endsWith(".png")) {
            const QImage image(path);
            QCOMPARE(image.size(), QSize(640, 400)); // width x height x scale
        } else if (file.endsWith(".svg")) {
            QXmlStreamReader xml(bytes);
            int elements = 0;
            QString root;
            while (!xml.atEnd()) {
                if (xml.readNext() == QXmlStreamReader::StartElement && elements++ == 0)
                    root = xml.name().toString();
            }
            QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
            QCOMPARE(root, QStringLiteral("svg"));
            QVERIFY(elements > 10);
        } else {
            QVERIFY(bytes.startsWith("%PDF"));
            requirePdfOpens(path, dir.path());
        }
        // Only the target: no temporary file left beside it.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).filter(file).size(), 1);
    }

    void errorFigureShowsTheDistribution()
    {
        const ReportData data = circuitOnlyReport();
        QCustomPlot plot;
        drawFigure(&plot, "error", data);
        auto* bars = qobject_cast<QCPBars*>(plot.plottable(0));
        QVERIFY(bars);
        QCOMPARE(bars->data()->size(), static_cast<int>(data.circuit->error.pmf.size()));
        double total = 0.0;
        for (const QCPBarsData& b : *bars->data())
            total += b.value;
        QVERIFY(std::abs(total - 1.0) < 1e-9);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, drawFigure(&plot, "accuracy", data)); // no model
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, drawFigure(&plot, "bogus", data));
    }

    void unwritablePlotPathFailsClearlyAndKeepsTheOldFile()
    {
        QTemporaryDir dir;
        QCustomPlot plot;
        drawFigure(&plot, "error", circuitOnlyReport());
        // A directory that does not exist: a message with the path, no file.
        const QString missing = dir.filePath("no/such/dir/plot.png");
        try {
            exportPlot(&plot, missing, {});
            QFAIL("no error");
        } catch (const std::runtime_error& e) {
            QVERIFY(QString(e.what()).contains("cannot write " + missing));
        }
        QVERIFY(!QFile::exists(missing));
        // A bad request on an existing file leaves it as it was.
        const QString existing = dir.filePath("old.svg");
        QFile f(existing);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("old content");
        f.close();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, exportPlot(&plot, existing, {0, 10, 1.0}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, exportPlot(&plot, dir.filePath("plot.bmp"), {}));
        QCOMPARE(readAll(existing), QByteArray("old content"));
        // A read-only directory (permissions do not stop root, so only as a user).
        if (geteuid() != 0) {
            QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner);
            QVERIFY_THROWS_EXCEPTION(std::runtime_error, exportPlot(&plot, existing, {}));
            QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
            QCOMPARE(readAll(existing), QByteArray("old content"));
        }
    }

    void layerTableCsvReadsBackWithTheModelsValues()
    {
        QTemporaryDir dir;
        const Model model = test::smallModel();
        const auto loaded = test::loadedModel(model, "small.h5");
        ApproxConfig knobs;
        knobs.faCell = "maj-fa";
        knobs.lsbColumns = 2;
        const auto costs = std::make_shared<const std::vector<LayerCost>>(
            computeLayerCosts(model, Topology::AdderTree, knobs, CellLibrary::defaults()));
        LayerTableModel table;
        table.setModel(loaded);
        table.setCosts(costs);
        const QString path = dir.filePath("layers.csv");
        exportTableCsv(table, path);
        const QStringList lines = QString::fromUtf8(readAll(path)).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + static_cast<int>(model.layers.size()));
        // Layer 2 is the 3x3x8 conv: fan-in 72 and its exact area, unformatted.
        const QStringList read = pythonCsv(path, 3, LayerTableModel::FanIn);
        QCOMPARE(read.value(0).toInt(), 1 + static_cast<int>(model.layers.size()));
        QCOMPARE(read.value(1).toInt(), static_cast<int>(LayerTableModel::Columns));
        QCOMPARE(read.value(2).toInt(), model.layers[2].fanIn());
        double exactArea = -1.0;
        for (const LayerCost& c : *costs)
            if (c.layer == 2)
                exactArea = c.exact.areaUm2;
        QCOMPARE(pythonCsv(path, 3, LayerTableModel::ExactArea).value(2).toDouble(), exactArea);
        QVERIFY(!lines[1].contains(u'–')); // placeholders are empty fields
    }

    void csvQuotesFieldsWithCommasAndQuotes()
    {
        QTemporaryDir dir;
        QStandardItemModel m(1, 3);
        m.setHorizontalHeaderLabels({"name", "value, unit", "note"});
        m.setItem(0, 0, new QStandardItem("a \"quoted\" word"));
        m.setItem(0, 1, new QStandardItem("1,5"));
        m.setItem(0, 2, new QStandardItem("plain"));
        const QString path = dir.filePath("t.csv");
        exportTableCsv(m, path);
        QCOMPARE(pythonCsv(path, 1, 1).value(2), QStringLiteral("1,5"));
        QCOMPARE(pythonCsv(path, 0, 1).value(2), QStringLiteral("value, unit"));
        QCOMPARE(pythonCsv(path, 1, 0).value(2), QStringLiteral("a \"quoted\" word"));
        QCOMPARE(pythonCsv(path, 1, 0).value(1).toInt(), 3);
    }

    void reportFilesAreValidAndCarryTheCircuitNumbers()
    {
        QTemporaryDir dir;
        const ReportData data = circuitOnlyReport();
        const QString html = dir.filePath("r.html"), pdf = dir.filePath("r.pdf");
        writeReport(data, html);
        writeReport(data, pdf);
        const QString text = QString::fromUtf8(readAll(html));
        QVERIFY(text.contains(reportNumber(data.circuit->cost.areaUm2)));
        QVERIFY(text.contains(reportNumber(data.circuit->error.errorRate)));
        QVERIFY(text.contains(QString::fromStdString(data.circuitCommand).toHtmlEscaped()));
        QVERIFY(text.contains("data:image/png;base64,"));
        QVERIFY(readAll(pdf).startsWith("%PDF"));
        requirePdfOpens(pdf, dir.path());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, writeReport(data, dir.filePath("none/r.html")));
    }

    void exportReportActionRunsInTheBackground()
    {
        QTemporaryDir dir;
        CircuitSpec spec;
        spec.inputs = 10;
        spec.approx.faCell = "maj-fa";
        spec.approx.lsbColumns = 1;
        ExplorationState state(spec, CellLibrary::defaults());
        QWidget window;
        ReportActions actions(&state, &window);
        QSignalSpy finished(&actions, &ReportActions::finished);
        QSignalSpy failed(&actions, &ReportActions::failed);
        const QString path = dir.filePath("gui.html");
        actions.exportTo(path);
        // exportTo returns before anything is written: the work is on another thread
        // and the file is written when the event loop delivers the result.
        QVERIFY(actions.busy());
        QVERIFY(!actions.exportAction()->isEnabled());
        QVERIFY(!QFile::exists(path));
        QVERIFY(finished.wait(60000));
        QCOMPARE(failed.count(), 0);
        QVERIFY(!actions.busy());
        const CircuitReport engine = evaluateCircuit(spec, CellLibrary::defaults());
        const QString html = QString::fromUtf8(readAll(path));
        QVERIFY(html.contains(">" + reportNumber(engine.cost.areaUm2) + "<"));
        QVERIFY(html.contains("axbnn circuit --inputs 10 "));
        // An unwritable path reports through failed().
        actions.exportTo(dir.filePath("no/such/dir/gui.html"));
        QVERIFY(failed.wait(60000));
        QVERIFY(failed.first().first().toString().contains("cannot write"));
    }
};

QTEST_MAIN(TestExports)
#include "test_exports.moc"
