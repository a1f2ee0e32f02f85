// `axbnn error-model`: the file it writes is the engine's error model, the
// measured statistic is the one `axbnn eval --stats` reports, the circuit
// document drives `axbnn eval --config`, and bad input gives one error line.
#include "bnn/error_model.h"
#include "bnn/random_model.h"
#include "io/error_model_json.h"
#include "io/model_file.h"

#include "cli_test_support.h"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

using namespace axbnn;

namespace {

QString smallModel(const QTemporaryDir& dir)
{
    const QString path = dir.filePath("small.h5");
    saveModel(randomModel({28, 28, 1},
                          {{LayerKind::InputConv, 8, 3, 1, 1},
                           {LayerKind::MaxPool, 0, 0, 0, 0, 2},
                           {LayerKind::Conv, 8, 3, 1, 1},
                           {LayerKind::MaxPool, 0, 0, 0, 0, 2},
                           {LayerKind::Dense, 64},
                           {LayerKind::Scores, 10}},
                          11),
              path.toStdString());
    return path;
}

} // namespace

class TestCliErrorModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bareUnitFileIsTheEngineModel()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("u.json");
        const Run r = runCli({"error-model", "--fan-in", "10", "--approx-lsb", "1", "--p", "0.3", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("exhaustive"));
        const ErrorModel m = loadErrorModel(out.toStdString());
        QCOMPARE(m.layers.size(), size_t{1});
        ApproxConfig a;
        a.lsbColumns = 1;
        const LayerErrorModel expect =
            abstractLayerErrorModel(PopcountUnit(10, PopcountUnitConfig::makeCircuit(Topology::AdderTree, a)), 0.3);
        QCOMPARE(m.layers[0].layer, -1);
        QVERIFY(m.layers[0].probs == expect.probs);
        QVERIFY(m.layers[0].eMin == expect.eMin);
        QCOMPARE(m.layers[0].meanError, expect.meanError);
        QCOMPARE(m.layers[0].xnorP, 0.3);
    }

    void sampledFileIsDeterministicAndThreadIndependent()
    {
        QTemporaryDir dir;
        const QString a = dir.filePath("a.json"), b = dir.filePath("b.json");
        const QStringList common{"error-model", "--fan-in", "300", "--approx-lsb", "2", "--samples", "512"};
        QCOMPARE(runCli(common + QStringList{"--threads", "1", "--out", a}).exitCode, 0);
        QCOMPARE(runCli(common + QStringList{"--threads", "2", "--out", b}).exitCode, 0);
        QVERIFY(!readAll(a).isEmpty());
        QCOMPARE(readAll(a), readAll(b));
        QCOMPARE(loadErrorModel(a.toStdString()).layers[0].method, std::string("sampled"));
    }

    void modelLayersUseTheMeasuredStatistic()
    {
        QTemporaryDir dir;
        const QString model = smallModel(dir);
        const QString out = dir.filePath("m.json");
        const Run r = runCli({"error-model", "--model", model, "--approx-lsb", "2", "--data", "fashion-mnist",
                              "--limit", "60", "--samples", "512", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const ErrorModel m = loadErrorModel(out.toStdString());
        QCOMPARE(m.statistic, std::string("measured"));
        QCOMPARE(m.layers.size(), size_t{2});
        QCOMPARE(m.layers[0].layer, 2);
        QCOMPARE(m.layers[0].fanIn, 72);
        QCOMPARE(m.layers[1].layer, 4);
        QCOMPARE(m.layers[1].fanIn, 392);
        checkErrorModelFits(m, loadModel(model.toStdString()));

        // The same statistic `axbnn eval --stats` measures on the same images.
        const Run stats = runCli({"eval", "--model", model, "--approx-lsb", "2", "--limit", "60", "--stats", "--json"});
        QCOMPARE(stats.exitCode, 0);
        const QJsonArray layers = QJsonDocument::fromJson(stats.out.toUtf8()).object()["layers"].toArray();
        for (const LayerErrorModel& l : m.layers) {
            const double p = layers[l.layer].toObject()["stats"].toObject()["xnor_one_fraction"].toDouble();
            QVERIFY2(std::abs(p - l.xnorP) < 1e-12, qPrintable(QString("%1 vs %2").arg(p).arg(l.xnorP)));
            QVERIFY(l.xnorP != 0.5);
        }

        // The file's circuit document is a layer configuration for `axbnn eval --config`.
        const QString config = dir.filePath("circuit.json");
        {
            QFile f(config);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray::fromStdString(m.circuit.dump()));
        }
        const Run viaConfig = runCli({"eval", "--model", model, "--config", config, "--limit", "60", "--json"});
        const Run viaKnobs = runCli({"eval", "--model", model, "--approx-lsb", "2", "--limit", "60", "--json"});
        QCOMPARE(viaConfig.exitCode, 0);
        const auto correct = [](const Run& run) {
            return QJsonDocument::fromJson(run.out.toUtf8()).object()["correct"].toInt(-1);
        };
        QCOMPARE(correct(viaConfig), correct(viaKnobs));
    }

    // --statistic data: rows counted on the images (the engine's counts),
    // the source in the file, and one comparison line per layer.
    void dataStatisticCountsTheImages()
    {
        QTemporaryDir dir;
        const QString model = smallModel(dir);
        const QString out = dir.filePath("d.json"), iidOut = dir.filePath("i.json");
        const QStringList common{"error-model", "--model",       model,     "--approx-lsb", "2",
                                 "--data",      "fashion-mnist", "--limit", "40",           "--samples",
                                 "512",         "--threads",     "1"};
        const Run r = runCli(common + QStringList{"--statistic", "data", "--prior-samples", "4", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("data vs i.i.d."));
        const ErrorModel m = loadErrorModel(out.toStdString());
        QCOMPARE(m.statistic, std::string("data"));
        QCOMPARE(m.dataImages, 40);
        QCOMPARE(m.priorSamples, 4.0);
        QVERIFY(!m.dataSource.empty());
        QCOMPARE(m.layers.size(), size_t{2});
        checkErrorModelFits(m, loadModel(model.toStdString()));
        const Model loaded = loadModel(model.toStdString());
        for (const LayerErrorModel& l : m.layers) {
            uint64_t total = 0;
            for (uint64_t n : l.rowSamples)
                total += n;
            // Every neuron of every image is one sample.
            QCOMPARE(total, uint64_t(40) * static_cast<uint64_t>(loaded.layers[l.layer].outputs()));
            bool listed = false; // the comparison line: layer, kind, samples, ...
            for (const QString& line : r.out.split('\n')) {
                const QStringList f = line.split(' ', Qt::SkipEmptyParts);
                listed = listed
                    || (f.size() == 11 && f[0] == QString::number(l.layer) && f[1] == QString::fromStdString(l.kind)
                        && f[2] == QString::number(total));
            }
            QVERIFY2(listed, qPrintable(r.out));
        }
        // The i.i.d. path with the same images is the "measured" file.
        QCOMPARE(runCli(common + QStringList{"--out", iidOut}).exitCode, 0);
        QCOMPARE(loadErrorModel(iidOut.toStdString()).statistic, std::string("measured"));
        QVERIFY(!readAll(iidOut).contains("\"n\":"));
    }

    void perLayerConfigSelectsLayers()
    {
        QTemporaryDir dir;
        const QString model = smallModel(dir);
        const QString config = dir.filePath("layers.json");
        {
            QFile f(config);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"layers": {"4": {"approx_lsb": 1, "unit_width": 100}}})");
        }
        const QString out = dir.filePath("m.json");
        const Run r = runCli({"error-model", "--model", model, "--config", config, "--samples", "512", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const ErrorModel m = loadErrorModel(out.toStdString());
        QCOMPARE(m.layers.size(), size_t{1});
        QCOMPARE(m.layers[0].layer, 4);
        QCOMPARE(m.layers[0].unitWidth, 100);
        QCOMPARE(m.layers[0].xnorP, 0.5);
        QCOMPARE(m.statistic, std::string("iid"));
    }

    void badInputGivesOneErrorLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mention");
        QTest::newRow("no source") << QStringList{"--approx-lsb", "1"} << "--model";
        QTest::newRow("both sources") << QStringList{"--fan-in", "9", "--model", "MODEL", "--approx-lsb", "1"}
                                      << "either";
        QTest::newRow("no approximation") << QStringList{"--model", "MODEL"} << "--approx-lsb";
        QTest::newRow("propagation") << QStringList{"--fan-in", "9", "--approx-lsb", "1", "--method", "propagation"}
                                     << "P(e | s)";
        QTest::newRow("data without model")
            << QStringList{"--fan-in", "9", "--approx-lsb", "1", "--data", "x"} << "--model";
        QTest::newRow("missing model") << QStringList{"--model", "/nonexistent.h5", "--approx-lsb", "1"}
                                       << "nonexistent";
        QTest::newRow("exhaustive too wide")
            << QStringList{"--fan-in", "40", "--approx-lsb", "1", "--method", "exhaustive"} << "exhaustive";
        QTest::newRow("unknown cell") << QStringList{"--fan-in", "9", "--approx-lsb", "1", "--cell", "nand"} << "nand";
        QTest::newRow("bad data") << QStringList{"--model", "MODEL", "--approx-lsb", "1", "--data", "/nonexistent"}
                                  << "nonexistent";
        QTest::newRow("data statistic without data")
            << QStringList{"--model", "MODEL", "--approx-lsb", "1", "--statistic", "data"} << "--data";
        QTest::newRow("accuracy without batch-norm parameters")
            << QStringList{"--model", "MODEL", "--approx-lsb", "1", "--accuracy-data", "fashion-mnist"} << "batch-norm";
        QTest::newRow("unknown statistic")
            << QStringList{"--model", "MODEL", "--approx-lsb", "1", "--statistic", "real"} << "--statistic";
        QTest::newRow("negative prior") << QStringList{"--model",         "MODEL", "--approx-lsb", "1",
                                                       "--statistic",     "data",  "--data",       "fashion-mnist",
                                                       "--prior-samples", "-1"}
                                        << "--prior-samples";
    }

    void badInputGivesOneErrorLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mention);
        QTemporaryDir dir;
        const QString model = smallModel(dir);
        const QString out = dir.filePath("out.json");
        args.replaceInStrings("MODEL", model);
        const Run r = runCli(QStringList{"error-model"} + args + QStringList{"--out", out});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.startsWith("axbnn: error:"), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY2(r.err.contains(mention), qPrintable(r.err));
        QVERIFY(r.out.isEmpty() || !r.out.contains("wrote"));
        QVERIFY(!QFile::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestCliErrorModel)
#include "test_cli_error_model.moc"
