// `axbnn train`: a short run writes a loadable model and reports its test
// accuracy; every kind of bad input gives one clear error line, a non-zero
// exit and no output file.
#include "bnn/training_record.h"
#include "io/model_file.h"

#include <nlohmann/json.hpp>

#include "cli_test_support.h"

#include <QtTest>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <cmath>

namespace {

// A quick MLP run: 640 training images, 200 test images.
QStringList quick(const QString& out, const QString& hidden = "32")
{
    return {"train", "--arch", "fc",           "--hidden", hidden,    "--epochs", "1",     "--limit", "640",
            "--lr",  "0.01",   "--test-limit", "200",      "--batch", "32",       "--out", out};
}

} // namespace

class TestCliTrain : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shortRunWritesModelWithAccuracy()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("m.h5");
        const Run r = runCli(quick(out));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("test accuracy"));
        QVERIFY(r.err.contains("epoch 1/1")); // plain progress lines when stderr is not a terminal
        const axbnn::Model m = axbnn::loadModel(out.toStdString());
        QCOMPARE(m.layers.size(), size_t(3));
        QCOMPARE(m.layers[1].fanIn(), 32);
        QVERIFY(m.meta.accuracyAtSave > 0.3); // 10 classes: chance is 0.1
        QVERIFY(m.meta.approximationConfig.empty());
    }

    // Circuit options build the error model in process; the model records
    // the circuit it was trained for.
    void approximationAwareRunRecordsItsCircuit()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("m.h5");
        const Run r = runCli(quick(out) + QStringList{"--approx-lsb", "1", "--cell", "maj-fa"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const axbnn::Model m = axbnn::loadModel(out.toStdString());
        QVERIFY(QString::fromStdString(m.meta.approximationConfig).contains("maj-fa"));
    }

    // --hardware-in-the-loop: no error model is abstracted, the record and
    // the recipe say how the model was trained, and the accuracy through the
    // circuits is reported (in --json too).
    void hardwareInTheLoopRunReportsTheCircuitAccuracy()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("m.h5");
        const Run r = runCli(quick(out) + QStringList{"--approx-lsb", "2", "--hardware-in-the-loop", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(!r.err.contains("abstracting the error model"));
        QVERIFY(r.err.contains("hardware in the loop"));
        const nlohmann::json j = nlohmann::json::parse(r.out.toStdString());
        QVERIFY(j["circuit_test_accuracy"].get<double>() > 0.2);
        QCOMPARE(j["epochs"][0]["circuit_test_accuracy"], j["circuit_test_accuracy"]);
        const axbnn::Model m = axbnn::loadModel(out.toStdString());
        QVERIFY(axbnn::trainingRecordOf(m.meta).hardwareInTheLoop);
        QVERIFY(QString::fromStdString(m.meta.trainingRecipe).contains("hardware in the loop"));
        QVERIFY(QString::fromStdString(m.meta.approximationConfig).contains("maj-fa"));
        // model info says how it was trained.
        const Run info = runCli({"model", "info", out});
        QVERIFY2(info.out.contains("trained: approximation-aware, hardware in the loop\n"), qPrintable(info.out));
    }

    // An imported circuit reaches training through its error model: the
    // error model of a netlist exported from a built circuit equals the
    // built circuit's (an imported gate netlist marks no cell approximate,
    // so this once came out "error-free"), and a model trained with it is
    // the one trained with the built circuit's error model, not the exact one.
    void importedNetlistTrainsThroughItsErrorModel()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath("base.h5");
        QVERIFY(runCli(quick(base)).exitCode == 0);
        const QString v = dir.filePath("pc8a.v");
        QCOMPARE(runCli({"circuit", "-n", "8", "--approx-lsb", "1", "--cell", "maj-fa", "--verilog", v}).exitCode, 0);
        QFile cfg(dir.filePath("layers.json"));
        QVERIFY(cfg.open(QIODevice::WriteOnly));
        cfg.write(R"({"default": {"netlist": "pc8a.v"}})");
        cfg.close();
        const QString imported = dir.filePath("imported.json"), built = dir.filePath("built.json");
        Run r = runCli({"error-model", "--model", base, "--config", cfg.fileName(), "--out", imported});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({"error-model", "--model", base, "--approx-lsb", "1", "--cell", "maj-fa", "--unit-width", "8",
                    "--out", built});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        auto layers = [](const QString& path) {
            QFile f(path);
            f.open(QIODevice::ReadOnly);
            QJsonArray a = QJsonDocument::fromJson(f.readAll()).object()["layers"].toArray();
            for (auto&& l : a) { // what differs by construction: how the circuit is described
                QJsonObject o = l.toObject();
                o.remove("circuit");
                l = o;
            }
            return a;
        };
        const QJsonArray a = layers(imported);
        QVERIFY(!a.isEmpty());
        QVERIFY(a[0].toObject()["error_rate"].toDouble() > 0);
        QCOMPARE(a, layers(built));

        auto train = [&](const QString& name, const QStringList& extra) {
            const QString out = dir.filePath(name);
            const Run t = runCli(quick(out) + extra);
            return t.exitCode == 0 ? axbnn::loadModel(out.toStdString()) : axbnn::Model{};
        };
        const axbnn::Model fromImported = train("i.h5", {"--error-model", imported});
        const axbnn::Model fromBuilt = train("b.h5", {"--error-model", built});
        const axbnn::Model exact = train("e.h5", {});
        QCOMPARE(fromImported.layers.size(), size_t(3));
        QVERIFY(QString::fromStdString(fromImported.meta.approximationConfig).contains("pc8a.v"));
        for (size_t i = 0; i < fromImported.layers.size(); ++i) {
            QVERIFY(fromImported.layers[i].weights == fromBuilt.layers[i].weights);
            QVERIFY(fromImported.layers[i].thresholds.threshold == fromBuilt.layers[i].thresholds.threshold);
        }
        QVERIFY(fromImported.layers[1].weights != exact.layers[1].weights
                || fromImported.layers[1].thresholds.threshold != exact.layers[1].thresholds.threshold);
    }

    void badInputGivesOneClearError_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown architecture") << QStringList{"--arch", "resnet"} << "unknown architecture 'resnet'";
        QTest::newRow("even kernel") << QStringList{"--arch", "vgg3", "--kernel", "4"} << "odd kernel";
        QTest::newRow("kernel beyond the image") << QStringList{"--arch", "vgg3", "--kernel", "29"} << "does not fit";
        // The ranges --help shows are the ones the trainer accepts (issue 20).
        QTest::newRow("zero epochs") << QStringList{"--epochs", "0"} << "0 only when fine-tuning";
        QTest::newRow("negative epochs") << QStringList{"--epochs", "-3"} << "--epochs: Value -3 not in range 0 to";
        QTest::newRow("hidden too wide") << QStringList{"--hidden", "65537"}
                                         << "--hidden: Value 65537 not in range 1 to 65536";
        QTest::newRow("batch of one") << QStringList{"--batch", "1"} << "--batch: Value 1 not in range 2 to 4096";
        QTest::newRow("no channels") << QStringList{"--channels", "0"} << "--channels: Value 0 not in range 1 to 4096";
        QTest::newRow("both error sources")
            << QStringList{"--approx-lsb", "1", "--error-model", AXBNN_CLI} << "either --error-model";
        QTest::newRow("missing data") << QStringList{"--data", "/nonexistent/data.h5"} << "/nonexistent/data.h5";
        QTest::newRow("level listed twice") << QStringList{"--approx-lsb", "1,1"} << "--approx-lsb lists 1 twice";
        QTest::newRow("two knob lists") << QStringList{"--approx-lsb", "0,1", "--approx-levels", "1,2"}
                                        << "varies one knob";
        QTest::newRow("missing level file")
            << QStringList{"--error-model", "exact,/nonexistent/e.json"} << "/nonexistent/e.json is not a file";
        QTest::newRow("missing init model") << QStringList{"--init", "/nonexistent/m.h5"} << "/nonexistent/m.h5";
        QTest::newRow("unknown level mix")
            << QStringList{"--level-mix", "pixel"} << "--level-mix: unknown mix 'pixel' (known: batch, image)";
        QTest::newRow("level beyond the knob's range") << QStringList{"--approx-lsb", "0,99"} << "--approx-lsb";
        QTest::newRow("hardware in the loop without a circuit")
            << QStringList{"--hardware-in-the-loop"} << "--hardware-in-the-loop counts through the circuits";
        QTest::newRow("hardware in the loop with an error-model file")
            << QStringList{"--hardware-in-the-loop", "--error-model", AXBNN_CLI} << "--hardware-in-the-loop";
    }

    // --init: the architecture comes from the model (its hidden width 32
    // without --hidden), a lower default learning rate, the batch-norm of
    // every layer taken over, and the record names the init model.
    void fineTuneFromAModel()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath("base.h5"), out = dir.filePath("ft.h5");
        QVERIFY(runCli(quick(base)).exitCode == 0);
        const Run r = runCli({"train", "--init", base, "--epochs", "1", "--limit", "640", "--test-limit", "200",
                              "--batch", "32", "--approx-lsb", "1", "--cell", "maj-fa", "--json", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("fine-tuned from base.h5 (lr 0.0001)"), qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(j["arch"].toString(), QString("fc"));
        QCOMPARE(j["init"].toObject()["layers_from_batch_norm"].toInt(), 3);
        QVERIFY(std::fabs(j["learning_rate"].toDouble() - 1e-4) < 1e-9);
        QCOMPARE(j["epochs"].toArray().size(), 1);
        const axbnn::Model m = axbnn::loadModel(out.toStdString());
        QCOMPARE(m.layers[1].fanIn(), 32);
        const QJsonObject record =
            QJsonDocument::fromJson(QByteArray::fromStdString(m.meta.extra.at("training"))).object();
        QCOMPARE(record["init"].toString(), QString("base.h5"));
        QCOMPARE(record["mode"].toString(), QString("aware"));

        // Zero epochs: the init model as the trainer rebuilds it, same thresholds.
        const QString again = dir.filePath("again.h5");
        const Run zero = runCli({"train", "--init", base, "--epochs", "0", "--test-limit", "200", "--out", again});
        QVERIFY2(zero.exitCode == 0, qPrintable(zero.err));
        const axbnn::Model b = axbnn::loadModel(base.toStdString()), a = axbnn::loadModel(again.toStdString());
        QCOMPARE(a.layers.size(), b.layers.size());
        for (size_t i = 0; i < a.layers.size(); ++i)
            QVERIFY(a.layers[i].thresholds.threshold == b.layers[i].thresholds.threshold
                    && a.layers[i].weights == b.layers[i].weights);
    }

    // Architecture options that disagree with the init model: one message
    // naming the option; agreeing ones are accepted.
    void mismatchingInitOptionsAreRefused()
    {
        QTemporaryDir dir;
        const QString base = dir.filePath("base.h5"), out = dir.filePath("ft.h5");
        QVERIFY(runCli(quick(base)).exitCode == 0);
        const QStringList common{"train", "--init", base, "--limit", "64", "--test-limit", "50", "--out", out};
        for (const auto& [args, message] : std::vector<std::pair<QStringList, QString>>{
                 {{"--hidden", "64"}, "--hidden 64 but the init model has hidden width 32"},
                 {{"--arch", "vgg3"}, "--arch vgg3 but the init model is fc"}}) {
            const Run r = runCli(common + args);
            QVERIFY(r.exitCode != 0);
            QVERIFY2(r.err.contains(message) && r.err.contains("--init"), qPrintable(r.err));
            QCOMPARE(r.err.count("axbnn: error:"), 1);
            QVERIFY(!QFile::exists(out));
        }
        const Run ok = runCli(common + QStringList{"--hidden", "32", "--arch", "fc"});
        QVERIFY2(ok.exitCode == 0, qPrintable(ok.err));
    }

    // --approx-lsb 0,1: one level per batch, 20 batches split 10 / 10, the
    // record lists both levels and approximation_config the circuit.
    void multiLevelRunCountsItsBatches()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("m.h5");
        const Run r = runCli(
            quick(out) + QStringList{"--approx-lsb", "0,1", "--cell", "maj-fa", "--level-mix", "batch", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray levels = QJsonDocument::fromJson(r.out.toUtf8()).object()["levels"].toArray();
        QCOMPARE(levels.size(), 2);
        QCOMPARE(levels[0].toObject()["label"].toString(), QString("exact"));
        QCOMPARE(levels[1].toObject()["label"].toString(), QString("lsb 1"));
        QCOMPARE(levels[0].toObject()["batches"].toInt(), 10);
        QCOMPARE(levels[1].toObject()["batches"].toInt(), 10);
        const axbnn::Model m = axbnn::loadModel(out.toStdString());
        QVERIFY(QString::fromStdString(m.meta.approximationConfig).contains("maj-fa"));
        const QJsonObject record =
            QJsonDocument::fromJson(QByteArray::fromStdString(m.meta.extra.at("training"))).object();
        QCOMPARE(record["mode"].toString(), QString("multi-level"));
        QCOMPARE(record["levels"].toArray().size(), 2);
        QCOMPARE(record["level_mix"].toString(), QString("batch"));

        // The default, --level-mix image: half of every batch's images at each level.
        const Run mixed = runCli(quick(out) + QStringList{"--approx-lsb", "0,1", "--cell", "maj-fa", "--json"});
        QVERIFY2(mixed.exitCode == 0, qPrintable(mixed.err));
        const QJsonArray perImage = QJsonDocument::fromJson(mixed.out.toUtf8()).object()["levels"].toArray();
        QCOMPARE(perImage[0].toObject()["images"].toInt(), 320);
        QCOMPARE(perImage[1].toObject()["images"].toInt(), 320);
    }

    void helpShowsTheAcceptedRanges()
    {
        const Run train = runCli({"train", "--help"});
        QCOMPARE(train.exitCode, 0);
        for (const char* range :
             {"--hidden INT:INT in [1 - 65536]", "--batch INT:INT in [2 - 4096]", "--channels INT:INT in [1 - 4096]"})
            QVERIFY2(train.out.contains(QString::fromLatin1(range)), range);
        // error-model --help once said 1..1,048,576 while more than 65,536 failed.
        const Run errorModel = runCli({"error-model", "--help"});
        QVERIFY2(errorModel.out.contains("--fan-in INT:INT:INT in [1 - 65536]"), qPrintable(errorModel.out));
        const Run wide =
            runCli({"error-model", "--fan-in", "65537", "--approx-lsb", "1", "--out", "/nonexistent/e.json"});
        QVERIFY(wide.exitCode != 0);
        QVERIFY2(wide.err.contains("--fan-in: Value 65537 not in range 1 to 65536"), qPrintable(wide.err));
    }

    void badInputGivesOneClearError()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString out = dir.filePath("m.h5");
        const Run r = runCli(QStringList{"train", "--out", out, "--limit", "64"} + args);
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.startsWith("axbnn: error: "), qPrintable(r.err));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.count("axbnn: error:"), 1);
        QVERIFY(!QFile::exists(out));
    }

    void unwritableOutIsRefusedBeforeTraining()
    {
        const Run r = runCli(quick("/nonexistent-dir/m.h5"));
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("axbnn: error: ") && r.err.contains("/nonexistent-dir/m.h5"), qPrintable(r.err));
        QVERIFY(!r.err.contains("epoch")); // refused before any training
    }

    // An error model made for hidden width 32 does not fit hidden width 64.
    void errorModelForAnotherFanInIsRefused()
    {
        QTemporaryDir dir;
        const QString model = dir.filePath("m32.h5"), errors = dir.filePath("e32.json");
        QCOMPARE(runCli(quick(model)).exitCode, 0);
        const Run e = runCli({"error-model", "--model", model, "--approx-lsb", "1", "--out", errors});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        const QString out = dir.filePath("m64.h5");
        const Run r = runCli(quick(out, "64") + QStringList{"--error-model", errors});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("fan-in 32") && r.err.contains("fan-in 64"), qPrintable(r.err));
        QVERIFY(!QFile::exists(out));
        // ... and fits the width it was made for.
        QCOMPARE(runCli(quick(out, "32") + QStringList{"--error-model", errors}).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestCliTrain)
#include "test_cli_train.moc"
