// Monte Carlo within its own confidence half-widths of the exact analyses,
// and how a method is chosen: auto, fallbacks, what each says is exact, bad
// requests.
#include "error_analysis_test_support.h"

#include <map>
#include <stdexcept>

using namespace axbnn;
using namespace axbnn::testing;

namespace {} // namespace

class TestErrorMethods : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void monteCarloWithinConfidence_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("lsb");
        QTest::addColumn<double>("p");
        for (Topology t : {Topology::Wallace, Topology::Dadda, Topology::AdderTree})
            for (int n : {12, 14, 16})
                for (int lsb : {1, 2})
                    for (double p : {0.5, 0.3})
                        QTest::addRow("%s-n%d-lsb%d-p%g", topologyName(t).c_str(), n, lsb, p) << t << n << lsb << p;
    }

    void monteCarloWithinConfidence()
    {
        QFETCH(Topology, topology);
        QFETCH(int, n);
        QFETCH(int, lsb);
        QFETCH(double, p);
        const Netlist net = circuit(n, topology, lsb);
        const ErrorStats exact = analyzeExhaustive(net, optionsFor(ErrorMethod::Exhaustive, p));
        const ErrorStats mc = analyzeMonteCarlo(net, optionsFor(ErrorMethod::MonteCarlo, p));
        QCOMPARE(mc.method, ErrorMethod::MonteCarlo);
        QCOMPARE(mc.samples, uint64_t{1} << 16);
        QVERIFY(exact.errorRate > 0.01); // the case is worth sampling
        QVERIFY(mc.errorRateCi > 0 && mc.meanErrorCi > 0 && mc.maeCi > 0 && mc.mseCi > 0);
        compareWithinConfidence(mc, exact);
        QVERIFY(!mc.wceExact);
        QVERIFY(mc.wce <= exact.wce);
    }

    // P AND/OR pairs ahead of an exact count: the error is the sum of the
    // pairs' independent errors (AND: -1, OR: +1, each with probability
    // 2p(1-p)), so enumeration must give that convolution exactly and Monte
    // Carlo must agree within its confidence.
    void pairsErrorIsTheConvolutionOfThePairs_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("pairs");
        QTest::addColumn<double>("p");
        for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
            for (auto [n, pairs] : {std::pair{8, 1}, {13, 3}, {16, 8}})
                for (double p : {0.5, 0.3})
                    QTest::addRow("%s-n%d-pairs%d-p%g", topologyName(t).c_str(), n, pairs, p) << t << n << pairs << p;
    }

    void pairsErrorIsTheConvolutionOfThePairs()
    {
        QFETCH(Topology, topology);
        QFETCH(int, n);
        QFETCH(int, pairs);
        QFETCH(double, p);
        const CellLibrary lib = CellLibrary::defaults();
        ApproxConfig config;
        config.pairs = pairs;
        const Netlist net = applyApproximation(buildPopcount(n, topology, lib), lib, config);
        std::map<int, double> pmf{{0, 1.0}};
        const double q = 2 * p * (1 - p);
        for (int k = 0; k < pairs; ++k) {
            std::map<int, double> next;
            for (const auto& [e, w] : pmf) {
                next[e] += w * (1 - q);
                next[e + (k % 2 == 0 ? -1 : 1)] += w * q;
            }
            pmf = next;
        }
        ErrorStats want;
        want.pmf = pmf;
        for (const auto& [e, w] : pmf) {
            want.errorRate += e != 0 ? w : 0.0;
            want.meanError += e * w;
            want.mae += std::abs(e) * w;
            want.mse += double(e) * e * w;
        }
        want.minError = pmf.begin()->first;
        want.maxError = pmf.rbegin()->first;
        want.wce = std::max(-want.minError, want.maxError);
        const ErrorStats exact = analyzeExhaustive(net, optionsFor(ErrorMethod::Exhaustive, p));
        compareExact(exact, want, 1e-12);
        compareWithinConfidence(analyzeMonteCarlo(net, optionsFor(ErrorMethod::MonteCarlo, p)), exact);
        // No adder nodes: propagation declines, Auto says why.
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 analyzePropagation(net, optionsFor(ErrorMethod::Propagation, p)));
    }

    // Where enumeration is out of reach, propagation and Monte Carlo still agree.
    void propagationMatchesMonteCarloAtLargeN_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("lsb");
        QTest::addColumn<QString>("ha");
        QTest::addColumn<double>("p");
        for (double p : {0.5, 0.3}) {
            QTest::addRow("tree-576-lsb1-p%g", p) << Topology::AdderTree << 576 << 1 << QString() << p;
            QTest::addRow("tree-576-lsb2-p%g", p) << Topology::AdderTree << 576 << 2 << QString() << p;
            QTest::addRow("tree-1000-lsb3-or-ha-p%g", p) << Topology::AdderTree << 1000 << 3 << QString("or-ha") << p;
            QTest::addRow("chain-300-lsb2-or-ha-p%g", p) << Topology::Chain << 300 << 2 << QString("or-ha") << p;
        }
    }

    void propagationMatchesMonteCarloAtLargeN()
    {
        QFETCH(Topology, topology);
        QFETCH(int, n);
        QFETCH(int, lsb);
        QFETCH(QString, ha);
        QFETCH(double, p);
        const Netlist net = circuit(n, topology, lsb, 0, "maj-fa", ha);
        const ErrorStats prop = analyzePropagation(net, optionsFor(ErrorMethod::Propagation, p));
        const ErrorStats mc = analyzeMonteCarlo(net, optionsFor(ErrorMethod::MonteCarlo, p));
        QVERIFY(prop.prunedMass < 1e-9);
        compareWithinConfidence(mc, prop);
        double total = prop.prunedMass;
        for (const auto& [e, q] : prop.pmf)
            total += q;
        QVERIFY(close(total, 1.0, 1e-12));
    }

    void propagationRejectsCompressorTrees_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::newRow("wallace") << Topology::Wallace;
        QTest::newRow("dadda") << Topology::Dadda;
    }

    void propagationRejectsCompressorTrees()
    {
        QFETCH(Topology, topology);
        const Netlist net = circuit(40, topology, 2);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 analyzePropagation(net, optionsFor(ErrorMethod::Propagation, 0.5)));
        const ErrorStats s = analyzeErrors(net, optionsFor(ErrorMethod::Auto, 0.5));
        QCOMPARE(s.method, ErrorMethod::MonteCarlo);
    }

    void autoPicksTheMethod_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("exhaustiveMax");
        QTest::addColumn<long>("budget");
        QTest::addColumn<ErrorMethod>("expected");
        const long budget = ErrorOptions{}.propagationBudget;
        QTest::newRow("small: enumerate") << Topology::AdderTree << 12 << 20 << budget << ErrorMethod::Exhaustive;
        QTest::newRow("wallace small: enumerate") << Topology::Wallace << 12 << 20 << budget << ErrorMethod::Exhaustive;
        QTest::newRow("tree: propagate") << Topology::AdderTree << 64 << 20 << budget << ErrorMethod::Propagation;
        QTest::newRow("limit lowered: propagate")
            << Topology::AdderTree << 12 << 8 << budget << ErrorMethod::Propagation;
        QTest::newRow("chain: propagate") << Topology::Chain << 64 << 20 << budget << ErrorMethod::Propagation;
        QTest::newRow("wallace: sample") << Topology::Wallace << 64 << 20 << budget << ErrorMethod::MonteCarlo;
        QTest::newRow("over budget: sample") << Topology::AdderTree << 64 << 20 << 50L << ErrorMethod::MonteCarlo;
    }

    void autoPicksTheMethod()
    {
        QFETCH(Topology, topology);
        QFETCH(int, n);
        QFETCH(int, exhaustiveMax);
        QFETCH(long, budget);
        QFETCH(ErrorMethod, expected);
        ErrorOptions o = optionsFor(ErrorMethod::Auto, 0.5);
        o.exhaustiveMaxInputs = exhaustiveMax;
        o.propagationBudget = budget;
        o.samples = 4096;
        const ErrorStats s = analyzeErrors(circuit(n, topology, 1, 0, "maj-fa", "or-ha"), o);
        QCOMPARE(s.method, expected);
        if (expected == ErrorMethod::MonteCarlo)
            QVERIFY(s.precision.find("propagation not used") != std::string::npos);
    }

    // An approximate column above the 12 tracked bits makes propagation
    // infeasible; Auto then samples.
    void tooWideApproximationFallsBackToMonteCarlo()
    {
        const Netlist net = circuit(8192, Topology::AdderTree, 13);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 analyzePropagation(net, optionsFor(ErrorMethod::Propagation, 0.5)));
        ErrorOptions o = optionsFor(ErrorMethod::Auto, 0.5);
        o.samples = 1024;
        const ErrorStats s = analyzeErrors(net, o);
        QCOMPARE(s.method, ErrorMethod::MonteCarlo);
        QCOMPARE(s.samples, uint64_t{1024});
    }

    void precisionSaysWhatIsExact()
    {
        const Netlist small = circuit(12, Topology::AdderTree, 2);
        const ErrorStats ex = analyzeExhaustive(small, optionsFor(ErrorMethod::Exhaustive, 0.3));
        QVERIFY(ex.precision.find("2^12") != std::string::npos);
        QCOMPARE(ex.samples, uint64_t{4096});
        QCOMPARE(ex.errorRateCi, 0.0);

        const ErrorStats mc = analyzeMonteCarlo(small, optionsFor(ErrorMethod::MonteCarlo, 0.3));
        QVERIFY(mc.precision.find("quantised") != std::string::npos); // 0.3 is not a multiple of 2^-24
        const ErrorStats mcHalf = analyzeMonteCarlo(small, optionsFor(ErrorMethod::MonteCarlo, 0.5));
        QVERIFY(mcHalf.precision.find("quantised") == std::string::npos);

        ErrorOptions o = optionsFor(ErrorMethod::Propagation, 0.5, true);
        o.samples = 100; // rounds up to whole words
        const ErrorStats prop = analyzePropagation(circuit(576, Topology::AdderTree, 2), o);
        QVERIFY(prop.prunedMass > 0 && prop.prunedMass < 1e-9);
        QVERIFY(prop.precision.find("epsilon") != std::string::npos);
        QVERIFY(prop.precision.find("Monte Carlo") != std::string::npos);
        QVERIFY(!prop.conditional.empty());
        uint64_t sampled = 0;
        for (const auto& row : prop.conditional)
            sampled += row.samples;
        QCOMPARE(sampled, uint64_t{128});
    }

    void badRequestsAreRejected()
    {
        const Netlist small = circuit(12, Topology::AdderTree, 1);
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument,
            analyzeExhaustive(circuit(31, Topology::AdderTree, 1), optionsFor(ErrorMethod::Exhaustive, 0.5)));
        for (ErrorMethod m : {ErrorMethod::Exhaustive, ErrorMethod::Propagation, ErrorMethod::MonteCarlo}) {
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, analyzeErrors(small, optionsFor(m, 1.5)));
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, analyzeErrors(small, optionsFor(m, std::nan(""))));
        }
        ErrorOptions o = optionsFor(ErrorMethod::MonteCarlo, 0.5);
        o.samples = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, analyzeMonteCarlo(small, o));
    }
};

QTEST_APPLESS_MAIN(TestErrorMethods)
#include "test_error_methods.moc"
