// Verilog export: Icarus Verilog runs of the exported netlists against the
// bit-parallel Simulator and Yosys transistor counts against computeCost
// (module names and the atomic file write: test_verilog_file.cpp).
#include "circuit/approximation.h"
#include "circuit/cost_model.h"
#include "circuit/popcount_builder.h"
#include "circuit/simulator.h"
#include "circuit/verilog_writer.h"
#include "util/random_bits.h"
#include "verilog_test_support.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

using namespace axbnn;
using namespace axbnn::verilog_test;

namespace {

// Yosys cross-check of docs/verilog.md: flatten, map to Yosys's static CMOS
// gates (NAND, NOR, AOI, OAI, XOR, MUX, NOT) by area, count transistors. ABC's
// default script maps for delay, duplicating logic, and takes minutes on some
// 576-input circuits; strash + map -a takes seconds.
const char* const kYosysScript = "read_verilog popcount.v; hierarchy -top popcount; flatten; proc; techmap; opt -fast; "
                                 "abc -g cmos -script +strash;map,-a; opt_clean; tee -q -o stat.txt stat -tech cmos";
// Full synthesis in front of the same mapping: logic optimisation included.
const char* const kYosysFullScript = "read_verilog popcount.v; synth -flatten -top popcount; abc -g cmos; opt_clean; "
                                     "tee -q -o stat.txt stat -tech cmos";

// Exhaustive for N <= 12, else all-zero, all-one and random vectors whose
// density of ones is itself random (approximate cells err at the extremes).
std::vector<std::vector<uint8_t>> testVectors(int inputs, int randomVectors, uint64_t seed)
{
    std::vector<std::vector<uint8_t>> vectors;
    if (inputs <= 12) {
        for (uint32_t v = 0; v < (1u << inputs); ++v) {
            std::vector<uint8_t> bits(inputs);
            for (int i = 0; i < inputs; ++i)
                bits[i] = (v >> i) & 1;
            vectors.push_back(bits);
        }
        return vectors;
    }
    vectors.emplace_back(inputs, 0);
    vectors.emplace_back(inputs, 1);
    Rng rng(seed);
    while (vectors.size() < static_cast<size_t>(randomVectors)) {
        const double p = rng.uniform();
        std::vector<uint8_t> bits(inputs);
        for (auto& b : bits)
            b = rng.uniform() < p ? 1 : 0;
        vectors.push_back(bits);
    }
    return vectors;
}

// One line of $readmemh: x[N-1] first.
std::string hexLine(const std::vector<uint8_t>& bits)
{
    const int n = static_cast<int>(bits.size());
    std::string line;
    for (int nibble = (n + 3) / 4 - 1; nibble >= 0; --nibble) {
        int v = 0;
        for (int b = 0; b < 4 && 4 * nibble + b < n; ++b)
            v |= bits[4 * nibble + b] << b;
        line += "0123456789abcdef"[v];
    }
    return line;
}

std::string testbench(int inputs, int outputs, size_t vectors)
{
    std::ostringstream tb;
    tb << "module tb;\n"
       << "  reg [" << inputs - 1 << ":0] vectors [0:" << vectors - 1 << "];\n"
       << "  reg [" << inputs - 1 << ":0] x;\n"
       << "  wire [" << outputs - 1 << ":0] y;\n"
       << "  integer i;\n"
       << "  popcount dut(.x(x), .y(y));\n"
       << "  initial begin\n"
       << "    $readmemh(\"vectors.hex\", vectors);\n"
       << "    for (i = 0; i < " << vectors << "; i = i + 1) begin\n"
       << "      x = vectors[i];\n"
       << "      #1 $display(\"%0d\", y);\n"
       << "    end\n"
       << "    $finish;\n"
       << "  end\n"
       << "endmodule\n";
    return tb.str();
}

struct RunResult {
    bool ok = false;
    QByteArray out, err;
};

// Runs a tool in `dir`; `ok` is false (and the output is logged) unless it
// exits normally with status 0 within two minutes.
RunResult run(const QString& program, const QStringList& args, const QString& dir)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(program, args);
    RunResult r;
    const bool finished = p.waitForFinished(120000);
    if (!finished)
        p.kill();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    r.ok = finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (!r.ok)
        qWarning("%s %s failed:\n%s\n%s", qPrintable(program), qPrintable(args.join(' ')), r.err.constData(),
                 r.out.right(2000).constData());
    return r;
}

QString tool(const char* name)
{
    return QStandardPaths::findExecutable(QString::fromLatin1(name));
}

} // namespace

class TestVerilog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void knownTablesUseFamiliarForms_data();
    void knownTablesUseFamiliarForms();
    void everyTruthTableSimulatesCorrectly();
    void singleInputIsAWire();
    void twoInputCellsHaveNoThirdPort();
    void clashingCellNamesGetDistinctModules();
    void simulationMatchesSimulator_data();
    void simulationMatchesSimulator();
    void yosysTransistorsAgree_data();
    void yosysTransistorsAgree();
};

void TestVerilog::knownTablesUseFamiliarForms_data()
{
    QTest::addColumn<int>("table");
    QTest::addColumn<int>("arity");
    QTest::addColumn<QString>("expression");
    QTest::newRow("fa sum") << 0x96 << 3 << "a ^ b ^ c";
    QTest::newRow("fa carry") << 0xE8 << 3 << "(a & b) | (a & c) | (b & c)";
    QTest::newRow("maj-fa sum") << 0x17 << 3 << "~((a & b) | (a & c) | (b & c))";
    QTest::newRow("xnor3") << 0x69 << 3 << "~(a ^ b ^ c)";
    QTest::newRow("maj sum") << 0x00 << 3 << "1'b0";
    QTest::newRow("one") << 0xFF << 3 << "1'b1";
    QTest::newRow("ha sum") << 0x6 << 2 << "a ^ b";
    QTest::newRow("ha carry") << 0x8 << 2 << "a & b";
    QTest::newRow("or-ha sum") << 0xE << 2 << "a | b";
    QTest::newRow("or-ha carry") << 0x0 << 2 << "1'b0";
    QTest::newRow("nand2") << 0x7 << 2 << "~(a & b)";
    QTest::newRow("3-input table ignoring c") << 0x66 << 3 << "a ^ b";
    QTest::newRow("literal c") << 0xF0 << 3 << "c";
    QTest::newRow("a and not b") << 0x2 << 2 << "a & ~b";
    QTest::newRow("mux") << 0xCA << 3 << "(a & ~c) | (b & c)";
}

void TestVerilog::knownTablesUseFamiliarForms()
{
    QFETCH(int, table);
    QFETCH(int, arity);
    QFETCH(QString, expression);
    QCOMPARE(QString::fromStdString(verilogExpression(static_cast<uint8_t>(table), arity)), expression);
}

// All 256 three-input and 16 two-input tables, simulated by Icarus Verilog.
void TestVerilog::everyTruthTableSimulatesCorrectly()
{
    const QString iverilog = tool("iverilog"), vvp = tool("vvp");
    if (iverilog.isEmpty() || vvp.isEmpty())
        QSKIP("Icarus Verilog (iverilog, vvp) is not installed; scripts/setup.sh installs it");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::ostringstream v;
    v << "module tb;\n  reg a, b, c;\n  integer i;\n";
    for (int arity : {2, 3})
        for (int t = 0; t < (1 << (1 << arity)); ++t)
            v << "  wire f" << arity << "_" << t << " = " << verilogExpression(static_cast<uint8_t>(t), arity) << ";\n";
    v << "  initial begin\n    for (i = 0; i < 8; i = i + 1) begin\n"
      << "      {c, b, a} = i;\n      #1;\n";
    for (int arity : {2, 3})
        for (int t = 0; t < (1 << (1 << arity)); ++t)
            v << "      $display(\"" << arity << " " << t << " %0d %0d\", i, f" << arity << "_" << t << ");\n";
    v << "    end\n  end\nendmodule\n";
    writeText(dir.filePath("tables.v"), v.str());
    QVERIFY(run(iverilog, {"-g2005", "-o", "tables.vvp", "tables.v"}, dir.path()).ok);
    const RunResult sim = run(vvp, {"-n", "tables.vvp"}, dir.path());
    QVERIFY(sim.ok);
    int checked = 0;
    for (const QByteArray& line : sim.out.split('\n')) {
        const QList<QByteArray> f = line.trimmed().split(' ');
        if (f.size() != 4)
            continue;
        const int arity = f[0].toInt(), table = f[1].toInt(), combo = f[2].toInt();
        if (arity == 2 && combo >= 4)
            continue; // c is not an input of 2-input tables
        const QByteArray expected = QByteArray::number((table >> (combo & ((1 << arity) - 1))) & 1);
        QVERIFY2(
            f[3] == expected,
            qPrintable(QStringLiteral("table 0x%1 (%2 inputs) at input %3").arg(table, 0, 16).arg(arity).arg(combo)));
        ++checked;
    }
    QCOMPARE(checked, 256 * 8 + 16 * 4);
}

void TestVerilog::singleInputIsAWire()
{
    const Netlist net = makeNetlist(1, Topology::AdderTree, "exact");
    const QString v = QString::fromStdString(writeVerilog(net, "popcount"));
    QVERIFY(v.contains("module popcount(input wire [0:0] x, output wire [0:0] y);"));
    QVERIFY(v.contains("assign y[0] = x[0];"));
    QVERIFY(!v.contains("module axbnn_"));
}

void TestVerilog::twoInputCellsHaveNoThirdPort()
{
    const Netlist net = makeNetlist(9, Topology::AdderTree, "maj-fa+or-ha");
    const QString v = QString::fromStdString(writeVerilog(net, "popcount"));
    QVERIFY(v.contains("module axbnn_ha(input wire a, input wire b, output wire s, output wire co);"));
    QVERIFY(v.contains("module axbnn_or_ha(input wire a, input wire b, output wire s, output wire co);"));
    QVERIFY(v.contains("  assign s = a | b;\n"));
    QVERIFY(v.contains("module axbnn_maj_fa(input wire a, input wire b, input wire c, output wire s, "
                       "output wire co);\n  assign co = (a & b) | (a & c) | (b & c);\n"
                       "  assign s = ~co;\n"));
    QVERIFY(v.contains(QRegularExpression(R"(axbnn_or_ha u\d+\(\.a\(n\d+\), \.b\(n\d+\), \.s\(n\d+\), )"
                                          R"(\.co\(n\d+\)\); // cell \d+: or-ha, column 0, level \d+)")));
}

void TestVerilog::clashingCellNamesGetDistinctModules()
{
    const Netlist net = makeNetlist(16, Topology::Wallace, "clash");
    const QString v = QString::fromStdString(writeVerilog(net, "popcount"));
    QVERIFY(v.contains("module axbnn_maj_fa("));
    QVERIFY(v.contains("module axbnn_maj_fa_2("));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, writeVerilog(net, "axbnn_maj_fa_2"));
}

void TestVerilog::simulationMatchesSimulator_data()
{
    QTest::addColumn<int>("inputs");
    QTest::addColumn<int>("topology");
    QTest::addColumn<QString>("variant");
    QTest::addColumn<int>("randomVectors"); // ignored for N <= 12: exhaustive
    for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain}) {
        for (int n : {1, 3, 9, 16, 64, 576}) {
            for (const char* variant : {"exact", "maj-fa", "maj-fa+or-ha", "maj"}) {
                const bool chain = t == Topology::Chain;
                // The chain has no full adders: maj-fa and maj leave it exact.
                if (chain && n == 576 && std::string(variant).starts_with("maj")
                    && std::string(variant) != "maj-fa+or-ha")
                    continue;
                // Icarus is event driven and zero-delay logic glitches: one new
                // vector costs O(cells * depth) events, O(N^2) for the chain.
                const int vectors = n < 576 ? 2000 : chain ? 16 : 500;
                QTest::addRow("%s/%d/%s", topologyName(t).c_str(), n, variant)
                    << n << static_cast<int>(t) << QString(variant) << vectors;
            }
        }
    }
    // The AMA cells and AND/OR pairs (docs/cell-library.md) in every topology.
    for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
        for (int n : {9, 64})
            for (const char* variant : {"ama1", "ama2", "ama3", "ama4", "ama5", "pairs", "pairs+maj-fa"})
                QTest::addRow("%s/%d/%s", topologyName(t).c_str(), n, variant)
                    << n << static_cast<int>(t) << QString(variant) << 2000;
    // The approximate 4:2 compressors (ha cells and logic gates) in Wallace and Dadda trees.
    for (Topology t : {Topology::Wallace, Topology::Dadda})
        for (int n : {9, 64})
            for (const Compressor& c : compressorTable())
                QTest::addRow("%s/%d/%s", topologyName(t).c_str(), n, c.name)
                    << n << static_cast<int>(t) << QString(c.name) << 2000;
    QTest::newRow("user cell, sum of products") << 64 << static_cast<int>(Topology::Dadda) << "odd" << 2000;
    QTest::newRow("cell names that sanitise alike") << 16 << static_cast<int>(Topology::Wallace) << "clash" << 2000;
}

void TestVerilog::simulationMatchesSimulator()
{
    QFETCH(int, inputs);
    QFETCH(int, topology);
    QFETCH(QString, variant);
    QFETCH(int, randomVectors);
    const QString iverilog = tool("iverilog"), vvp = tool("vvp");
    if (iverilog.isEmpty() || vvp.isEmpty())
        QSKIP("Icarus Verilog (iverilog, vvp) is not installed; scripts/setup.sh installs it");
    const Netlist net = makeNetlist(inputs, static_cast<Topology>(topology), variant);
    const auto vectors = testVectors(inputs, randomVectors, 1000u * inputs + topology);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeVerilogFile(net, "popcount", dir.filePath("popcount.v").toStdString());
    std::string hex;
    for (const auto& v : vectors)
        hex += hexLine(v) + "\n";
    writeText(dir.filePath("vectors.hex"), hex);
    writeText(dir.filePath("tb.v"), testbench(inputs, net.outputBits(), vectors.size()));
    const RunResult compile = run(iverilog, {"-g2005", "-Wall", "-o", "sim.vvp", "popcount.v", "tb.v"}, dir.path());
    QVERIFY(compile.ok);
    QVERIFY2(compile.err.isEmpty(), compile.err.constData()); // no warnings either
    const RunResult sim = run(vvp, {"-n", "sim.vvp"}, dir.path());
    QVERIFY(sim.ok);
    QList<QByteArray> lines = sim.out.split('\n');
    lines.removeIf([](const QByteArray& l) { return l.trimmed().isEmpty() || l.startsWith("tb.v:"); });
    QCOMPARE(lines.size(), static_cast<qsizetype>(vectors.size()));
    const Simulator simulator(net);
    for (size_t i = 0; i < vectors.size(); ++i) {
        const QByteArray& line = lines[static_cast<qsizetype>(i)];
        bool ok = false;
        const qulonglong got = line.trimmed().toULongLong(&ok);
        QVERIFY2(ok,
                 qPrintable("vector " + QString::number(i) + ": Verilog printed '" + QString::fromLatin1(line) + "'"));
        const uint64_t expected = simulator.evaluate(vectors[i]);
        if (got != expected)
            QFAIL(qPrintable(QStringLiteral("vector %1 (x = 'h%2): Verilog gives %3, Simulator %4")
                                 .arg(i)
                                 .arg(QString::fromStdString(hexLine(vectors[i])))
                                 .arg(got)
                                 .arg(expected)));
    }
}

void TestVerilog::yosysTransistorsAgree_data()
{
    QTest::addColumn<int>("inputs");
    QTest::addColumn<int>("topology");
    QTest::addColumn<QString>("variant");
    // Every built-in cell kind in every topology that takes it, the
    // constant-output cells (maj: S = 0, or-ha: C = 0, the pairs' sums)
    // included; measured in docs/cell-library.md.
    for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain}) {
        const std::string name = topologyName(t);
        for (int n : {9, 64}) {
            QTest::addRow("%s/%d/exact", name.c_str(), n) << n << static_cast<int>(t) << "exact";
            if (t != Topology::Chain) // no full adders: same as exact
                QTest::addRow("%s/%d/maj-fa", name.c_str(), n) << n << static_cast<int>(t) << "maj-fa";
        }
        for (const char* variant : {"maj", "or-ha", "maj-fa+or-ha", "pairs"})
            QTest::addRow("%s/64/%s", name.c_str(), variant) << 64 << static_cast<int>(t) << variant;
        if (t != Topology::Chain) // the AMA cells leave the chain exact
            for (const char* variant : {"ama1", "ama2", "ama3", "ama4", "ama5"})
                QTest::addRow("%s/64/%s", name.c_str(), variant) << 64 << static_cast<int>(t) << variant;
    }
    for (Topology t : {Topology::Wallace, Topology::Dadda})
        for (const Compressor& c : compressorTable())
            QTest::addRow("%s/64/%s", topologyName(t).c_str(), c.name) << 64 << static_cast<int>(t) << c.name;
    // N = 576 takes Yosys about 2 s per circuit: one exact, three approximate.
    QTest::newRow("adder-tree/576/exact") << 576 << static_cast<int>(Topology::AdderTree) << "exact";
    QTest::newRow("adder-tree/576/maj-fa") << 576 << static_cast<int>(Topology::AdderTree) << "maj-fa";
    QTest::newRow("wallace/576/maj-fa") << 576 << static_cast<int>(Topology::Wallace) << "maj-fa";
    QTest::newRow("adder-tree/576/maj") << 576 << static_cast<int>(Topology::AdderTree) << "maj";
}

// Yosys's transistor estimate for the netlist under one script.
std::optional<double> yosysTransistors(const QString& yosys, const Netlist& net, const char* script, QString& error)
{
    QTemporaryDir dir;
    if (!dir.isValid()) {
        error = "no temporary directory";
        return std::nullopt;
    }
    writeVerilogFile(net, "popcount", dir.filePath("popcount.v").toStdString());
    if (!run(yosys, {"-q", "-p", script}, dir.path()).ok) {
        error = QStringLiteral("Yosys failed on: %1").arg(script);
        return std::nullopt;
    }
    const QString stat = QString::fromLatin1(readAll(dir.filePath("stat.txt")));
    const auto match = QRegularExpression(R"(Estimated number of transistors:\s+(\d+))").match(stat);
    if (!match.hasMatch()) {
        error = "no transistor estimate in Yosys stat output:\n" + stat;
        return std::nullopt;
    }
    return match.captured(1).toDouble();
}

// Our count (a static-CMOS mapping of the whole netlist, circuit/tech_map.h)
// is within 10% of Yosys's area-only mapping of the same logic. Where ours
// is lower by more, it must not be lower than what Yosys's full synthesis
// (`synth -flatten`, which also optimises the logic) reaches, less 10%: the
// mapping-only script keeps an inverter per bit of a ripple chain's carries
// (chain rows) and logic that is constant (Wallace, 9 inputs, MAJ-FA: 4 of
// its 7 cells) where synthesis and our count do not.
void TestVerilog::yosysTransistorsAgree()
{
    QFETCH(int, inputs);
    QFETCH(int, topology);
    QFETCH(QString, variant);
    const QString yosys = tool("yosys");
    if (yosys.isEmpty())
        QSKIP("Yosys is not installed; scripts/setup.sh installs it");
    const Netlist net = makeNetlist(inputs, static_cast<Topology>(topology), variant);
    QString error;
    const std::optional<double> mapped = yosysTransistors(yosys, net, kYosysScript, error);
    QVERIFY2(mapped, qPrintable(error));
    CostOptions options;
    options.energyVectors = 128; // energy is not compared here
    const double ours = static_cast<double>(computeCost(net, options).transistors);
    const double ratio = *mapped / ours;
    qInfo("%s: computeCost %.0f, Yosys %.0f, ratio %.3f", QTest::currentDataTag(), ours, *mapped, ratio);
    if (std::abs(ratio - 1.0) <= 0.10)
        return;
    QVERIFY2(ratio > 1.0,
             qPrintable(QStringLiteral("Yosys counts %1 transistors, computeCost %2 (ratio %3): ours is "
                                       "more than 10% above Yosys's mapping")
                            .arg(*mapped)
                            .arg(ours)
                            .arg(ratio, 0, 'f', 3)));
    const std::optional<double> full = yosysTransistors(yosys, net, kYosysFullScript, error);
    QVERIFY2(full, qPrintable(error));
    qInfo("%s: full synthesis %.0f, ratio %.3f", QTest::currentDataTag(), *full, *full / ours);
    QVERIFY2(*full / ours <= 1.10,
             qPrintable(QStringLiteral("computeCost %1 is more than 10% below Yosys's mapping (%2) and its full "
                                       "synthesis (%3) is higher still")
                            .arg(ours)
                            .arg(*mapped)
                            .arg(*full)));
}

QTEST_APPLESS_MAIN(TestVerilog)
#include "test_verilog.moc"
