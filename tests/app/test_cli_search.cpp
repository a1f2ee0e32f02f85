// `axbnn search` end to end (docs/search.md): the written design gives the
// reported accuracy in `axbnn eval --config`, and bad input is one error
// line with nothing written.
#include "bnn/random_model.h"
#include "cli_test_support.h"
#include "io/model_file.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

namespace {

void write(const QString& path, const QByteArray& text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

// The first capture of `pattern` in `text`, or "".
QString grab(const QString& text, const QString& pattern)
{
    const QRegularExpressionMatch m = QRegularExpression(pattern).match(text);
    return m.hasMatch() ? m.captured(1) : QString();
}

} // namespace

class TestCliSearch : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString model_;

private Q_SLOTS:
    void initTestCase()
    {
        model_ = dir_.filePath("tiny.h5");
        axbnn::saveModel(axbnn::randomModel({28, 28, 1},
                                            {{axbnn::LayerKind::InputConv, 4, 3, 1, 1},
                                             {axbnn::LayerKind::MaxPool, 0, 0, 0, 0, 2},
                                             {axbnn::LayerKind::Conv, 8, 3, 1, 1},
                                             {axbnn::LayerKind::MaxPool, 0, 0, 0, 0, 2},
                                             {axbnn::LayerKind::Dense, 16},
                                             {axbnn::LayerKind::Scores, 10}},
                                            3),
                         model_.toStdString());
        write(dir_.filePath("space.json"), R"({"topologies": ["adder-tree", "dadda"], "cells": ["maj-fa"],
            "ha_cells": [""], "lsb": [0, 1, 2], "levels": [0, 1]})");
    }

    void searchedDesignReproducesInEval()
    {
        const QString out = dir_.filePath("r.json"), front = dir_.filePath("f.csv");
        const Run s = runCli({"search",
                              "--model",
                              model_,
                              "--budget",
                              "3",
                              "--space",
                              dir_.filePath("space.json"),
                              "--limit",
                              "300",
                              "--calibration-limit",
                              "50",
                              "--proxy-images",
                              "200",
                              "--mitigation",
                              "none,bias",
                              "--evaluations",
                              "40",
                              "--threads",
                              "1",
                              "--out",
                              out,
                              "--front",
                              front});
        QVERIFY2(s.exitCode == 0, qPrintable(s.err));
        const QString mitigation = grab(s.out, R"(chosen design \(mitigation ([a-z-]+)\))");
        const QString reported = grab(s.out, R"(accuracy +proxy [0-9.]+ \(exact [0-9.]+\), test ([0-9.]+))");
        QVERIFY2(!reported.isEmpty() && !mitigation.isEmpty(), qPrintable(s.out));
        QVERIFY(s.out.contains("reproduce: axbnn eval --model " + model_ + " --config " + out));
        const Run e = runCli({"eval", "--model", model_, "--config", out, "--limit", "300", "--mitigation", mitigation,
                              "--calibration-limit", "50", "--threads", "1"});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        QCOMPARE(grab(e.out, R"(accuracy +([0-9.]+) \()"), reported);
        // The front: a header and one row per front point, cheapest first.
        const QStringList rows = QString::fromUtf8(readAll(front)).split('\n', Qt::SkipEmptyParts);
        QVERIFY(rows.size() >= 2);
        QVERIFY(rows[0].startsWith("order,area_um2,energy_fj,delay_ps,proxy_accuracy,test_accuracy,mitigation,"));
        double last = -1;
        for (int i = 1; i < rows.size(); ++i) {
            const double area = rows[i].split(',')[1].toDouble();
            QVERIFY(area >= last);
            last = area;
        }
    }

    void badInputIsOneErrorLineAndNothingWritten_data()
    {
        QTest::addColumn<QByteArray>("space");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("expected");
        QTest::newRow("space key") << QByteArray(R"({"lsb": [0, 99]})") << QStringList{}
                                   << "bad.json: lsb[1]: 99 is outside 0..64";
        QTest::newRow("space layer") << QByteArray(R"({"layers": {"pool1": {}}})") << QStringList{}
                                     << "bad.json: layers.pool1:";
        QTest::newRow("exhaustive too big")
            << QByteArray("{}") << QStringList{"--strategy", "exhaustive"} << "above --evaluations 5";
        QTest::newRow("out folder") << QByteArray("{}") << QStringList{"--front", "/nonexistent/f.csv"}
                                    << "--front /nonexistent/f.csv: the folder /nonexistent does not exist";
        QTest::newRow("objective") << QByteArray("{}") << QStringList{"--objective", "power"} << "--objective";
    }
    void badInputIsOneErrorLineAndNothingWritten()
    {
        QFETCH(QByteArray, space);
        QFETCH(QStringList, extra);
        QFETCH(QString, expected);
        write(dir_.filePath("bad.json"), space);
        const QString out = dir_.filePath("never.json");
        const Run r =
            runCli(QStringList{"search", "--model", model_, "--space", dir_.filePath("bad.json"), "--limit", "100",
                               "--calibration-limit", "20", "--proxy-images", "50", "--evaluations", "5", "--out", out}
                   + extra);
        QVERIFY(r.exitCode > 0); // 1, or CLI11's code for a bad option value
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY(!QFile::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestCliSearch)
#include "test_cli_search.moc"
