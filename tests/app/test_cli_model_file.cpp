// Issue 20: a model file whose variable-length string data is corrupt made
// libhdf5 segfault and took the whole axbnn process down. Every command
// that loads a model now exits with one error line naming the file.
#include "io/model_file.h"

#include "../engine/io/model_file_test_support.h"
#include "../engine/io/vlen_model_support.h"
#include "cli_test_support.h"

#include <QTemporaryDir>
#include <QtTest>

class TestCliModelFile : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString corrupt_, vlen_;

private Q_SLOTS:
    void initTestCase()
    {
        vlen_ = dir_.filePath("vlen.h5");
        corrupt_ = dir_.filePath("corrupt.h5");
        QVERIFY(axbnn::testing::saveVariableLengthModel(axbnn::testing::vggModel(), vlen_.toStdString()));
        QVERIFY(axbnn::testing::saveVariableLengthModel(axbnn::testing::vggModel(), corrupt_.toStdString()));
        QVERIFY(axbnn::testing::corruptFirstHeapObjectLength(corrupt_.toStdString()));
    }

    void corruptStringDataIsOneErrorLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("model info") << QStringList{"model", "info", "@corrupt"};
        QTest::newRow("eval") << QStringList{"eval", "--model", "@corrupt", "--data", "@data"};
        QTest::newRow("error-model") << QStringList{"error-model", "--model", "@corrupt", "--out", "@out"};
    }

    void corruptStringDataIsOneErrorLine()
    {
        QFETCH(QStringList, args);
        for (QString& a : args)
            a = a == "@corrupt" ? corrupt_
                : a == "@data"  ? dir_.filePath("none.h5")
                : a == "@out"   ? dir_.filePath("e.json")
                                : a;
        const Run r = runCli(args);
        QVERIFY2(r.exitCode == 1, qPrintable(QString::number(r.exitCode) + " " + r.err)); // -2 = killed by a signal
        const QStringList lines = r.err.trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines[0].startsWith("axbnn: error: " + corrupt_
                                     + ": attribute 'format': corrupt variable-length "
                                       "string data: the HDF5 library crashed reading it "
                                       "(signal "), // 11; 6 under AddressSanitizer, which aborts first
                 qPrintable(lines[0]));
        QVERIFY(lines[0].endsWith("the file cannot be loaded"));
    }

    // Files that hold variable-length strings (older workbench files, h5py)
    // still load, and give the same table as the fixed-length file.
    void variableLengthModelStillLoads()
    {
        const QString fixed = dir_.filePath("fixed.h5");
        axbnn::saveModel(axbnn::testing::vggModel(), fixed.toStdString());
        const Run a = runCli({"model", "info", vlen_});
        const Run b = runCli({"model", "info", fixed});
        QCOMPARE(a.exitCode, 0);
        QCOMPARE(b.exitCode, 0);
        QCOMPARE(a.out.section('\n', 1), b.out.section('\n', 1)); // the first line names the file
    }
};

QTEST_APPLESS_MAIN(TestCliModelFile)
#include "test_cli_model_file.moc"
