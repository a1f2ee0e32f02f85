// Netlist import: our Verilog export read back, Yosys output (Verilog and
// JSON) of our circuits, a hand-analysed approximate popcount, and clear
// errors naming the line for malformed files.
#include "analysis/error_analysis.h"
#include "circuit/approximation.h"
#include "circuit/cost_model.h"
#include "circuit/lane_simulator.h"
#include "circuit/live_logic.h"
#include "circuit/popcount_builder.h"
#include "circuit/tech_map.h"
#include "circuit/verilog_writer.h"
#include "io/verilog_import.h"
#include "io/yosys_json_import.h"

#include "import_test_support.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <stdexcept>

using namespace axbnn;
using namespace axbnn::test;

Q_DECLARE_METATYPE(axbnn::Topology)

namespace {

// variant 0: exact; 1: MAJ-FA in the lowest column; 2: carry-only MAJ in two
// columns plus OR half adders (constant outputs, which synthesis removes).
Netlist makeCircuit(int n, Topology t, int variant)
{
    const CellLibrary lib = CellLibrary::defaults();
    const Netlist exact = buildPopcount(n, t, lib);
    ApproxConfig a;
    if (variant == 1)
        a.lsbColumns = 1;
    if (variant == 2) {
        a.lsbColumns = 2;
        a.faCell = "maj";
        a.haCell = "or-ha";
    }
    return applyApproximation(exact, lib, a);
}

QString readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// The hand-written approximate popcount of 3 inputs: the carry is exact
// (majority), the sum bit is an OR instead of an XOR.
const char* const kHandWritten = R"(// approximate 3-input popcount, written by hand
module apc3(x, y);
  input [2:0] x;
  output [1:0] y;
  wire carry;
  assign carry = (x[0] & x[1]) | (x[2] & (x[0] | x[1]));
  assign y[0] = x[0] | x[1] | x[2];   /* OR, not XOR: wrong for two ones */
  assign y[1] = carry;
endmodule
)";

} // namespace

class TestNetlistImport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsTruthTable_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("variant");
        for (int n : {1, 2, 3, 5, 8, 12})
            for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
                for (int v : {0, 1, 2})
                    QTest::addRow("n%d-%s-v%d", n, topologyName(t).c_str(), v) << n << t << v;
    }

    void roundTripKeepsTruthTable()
    {
        QFETCH(int, n);
        QFETCH(Topology, topology);
        QFETCH(int, variant);
        const Netlist original = makeCircuit(n, topology, variant);
        const Netlist imported = importVerilog(writeVerilog(original, "pc"), "roundtrip.v");
        QCOMPARE(imported.inputs, n);
        QCOMPARE(imported.outputBits(), original.outputBits());
        QCOMPARE(imported.topology, Topology::Imported);
        QVERIFY(imported.nodes.empty());
        QCOMPARE(truthTable(imported), truthTable(original));
        // And again through our writer: the imported netlist is first-class.
        QCOMPARE(truthTable(importVerilog(writeVerilog(imported, "again"), "again.v")), truthTable(original));
    }

    void importedCircuitWorksEverywhere()
    {
        const Netlist original = makeCircuit(9, Topology::Dadda, 1);
        const Netlist net = importVerilog(writeVerilog(original, "pc"), "pc.v");
        // Lane simulator = scalar simulator on every vector (512 lanes).
        const LaneSimulator lanes(net);
        std::vector<uint64_t> buf;
        lanes.prepare(buf);
        const std::vector<uint64_t> table = truthTable(net);
        for (int i = 0; i < net.inputs; ++i)
            for (int w = 0; w < LaneSimulator::kWords; ++w) {
                uint64_t word = 0;
                for (int b = 0; b < 64; ++b)
                    word |= uint64_t(((w * 64 + b) >> i) & 1) << b;
                LaneSimulator::inputWords(buf.data(), i)[w] = word;
            }
        lanes.run(buf.data());
        for (int v = 0; v < 512; ++v) {
            uint64_t value = 0;
            for (int k = 0; k < net.outputBits(); ++k)
                value |= ((lanes.outputWords(buf.data(), k)[v / 64] >> (v % 64)) & 1) << k;
            QCOMPARE(value, table[static_cast<size_t>(v)]);
        }
        // Cost model: every cell is a gate, figures from the gate table.
        const CircuitCost cost = computeCost(net);
        QCOMPARE(cost.cells, static_cast<int>(net.cells.size()));
        QCOMPARE(cost.approximateCells, 0);
        QVERIFY(cost.areaUm2 > 0 && cost.delayPs > 0 && cost.energyFj > 0);
        // Error analysis: exhaustive equals the original's; propagation is refused.
        ErrorOptions o;
        const ErrorStats a = analyzeErrors(net, o), b = analyzeErrors(original, o);
        QCOMPARE(a.method, ErrorMethod::Exhaustive);
        QCOMPARE(a.pmf, b.pmf);
        o.method = ErrorMethod::Propagation;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, analyzeErrors(net, o));
    }

    void gatesAreFusedAndUserCellsOverrideTheirFigures()
    {
        // ~(a & b) is one NAND2, (...) & ~c one ANDNOT, a | ~c one ORNOT.
        const char* text = R"(module m(input [2:0] x, output [1:0] y);
  wire n;
  assign n = ~x[2];
  assign y[0] = ~(x[0] & x[1]) & n;
  assign y[1] = x[0] | ~x[2];
endmodule
)";
        const Netlist net = importVerilog(text, "fuse.v");
        CircuitCost cost = computeCost(net);
        QCOMPARE(cost.counts, (std::map<std::string, int>{{"andnot", 1}, {"nand2", 1}, {"ornot", 1}}));
        // y[0] = NAND(a, b) & ~c, y[1] = a | ~c.
        const std::vector<uint64_t> t = truthTable(net);
        for (uint64_t v = 0; v < 8; ++v) {
            const uint64_t a = v & 1, b = (v >> 1) & 1, c = (v >> 2) & 1;
            QCOMPARE(t[v], ((1 - (a & b)) & (1 - c)) | ((a | (1 - c)) << 1));
        }
        CellLibrary lib = CellLibrary::defaults();
        CellType nand = lib.at("xor2");
        nand.name = "nand2";
        nand.areaUm2 = 1.5;
        nand.transistors = 3;
        lib.add(nand);
        const Netlist user = importVerilog(text, "fuse.v", &lib);
        cost = computeCost(user);
        const CircuitCost base = computeCost(net);
        // A gate with the user's own figure is not mapped with the others: it
        // costs its 3 transistors, the rest is mapped (circuit/tech_map.h).
        const MappedTransistors mapped = mapTransistors(user, liveLogic(user));
        QCOMPARE(mapped.blackBoxCells, 1);
        QCOMPARE(mapped.blackBoxTransistors, 3L);
        QCOMPARE(cost.transistors, mapped.transistors);
        QCOMPARE(mapTransistors(net, liveLogic(net)).blackBoxCells, 0);
        QVERIFY(std::abs(cost.areaUm2 - (base.areaUm2 - 3.7536 + 1.5)) < 1e-9);
    }

    void autoFallsBackToMonteCarloAboveTwentyInputs()
    {
        const Netlist net20 = importVerilog(writeVerilog(makeCircuit(20, Topology::AdderTree, 0), "pc"), "a.v");
        const Netlist net24 = importVerilog(writeVerilog(makeCircuit(24, Topology::AdderTree, 1), "pc"), "b.v");
        ErrorOptions o;
        const ErrorStats e20 = analyzeErrors(net20, o);
        QCOMPARE(e20.method, ErrorMethod::Exhaustive);
        QCOMPARE(e20.samples, uint64_t{1} << 20);
        QCOMPARE(e20.errorRate, 0.0);
        const ErrorStats e24 = analyzeErrors(net24, o);
        QCOMPARE(e24.method, ErrorMethod::MonteCarlo);
        QVERIFY(e24.precision.find("no adder nodes") != std::string::npos);
        // MAJ-FA in the lowest column errs: the estimate must see it.
        QVERIFY(e24.errorRate > 0.05);
    }

    void handWrittenApproximatePopcountHasHandComputedErrors()
    {
        const Netlist net = importVerilog(kHandWritten, "apc3.v");
        QCOMPARE(net.inputs, 3);
        QCOMPARE(net.outputBits(), 2);
        // By hand: with k ones among the 3 inputs, y[1] = MAJ = (k >= 2) and
        // y[0] = OR = (k >= 1). Value y0 + 2 y1: k=0 -> 0, k=1 -> 1, k=2 -> 3,
        // k=3 -> 3. So the error is +1 exactly when k = 2, else 0.
        // P(k = 2) = 3 p^2 (1 - p).
        //   p = 0.5:  3/8 = 0.375   -> error rate = mean = MAE = MSE = 0.375, WCE 1
        //   p = 0.25: 3 * 1/16 * 3/4 = 9/64 = 0.140625
        for (auto [p, expected] : {std::pair{0.5, 3.0 / 8.0}, std::pair{0.25, 9.0 / 64.0}}) {
            ErrorOptions o;
            o.p = p;
            const ErrorStats s = analyzeErrors(net, o);
            QCOMPARE(s.method, ErrorMethod::Exhaustive);
            QCOMPARE(s.errorRate, expected);
            QCOMPARE(s.meanError, expected);
            QCOMPARE(s.mae, expected);
            QCOMPARE(s.mse, expected);
            QCOMPARE(s.wce, 1);
            QCOMPARE(s.minError, 0);
            QCOMPARE(s.maxError, 1);
        }
    }

    void yosysOutputImportsWithSameTruthTable_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("variant");
        // Yosys takes about a second a run: a few rows that cover exact cells,
        // MAJ-FA, and constant outputs (v2), a tree and a compressor tree.
        for (auto [n, t, v] : {std::tuple{7, Topology::AdderTree, 0},
                               {6, Topology::Dadda, 1},
                               {5, Topology::AdderTree, 2},
                               {4, Topology::Chain, 1}})
            QTest::addRow("n%d-%s-v%d", n, topologyName(t).c_str(), v) << n << t << v;
    }

    void yosysOutputImportsWithSameTruthTable()
    {
        const QString yosys = tool("yosys");
        if (yosys.isEmpty())
            QSKIP("yosys is not installed");
        QFETCH(int, n);
        QFETCH(Topology, topology);
        QFETCH(int, variant);
        const Netlist original = makeCircuit(n, topology, variant);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeVerilogFile(original, "popcount", dir.filePath("popcount.v").toStdString());
        const QString script =
            "read_verilog popcount.v; synth -top popcount -flatten; write_verilog -noattr synth.v; "
            "write_json synth.json; abc -g AND,OR,XOR,NAND,NOR,XNOR,ANDNOT,ORNOT,MUX; opt_clean; "
            "write_verilog -noattr gates.v; write_json gates.json; "
            "design -reset; read_verilog popcount.v; synth -top popcount; write_verilog -noattr hier.v";
        const ToolRun run = runTool(yosys, {"-q", "-p", script}, dir.path());
        QVERIFY2(run.ok, qPrintable(run.output));
        const std::vector<uint64_t> expect = truthTable(original);
        for (const char* file : {"synth.v", "gates.v", "hier.v"}) {
            const Netlist net = importVerilog(readFile(dir.filePath(file)).toStdString(), file);
            QVERIFY2(truthTable(net) == expect, file);
        }
        for (const char* file : {"synth.json", "gates.json"}) {
            const Netlist net = importYosysJson(readFile(dir.filePath(file)).toStdString(), file);
            QVERIFY2(truthTable(net) == expect, file);
        }
    }

    void malformedVerilogNamesTheLine_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        const QString head = "module m(input [1:0] x, output [1:0] y);\n";
        QTest::newRow("undeclared") << head + "  assign y[0] = x[0] & w;\n  assign y[1] = x[1];\nendmodule\n"
                                    << "line 2: 'w' is not declared";
        QTest::newRow("loop") << head
                + "  wire a, b;\n  assign a = b & x[0];\n  assign b = a | x[1];\n"
                  "  assign y = {a, b};\nendmodule\n"
                              << "combinational loop";
        QTest::newRow("always") << head + "  reg r;\n  always @(*) r = x[0];\nendmodule\n"
                                << "line 2: unsupported construct 'reg'";
        QTest::newRow("always-only") << head + "  always @(*) y = x;\nendmodule\n"
                                     << "line 2: unsupported construct 'always'";
        QTest::newRow("two drivers") << head
                + "  assign y[0] = x[0];\n  assign y[1] = x[1];\n"
                  "  assign y[0] = x[1];\nendmodule\n"
                                     << "line 4: 'y[0]' has more than one driver (also driven at line 2)";
        QTest::newRow("missing output bit") << head + "  assign y[0] = x[0];\nendmodule\n"
                                            << "line 1: output bit 1 of 'y' is never assigned";
        QTest::newRow("undriven wire") << head + "  wire w;\n  assign y = {w, x[0]};\nendmodule\n"
                                       << "line 2: 'w' is read but never assigned";
        QTest::newRow("unknown module") << head + "  foo u1(.a(x[0]), .b(y[0]));\n  assign y[1] = 1'b0;\nendmodule\n"
                                        << "line 2: unknown module 'foo'";
        QTest::newRow("two inputs") << QString("module m(input a, input b, output y);\n  assign y = a;\nendmodule\n")
                                    << "exactly one input vector";
        QTest::newRow("bad index") << head + "  assign y = x[3:2];\nendmodule\n"
                                   << "line 2: index 3 is outside 'x' [1:0]";
        QTest::newRow("x value") << head + "  assign y = 2'b1x;\nendmodule\n"
                                 << "line 2: an x or z constant reaches an output";
        QTest::newRow("bad digit") << head + "  assign y = 2'b12;\nendmodule\n"
                                   << "line 2: unsupported digit '2'";
        QTest::newRow("assign input") << head + "  assign x[0] = 1'b1;\n  assign y = x;\nendmodule\n"
                                      << "line 2: cannot assign to an input";
        QTest::newRow("no endmodule") << head + "  assign y = x;\n"
                                      << "missing 'endmodule'";
        // Deep input (issue 20): refused at kMaxExpressionDepth, no stack overflow.
        const int n = 100000;
        const QString deep = "line 2: expression nested deeper than 500 levels";
        QTest::newRow("deep parentheses") << head + "  assign y = {x[1], " + QString(n, '(') + "x[0]" + QString(n, ')')
                + "};\nendmodule\n" << deep;
        QTest::newRow("deep not") << head + "  assign y = {x[1], " + QString(n, '~') + "x[0]};\nendmodule\n" << deep;
        QTest::newRow("deep ?:") << head + "  assign y = {x[1], " + QString("x[0] ? x[1] : ").repeated(n)
                + "x[0]};\nendmodule\n"
                                 << deep;
        QTest::newRow("deep concatenation")
            << head + "  assign y = {x[1], " + QString(n, '{') + "x[0]" + QString(n, '}') + "};\nendmodule\n"
            << deep;
        // Limits and cycles (issue 20): refused before anything is built.
        QTest::newRow("recursive module")
            << QString("module a(input [1:0] x, output [1:0] y);\n  a u(.x(x), .y(y));\nendmodule\n")
            << "line 2: module 'a' instantiates itself: a -> a";
        QTest::newRow("cycle below the top") << head
                + "  b u(.x(x), .y(y));\nendmodule\n"
                  "module b(input [1:0] x, output [1:0] y);\n  c u(.x(x), .y(y));\nendmodule\n"
                  "module c(input [1:0] x, output [1:0] y);\n  b u(.x(x), .y(y));\nendmodule\n"
                                             << "line 8: module 'b' instantiates itself: b -> c -> b";
        QTest::newRow("wide port") << QString("module w(input [999999:0] x, output [3:0] y);\n"
                                              "  assign y = x[3:0];\nendmodule\n")
                                   << "line 1: range [999999:0] is 1000000 bits wide, more than the 262144 a "
                                      "netlist vector may have";
        QTest::newRow("too many inputs")
            << QString("module w(input [262143:0] x, output [3:0] y);\n  assign y = x[3:0];\nendmodule\n")
            << "line 1: input 'x' has 262144 bits, more popcount inputs than the 65536 a circuit may have";
        QTest::newRow("wide repetition") << head
                + "  wire [1:0] w;\n  assign w = {200000{x}};\n  assign y = x;\n"
                  "endmodule\n"
                                         << "line 3: expression is 400000 bits wide, more than the 262144";
        QString wires;
        for (int i = 0; i < 16; ++i)
            wires += QString("  wire [199999:0] w%1;\n").arg(i);
        QTest::newRow("too many wire bits")
            << head + wires + "  assign y = x;\nendmodule\n"
            << "line 1: flattening module 'm' makes 3200004 gates and wire bits, more than the 3000000 an "
               "imported netlist may have";
        QTest::newRow("wide constant") << head + "  assign y = 4097'b0;\nendmodule\n"
                                       << "line 2: constant '4097'b0' must be 1 to 4096 bits wide";
        QTest::newRow("gate without B") << head
                + "  \\$_AND_ g (.A(x[0]), .Y(y[0]));\n  assign y[1] = x[1];\n"
                  "endmodule\n"
                                        << "line 2: instance 'g' of '$_AND_': port B is not connected";
        QTest::newRow("gate without Y") << head + "  \\$_NOT_ g (.A(x[0]));\n  assign y = x;\nendmodule\n"
                                        << "line 2: instance 'g' of '$_NOT_': port Y is not connected";
        QTest::newRow("gate port of two bits")
            << head + "  \\$_OR_ g (.A(x), .B(x[1]), .Y(y[0]));\n  assign y[1] = x[1];\nendmodule\n"
            << "line 2: instance 'g' of '$_OR_': port A must connect one bit, it connects 2";
        QTest::newRow("gate port left empty")
            << head + "  \\$_OR_ g (.A(), .B(x[1]), .Y(y[0]));\n  assign y[1] = x[1];\nendmodule\n"
            << "line 2: instance 'g' of '$_OR_': port A is left empty";
        QTest::newRow("gate port twice") << head
                + "  \\$_OR_ g (.A(x[0]), .A(x[1]), .B(x[1]), .Y(y[0]));\n  assign y[1] = x[1];\nendmodule\n"
                                         << "line 2: instance 'g' of '$_OR_': port A is connected twice";
        QStringList chain;
        for (int i = 0; i < 40000; ++i)
            chain << (i % 2 ? "x[1]" : "x[0]");
        QTest::newRow("long flat chain") << head + "  assign y = {x[1], " + chain.join(" ^ ") + "};\nendmodule\n"
                                         << deep;
    }

    void expressionsUpToTheDepthLimitImport()
    {
        QStringList chain;
        for (int i = 0; i < 400; ++i)
            chain << (i % 2 ? "x[1]" : "x[0]");
        const std::string text = ("module m(input [1:0] x, output [1:0] y);\n  assign y[0] = " + chain.join(" ^ ")
                                  + ";\n  assign y[1] = ((((x[0] & x[1]))));\nendmodule\n")
                                     .toStdString();
        const Netlist net = importVerilog(text, "chain.v");
        QCOMPARE(net.inputs, 2);
    }

    void malformedVerilogNamesTheLine()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        try {
            importVerilog(text.toStdString(), "bad.v");
            QFAIL("no error");
        } catch (const std::runtime_error& e) {
            const QString what = QString::fromStdString(e.what());
            QVERIFY2(what.startsWith("bad.v: ") && what.contains(message), qPrintable(what));
        }
    }

    void unsupportedYosysCellIsNamed()
    {
        const char* json = R"({"modules": {"m": {"ports": {
            "x": {"direction": "input", "bits": [2, 3]}, "y": {"direction": "output", "bits": [4, "0"]}},
            "cells": {"$ff": {"type": "$_DFF_P_", "connections": {"C": [2], "D": [3], "Q": [4]}}}}}})";
        try {
            importYosysJson(json, "ff.json");
            QFAIL("no error");
        } catch (const std::runtime_error& e) {
            const QString what = QString::fromStdString(e.what());
            QVERIFY2(what.contains("cell '$ff': unsupported cell type '$_DFF_P_'"), qPrintable(what));
        }
    }

    void yosysJsonConstantsAndMux()
    {
        // y[0] = S ? B : A with A = x0, B = x1, S = x2; y[1] = constant 1.
        const char* json = R"({"modules": {"m": {"ports": {
            "x": {"direction": "input", "bits": [2, 3, 4]}, "y": {"direction": "output", "bits": [5, "1"]}},
            "cells": {"mux": {"type": "$_MUX_", "connections": {"A": [2], "B": [3], "S": [4], "Y": [5]}}}}}})";
        const Netlist net = importYosysJson(json, "mux.json");
        const std::vector<uint64_t> t = truthTable(net);
        for (uint64_t v = 0; v < 8; ++v) {
            const uint64_t bit = (v & 4) ? (v >> 1) & 1 : v & 1;
            QCOMPARE(t[v], bit | 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestNetlistImport)
#include "test_netlist_import.moc"
