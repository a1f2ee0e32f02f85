// Hostile netlists (issue 20): hierarchies that flatten past the limits,
// deep module chains, long chains and constants that must import in linear
// time, Yosys cells with missing or wide connections, and a counter with
// more output bits than exhaustive enumeration handles.
#include "analysis/error_analysis.h"
#include "io/verilog_import.h"
#include "io/yosys_json_import.h"

#include "import_test_support.h"

#include <QStringList>
#include <QTest>

#include <stdexcept>
#include <string>
#include <vector>

using namespace axbnn;
using namespace axbnn::test;

namespace {

// The message of importVerilog's refusal of `text` (empty if it imports).
QString importError(const QString& text, const std::string& origin)
{
    try {
        importVerilog(text.toStdString(), origin);
    } catch (const std::runtime_error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

// A Yosys write_json netlist of one module "m" with these ports and cells.
QString yosysJson(const QString& ports, const QString& cells)
{
    return "{\"modules\": {\"m\": {\"ports\": {" + ports + "}, \"cells\": {" + cells + "}}}}";
}

// An exact 3-input popcount whose output has 9 bits (the top 7 are 0).
const char* const kNineBitCounter = "module c9(input [2:0] x, output [8:0] y);\n"
                                    "  assign y = {7'b0, (x[0] & x[1]) | (x[2] & (x[0] | x[1])), x[0] ^ x[1] ^ x[2]};\n"
                                    "endmodule\n";

} // namespace

class TestNetlistLimits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // l0 .. l44, each l_i instantiating l_(i-1) twice: 4 KB that flattens
    // to 2^45 - 2 instances, refused at once from the module graph.
    void exponentialHierarchyIsRefusedBeforeElaboration()
    {
        QString text = "module l0(input [1:0] x, output [1:0] y);\n  assign y = x;\nendmodule\n";
        for (int i = 1; i <= 44; ++i)
            text += QString("module l%1(input [1:0] x, output [1:0] y);\n  wire [1:0] t;\n"
                            "  l%2 a(.x(x), .y(t));\n  l%2 b(.x(t), .y(y));\nendmodule\n")
                        .arg(i)
                        .arg(i - 1);
        QVERIFY(text.size() < 8192);
        // Counted bottom-up, not by flattening (which would never end: the
        // suite's 600 s timeout catches that; tests assert no wall time).
        const QString what = importError(text, "h.v");
        QVERIFY2(what
                     == "h.v: line 219: flattening module 'l44' makes 35184372088830 module and gate instances, "
                        "more than the 4194304 an imported netlist may have",
                 qPrintable(what));
    }

    // 64 module levels import; 70 are refused naming the chain.
    void hierarchyDepthIsBounded()
    {
        auto chainOf = [](int levels) {
            QString text = "module l0(input [1:0] x, output [1:0] y);\n  assign y = ~x;\nendmodule\n";
            for (int i = 1; i < levels; ++i)
                text += QString("module l%1(input [1:0] x, output [1:0] y);\n  l%2 u(.x(x), .y(y));\nendmodule\n")
                            .arg(i)
                            .arg(i - 1);
            return text;
        };
        const Netlist net = importVerilog(chainOf(64).toStdString(), "deep.v");
        QCOMPARE(truthTable(net), (std::vector<uint64_t>{3, 2, 1, 0}));
        const QString what = importError(chainOf(70), "deep.v");
        QVERIFY2(what.startsWith("deep.v: line 208: flattening module 'l69' goes 70 module levels deep (l69 -> l68 "
                                 "-> l67 -> l66 -> l65 -> l64 -> ... (59 more) -> l4 -> l3 -> l2 -> l1 -> l0), "
                                 "more than the 64 a netlist hierarchy may have"),
                 qPrintable(what));
    }

    // A chain of 200,000 wire-to-wire assignments, each wire also read by a
    // gate: every wire is followed once, not once per reader (that took
    // 2 * 10^10 steps). And a 100,000-digit decimal constant converts from
    // its last digits instead of growing a 330,000-bit number digit by digit.
    void longChainsAndLongConstantsImportInLinearTime()
    {
        const int n = 200000;
        std::string text = "module m(input [1:0] x, output [1:0] y);\n  wire [" + std::to_string(n) + ":0] w, g;\n"
            + "  assign w[0] = x[0];\n  assign g[0] = x[1];\n";
        for (int i = 1; i <= n; ++i) {
            const std::string k = std::to_string(i), j = std::to_string(i - 1);
            text += "  assign w[" + k + "] = w[" + j + "];\n  assign g[" + k + "] = g[" + j + "] ^ w[" + k + "];\n";
        }
        text += "  wire [1:0] c = 2'd" + std::string(100000, '1') + ";\n  assign y = {c[1] & c[0], g["
            + std::to_string(n) + "]};\nendmodule\n";
        // Quadratic following would take hours: the suite's timeout catches
        // it (benchmarks, not tests, measure time).
        const Netlist net = importVerilog(text, "chain.v");
        // g[n] = x1 ^ (n copies of x0) = x1 (n is even); c = 111...1 mod 4 = 3.
        QCOMPARE(truthTable(net), (std::vector<uint64_t>{2, 2, 3, 3}));
    }

    // An imported counter with more output bits than enumeration handles:
    // auto uses Monte Carlo and says why, an explicit exhaustive names the
    // limit and the way out.
    void nineOutputBitsFallBackToMonteCarlo()
    {
        const Netlist net = importVerilog(kNineBitCounter, "c9.v");
        QCOMPARE(net.outputBits(), 9);
        ErrorOptions o;
        o.samples = 4096;
        const ErrorStats s = analyzeErrors(net, o);
        QCOMPARE(s.method, ErrorMethod::MonteCarlo);
        QVERIFY2(s.precision.find("(exhaustive enumeration not used: the circuit has 9 output bits, it handles at "
                                  "most 8; propagation not used: the circuit has no adder nodes)")
                     != std::string::npos,
                 s.precision.c_str());
        QCOMPARE(s.errorRate, 0.0);
        o.method = ErrorMethod::Exhaustive;
        try {
            analyzeErrors(net, o);
            QFAIL("no error");
        } catch (const std::invalid_argument& e) {
            QCOMPARE(std::string(e.what()),
                     std::string("exhaustive enumeration handles at most 8 output bits; this "
                                 "circuit has 9 (use Monte Carlo: --method monte-carlo)"));
        }
    }

    void malformedYosysJsonNamesTheCell_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        const QString ports = "\"x\": {\"direction\": \"input\", \"bits\": [2, 3, 4]}, "
                              "\"y\": {\"direction\": \"output\", \"bits\": [5, \"0\"]}";
        auto cell = [&](const QString& type, const QString& connections) {
            return yosysJson(ports, "\"g\": {\"type\": \"" + type + "\", \"connections\": {" + connections + "}}");
        };
        QTest::newRow("AND without B") << cell("$_AND_", "\"A\": [2], \"Y\": [5]")
                                       << "bad.json: cell 'g' ($_AND_): port B is not connected";
        QTest::newRow("MUX without S") << cell("$_MUX_", "\"A\": [2], \"B\": [3], \"Y\": [5]")
                                       << "bad.json: cell 'g' ($_MUX_): port S is not connected";
        QTest::newRow("NOT without Y") << cell("$_NOT_", "\"A\": [2]")
                                       << "bad.json: cell 'g' ($_NOT_): port Y is not connected";
        QTest::newRow("B of two bits") << cell("$_OR_", "\"A\": [2], \"B\": [3, 4], \"Y\": [5]")
                                       << "bad.json: cell 'g' ($_OR_): port B must connect one bit, it connects 2";
        QTest::newRow("A not a list") << cell("$_OR_", "\"A\": 2, \"B\": [3], \"Y\": [5]")
                                      << "bad.json: cell 'g' ($_OR_): port A must be a list of bits";
        QTest::newRow("Y a constant") << cell("$_OR_", "\"A\": [2], \"B\": [3], \"Y\": [\"0\"]")
                                      << "bad.json: cell 'g' ($_OR_): port Y must connect a net, not a constant";
        QTest::newRow("bit not a net") << cell("$_OR_", "\"A\": [true], \"B\": [3], \"Y\": [5]")
                                       << "bad.json: cell 'g': a bit must be a net number or a constant";
        QStringList wide;
        for (int i = 0; i < 262144; ++i)
            wide << QString::number(i + 10);
        QTest::newRow("262144 inputs") << yosysJson("\"x\": {\"direction\": \"input\", \"bits\": [" + wide.join(",")
                                                        + "]}, \"y\": {\"direction\": \"output\", \"bits\": [2]}",
                                                    "")
                                       << "bad.json: input port 'x' has 262144 bits, more popcount inputs than the "
                                          "65536 a circuit may have";
        wide << wide.mid(0, 40000);
        QTest::newRow("wide output") << yosysJson("\"x\": {\"direction\": \"input\", \"bits\": [2]}, "
                                                  "\"y\": {\"direction\": \"output\", \"bits\": ["
                                                      + wide.join(",") + "]}",
                                                  "")
                                     << "bad.json: port 'y' has 302144 bits, more than the 262144 a netlist vector "
                                        "may have";
    }

    void malformedYosysJsonNamesTheCell()
    {
        QFETCH(QString, json);
        QFETCH(QString, message);
        try {
            importYosysJson(json.toStdString(), "bad.json");
            QFAIL("no error");
        } catch (const std::runtime_error& e) {
            const QString what = QString::fromStdString(e.what());
            QVERIFY2(what.startsWith(message), qPrintable(what));
        }
    }
};

QTEST_GUILESS_MAIN(TestNetlistLimits)
#include "test_netlist_limits.moc"
