// Verilog export files: module-name validation and the atomic write, which
// leaves an existing file unchanged when writing fails.
#include "circuit/verilog_writer.h"
#include "verilog_test_support.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <stdexcept>
#include <string>

#ifdef Q_OS_UNIX
#include <csignal>
#include <sys/resource.h>
#include <unistd.h>
#endif

using namespace axbnn;
using namespace axbnn::verilog_test;

class TestVerilogFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void invalidModuleNameThrows_data();
    void invalidModuleNameThrows();
    void validModuleNameAccepted_data();
    void validModuleNameAccepted();
    void fileWriteReplacesAtomically();
    void writeIntoMissingDirectoryThrows();
    void failedWriteLeavesExistingFileUnchanged_data();
    void failedWriteLeavesExistingFileUnchanged();
};

void TestVerilogFile::invalidModuleNameThrows_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("empty") << "";
    QTest::newRow("leading digit") << "1popcount";
    QTest::newRow("dash") << "pop-count";
    QTest::newRow("space") << "pop count";
    QTest::newRow("keyword module") << "module";
    QTest::newRow("keyword wire") << "wire";
    QTest::newRow("escaped identifier") << "\\popcount";
    QTest::newRow("leading dollar") << "$popcount";
    QTest::newRow("non-ASCII") << QString::fromUtf8("p\xc3\xb6pcount");
    QTest::newRow("clashes with a cell module") << "axbnn_fa";
}

void TestVerilogFile::invalidModuleNameThrows()
{
    QFETCH(QString, name);
    const Netlist net = makeNetlist(9, Topology::AdderTree, "exact");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, writeVerilog(net, name.toStdString()));
}

void TestVerilogFile::validModuleNameAccepted_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("plain") << "popcount";
    QTest::newRow("underscore and digits") << "_pc576_v2";
    QTest::newRow("dollar inside") << "pc$1";
    QTest::newRow("keyword prefix") << "modules";
}

void TestVerilogFile::validModuleNameAccepted()
{
    QFETCH(QString, name);
    const Netlist net = makeNetlist(9, Topology::AdderTree, "exact");
    const std::string v = writeVerilog(net, name.toStdString());
    QVERIFY(v.find("module " + name.toStdString() + "(input wire [8:0] x, output wire [3:0] y);") != std::string::npos);
}

void TestVerilogFile::fileWriteReplacesAtomically()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("pc.v");
    writeText(path, "old contents\n");
    const Netlist net = makeNetlist(16, Topology::Dadda, "maj-fa");
    writeVerilogFile(net, "popcount", path.toStdString());
    QCOMPARE(readAll(path), QByteArray::fromStdString(writeVerilog(net, "popcount")));
    QCOMPARE(directoryEntries(dir.path()), QStringList{"pc.v"});
}

void TestVerilogFile::writeIntoMissingDirectoryThrows()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("missing/pc.v");
    const Netlist net = makeNetlist(9, Topology::AdderTree, "exact");
    try {
        writeVerilogFile(net, "popcount", path.toStdString());
        QFAIL("writing into a missing directory did not throw");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(path), e.what());
    }
    QVERIFY(directoryEntries(dir.path()).isEmpty());
}

void TestVerilogFile::failedWriteLeavesExistingFileUnchanged_data()
{
    QTest::addColumn<QString>("failure");
    QTest::newRow("invalid module name") << "name";
    QTest::newRow("read-only directory") << "read-only";
    QTest::newRow("file size limit") << "size-limit";
    QTest::newRow("target is a directory") << "directory";
}

void TestVerilogFile::failedWriteLeavesExistingFileUnchanged()
{
    QFETCH(QString, failure);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("pc.v");
    const QByteArray old = "// hand-edited netlist, must survive\n";
    writeText(path, old.toStdString());
    const Netlist net = makeNetlist(576, Topology::AdderTree, "exact"); // ~100 kB of Verilog
    std::string module = "popcount";
    std::string target = path.toStdString();
    bool expectRuntimeError = true;
#ifdef Q_OS_UNIX
    struct rlimit savedLimit {};
    getrlimit(RLIMIT_FSIZE, &savedLimit);
    auto savedHandler = SIG_DFL;
    bool limited = false;
#endif
    if (failure == "name") {
        module = "pop-count";
        expectRuntimeError = false;
    } else if (failure == "read-only") {
#ifdef Q_OS_UNIX
        if (geteuid() == 0)
            QSKIP("root ignores directory permissions");
#endif
        QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner));
    } else if (failure == "size-limit") {
#ifdef Q_OS_UNIX
        // Writes beyond 4 kB fail with EFBIG (SIGXFSZ ignored), even for root.
        struct rlimit small = savedLimit;
        small.rlim_cur = 4096;
        savedHandler = std::signal(SIGXFSZ, SIG_IGN);
        limited = setrlimit(RLIMIT_FSIZE, &small) == 0;
        QVERIFY(limited);
#else
        QSKIP("file size limits need POSIX");
#endif
    } else if (failure == "directory") {
        QVERIFY(QDir(dir.path()).mkdir("sub"));
        writeText(dir.filePath("sub/keep.v"), old.toStdString());
        target = dir.filePath("sub").toStdString();
    }
    bool threw = false;
    QString message;
    try {
        writeVerilogFile(net, module, target);
    } catch (const std::runtime_error& e) {
        threw = expectRuntimeError;
        message = QString::fromUtf8(e.what());
    } catch (const std::invalid_argument& e) {
        threw = !expectRuntimeError;
        message = QString::fromUtf8(e.what());
    }
#ifdef Q_OS_UNIX
    if (limited) {
        setrlimit(RLIMIT_FSIZE, &savedLimit);
        std::signal(SIGXFSZ, savedHandler);
    }
#endif
    QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QVERIFY2(threw, qPrintable("expected a failure, got: " + message));
    if (expectRuntimeError)
        QVERIFY2(message.contains(QString::fromStdString(target)), qPrintable(message));
    QCOMPARE(readAll(path), old);
    QStringList expected{"pc.v"};
    if (failure == "directory") {
        expected = QStringList{"pc.v", "sub"};
        QCOMPARE(directoryEntries(dir.filePath("sub")), QStringList{"keep.v"});
    }
    QCOMPARE(directoryEntries(dir.path()), expected);
}

QTEST_APPLESS_MAIN(TestVerilogFile)
#include "test_verilog_file.moc"
