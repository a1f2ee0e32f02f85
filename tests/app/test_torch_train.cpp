// tools/torch_train.py: the file it writes predicts, in the engine's exact
// mode, exactly what the trainer's own binarized forward pass predicted (so
// batch-norm folding, weight layout and score scaling are right), its
// injection follows the error-model tables, and mismatched files are refused.
#include "bnn/error_model.h"
#include "io/error_model_json.h"
#include "io/model_file.h"
#include "train/train_config.h"

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

const QString kPython = QStringLiteral("/usr/bin/python3");
const QString kTrainer = QStringLiteral(AXBNN_TOOLS "/torch_train.py");

// PyTorch training runs take longer than the CLI's default timeout.
Run run(const QString& program, const QStringList& args)
{
    return runProgram(program, args, 300000);
}

QJsonObject lastJsonLine(const QString& text)
{
    const QStringList lines = text.split('\n', Qt::SkipEmptyParts);
    return lines.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(lines.last().toUtf8()).object();
}

// Correct predictions of `axbnn eval` in exact mode on the first `count` test images.
int engineCorrect(const QString& model, int count)
{
    const Run r =
        run(QStringLiteral(AXBNN_CLI), {"eval", "--model", model, "--limit", QString::number(count), "--json"});
    return r.exitCode == 0 ? QJsonDocument::fromJson(r.out.toUtf8()).object()["correct"].toInt(-1) : -1;
}

const QStringList kSmallVgg3{"--arch",   "vgg3", "--kernel", "3",    "--channels",   "8",   "--hidden",  "64",
                             "--epochs", "1",    "--limit",  "1000", "--test-limit", "400", "--threads", "1"};

} // namespace

class TestTorchTrain : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

private Q_SLOTS:
    void initTestCase()
    {
        const Run probe = run(kPython, {"-c", "import torch, h5py, numpy"});
        if (probe.exitCode != 0 || !QFile::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
            QSKIP("needs /usr/bin/python3 with torch, h5py, numpy and dataset-fashion-mnist");
        QVERIFY(dir_.isValid());
    }

    void engineReproducesTheTrainersAccuracy_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("vgg3 3x3") << kSmallVgg3;
        QTest::newRow("fc") << QStringList{"--arch",       "fc",  "--hidden",  "96", "--epochs", "1", "--limit", "1000",
                                           "--test-limit", "400", "--threads", "1",  "--seed",   "4"};
    }

    void engineReproducesTheTrainersAccuracy()
    {
        QFETCH(QStringList, args);
        const QString out = dir_.filePath(QString(QTest::currentDataTag()).replace(' ', '_') + ".h5");
        const Run r = run(kPython, QStringList{kTrainer} + args + QStringList{"--json", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject result = lastJsonLine(r.out);
        QCOMPARE(result["test_images"].toInt(), 400);
        const int correct = result["correct"].toInt(-1);
        QVERIFY2(correct > 120, qPrintable(QString("trained to only %1 of 400").arg(correct))); // chance: 40
        QCOMPARE(engineCorrect(out, 400), correct);
        const axbnn::Model model = axbnn::loadModel(out.toStdString());
        QCOMPARE(model.meta.accuracyAtSave, result["accuracy"].toDouble());
        QVERIFY(model.meta.trainingRecipe.find("torch_train.py") != std::string::npos);
        QVERIFY(model.meta.approximationConfig.empty());
    }

    void approximationAwareTraining()
    {
        // An exact model gives the architecture's layers; its error model drives the second run.
        const QString exact = dir_.filePath("base.h5");
        Run r = run(kPython, QStringList{kTrainer} + kSmallVgg3 + QStringList{"--epochs", "0", "--out", exact});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString em = dir_.filePath("em.json");
        r = run(QStringLiteral(AXBNN_CLI),
                {"error-model", "--model", exact, "--approx-lsb", "2", "--samples", "512", "--out", em});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        // The injection draws errors with the tables' frequencies.
        r = run(kPython, {kTrainer, "--self-check", "--error-model", em, "--samples", "40000", "--threads", "1"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QVERIFY(r.out.contains("self-check passed"));

        const QString aware = dir_.filePath("aware.h5");
        r = run(kPython,
                QStringList{kTrainer} + kSmallVgg3 + QStringList{"--error-model", em, "--json", "--out", aware});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject result = lastJsonLine(r.out);
        QCOMPARE(engineCorrect(aware, 400), result["correct"].toInt(-1));
        QVERIFY(result["accuracy_injected"].isDouble());
        const axbnn::Model model = axbnn::loadModel(aware.toStdString());
        const axbnn::ErrorModel errors = axbnn::loadErrorModel(em.toStdString());
        QCOMPARE(nlohmann::json::parse(model.meta.approximationConfig), errors.circuit);
        axbnn::checkErrorModelFits(errors, model);

        // A 5x5 network has other fan-ins: refused with the engine's message.
        QStringList k5 = kSmallVgg3;
        k5[k5.indexOf("--kernel") + 1] = "5";
        r = run(kPython,
                QStringList{kTrainer} + k5 + QStringList{"--error-model", em, "--out", dir_.filePath("k5.h5")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("error model layer 2 has fan-in 72 but model layer 2 has fan-in 200"),
                 qPrintable(r.err));
        QVERIFY(!QFile::exists(dir_.filePath("k5.h5")));
    }

    // A data error model's per-neuron shifts: the PyTorch injector adds them
    // as the native one does (each neuron's mean draw against the exact mean
    // of its row plus its shift), and training with them runs.
    void dataModelNeuronShifts()
    {
        const QString exact = dir_.filePath("shift_base.h5");
        Run r = run(kPython, QStringList{kTrainer} + kSmallVgg3 + QStringList{"--epochs", "0", "--out", exact});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString em = dir_.filePath("em_data.json");
        r = run(QStringLiteral(AXBNN_CLI),
                {"error-model", "--model", exact, "--approx-lsb", "2", "--data", "fashion-mnist", "--limit", "60",
                 "--statistic", "data", "--prior-samples", "4", "--threads", "1", "--out", em});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const axbnn::ErrorModel errors = axbnn::loadErrorModel(em.toStdString());
        bool anyShift = false;
        for (const auto& l : errors.layers)
            for (double s : l.neuronShift)
                anyShift = anyShift || std::abs(s) > 0.5;
        QVERIFY2(anyShift, "the data model has no shift large enough for the check to see");

        r = run(kPython, {kTrainer, "--self-check", "--error-model", em, "--samples", "40000", "--threads", "1"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains("neurons with their shifts"), qPrintable(r.out));
        QVERIFY(r.out.contains("self-check passed"));

        const QString aware = dir_.filePath("aware_data.h5");
        QStringList opts = kSmallVgg3;
        opts[opts.indexOf("--limit") + 1] = "300";
        r = run(kPython, QStringList{kTrainer} + opts + QStringList{"--error-model", em, "--json", "--out", aware});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(engineCorrect(aware, 400), lastJsonLine(r.out)["correct"].toInt(-1));
    }

    // --init with a model of the native trainer: the architecture comes from
    // it (options that disagree are named); zero epochs write the init
    // model's very thresholds back (batch-norm converted from the native
    // units, or rebuilt from the thresholds); an error-model list trains at
    // one level per batch, as the native trainer does.
    void fineTuneANativeModel()
    {
        const QString base = dir_.filePath("native.h5");
        Run r = run(QStringLiteral(AXBNN_CLI),
                    {"train", "--arch", "fc", "--hidden", "32", "--epochs", "1", "--limit", "640", "--batch", "32",
                     "--lr", "0.01", "--test-limit", "100", "--out", base});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = run(kPython, {kTrainer, "--init", base, "--hidden", "64", "--out", dir_.filePath("no.h5")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--hidden 64 but the init model has hidden width 32"), qPrintable(r.err));

        const QString same = dir_.filePath("same.h5");
        r = run(kPython,
                {kTrainer, "--init", base, "--epochs", "0", "--test-limit", "200", "--threads", "1", "--json", "--out",
                 same});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const axbnn::Model a = axbnn::loadModel(base.toStdString()), b = axbnn::loadModel(same.toStdString());
        for (size_t i = 0; i + 1 < a.layers.size(); ++i) {
            QVERIFY(a.layers[i].weights == b.layers[i].weights);
            QVERIFY2(a.layers[i].thresholds.threshold == b.layers[i].thresholds.threshold,
                     qPrintable(QString::number(i)));
        }
        QCOMPARE(engineCorrect(same, 200), engineCorrect(base, 200));

        const QString em = dir_.filePath("fc_lsb1.json"), multi = dir_.filePath("multi.h5");
        r = run(QStringLiteral(AXBNN_CLI),
                {"error-model", "--model", base, "--approx-lsb", "1", "--samples", "512", "--out", em});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = run(kPython,
                {kTrainer, "--init", base, "--epochs", "1", "--limit", "512", "--test-limit", "100", "--threads", "1",
                 "--error-model", "exact," + em, "--level-mix", "batch", "--json", "--out", multi});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject result = lastJsonLine(r.out);
        QCOMPARE(result["levels"].toArray().size(), 2);
        QCOMPARE(result["levels"].toArray()[0].toObject()["batches"].toInt(), 2); // 4 batches of 128
        QVERIFY(std::fabs(result["learning_rate"].toDouble() - 0.0005) < 1e-12);
        const axbnn::Model m = axbnn::loadModel(multi.toStdString());
        const auto record = nlohmann::json::parse(m.meta.extra.at("training"));
        QCOMPARE(record.at("mode").get<std::string>(), std::string("multi-level"));
        QCOMPARE(record.at("init").get<std::string>(), std::string("native.h5"));
    }

    // Both trainers draw the same level for every batch of a seed.
    void levelSequenceMatchesTheNativeTrainer()
    {
        const Run r = run(kPython,
                          {"-B", "-c",
                           "import sys; sys.path.insert(0, '" AXBNN_TOOLS "'); import torch_train_init as ft; "
                           "print(' '.join(str(ft.level_of_step(7, 3, k)) for k in range(1, 61)))"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        axbnn::train::TrainConfig c;
        c.seed = 7;
        c.levels.resize(3);
        QStringList native;
        for (int k = 1; k <= 60; ++k)
            native << QString::number(axbnn::train::levelOfStep(c, k));
        QCOMPARE(r.out.trimmed(), native.join(' '));
    }

    void badOptionsGiveOneErrorLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mention");
        QTest::newRow("architecture") << QStringList{"--arch", "resnet"} << "unknown architecture";
        QTest::newRow("even kernel") << QStringList{"--arch", "vgg3", "--kernel", "4"} << "--kernel 4";
        QTest::newRow("error model") << QStringList{"--error-model", "/nonexistent.json"} << "nonexistent";
        QTest::newRow("no output") << QStringList{"--arch", "fc"} << "--out";
        QTest::newRow("level twice") << QStringList{"--error-model", "exact,exact"} << "lists 'exact' twice";
        QTest::newRow("missing init model") << QStringList{"--init", "/nonexistent.h5"} << "/nonexistent.h5";
    }

    void badOptionsGiveOneErrorLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mention);
        if (!args.contains("--arch") || args.contains("fc"))
            args << "--arch"
                 << "fc";
        if (!QString(QTest::currentDataTag()).contains("output"))
            args << "--out" << dir_.filePath("bad.h5");
        const Run r = run(kPython, QStringList{kTrainer} + args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith("torch_train.py: error:"), qPrintable(r.err));
        QVERIFY2(r.err.contains(mention), qPrintable(r.err));
        QVERIFY(!QFile::exists(dir_.filePath("bad.h5")));
    }
};

QTEST_GUILESS_MAIN(TestTorchTrain)
#include "test_torch_train.moc"
