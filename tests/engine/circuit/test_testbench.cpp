// Self-checking testbench under Icarus Verilog (passes, and fails on a
// corrupted expected value) and the optional Yosys report.
#include "circuit/approximation.h"
#include "circuit/cost_model.h"
#include "circuit/popcount_builder.h"
#include "circuit/testbench_writer.h"
#include "circuit/verilog_writer.h"
#include "circuit/yosys_report.h"
#include "io/verilog_import.h"

#include "../io/import_test_support.h"

#include <QTemporaryDir>
#include <QTest>

using namespace axbnn;
using namespace axbnn::test;

namespace {

Netlist approximate(int n, Topology t)
{
    const CellLibrary lib = CellLibrary::defaults();
    ApproxConfig a;
    a.lsbColumns = 2;
    return applyApproximation(buildPopcount(n, t, lib), lib, a);
}

} // namespace

class TestTestbench : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void testbenchPassesAndCatchesCorruption_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<bool>("imported");
        QTest::addColumn<int>("corrupt");
        for (int n : {6, 40})
            for (bool imported : {false, true})
                for (int corrupt : {0, 1})
                    QTest::addRow("n%d%s%s", n, imported ? "-imported" : "", corrupt ? "-corrupt" : "")
                        << n << imported << corrupt;
    }

    void testbenchPassesAndCatchesCorruption()
    {
        const QString iverilog = tool("iverilog"), vvp = tool("vvp");
        if (iverilog.isEmpty() || vvp.isEmpty())
            QSKIP("Icarus Verilog (iverilog, vvp) is not installed");
        QFETCH(int, n);
        QFETCH(bool, imported);
        QFETCH(int, corrupt);
        Netlist net = approximate(n, Topology::Dadda);
        if (imported)
            net = importVerilog(writeVerilog(net, "pc"), "pc.v");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        TestbenchOptions o;
        o.vectors = 200;
        o.corruptFirstExpected = corrupt;
        writeTestbenchFile(net, "popcount", dir.filePath("tb.v").toStdString(), o);
        const ToolRun build = runTool(iverilog, {"-o", "sim", "tb.v"}, dir.path());
        QVERIFY2(build.ok, qPrintable(build.output));
        const ToolRun run = runTool(vvp, {"sim"}, dir.path());
        const int vectors = n == 6 ? 64 : 200; // exhaustive when 2^N fits
        if (corrupt) {
            QVERIFY2(!run.ok && run.exitCode != 0, qPrintable(run.output));
            QVERIFY2(run.output.contains(QString("FAIL: 1 of %1 vectors").arg(vectors)), qPrintable(run.output));
            QVERIFY(run.output.contains("FAIL: vector 0:"));
        } else {
            QVERIFY2(run.ok, qPrintable(run.output));
            QVERIFY2(run.output.contains(QString("PASS: %1 vectors").arg(vectors)), qPrintable(run.output));
        }
    }

    void badVectorCountIsRefused()
    {
        TestbenchOptions o;
        o.vectors = 1;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, writeTestbench(approximate(4, Topology::Chain), "p", o));
    }

    void yosysReportCountsTransistors()
    {
        if (tool("yosys").isEmpty())
            QSKIP("yosys is not installed");
        const Netlist net = approximate(16, Topology::AdderTree);
        const YosysReport r = runYosysReport(net);
        QVERIFY2(r.ran, r.message.c_str());
        QVERIFY(r.cellCount > 0);
        int sum = 0;
        for (const auto& [kind, count] : r.cells) {
            QVERIFY(kind.rfind("$_", 0) == 0);
            sum += count;
        }
        QCOMPARE(sum, r.cellCount);
        // docs/verilog.md: whole circuits agree with the cost model within ~16%.
        const double ratio = double(r.transistors) / double(computeCost(net).transistors);
        QVERIFY2(ratio > 0.7 && ratio < 1.3, qPrintable(QString::number(ratio)));
    }

    void missingYosysIsReportedNotThrown()
    {
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", "/nonexistent-dir");
        const YosysReport r = runYosysReport(approximate(4, Topology::AdderTree));
        qputenv("PATH", path);
        QVERIFY(!r.ran);
        QVERIFY2(r.message.find("not installed") != std::string::npos, r.message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestTestbench)
#include "test_testbench.moc"
