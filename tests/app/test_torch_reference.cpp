// The engine's exact mode predicts the same class as the independent PyTorch
// float reference (tools/torch_reference.py) for every Fashion-MNIST test
// image, on models written by tools/make_test_model.py.
#include <QtTest>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

namespace {

const QString kPython = QStringLiteral("/usr/bin/python3");

bool run(const QString& program, const QStringList& args, QString* error, int timeoutMs = 600000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        *error = program + " timed out";
        return false;
    }
    const QString out = QString::fromUtf8(p.readAll());
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *error = program + " " + args.join(' ') + " failed: " + out;
        return false;
    }
    return true;
}

QStringList lines(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
}

bool torchAvailable()
{
    QString error;
    return QFile::exists(kPython) && run(kPython, {"-c", "import torch, h5py, numpy"}, &error, 120000)
        && QFile::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");
}

} // namespace

class TestTorchReference : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!torchAvailable())
            QSKIP("needs /usr/bin/python3 with torch, h5py, numpy and dataset-fashion-mnist "
                  "(scripts/setup.sh installs them)");
    }

    void referenceSelfCheckPasses()
    {
        QString error;
        QVERIFY2(run(kPython, {AXBNN_TOOLS "/torch_reference.py", "--self-check"}, &error), qPrintable(error));
    }

    void exactEngineMatchesTorchOnEveryTestImage_data()
    {
        QTest::addColumn<QStringList>("modelArgs");
        QTest::newRow("vgg3 3x3") << QStringList{"--arch", "vgg3",     "--kernel", "3",      "--channels",
                                                 "16",     "--hidden", "128",      "--seed", "3"};
        QTest::newRow("vgg3 5x5 packed") << QStringList{"--arch",   "vgg3", "--kernel", "5", "--channels", "8",
                                                        "--hidden", "64",   "--seed",   "5", "--packed"};
        QTest::newRow("mlp plain scores")
            << QStringList{"--arch", "mlp", "--hidden", "256", "--seed", "7", "--plain-scores"};
    }

    void exactEngineMatchesTorchOnEveryTestImage()
    {
        QFETCH(QStringList, modelArgs);
        QTemporaryDir dir;
        const QString model = dir.filePath("model.h5");
        const QString ours = dir.filePath("ours.txt");
        const QString theirs = dir.filePath("torch.txt");
        QString error;
        QVERIFY2(run(kPython, QStringList{AXBNN_TOOLS "/make_test_model.py", "--out", model} + modelArgs, &error),
                 qPrintable(error));
        QVERIFY2(run(AXBNN_CLI, {"eval", "--model", model, "--predictions", ours}, &error), qPrintable(error));
        QVERIFY2(run(kPython,
                     {AXBNN_TOOLS "/torch_reference.py", "--model", model, "--threads", "2", "--predictions", theirs},
                     &error),
                 qPrintable(error));
        const QStringList a = lines(ours), b = lines(theirs);
        QCOMPARE(a.size(), 10000);
        QCOMPARE(b.size(), 10000);
        int differ = 0;
        for (int i = 0; i < a.size(); ++i)
            differ += a[i] != b[i];
        QCOMPARE(differ, 0);
        // A model predicting one class everywhere would make agreement trivial.
        QVERIFY(QSet<QString>(a.begin(), a.end()).size() >= 3);
    }
};

QTEST_GUILESS_MAIN(TestTorchReference)
#include "test_torch_reference.moc"
