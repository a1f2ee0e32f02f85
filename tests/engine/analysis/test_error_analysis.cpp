// The exact error analyses agree with closed forms and with each other:
// propagation with exhaustive enumeration to 1e-9, worst cases, conditional
// rows, exact circuits. (Monte Carlo and choosing a method: test_error_methods.)
#include "error_analysis_test_support.h"

#include <stdexcept>

using namespace axbnn;
using namespace axbnn::testing;

class TestErrorAnalysis : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void methodNamesRoundTrip()
    {
        for (ErrorMethod m :
             {ErrorMethod::Auto, ErrorMethod::Exhaustive, ErrorMethod::Propagation, ErrorMethod::MonteCarlo})
            QCOMPARE(parseErrorMethod(errorMethodName(m)), m);
        QCOMPARE(errorMethodName(ErrorMethod::MonteCarlo), std::string("monte-carlo"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseErrorMethod("guess"));
    }

    // docs/domain.md section 3: MAJ-FA errs +1 on 000 and -1 on 111, so with Bernoulli(p)
    // inputs the error rate is (1-p)^3 + p^3 and the mean (1-p)^3 - p^3.
    void loneMajFaMatchesClosedForm_data()
    {
        QTest::addColumn<ErrorMethod>("method");
        QTest::addColumn<double>("p");
        for (ErrorMethod m : {ErrorMethod::Exhaustive, ErrorMethod::Propagation})
            for (double p : {0.5, 0.3, 0.85, 0.1, 0.0, 1.0})
                QTest::addRow("%s-p%g", errorMethodName(m).c_str(), p) << m << p;
    }

    void loneMajFaMatchesClosedForm()
    {
        QFETCH(ErrorMethod, method);
        QFETCH(double, p);
        const Netlist net = circuit(3, Topology::AdderTree, 1);
        QCOMPARE(net.cells.size(), size_t{1});
        const ErrorStats s = analyzeErrors(net, optionsFor(method, p));
        QCOMPARE(s.method, method);
        const double q0 = std::pow(1 - p, 3), q1 = std::pow(p, 3);
        QVERIFY2(close(s.errorRate, q0 + q1, 1e-12), differ("rate", s.errorRate, q0 + q1));
        QVERIFY2(close(s.meanError, q0 - q1, 1e-12), differ("mean", s.meanError, q0 - q1));
        QVERIFY(close(s.mae, q0 + q1, 1e-12)); // |e| <= 1, so E|e| = E[e^2] = P(e != 0)
        QVERIFY(close(s.mse, q0 + q1, 1e-12));
        QCOMPARE(s.minError, p < 1 ? (p > 0 ? -1 : 1) : -1);
        QCOMPARE(s.maxError, p > 0 ? (p < 1 ? 1 : -1) : 1);
        QCOMPARE(s.wce, 1);
        QVERIFY(s.wceExact);
        if (p == 0.5)
            QVERIFY(close(s.errorRate, 0.25, 1e-15));
    }

    void loneMajFaConditionalRowsAreItsTruthTable()
    {
        const ErrorStats s =
            analyzeExhaustive(circuit(3, Topology::AdderTree, 1), optionsFor(ErrorMethod::Exhaustive, 0.5, true));
        QCOMPARE(s.conditional.size(), size_t{4});
        const std::map<int, double> want[4] = {{{1, 1.0}}, {{0, 1.0}}, {{0, 1.0}}, {{-1, 1.0}}};
        for (int sum = 0; sum < 4; ++sum) {
            QCOMPARE(s.conditional[sum].sum, sum);
            QCOMPARE(s.conditional[sum].errors, want[sum]);
        }
    }

    void propagationMatchesExhaustive_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("lsb");
        QTest::addColumn<int>("levels");
        QTest::addColumn<QString>("fa");
        QTest::addColumn<QString>("ha");
        QTest::addColumn<double>("p");
        struct Knobs {
            int lsb, levels;
            const char *fa, *ha;
        };
        const Knobs knobs[] = {
            {1, 0, "maj-fa", ""},      {2, 0, "maj-fa", ""},       {3, 0, "maj-fa", ""},
            {0, 1, "maj-fa", ""},      {0, 2, "maj-fa", ""},       {1, 0, "maj-fa", "or-ha"},
            {2, 0, "maj", "or-ha"},    {1, 1, "or-fa", ""},        {2, 0, "or-fa", "or-and-ha"},
            {3, 0, "fa", "or-and-ha"}, {2, 0, "ones-fa", ""},      {0, 2, "ones-fa", "or-and-ha"},
            {2, 0, "ama1", ""},        {2, 0, "ama3", ""},         {0, 2, "ama4", ""},
            {3, 0, "ama5", ""},        {1, 0, "ama2", "and-pair"},
        };
        for (Topology t : {Topology::AdderTree, Topology::Chain})
            for (int n : {4, 5, 7, 9, 12, 15, 16}) // 15: tree nodes may wrap
                for (const Knobs& k : knobs)
                    for (double p : {0.5, 0.3, 0.85, 0.0, 1.0})
                        QTest::addRow("%s-n%d-lsb%d-lev%d-%s-%s-p%g", topologyName(t).c_str(), n, k.lsb, k.levels, k.fa,
                                      k.ha, p)
                            << t << n << k.lsb << k.levels << QString(k.fa) << QString(k.ha) << p;
    }

    void propagationMatchesExhaustive()
    {
        QFETCH(Topology, topology);
        QFETCH(int, n);
        QFETCH(int, lsb);
        QFETCH(int, levels);
        QFETCH(QString, fa);
        QFETCH(QString, ha);
        QFETCH(double, p);
        const Netlist net = circuit(n, topology, lsb, levels, fa, ha);
        const ErrorStats exact = analyzeExhaustive(net, optionsFor(ErrorMethod::Exhaustive, p));
        const ErrorStats prop = analyzePropagation(net, optionsFor(ErrorMethod::Propagation, p));
        QCOMPARE(prop.method, ErrorMethod::Propagation);
        QVERIFY(prop.prunedMass < 1e-12);
        compareExact(prop, exact, 1e-9);
    }

    // Worst case is over inputs of nonzero probability: any p in (0, 1)
    // reaches every vector, p = 0 and p = 1 only one.
    void propagatedWorstCaseIsExhaustiveWorstCase_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("lsb");
        QTest::addColumn<QString>("ha");
        QTest::addColumn<double>("p");
        for (Topology t : {Topology::AdderTree, Topology::Chain})
            for (int lsb : {1, 3})
                for (double p : {0.0, 1e-9, 0.5, 1 - 1e-9, 1.0})
                    QTest::addRow("%s-lsb%d-p%g", topologyName(t).c_str(), lsb, p) << t << lsb << QString("or-ha") << p;
    }

    void propagatedWorstCaseIsExhaustiveWorstCase()
    {
        QFETCH(Topology, topology);
        QFETCH(int, lsb);
        QFETCH(QString, ha);
        QFETCH(double, p);
        const Netlist net = circuit(14, topology, lsb, 0, "maj-fa", ha);
        const ErrorStats exact = analyzeExhaustive(net, optionsFor(ErrorMethod::Exhaustive, p));
        const ErrorStats prop = analyzePropagation(net, optionsFor(ErrorMethod::Propagation, p));
        QVERIFY(exact.wceExact && prop.wceExact);
        QCOMPARE(prop.wce, exact.wce);
        QCOMPARE(prop.minError, exact.minError);
        QCOMPARE(prop.maxError, exact.maxError);
        if (p > 0 && p < 1) { // structural: the same as at p = 0.5
            const ErrorStats half = analyzeExhaustive(net, optionsFor(ErrorMethod::Exhaustive, 0.5));
            QCOMPARE(prop.wce, half.wce);
        }
    }

    void exactNetlistsHaveNoError_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("n");
        QTest::addColumn<ErrorMethod>("method");
        for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
            for (int n : {1, 2, 5, 12, 40})
                for (ErrorMethod m :
                     {ErrorMethod::Auto, ErrorMethod::Exhaustive, ErrorMethod::Propagation, ErrorMethod::MonteCarlo}) {
                    const bool tree = t == Topology::AdderTree || t == Topology::Chain;
                    if (m == ErrorMethod::Propagation && (!tree || n == 1)) // no adder nodes
                        continue;
                    if (m == ErrorMethod::Exhaustive && n > kMaxExhaustiveInputs)
                        continue;
                    QTest::addRow("%s-n%d-%s", topologyName(t).c_str(), n, errorMethodName(m).c_str()) << t << n << m;
                }
    }

    void exactNetlistsHaveNoError()
    {
        QFETCH(Topology, topology);
        QFETCH(int, n);
        QFETCH(ErrorMethod, method);
        const Netlist net = circuit(n, topology, 0);
        const ErrorStats s = analyzeErrors(net, optionsFor(method, 0.3));
        QCOMPARE(s.errorRate, 0.0);
        QCOMPARE(s.meanError, 0.0);
        QCOMPARE(s.mae, 0.0);
        QCOMPARE(s.mse, 0.0);
        QCOMPARE(s.wce, 0);
        QCOMPARE(s.minError, 0);
        QCOMPARE(s.maxError, 0);
        QCOMPARE(s.pmf.size(), size_t{1});
        QVERIFY(close(s.pmf.at(0), 1.0, 1e-12));
        QVERIFY(!s.precision.empty());
    }

    // P(e | s) rows are distributions, and mixing them with P(s) gives P(e).
    void conditionalRowsSumToOneAndMixToPmf_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("n");
        QTest::addColumn<ErrorMethod>("method");
        QTest::addColumn<double>("p");
        for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Chain})
            for (ErrorMethod m : {ErrorMethod::Exhaustive, ErrorMethod::MonteCarlo})
                for (double p : {0.5, 0.2, 0.0})
                    QTest::addRow("%s-%s-p%g", topologyName(t).c_str(), errorMethodName(m).c_str(), p)
                        << t << 13 << m << p;
    }

    void conditionalRowsSumToOneAndMixToPmf()
    {
        QFETCH(Topology, topology);
        QFETCH(int, n);
        QFETCH(ErrorMethod, method);
        QFETCH(double, p);
        const Netlist net = circuit(n, topology, 2, 0, "maj-fa", "or-ha");
        const ErrorStats s = analyzeErrors(net, optionsFor(method, p, true));
        const bool exact = method == ErrorMethod::Exhaustive;
        if (exact) // every s has a row, whatever p
            QCOMPARE(s.conditional.size(), size_t(n + 1));
        std::map<int, double> mixed;
        double sumP = 0.0;
        uint64_t sampled = 0;
        for (const ConditionalRow& row : s.conditional) {
            double total = 0.0;
            for (const auto& [e, q] : row.errors)
                total += q;
            QVERIFY2(close(total, 1.0, 1e-12), qPrintable(QString("row s = %1").arg(row.sum)));
            QCOMPARE(row.samples == 0, exact);
            sampled += row.samples;
            // Exact rows mix with P(s); sampled rows with the sampled share of s.
            const double weight = exact ? row.probabilityOfSum : double(row.samples) / double(s.samples);
            sumP += weight;
            for (const auto& [e, q] : row.errors)
                mixed[e] += weight * q;
        }
        QVERIFY(close(sumP, 1.0, 1e-12));
        if (!exact)
            QCOMPARE(sampled, s.samples);
        for (const auto& [e, q] : s.pmf)
            QVERIFY2(std::abs(mixed[e] - q) <= 1e-12, differ("P(e)", mixed[e], q));
    }
};

QTEST_APPLESS_MAIN(TestErrorAnalysis)
#include "test_error_analysis.moc"
