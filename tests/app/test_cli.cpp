// The axbnn command line: JSON output fields, help text, and one clear error
// line with a non-zero exit for every kind of bad input.
#include "bnn/random_model.h"
#include "io/dataset.h"
#include "io/model_file.h"

#include "cli_test_support.h"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <cmath>

class TestCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void jsonHasEveryDocumentedField()
    {
        const QJsonObject j = runCliJson({"circuit", "--inputs", "576", "--approx-lsb", "2"});
        for (const char* key : {"inputs", "output_bits", "topology", "counts", "area_um2", "transistors", "delay_ps",
                                "energy_fj", "error"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["inputs"].toInt(), 576);
        QCOMPARE(j["output_bits"].toInt(), 10);
        QCOMPARE(j["topology"].toString(), QString("adder-tree"));
        QVERIFY(j["counts"].toObject()["maj-fa"].toInt() > 0);
        const QJsonObject e = j["error"].toObject();
        for (const char* key : {"method", "error_rate", "mean_error", "mae", "mse", "wce"})
            QVERIFY2(e.contains(key), key);
        QCOMPARE(e["method"].toString(), QString("propagation"));
        QVERIFY(e["error_rate"].toDouble() > 0 && e["error_rate"].toDouble() < 1);
    }

    void exactCircuitReportsZeroError()
    {
        const QJsonObject j = runCliJson({"circuit", "-n", "9", "--topology", "dadda"});
        const QJsonObject e = j["error"].toObject();
        QCOMPARE(e["method"].toString(), QString("exhaustive"));
        QCOMPARE(e["error_rate"].toDouble(), 0.0);
        QCOMPARE(e["wce"].toInt(), 0);
    }

    void approximationIsCheaperThanExact()
    {
        const QJsonObject exact = runCliJson({"circuit", "-n", "300"});
        const QJsonObject approx = runCliJson({"circuit", "-n", "300", "--approx-levels", "2"});
        QVERIFY(approx["area_um2"].toDouble() < exact["area_um2"].toDouble());
        QVERIFY(approx["transistors"].toInt() < exact["transistors"].toInt());
    }

    // --library cmos45: the same circuit (cells, error) costed with the
    // transistor-level table; the library is named in the report.
    void libraryChoosesTheCellTable()
    {
        const QStringList args{"circuit", "-n", "64", "--approx-lsb", "2"};
        const QJsonObject sky = runCliJson(args);
        const QJsonObject cmos = runCliJson(args + QStringList{"--library", "cmos45"});
        QCOMPARE(cmos["cells"].toInt(), sky["cells"].toInt());
        QCOMPARE(cmos["error"].toObject()["mae"].toDouble(), sky["error"].toObject()["mae"].toDouble());
        QVERIFY(cmos["cell_library"].toString().contains("cmos45"));
        QVERIFY(cmos["area_um2"].toDouble() < sky["area_um2"].toDouble() / 2);
        QVERIFY(cmos["transistors"].toInt() != sky["transistors"].toInt());
        QCOMPARE(runCliJson(args + QStringList{"--library", "sky130"}), sky);
    }

    void summaryIsReadable()
    {
        const Run r = runCli({"circuit", "--inputs", "49", "--approx-lsb", "1"});
        QCOMPARE(r.exitCode, 0);
        for (const char* word : {"area", "transistors", "delay", "energy", "error rate", "MAE", "WCE"})
            QVERIFY2(r.out.contains(word), word);
    }

    // cost-table --summary: an aligned table for people on standard output,
    // whose numbers are the CSV's (written to --out, every column kept).
    void costTableSummaryIsAlignedAndAgreesWithTheCsv()
    {
        QTemporaryDir dir;
        const QString csvPath = dir.filePath("cost.csv");
        const Run r =
            runCli({"cost-table", "-n", "9,49,576", "--topologies", "adder-tree,dadda", "--summary", "--out", csvPath});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(!r.out.contains(','), "the CSV must not go to standard output with --summary");
        const QStringList lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2 + 6); // two header lines, one row per topology and N
        QVERIFY(lines[0].startsWith("topology"));
        // Aligned: every column starts where the header's does, so the area
        // column's right edge is the same on every line.
        const qsizetype areaEnd = lines[0].indexOf("area um2") + QString("area um2").size();
        QVERIFY(areaEnd > 0);

        const QList<QByteArray> csv = readAll(csvPath).trimmed().split('\n');
        QCOMPARE(csv.size(), 1 + 12); // header, exact and approximate per topology and N
        const QList<QByteArray> columns = csv[0].split(',');
        const auto at = [&](const QList<QByteArray>& row, const char* name) {
            return row[columns.indexOf(QByteArray(name))];
        };
        for (int i = 0; i < 6; ++i) {
            const QString line = lines[2 + i];
            QVERIFY2(line.size() > areaEnd && line[areaEnd - 1] != ' ' && line[areaEnd] == ' ', qPrintable(line));
            const QStringList f = line.split(' ', Qt::SkipEmptyParts);
            const QList<QByteArray> exact = csv[1 + 2 * i].split(',');
            const QList<QByteArray> approx = csv[2 + 2 * i].split(',');
            QCOMPARE(at(exact, "variant"), QByteArray("exact"));
            QCOMPARE(at(approx, "variant"), QByteArray("approximate"));
            QCOMPARE(f[0], QString(at(exact, "topology")));
            QCOMPARE(f[1], QString(at(exact, "inputs")));
            const double areaExact = at(exact, "area_um2").toDouble();
            const double areaApprox = at(approx, "area_um2").toDouble();
            QCOMPARE(f[2], QString::number(areaExact, 'f', 1));
            QCOMPARE(f[3], QString::number(areaApprox, 'f', 1));
            QVERIFY(f[4].endsWith('%'));
            QVERIFY2(std::abs(f[4].chopped(1).toDouble() - 100 * (areaExact - areaApprox) / areaExact) < 0.06,
                     qPrintable(line));
            const double energyExact = at(exact, "energy_fj").toDouble();
            const double energySaved = 100 * (energyExact - at(approx, "energy_fj").toDouble()) / energyExact;
            QVERIFY2(std::abs(f[5].chopped(1).toDouble() - energySaved) < 0.06,
                     qPrintable(line)); // CSV rounds to 0.01 fJ
            QCOMPARE(f[7], QString::number(at(approx, "error_rate").toDouble(), 'f', 4));
            QCOMPARE(f.last(), QString(at(approx, "error_method")));
        }
    }

    // plot and report run in axbnn-export beside axbnn; an axbnn without it
    // says which file is missing and how to build it.
    void exportCommandsNeedTheExecutableBeside()
    {
        QTemporaryDir dir;
        const QString copy = dir.filePath("axbnn");
        QVERIFY(QFile::copy(QStringLiteral(AXBNN_CLI), copy));
        for (const char* command : {"plot", "report"}) {
            const Run r = runProgram(copy, {command, "--session", "s.json", "--out", "x.svg"});
            QCOMPARE(r.exitCode, 1);
            QCOMPARE(r.err.count('\n'), 1);
            QVERIFY2(r.err.contains(QString("'%1' runs in %2").arg(command, dir.filePath("axbnn-export"))),
                     qPrintable(r.err));
            QVERIFY2(r.err.contains("-DAXBNN_GUI=ON"), qPrintable(r.err));
        }
        const Run help = runProgram(copy, {"--help"});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("plot") && help.out.contains("report"));
    }

    void verilogIsWrittenAndUnwritablePathFails()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("p.v");
        QCOMPARE(runCli({"circuit", "-n", "25", "--verilog", path}).exitCode, 0);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll().contains("module popcount"));
        const Run bad = runCli({"circuit", "-n", "25", "--verilog", dir.filePath("no/such/dir/p.v")});
        QVERIFY(bad.exitCode != 0);
        QVERIFY(!QFile::exists(dir.filePath("no/such/dir/p.v")));
    }

    void helpDocumentsEveryOption()
    {
        const Run top = runCli({"--help"});
        QCOMPARE(top.exitCode, 0);
        QVERIFY(top.out.contains("circuit"));
        const Run r = runCli({"circuit", "--help"});
        QCOMPARE(r.exitCode, 0);
        for (const char* opt :
             {"--inputs", "--topology", "--cell", "--ha-cell", "--approx-lsb", "--approx-levels", "--approx-cells",
              "--p", "--json", "--verilog", "--cells", "--library", "--method", "--samples"})
            QVERIFY2(r.out.contains(opt), opt);
    }

    // Data a model cannot be scored on is refused with one line: labels the
    // model cannot predict (they counted as silent 0%) and no images at all.
    void evalRefusesDataTheModelCannotBeScoredOn()
    {
        QTemporaryDir dir;
        const QString model = dir.filePath("m.h5");
        axbnn::saveModel(axbnn::randomModel({8, 8, 1},
                                            {{axbnn::LayerKind::InputConv, 4, 3, 1, 1},
                                             {axbnn::LayerKind::Dense, 16},
                                             {axbnn::LayerKind::Scores, 3}},
                                            3),
                         model.toStdString());
        axbnn::Dataset data;
        data.shape = {8, 8, 1};
        data.count = 12;
        data.images.assign(12 * 64, 7);
        for (int i = 0; i < 12; ++i)
            data.labels.push_back(static_cast<uint8_t>(i % 5)); // classes 0..4; the model has 3
        data.classNames = {"a", "b", "c", "d", "e"};
        const QString labels = dir.filePath("labels.h5");
        axbnn::saveDatasetH5(data, labels.toStdString());
        const Run r = runCli({"eval", "--model", model, "--data", labels});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY2(r.err.contains("label 3 of image 3 is not a class of the model (it has 3 classes, 0..2)"),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(labels), qPrintable(r.err));
        // The first three images have labels 0..2: scored without complaint.
        QCOMPARE(runCli({"eval", "--model", model, "--data", labels, "--limit", "3"}).exitCode, 0);

        data.count = 0;
        data.images.clear();
        data.labels.clear();
        const QString empty = dir.filePath("empty.h5");
        axbnn::saveDatasetH5(data, empty.toStdString());
        const Run none = runCli({"eval", "--model", model, "--data", empty});
        QCOMPARE(none.exitCode, 1);
        QVERIFY2(none.err.contains("no images to evaluate"), qPrintable(none.err));
        QVERIFY(none.out.isEmpty());
    }

    void evalReportsAccuracyAndWritesPredictions()
    {
        QTemporaryDir dir;
        const QString model = dir.filePath("small.h5");
        axbnn::saveModel(axbnn::randomModel({28, 28, 1},
                                            {{axbnn::LayerKind::InputConv, 8, 3, 1, 1},
                                             {axbnn::LayerKind::MaxPool, 0, 0, 0, 0, 2},
                                             {axbnn::LayerKind::Conv, 8, 3, 1, 1},
                                             {axbnn::LayerKind::MaxPool, 0, 0, 0, 0, 2},
                                             {axbnn::LayerKind::Dense, 64},
                                             {axbnn::LayerKind::Scores, 10}},
                                            11),
                         model.toStdString());
        const QString predictions = dir.filePath("pred.txt");
        const QJsonObject exact =
            runCliJson({"eval", "--model", model, "--limit", "300", "--predictions", predictions});
        QCOMPARE(exact["samples"].toInt(), 300);
        const double accuracy = exact["accuracy"].toDouble();
        QVERIFY(accuracy >= 0.0 && accuracy <= 1.0);
        QCOMPARE(exact["correct"].toInt(), qRound(accuracy * 300));
        QFile f(predictions);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 300);
        for (const QByteArray& l : lines)
            QVERIFY(l.toInt() >= 0 && l.toInt() < 10);
        // --repeat: the same predictions, the time of the median pass.
        const QJsonObject repeated = runCliJson({"eval", "--model", model, "--limit", "300", "--repeat", "3"});
        QCOMPARE(repeated["correct"].toInt(), exact["correct"].toInt());
        QCOMPARE(repeated["repeat"].toInt(), 3);
        const QJsonArray passes = repeated["pass_seconds"].toArray();
        QCOMPARE(passes.size(), 3);
        QList<double> sorted;
        for (const auto& p : passes)
            sorted.push_back(p.toDouble());
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(repeated["seconds"].toDouble(), sorted[1]);
        QCOMPARE(repeated["images_per_second"].toDouble(), 300 / sorted[1]);
        QCOMPARE(exact["pass_seconds"].toArray().size(), 1);
        // The exact circuit simulated gate by gate predicts what the plain count does.
        const QJsonObject circuit = runCliJson({"eval", "--model", model, "--limit", "300", "--popcount", "circuit"});
        QCOMPARE(circuit["correct"].toInt(), exact["correct"].toInt());
        const QJsonObject biased = runCliJson({"eval", "--model", model, "--limit", "100", "--approx-lsb", "2",
                                               "--mitigation", "bias", "--calibration-limit", "50", "--stats"});
        const QJsonArray layers = biased["layers"].toArray();
        QCOMPARE(layers[2].toObject()["popcount"].toString(), QString("circuit"));
        QVERIFY(layers[2].toObject()["stats"].toObject()["value_changed_fraction"].toDouble() > 0);
        QCOMPARE(biased["mitigation"].toObject()["layers"].toArray().size(), 3); // all layers at once, then each
        const QJsonObject tuned = runCliJson({"eval", "--model", model, "--limit", "100", "--approx-lsb", "2",
                                              "--mitigation", "tune", "--calibration-limit", "50"});
        const QJsonObject tuning = tuned["mitigation"].toObject();
        QCOMPARE(tuning["method"].toString(), QString("tune"));
        QCOMPARE(tuning["layers"].toArray().size(), 3);
        QVERIFY(tuning["correct_after"].toInt() >= tuning["correct_before"].toInt());
        for (const auto& l : tuning["layers"].toArray()) {
            const QJsonObject o = l.toObject();
            if (o["layer"].toInt() < 0)
                continue;
            QVERIFY(o["agreement_after"].toDouble() >= o["agreement_before"].toDouble());
            QVERIFY(o["threshold_bits"].toInt() > 0);
        }
    }

    void badInputGivesOneErrorLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mention");
        QTest::newRow("N = 0") << QStringList{"circuit", "--inputs", "0"} << "--inputs";
        QTest::newRow("negative N") << QStringList{"circuit", "--inputs", "-4"} << "--inputs";
        QTest::newRow("absurd N") << QStringList{"circuit", "--inputs", "99999999999"} << "--inputs";
        QTest::newRow("N not a number") << QStringList{"circuit", "--inputs", "many"} << "--inputs";
        QTest::newRow("missing N") << QStringList{"circuit"} << "--inputs";
        QTest::newRow("unknown topology") << QStringList{"circuit", "-n", "9", "--topology", "tree"} << "topology";
        QTest::newRow("unknown cell") << QStringList{"circuit", "-n", "9", "--cell", "nand"} << "nand";
        QTest::newRow("wrong arity cell")
            << QStringList{"circuit", "-n", "9", "--approx-lsb", "1", "--cell", "or-ha"} << "or-ha";
        QTest::newRow("p > 1") << QStringList{"circuit", "-n", "9", "--p", "1.5"} << "--p";
        QTest::newRow("negative lsb") << QStringList{"circuit", "-n", "9", "--approx-lsb", "-1"} << "--approx-lsb";
        QTest::newRow("absurd lsb") << QStringList{"circuit", "-n", "9", "--approx-lsb", "1000"} << "--approx-lsb";
        QTest::newRow("unknown compressor")
            << QStringList{"circuit", "-n",           "9",    "--topology", "wallace", "--approx-compressors",
                           "1",       "--compressor", "c42-x"}
            << "--compressor: unknown 4:2 compressor 'c42-x' (known: c42-hl, c42-yin)";
        QTest::newRow("compressors on an adder tree")
            << QStringList{"circuit", "-n", "9", "--approx-compressors", "1"} << "wallace and dadda trees only";
        QTest::newRow("absurd compressor columns")
            << QStringList{"circuit", "-n", "9", "--topology", "dadda", "--approx-compressors", "65"}
            << "--approx-compressors";
        QTest::newRow("cell id out of range") << QStringList{"circuit", "-n", "9", "--approx-cells", "500"} << "500";
        QTest::newRow("unknown method") << QStringList{"circuit", "-n", "9", "--method", "guess"} << "guess";
        QTest::newRow("missing cell file")
            << QStringList{"circuit", "-n", "9", "--cells", "/no/such.json"} << "/no/such.json";
        QTest::newRow("malformed cell file")
            << QStringList{"circuit", "-n", "9", "--cells", "@bad"} << "not valid JSON";
        QTest::newRow("unknown library") << QStringList{"circuit", "-n", "9", "--library", "cmos7"}
                                         << "'cmos7' is neither a built-in library";
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << "frobnicate";
        QTest::newRow("unknown option") << QStringList{"circuit", "-n", "9", "--fast"} << "--fast";
        QTest::newRow("missing model") << QStringList{"eval", "--model", "/no/model.h5"} << "/no/model.h5";
        QTest::newRow("model not HDF5") << QStringList{"eval", "--model", "@bad"} << "not a readable HDF5";
        QTest::newRow("missing data") << QStringList{"model", "info", "/no/m.h5"} << "/no/m.h5";
        QTest::newRow("cost-table takes --topologies")
            << QStringList{"cost-table", "-n", "9", "--topology", "wallace"} << "--topology";
        QTest::newRow("no passes") << QStringList{"eval", "--model", "@bad", "--repeat", "0"} << "--repeat";
        QTest::newRow("unknown mitigation")
            << QStringList{"eval", "--model", "@bad", "--mitigation", "magic"} << "magic";
        // One limits table (circuit/design_limits.h): a fan-in the builders refuse
        // is refused by the option itself.
        QTest::newRow("fan-in above the builders' limit")
            << QStringList{"error-model", "--fan-in", "70000", "--out", "x.json"} << "--fan-in";
        // Numbers that are not numbers, and seeds that do not fit 64 bits
        // (CLI11 alone saturated them, so different seeds ran the same).
        QTest::newRow("N not a number, said so")
            << QStringList{"circuit", "--inputs", "abc"} << "must be a whole number, not 'abc'";
        QTest::newRow("seed -1") << QStringList{"circuit", "-n", "9", "--seed", "-1"} << "--seed";
        QTest::newRow("seed 10^23") << QStringList{"circuit", "-n", "9", "--seed", "100000000000000000000000"}
                                    << "must be a whole number from 0 to 18446744073709551615";
        QTest::newRow("seed 2^64") << QStringList{"circuit", "-n", "9", "--seed", "18446744073709551616"} << "--seed";
        QTest::newRow("train seed 2^64") << QStringList{"train", "--seed", "18446744073709551616", "--out", "x.h5"}
                                         << "--seed";
        QTest::newRow("unit width above the limit")
            << QStringList{"eval", "--model", "@bad", "--unit-width", "70000"} << "--unit-width";
        // A library that redefines a cell the builders place (this crashed
        // the timing analysis on every topology).
        for (const char* topology : {"adder-tree", "wallace", "dadda", "chain"})
            QTest::newRow(qPrintable(QString("3-input ha, %1").arg(topology)))
                << QStringList{"circuit", "-n", "25", "--topology", topology, "--approx-lsb", "1", "--cells", "@ha3"}
                << "'ha' is a cell the popcount builders place";
    }

    void badInputGivesOneErrorLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mention);
        QTemporaryDir dir;
        for (QString& a : args) {
            if (a == "@bad") {
                a = dir.filePath("bad.json");
                QFile f(a);
                QVERIFY(f.open(QIODevice::WriteOnly));
                f.write("{\"cells\": [ {\"name\": ");
            } else if (a == "@ha3") {
                a = dir.filePath("ha3.json");
                QFile f(a);
                QVERIFY(f.open(QIODevice::WriteOnly));
                f.write(R"({"cells": [{"name": "ha", "inputs": 3, "sum": "01101001", "carry": "00010111"}]})");
            }
        }
        const Run r = runCli(args);
        QVERIFY2(r.exitCode > 0, qPrintable(QString::number(r.exitCode) + r.err));
        const QStringList lines = r.err.trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines[0].startsWith("axbnn: error: "), qPrintable(lines[0]));
        QVERIFY2(lines[0].contains(mention), qPrintable(lines[0]));
        QVERIFY(r.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
