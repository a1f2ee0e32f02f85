// tools/torch_train.py: the file it writes predicts, in the engine's exact
// mode, exactly what the trainer's own binarized forward pass predicted (so
// batch-norm folding, weight layout and score scaling are right), its
// injection follows the error-model tables, and mismatched files are refused.
#include "bnn/error_model.h"
#include "io/error_model_json.h"
#include "io/model_file.h"

#include "cli_test_support.h"

#include <QtTest>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

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

    void badOptionsGiveOneErrorLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mention");
        QTest::newRow("architecture") << QStringList{"--arch", "resnet"} << "unknown architecture";
        QTest::newRow("even kernel") << QStringList{"--arch", "vgg3", "--kernel", "4"} << "--kernel 4";
        QTest::newRow("error model") << QStringList{"--error-model", "/nonexistent.json"} << "nonexistent";
        QTest::newRow("no output") << QStringList{"--arch", "fc"} << "--out";
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
