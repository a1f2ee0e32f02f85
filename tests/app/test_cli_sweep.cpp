// `axbnn sweep` and `axbnn merge` as a user runs them: the CSV pandas would
// read, a run killed mid-way and resumed, shards merged, and one clear error
// line for each kind of bad input.
#include "bnn/random_model.h"
#include "io/model_file.h"

#include "cli_test_support.h"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

namespace {

void write(const QString& path, const QByteArray& text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}

// 3 sizes x 2 topologies x 4 levels = 24 points, a few seconds in all.
const QByteArray kSpec = R"({
  "sizes": [25, {"k": 3, "channels": 16}, 300],
  "topologies": ["adder-tree", "chain"],
  "approximation": {"knobs": ["lsb"], "levels": [0, 1, 2, 3]}
})";

const QStringList kColumns{"point",
                           "point_id",
                           "inputs",
                           "kernel",
                           "channels",
                           "model",
                           "layer",
                           "topology",
                           "fa_cell",
                           "ha_cell",
                           "approx_knob",
                           "approx_level",
                           "mitigation",
                           "p",
                           "cells",
                           "approximate_cells",
                           "area_um2",
                           "transistors",
                           "delay_ps",
                           "energy_fj",
                           "output_bits",
                           "error_method",
                           "error_rate",
                           "mean_error",
                           "mae",
                           "mse",
                           "wce",
                           "error_rate_ci95",
                           "mae_ci95",
                           "images",
                           "exact_accuracy",
                           "accuracy",
                           "accuracy_loss",
                           "pareto",
                           "spec_hash",
                           "sweep_points"};

} // namespace

class TestCliSweep : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString spec_;
    QByteArray whole_; // the uninterrupted, unsharded CSV

    QString path(const QString& name) const { return dir_.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        spec_ = path("spec.json");
        write(spec_, kSpec);
        const Run r = runCli({"sweep", "--spec", spec_, "--out", path("whole.csv")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("24 points (24 evaluated, 0 resumed"));
        whole_ = readAll(path("whole.csv"));
        QVERIFY(!whole_.isEmpty());
    }

    void csvHasTheDocumentedColumns()
    {
        // Parsed as pandas would (no quoted fields here): the header names the
        // documented columns, every row has as many fields, numbers parse.
        const QList<QByteArray> lines = whole_.trimmed().split('\n');
        QCOMPARE(lines.size(), 25);
        QStringList header;
        for (const QByteArray& h : lines[0].split(','))
            header << QString::fromUtf8(h);
        QCOMPARE(header, kColumns);
        int front = 0;
        for (int i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> f = lines[i].split(',');
            QCOMPARE(f.size(), kColumns.size());
            QCOMPARE(f[0].toInt(), i - 1);
            bool ok = false;
            QVERIFY(f[kColumns.indexOf("area_um2")].toDouble(&ok) > 0 && ok);
            f[kColumns.indexOf("mae")].toDouble(&ok);
            QVERIFY(ok);
            QVERIFY(f[kColumns.indexOf("accuracy")].isEmpty()); // no model
            front += f[kColumns.indexOf("pareto")].toInt();
        }
        QVERIFY(front > 0 && front < 24);
    }

    void rowEqualsTheCircuitCommand()
    {
        // Point 22: N = 300 (third size), chain (second topology), K = 2.
        const QList<QByteArray> f = whole_.split('\n')[23].split(',');
        QCOMPARE(f[0], QByteArray("22"));
        const Run r = runCli({"circuit", "-n", "300", "--topology", "chain", "--approx-lsb", "2", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(f[kColumns.indexOf("inputs")].toInt(), 300);
        QCOMPARE(f[kColumns.indexOf("cells")].toInt(), j["cells"].toInt());
        QCOMPARE(f[kColumns.indexOf("area_um2")].toDouble(), j["area_um2"].toDouble());
        QCOMPARE(f[kColumns.indexOf("delay_ps")].toDouble(), j["delay_ps"].toDouble());
        QCOMPARE(f[kColumns.indexOf("energy_fj")].toDouble(), j["energy_fj"].toDouble());
        const QJsonObject e = j["error"].toObject();
        QCOMPARE(QString(f[kColumns.indexOf("error_method")]), e["method"].toString());
        QCOMPARE(f[kColumns.indexOf("error_rate")].toDouble(), e["error_rate"].toDouble());
        QCOMPARE(f[kColumns.indexOf("mae")].toDouble(), e["mae"].toDouble());
        QCOMPARE(f[kColumns.indexOf("wce")].toInt(), e["wce"].toInt());
    }

    void jsonOutputHasTheSameRows()
    {
        const Run r = runCli({"sweep", "--spec", spec_, "--out", path("whole.json"), "--threads", "1"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(readAll(path("whole.json"))).object();
        QCOMPARE(j["format"].toString(), QString("axbnn-sweep-results"));
        QCOMPARE(j["points"].toInt(), 24);
        QCOMPARE(j["columns"].toArray().size(), kColumns.size());
        const QJsonArray rows = j["rows"].toArray();
        QCOMPARE(rows.size(), 24);
        QCOMPARE(rows[5].toObject()["point"].toInt(), 5);
        QVERIFY(rows[5].toObject()["accuracy"].isNull());
        // Converting the JSON back to CSV gives the CSV of the direct run.
        const Run m = runCli({"merge", path("whole.json"), "--out", path("from-json.csv")});
        QVERIFY2(m.exitCode == 0, qPrintable(m.err));
        QCOMPARE(readAll(path("from-json.csv")), whole_);
    }

    void killedRunResumesToTheSameCsv()
    {
        const QString out = path("killed.csv");
        QProcess p;
        p.start(QStringLiteral(AXBNN_CLI), {"sweep", "--spec", spec_, "--out", out, "--threads", "1"});
        QVERIFY(p.waitForStarted());
        // Kill (SIGKILL: no chance to tidy up) once some points are journaled.
        for (int i = 0; i < 2000 && readAll(out + ".journal").count('\n') < 4 && p.state() != QProcess::NotRunning; ++i)
            QTest::qWait(5);
        p.kill();
        p.waitForFinished();
        const int kept = qMax(0, int(readAll(out + ".journal").count('\n')) - 1);
        qInfo("killed with %d of 24 points journaled", kept);
        // A torn last line as a kill during a write would leave it.
        QFile j(out + ".journal");
        QVERIFY(j.open(QIODevice::Append));
        j.write("{\"point\":3,\"point_id\":\"e2");
        j.close();
        const Run r = runCli({"sweep", "--spec", spec_, "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QString("(%1 evaluated, %2 resumed").arg(24 - kept).arg(kept)), qPrintable(r.out));
        QVERIFY(r.out.contains("torn last line dropped"));
        QCOMPARE(readAll(out), whole_);
        // A finished sweep run again evaluates nothing and writes the same file.
        const Run again = runCli({"sweep", "--spec", spec_, "--out", out});
        QVERIFY(again.out.contains("(0 evaluated, 24 resumed"));
        QCOMPARE(readAll(out), whole_);
    }

    void shardsMergeToTheUnshardedCsv()
    {
        QStringList shards;
        for (int i = 0; i < 3; ++i) {
            shards << path(QString("shard%1.%2").arg(i).arg(i == 2 ? "json" : "csv"));
            const Run r = runCli({"sweep", "--spec", spec_, "--out", shards.last(), "--shard", QString("%1/3").arg(i)});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QVERIFY(r.out.startsWith("8 points"));
        }
        const Run m = runCli(QStringList{"merge"} + shards
                             + QStringList{"--out", path("merged.csv"), "--pareto", path("front.csv")});
        QVERIFY2(m.exitCode == 0, qPrintable(m.err));
        QCOMPARE(readAll(path("merged.csv")), whole_);
        // The front file holds exactly the rows marked pareto = 1.
        const QList<QByteArray> front = readAll(path("front.csv")).trimmed().split('\n');
        int marked = 0;
        for (const QByteArray& line : whole_.trimmed().split('\n').mid(1))
            marked += line.split(',')[kColumns.indexOf("pareto")] == "1";
        QCOMPARE(front.size() - 1, marked);
        for (int i = 1; i < front.size(); ++i) {
            const QList<QByteArray> f = front[i].split(',');
            QCOMPARE(f[kColumns.indexOf("pareto")], QByteArray("1"));
            QVERIFY(whole_.contains(front[i]));
        }
    }

    void mergeRejectsBadShardSets()
    {
        for (int i = 0; i < 2; ++i)
            QCOMPARE(runCli({"sweep", "--spec", spec_, "--out", path(QString("half%1.csv").arg(i)), "--shard",
                             QString("%1/2").arg(i)})
                         .exitCode,
                     0);
        write(path("other.json"), R"({"sizes": [9, 10, 11, 12, 13, 14], "topologies": ["adder-tree", "chain"],
                                       "approximation": {"levels": [0, 1]}})");
        QCOMPARE(runCli({"sweep", "--spec", path("other.json"), "--out", path("other.csv"), "--shard", "1/2"}).exitCode,
                 0);
        const struct {
            QStringList files;
            const char* mention;
        } cases[] = {{{path("half0.csv"), path("half1.csv"), path("whole.csv")}, "appears in both"},
                     {{path("half0.csv"), path("half1.csv"), path("half1.csv")}, "half1.csv is given twice"},
                     {{path("half0.csv")}, "12 of 24 points are missing"},
                     {{path("half0.csv"), path("other.csv")}, "comes from another sweep"},
                     {{path("half0.csv"), path("spec.json")}, "not an axbnn sweep"}};
        for (const auto& c : cases) {
            const Run r = runCli(QStringList{"merge"} + c.files + QStringList{"--out", path("bad.csv")});
            QVERIFY(r.exitCode > 0);
            const QStringList lines = r.err.trimmed().split('\n');
            QCOMPARE(lines.size(), 1);
            QVERIFY2(lines[0].startsWith("axbnn: error: ") && lines[0].contains(c.mention), qPrintable(lines[0]));
            QVERIFY(!QFile::exists(path("bad.csv")));
        }
    }

    void badInputGivesOneErrorLine_data()
    {
        QTest::addColumn<QByteArray>("spec");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("mention");
        QTest::newRow("unknown topology")
            << QByteArray(R"({"sizes": [9], "topologies": ["tree"]})") << QStringList{} << "unknown topology 'tree'";
        QTest::newRow("empty list") << QByteArray(R"({"sizes": [9], "cells": []})") << QStringList{}
                                    << "cells: the list is empty";
        QTest::newRow("negative N") << QByteArray(R"({"sizes": [-9]})") << QStringList{} << "sizes[0]: -9 is outside";
        QTest::newRow("missing model file")
            << QByteArray(R"({"models": ["gone.h5"]})") << QStringList{} << "gone.h5: no such model file";
        QTest::newRow("bad shard") << kSpec << QStringList{"--shard", "3/3"} << "--shard '3/3'";
        QTest::newRow("bad output name") << kSpec << QStringList{"--out", "r.xlsx"}
                                         << "name the results file .csv or .json";
        QTest::newRow("bad pareto axis") << kSpec << QStringList{"--pareto-quality", "beauty"} << "beauty";
        QTest::newRow("other spec, same output")
            << QByteArray(R"({"sizes": [9]})") << QStringList{"--out", "@whole"} << "--restart";
    }

    void badInputGivesOneErrorLine()
    {
        QFETCH(QByteArray, spec);
        QFETCH(QStringList, extra);
        QFETCH(QString, mention);
        QTemporaryDir d;
        write(d.filePath("s.json"), spec);
        QString out = d.filePath("r.csv");
        for (int i = 0; i + 1 < extra.size(); ++i)
            if (extra[i] == "--out") {
                out = extra[i + 1] == "@whole" ? path("whole.csv") : d.filePath(extra[i + 1]);
                extra.remove(i, 2);
            }
        const QByteArray before = readAll(out);
        const Run r = runCli(QStringList{"sweep", "--spec", d.filePath("s.json"), "--out", out} + extra);
        QVERIFY(r.exitCode > 0);
        const QStringList lines = r.err.trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines[0].startsWith("axbnn: error: ") && lines[0].contains(mention), qPrintable(lines[0]));
        QVERIFY(r.out.isEmpty());
        QCOMPARE(readAll(out), before); // nothing written or overwritten
    }

    void restartDiscardsTheJournal()
    {
        QTemporaryDir d;
        write(d.filePath("a.json"), R"({"sizes": [9]})");
        write(d.filePath("b.json"), R"({"sizes": [10]})");
        const QString out = d.filePath("r.csv");
        QCOMPARE(runCli({"sweep", "--spec", d.filePath("a.json"), "--out", out}).exitCode, 0);
        const Run r = runCli({"sweep", "--spec", d.filePath("b.json"), "--out", out, "--restart"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("(3 evaluated, 0 resumed"));
        QVERIFY(readAll(out).contains("\n0,") && readAll(out).contains(",10,"));

        // --restart discards a journal, never another file at its name.
        for (const QByteArray& precious :
             {QByteArray("precious data\n"), QByteArray("{\"a\": 1}\nmore\n"), QByteArray("no newline at all")}) {
            const QString other = d.filePath("o.csv");
            write(other + ".journal", precious);
            const Run kept = runCli({"sweep", "--spec", d.filePath("a.json"), "--out", other, "--restart"});
            QCOMPARE(kept.exitCode, 1);
            QVERIFY2(kept.err.contains("is not a sweep journal, so --restart keeps it"), qPrintable(kept.err));
            QCOMPARE(readAll(other + ".journal"), precious);
            QVERIFY(!QFile::exists(other));
        }
        // ... and a torn journal header is still a journal.
        const QString torn = d.filePath("t.csv");
        write(torn + ".journal", "{\"journal\":\"axbnn-sw");
        QCOMPARE(runCli({"sweep", "--spec", d.filePath("a.json"), "--out", torn, "--restart"}).exitCode, 0);
    }

    void modelSweepReportsAccuracy()
    {
        QTemporaryDir d;
        axbnn::saveModel(axbnn::randomModel({28, 28, 1},
                                            {{axbnn::LayerKind::InputConv, 4, 3, 1, 1},
                                             {axbnn::LayerKind::MaxPool, 0, 0, 0, 0, 2},
                                             {axbnn::LayerKind::Conv, 8, 3, 1, 1},
                                             {axbnn::LayerKind::MaxPool, 0, 0, 0, 0, 2},
                                             {axbnn::LayerKind::Scores, 10}},
                                            3),
                         d.filePath("tiny.h5").toStdString());
        // Relative to the spec file; Fashion-MNIST from its Debian package.
        write(d.filePath("s.json"), R"({"models": [{"path": "tiny.h5", "layer": "conv2"}],
            "approximation": {"levels": [0, 2]}, "mitigation": ["none", "bias"],
            "data": {"limit": 100, "calibration_limit": 50}})");
        const Run r = runCli({"sweep", "--spec", d.filePath("s.json"), "--out", d.filePath("r.json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray rows = QJsonDocument::fromJson(readAll(d.filePath("r.json"))).object()["rows"].toArray();
        QCOMPARE(rows.size(), 4); // levels x mitigation
        for (const auto& v : rows) {
            const QJsonObject row = v.toObject();
            QCOMPARE(row["model"].toString(), QString("tiny.h5"));
            QCOMPARE(row["inputs"].toInt(), 36);
            QCOMPARE(row["images"].toInt(), 100);
            const double exact = row["exact_accuracy"].toDouble(), acc = row["accuracy"].toDouble();
            QVERIFY(exact >= 0 && exact <= 1 && acc >= 0 && acc <= 1);
            QCOMPARE(row["accuracy_loss"].toDouble(), exact - acc);
        }
    }
};

QTEST_GUILESS_MAIN(TestCliSweep)
#include "test_cli_sweep.moc"
