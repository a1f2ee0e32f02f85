// Exact error analysis of hierarchical popcounts by convolution: equal to
// enumeration where that reaches, within Monte Carlo's confidence beyond it,
// and within the confidence of a Monte Carlo run through the circuit's own
// Verilog simulated by Icarus (576 inputs, 36 imported 16-input blocks).
#include "../circuit/hierarchical_test_support.h"
#include "error_analysis_test_support.h"

#include "analysis/hierarchical_errors.h"
#include "circuit/verilog_writer.h"
#include "util/random_bits.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace axbnn;
using namespace axbnn::hierarchical_test;
using axbnn::testing::compareExact;
using axbnn::testing::compareWithinConfidence;
using axbnn::testing::differ;

namespace {

ErrorOptions options(double p, bool conditional)
{
    ErrorOptions o;
    o.p = p;
    o.conditional = conditional;
    return o;
}

} // namespace

class TestHierarchicalErrors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // N = 20: the whole circuit can be enumerated, so the convolution must
    // give the same distribution, moments and P(e | s) rows.
    void convolutionEqualsEnumeration_data()
    {
        QTest::addColumn<int>("variant");
        QTest::addColumn<double>("p");
        for (double p : {0.5, 0.3})
            for (int v = 0; v < 3; ++v)
                QTest::addRow("variant%d-p%g", v, p) << v << p;
    }

    void convolutionEqualsEnumeration()
    {
        QFETCH(int, variant);
        QFETCH(double, p);
        // 0: generated leaves of 6 (the last of 2), MAJ-FA on level 0; 1: an
        // imported approximate 6-input block, the last padded; 2: generated
        // leaves of 4 with LSB column 0 approximate (the tree's column 0 is a half adder).
        const HierarchicalPopcount h = variant == 0
            ? makeHierarchicalPopcount(20, generatedLeaf(6), Topology::AdderTree, knobs(0, 1), lib())
            : variant == 1
            ? makeHierarchicalPopcount(20, importedLeaf(gateBlock(6, knobs(2, 0))), Topology::AdderTree, {}, lib())
            : makeHierarchicalPopcount(20, generatedLeaf(4), Topology::AdderTree, knobs(1, 0), lib());
        QVERIFY(treeIsExact(h));
        const ErrorStats conv = analyzeHierarchical(h, options(p, true));
        ErrorOptions ex = options(p, true);
        ex.method = ErrorMethod::Exhaustive;
        const ErrorStats full = analyzeExhaustive(h.netlist, ex);
        QVERIFY(full.errorRate > 0.05); // approximate enough to be worth comparing
        QVERIFY(conv.precision.find("convolution") != std::string::npos);
        compareExact(conv, full, 1e-12);
        const double tol = 1e-12;
        QCOMPARE(conv.conditional.size(), full.conditional.size());
        for (size_t s = 0; s < full.conditional.size(); ++s) {
            const ConditionalRow &a = conv.conditional[s], &b = full.conditional[s];
            QCOMPARE(a.sum, b.sum);
            QVERIFY(std::abs(a.probabilityOfSum - b.probabilityOfSum) < tol);
            QCOMPARE(a.errors.size(), b.errors.size());
            for (const auto& [e, q] : b.errors)
                QVERIFY2(std::abs(a.errors.at(e) - q) < 1e-9, differ("P(e|s)", a.errors.at(e), q));
        }
    }

    // Beyond enumeration: Monte Carlo on the netlist within 4 of its 95%
    // half-widths (about 2 standard errors each side of the 1.96).
    void convolutionWithinMonteCarloConfidence()
    {
        const HierarchicalPopcount h =
            makeHierarchicalPopcount(576, generatedLeaf(16), Topology::AdderTree, knobs(0, 2), lib());
        const ErrorStats conv = analyzeHierarchicalErrors(h, options(0.5, false));
        QCOMPARE(conv.method, ErrorMethod::Propagation);
        QVERIFY(conv.precision.find("convolution of 36 leaves") != std::string::npos);
        ErrorOptions o = options(0.5, false);
        o.method = ErrorMethod::MonteCarlo;
        const ErrorStats mc = analyzeErrors(h.netlist, o);
        QVERIFY(conv.mae > 1.0);
        compareWithinConfidence(mc, conv);
    }

    void approximateTreeFallsBackToMonteCarlo()
    {
        const HierarchicalPopcount h =
            makeHierarchicalPopcount(96, generatedLeaf(16), Topology::AdderTree, knobs(2, 0), lib());
        QVERIFY(!treeIsExact(h));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, analyzeHierarchical(h, options(0.5, false)));
        const ErrorStats auto_ = analyzeHierarchicalErrors(h, options(0.5, false));
        QCOMPARE(auto_.method, ErrorMethod::MonteCarlo);
        QVERIFY(auto_.precision.find("convolution not used: the summing tree has approximate cells")
                != std::string::npos);
        // Leaves beyond enumeration decline too.
        const HierarchicalPopcount wide =
            makeHierarchicalPopcount(96, generatedLeaf(24), Topology::AdderTree, knobs(0, 1), lib());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, analyzeHierarchical(wide, options(0.5, false)));
    }

    // The showcase: 576 inputs, 36 imported approximate 16-input
    // blocks. Random vectors through the exported Verilog under Icarus; the
    // sample statistics must lie within 4 standard errors of the exact ones.
    void icarusMonteCarloMatchesConvolution()
    {
        const QString iverilog = QStandardPaths::findExecutable("iverilog");
        const QString vvp = QStandardPaths::findExecutable("vvp");
        if (iverilog.isEmpty() || vvp.isEmpty())
            QSKIP("Icarus Verilog (iverilog, vvp) is not installed; scripts/setup.sh installs it");
        const HierarchicalPopcount h =
            makeHierarchicalPopcount(576, importedLeaf(gateBlock(16, knobs(2, 0))), Topology::AdderTree, {}, lib());
        QCOMPARE(static_cast<int>(h.leaves.size()), 36);
        const ErrorStats exact = analyzeHierarchicalErrors(h, options(0.5, false));
        QVERIFY(exact.precision.find("convolution") != std::string::npos);

        constexpr int kVectors = 3000;
        Rng rng(2026);
        std::vector<int> counts;
        std::ostringstream hex;
        for (int v = 0; v < kVectors; ++v) {
            std::vector<uint8_t> bits(576);
            int ones = 0;
            for (int w = 0; w < 9; ++w) {
                const uint64_t word = rng.next();
                for (int b = 0; b < 64; ++b)
                    ones += bits[64 * w + b] = (word >> b) & 1;
            }
            counts.push_back(ones);
            for (int nibble = 143; nibble >= 0; --nibble)
                hex << "0123456789abcdef"[bits[4 * nibble] | bits[4 * nibble + 1] << 1 | bits[4 * nibble + 2] << 2
                                          | bits[4 * nibble + 3] << 3];
            hex << "\n";
        }
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeVerilogFile(h.netlist, "popcount", dir.filePath("popcount.v").toStdString());
        std::ofstream(dir.filePath("vectors.hex").toStdString()) << hex.str();
        std::ofstream(dir.filePath("tb.v").toStdString())
            << "module tb;\n  reg [575:0] vectors [0:" << kVectors - 1 << "];\n  reg [575:0] x;\n  wire ["
            << h.netlist.outputBits() - 1 << ":0] y;\n  integer i;\n  popcount dut(.x(x), .y(y));\n"
            << "  initial begin\n    $readmemh(\"vectors.hex\", vectors);\n    for (i = 0; i < " << kVectors
            << "; i = i + 1) begin\n      x = vectors[i];\n      #1 $display(\"%0d\", y);\n    end\n"
            << "    $finish;\n  end\nendmodule\n";
        QProcess compile;
        compile.setWorkingDirectory(dir.path());
        compile.start(iverilog, {"-g2005", "-o", "sim.vvp", "popcount.v", "tb.v"});
        QVERIFY(compile.waitForFinished(120000) && compile.exitCode() == 0);
        QProcess sim;
        sim.setWorkingDirectory(dir.path());
        sim.start(vvp, {"-n", "sim.vvp"});
        QVERIFY(sim.waitForFinished(120000) && sim.exitCode() == 0);
        QList<QByteArray> lines = sim.readAllStandardOutput().split('\n');
        lines.removeIf([](const QByteArray& l) { return l.trimmed().isEmpty() || l.startsWith("tb.v:"); });
        QCOMPARE(lines.size(), static_cast<qsizetype>(kVectors));

        double rate = 0, mean = 0, mae = 0, mse = 0;
        for (int v = 0; v < kVectors; ++v) {
            bool ok = false;
            const double e = lines[v].trimmed().toInt(&ok) - counts[static_cast<size_t>(v)];
            QVERIFY(ok);
            QVERIFY(e >= exact.minError && e <= exact.maxError);
            rate += e != 0;
            mean += e;
            mae += std::abs(e);
            mse += e * e;
        }
        rate /= kVectors, mean /= kVectors, mae /= kVectors, mse /= kVectors;
        // Standard errors from the exact distribution.
        double varAbs = 0, varE = 0, varSquare = 0;
        for (const auto& [e, q] : exact.pmf) {
            varE += q * (e - exact.meanError) * (e - exact.meanError);
            varAbs += q * (std::abs(e) - exact.mae) * (std::abs(e) - exact.mae);
            varSquare += q * (double(e) * e - exact.mse) * (double(e) * e - exact.mse);
        }
        const double n = kVectors;
        QVERIFY(exact.mae > 1.0);
        QVERIFY2(std::abs(rate - exact.errorRate) <= 4 * std::sqrt(exact.errorRate * (1 - exact.errorRate) / n),
                 differ("rate", rate, exact.errorRate));
        QVERIFY2(std::abs(mean - exact.meanError) <= 4 * std::sqrt(varE / n), differ("mean", mean, exact.meanError));
        QVERIFY2(std::abs(mae - exact.mae) <= 4 * std::sqrt(varAbs / n), differ("mae", mae, exact.mae));
        QVERIFY2(std::abs(mse - exact.mse) <= 4 * std::sqrt(varSquare / n), differ("mse", mse, exact.mse));
    }
};

QTEST_GUILESS_MAIN(TestHierarchicalErrors)
#include "test_hierarchical_errors.moc"
