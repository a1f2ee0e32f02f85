// axbnn plot and axbnn report on a small random model and data set: every
// format valid, the report's numbers equal to the engine's for the same
// configuration, its eval command lines printing the same accuracies, and
// bad input failing with a message and without touching existing files.
#include "cli_test_support.h"

#include "analysis/circuit_report.h"
#include "bnn/random_model.h"
#include "io/dataset.h"
#include "io/model_file.h"

#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

using namespace axbnn;

namespace {

// Width and height from a PNG's IHDR chunk (big-endian at bytes 16 and 20).
QSize pngSize(const QByteArray& png)
{
    if (png.size() < 24 || !png.startsWith("\x89PNG"))
        return {};
    auto be = [&png](int at) {
        return (uchar(png[at]) << 24) | (uchar(png[at + 1]) << 16) | (uchar(png[at + 2]) << 8) | uchar(png[at + 3]);
    };
    return QSize(int(be(16)), int(be(20)));
}

bool pdfOpens(const QString& pdf, const QString& dir)
{
    QProcess p;
    p.start(QStringLiteral("pdftoppm"), {"-png", "-r", "20", "-f", "1", "-l", "1", pdf, dir + "/page"});
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return false;
    const QStringList pages = QDir(dir).entryList({"page*.png"});
    return !pages.isEmpty() && pngSize(readAll(dir + u'/' + pages.first())).width() > 0;
}

} // namespace

class TestCliReport : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString session_, data_, noModel_;
    CircuitSpec spec_;

    QString path(const QString& name) const { return dir_.filePath(name); }
    QStringList dataArgs() const { return {"--data", data_, "--calibration", data_}; }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        using L = LayerKind;
        const Model model = randomModel({8, 8, 1},
                                        {{L::InputConv, 8, 3, 1, 1},
                                         {L::MaxPool, 0, 0, 1, 0, 2},
                                         {L::Conv, 8, 3, 1, 1}, // fan-in 72
                                         {L::Dense, 24},
                                         {L::Scores, 10}},
                                        5);
        saveModel(model, path("m.h5").toStdString());
        Dataset d;
        d.shape = {8, 8, 1};
        d.count = 300;
        d.images = randomImages(d.shape, d.count, 9);
        for (int i = 0; i < d.count; ++i)
            d.labels.push_back(static_cast<uint8_t>((d.images[static_cast<size_t>(i) * 64] + i) % 10));
        d.classNames = fashionMnistClassNames();
        saveDatasetH5(d, path("d.h5").toStdString());
        data_ = path("d.h5");

        spec_.inputs = 72;
        spec_.approx.faCell = "maj-fa";
        spec_.approx.lsbColumns = 2;
        spec_.p = 0.4;
        const QString circuit = R"("circuit": {"inputs": 72, "topology": "adder-tree", "faCell": "maj-fa",
            "lsbColumns": 2, "levels": 0, "p": 0.4})";
        QFile s(path("s.json"));
        QVERIFY(s.open(QIODevice::WriteOnly));
        s.write(QStringLiteral(R"({"format": "axbnn-session", "version": 1, %1, "mitigation": "bias",
            "model": "%2", "selectedLayer": 2})")
                    .arg(circuit, path("m.h5"))
                    .toUtf8());
        s.close();
        session_ = path("s.json");
        QFile n(path("nomodel.json"));
        QVERIFY(n.open(QIODevice::WriteOnly));
        n.write(QStringLiteral(R"({"format": "axbnn-session", "version": 1, %1})").arg(circuit).toUtf8());
        n.close();
        noModel_ = path("nomodel.json");
    }

    void reportHasTheEnginesNumbersAndCommandsThatReproduceThem()
    {
        const QString out = path("r.html");
        const Run r =
            runCli(QStringList{"report", "--session", session_, "--out", out, "--limit", "200", "--sweep-images", "60"}
                   + dataArgs());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString html = QString::fromUtf8(readAll(out));
        // The circuit, computed here by the engine for the session's configuration.
        const CircuitReport engine = evaluateCircuit(spec_, CellLibrary::defaults());
        for (const double v : {engine.cost.areaUm2, engine.cost.delayPs, engine.error.errorRate, engine.error.mae,
                               engine.error.meanError})
            QVERIFY2(html.contains(">" + QString::number(v, 'g', 6) + "<"), qPrintable(QString::number(v, 'g', 6)));
        QVERIFY(html.contains(">" + QString::number(engine.error.wce) + "<"));
        QVERIFY(html.contains(">" + QString::number(engine.cost.transistors) + "<"));
        QVERIFY(html.contains("axbnn circuit --inputs 72 --topology adder-tree --cell maj-fa --approx-lsb 2 "
                              "--approx-levels 0 --p 0.40000000000000002"));
        QCOMPARE(html.count("<img src=\"data:image/png;base64,"), 4);

        // Every accuracy row's command prints the row's "C of N".
        const QRegularExpression rowRe(
            R"(<tr><td>([^<]+)</td><td>[0-9.]+</td><td>(\d+ of \d+)</td></tr>\n<tr><td colspan="3" class="cmd"><code>axbnn (eval [^<]+)</code></td></tr>)");
        int rows = 0;
        for (const QRegularExpressionMatch& m : rowRe.globalMatch(html)) {
            ++rows;
            const Run eval = runCli(m.captured(3).split(u' ', Qt::SkipEmptyParts));
            QVERIFY2(eval.exitCode == 0, qPrintable(eval.err));
            QVERIFY2(eval.out.contains("(" + m.captured(2) + ")"),
                     qPrintable(m.captured(1) + ": " + m.captured(2) + " vs " + eval.out));
        }
        QCOMPARE(rows, 3); // exact, approximate, approximate + bias

        // The cost-against-N command runs as printed and covers the session's topology only.
        const QRegularExpressionMatch cost = QRegularExpression(R"(<code>axbnn (cost-table [^<]+)</code>)").match(html);
        QVERIFY(cost.hasMatch());
        QVERIFY2(!cost.captured(1).contains("--topology "), qPrintable(cost.captured(1)));
        const Run table = runCli(cost.captured(1).split(u' ', Qt::SkipEmptyParts));
        QVERIFY2(table.exitCode == 0, qPrintable(table.err));
        const QStringList lines = table.out.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY(lines.size() > 2);
        for (const QString& line : lines.mid(1))
            QVERIFY2(line.section(u',', 1, 1) == "adder-tree", qPrintable(line));
    }

    void reportPdfOpens()
    {
        const QString out = path("r.pdf");
        const Run r =
            runCli(QStringList{"report", "--session", session_, "--out", out, "--limit", "100", "--sweep-images", "30"}
                   + dataArgs());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(readAll(out).startsWith("%PDF"));
        QTemporaryDir pages;
        QVERIFY(pdfOpens(out, pages.path()));
    }

    void plotWritesEveryFormat_data()
    {
        QTest::addColumn<QString>("plot");
        QTest::addColumn<QString>("file");
        QTest::newRow("error png") << "error"
                                   << "e.png";
        QTest::newRow("cost svg") << "cost"
                                  << "c.svg";
        QTest::newRow("accuracy pdf") << "accuracy"
                                      << "a.pdf";
        QTest::newRow("pareto png") << "pareto"
                                    << "p.png";
        QTest::newRow("pareto svg") << "pareto"
                                    << "p.svg";
    }
    void plotWritesEveryFormat()
    {
        QFETCH(QString, plot);
        QFETCH(QString, file);
        const QString out = path(file);
        const Run r = runCli(QStringList{"plot", "--session", session_, "--plot", plot, "--out", out, "--width", "300",
                                         "--height", "200", "--scale", "2", "--sweep-images", "40"}
                             + dataArgs());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QByteArray bytes = readAll(out);
        QVERIFY(bytes.size() > 200);
        if (file.endsWith(".png")) {
            QCOMPARE(pngSize(bytes), QSize(600, 400));
        } else if (file.endsWith(".svg")) {
            QXmlStreamReader xml(bytes);
            QString root;
            while (!xml.atEnd())
                if (xml.readNext() == QXmlStreamReader::StartElement && root.isEmpty())
                    root = xml.name().toString();
            QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
            QCOMPARE(root, QStringLiteral("svg"));
        } else {
            QTemporaryDir pages;
            QVERIFY(pdfOpens(out, pages.path()));
        }
    }

    void badInputFailsClearlyAndKeepsExistingFiles()
    {
        const QString existing = path("keep.html");
        QFile f(existing);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("previous report");
        f.close();
        // The model cannot be loaded: the old report stays.
        QFile s(path("broken.json"));
        QVERIFY(s.open(QIODevice::WriteOnly));
        s.write(readAll(session_).replace("m.h5", "missing.h5"));
        s.close();
        Run r = runCli(QStringList{"report", "--session", path("broken.json"), "--out", existing} + dataArgs());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("axbnn: error:") && r.err.contains("missing.h5"), qPrintable(r.err));
        QCOMPARE(readAll(existing), QByteArray("previous report"));
        // Unwritable path.
        r = runCli({"plot", "--session", noModel_, "--plot", "error", "--out", path("no/dir/e.png")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("cannot write " + path("no/dir/e.png")), qPrintable(r.err));
        // Unknown format, and a model plot of a session without a model.
        r = runCli({"plot", "--session", noModel_, "--plot", "error", "--out", path("e.bmp")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(".png, .pdf or .svg"), qPrintable(r.err));
        r = runCli({"plot", "--session", noModel_, "--plot", "pareto", "--out", path("none.png")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("has no model"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("none.png")) && !QFile::exists(path("e.bmp")));
    }

    void onlyPlotAndReportStartQt()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.remove("QT_QPA_PLATFORM");
        // No display: plot picks the offscreen platform by itself.
        Run r =
            runProgram(QStringLiteral(AXBNN_CLI),
                       {"plot", "--session", noModel_, "--plot", "cost", "--out", path("nodisplay.png")}, 120000, env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(pngSize(readAll(path("nodisplay.png"))).width() == 800);
        // A platform that does not exist would abort any Qt GUI start-up; other commands never start one.
        env.insert("QT_QPA_PLATFORM", "no-such-platform");
        r = runProgram(QStringLiteral(AXBNN_CLI), {"circuit", "--inputs", "9"}, 120000, env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runProgram(QStringLiteral(AXBNN_CLI),
                       {"plot", "--session", noModel_, "--plot", "cost", "--out", path("x.png")}, 120000, env);
        QVERIFY(r.exitCode != 0); // proves the check above means something
    }
};

QTEST_GUILESS_MAIN(TestCliReport)
#include "test_cli_report.moc"
