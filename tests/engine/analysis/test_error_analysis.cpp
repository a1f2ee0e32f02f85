// The three error analyses agree with closed forms and with each other:
// propagation with exhaustive enumeration to 1e-9, Monte Carlo with both
// within its own confidence half-widths.
#include "analysis/error_analysis.h"
#include "circuit/approximation.h"
#include "circuit/popcount_builder.h"

#include <QtTest>

#include <cmath>
#include <set>
#include <stdexcept>

using namespace axbnn;

Q_DECLARE_METATYPE(axbnn::Topology)
Q_DECLARE_METATYPE(axbnn::ErrorMethod)

namespace {

// The defaults plus three cells whose errors are positive, so that adder
// results can exceed their width and wrap (propagation must widen those nodes).
CellLibrary testLibrary()
{
    CellLibrary lib = CellLibrary::defaults();
    CellType orFa = lib.at("maj-fa");
    orFa.name = "or-fa"; // S = a | b | c, C = MAJ: two ones give 3
    orFa.sumTable = 0xFE;
    lib.add(orFa);
    CellType orAndHa = lib.at("or-ha");
    orAndHa.name = "or-and-ha"; // S = a | b, C = a & b: 11 gives 3
    orAndHa.carryTable = 0x8;
    lib.add(orAndHa);
    CellType ones = lib.at("maj-fa");
    ones.name = "ones-fa"; // S = C = 1: always 3
    ones.sumTable = ones.carryTable = 0xFF;
    lib.add(ones);
    return lib;
}

Netlist circuit(int n, Topology topology, int lsb, int levels = 0, const QString& fa = "maj-fa",
                const QString& ha = "")
{
    static const CellLibrary lib = testLibrary();
    ApproxConfig config;
    config.lsbColumns = lsb;
    config.levels = levels;
    config.faCell = fa.toStdString();
    config.haCell = ha.toStdString();
    return applyApproximation(buildPopcount(n, topology, lib), lib, config);
}

ErrorOptions optionsFor(ErrorMethod method, double p, bool conditional = false)
{
    ErrorOptions o;
    o.method = method;
    o.p = p;
    o.conditional = conditional;
    return o;
}

bool close(double a, double b, double tol)
{
    return std::abs(a - b) <= tol * std::max(1.0, std::abs(b));
}

QByteArray differ(const char* what, double got, double want)
{
    return QByteArray(what) + ": got " + QByteArray::number(got, 'g', 17) + ", want " +
           QByteArray::number(want, 'g', 17);
}

// Every metric and every pmf entry of `got` equals `want` to `tol`.
void compareExact(const ErrorStats& got, const ErrorStats& want, double tol)
{
    QVERIFY2(close(got.errorRate, want.errorRate, tol), differ("error rate", got.errorRate, want.errorRate));
    QVERIFY2(close(got.meanError, want.meanError, tol), differ("mean", got.meanError, want.meanError));
    QVERIFY2(close(got.mae, want.mae, tol), differ("mae", got.mae, want.mae));
    QVERIFY2(close(got.mse, want.mse, tol), differ("mse", got.mse, want.mse));
    QCOMPARE(got.minError, want.minError);
    QCOMPARE(got.maxError, want.maxError);
    QCOMPARE(got.wce, want.wce);
    QCOMPARE(got.wceExact, want.wceExact);
    std::set<int> keys;
    for (const auto& [e, q] : got.pmf)
        keys.insert(e);
    for (const auto& [e, q] : want.pmf)
        keys.insert(e);
    for (int e : keys) {
        const double a = got.pmf.count(e) ? got.pmf.at(e) : 0.0;
        const double b = want.pmf.count(e) ? want.pmf.at(e) : 0.0;
        QVERIFY2(std::abs(a - b) <= tol, differ(qPrintable(QString("P(e = %1)").arg(e)), a, b));
    }
}

} // namespace

class TestErrorAnalysis : public QObject {
    Q_OBJECT

private slots:
    void methodNamesRoundTrip()
    {
        for (ErrorMethod m :
             {ErrorMethod::Auto, ErrorMethod::Exhaustive, ErrorMethod::Propagation, ErrorMethod::MonteCarlo})
            QCOMPARE(parseErrorMethod(errorMethodName(m)), m);
        QCOMPARE(errorMethodName(ErrorMethod::MonteCarlo), std::string("monte-carlo"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseErrorMethod("guess"));
    }

    // DOMAIN.md 3: MAJ-FA errs +1 on 000 and -1 on 111, so with Bernoulli(p)
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
        const ErrorStats s = analyzeExhaustive(circuit(3, Topology::AdderTree, 1),
                                               optionsFor(ErrorMethod::Exhaustive, 0.5, true));
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
            {1, 0, "maj-fa", ""},      {2, 0, "maj-fa", ""},  {3, 0, "maj-fa", ""},
            {0, 1, "maj-fa", ""},      {0, 2, "maj-fa", ""},  {1, 0, "maj-fa", "or-ha"},
            {2, 0, "maj", "or-ha"},    {1, 1, "or-fa", ""},   {2, 0, "or-fa", "or-and-ha"},
            {3, 0, "fa", "or-and-ha"}, {2, 0, "ones-fa", ""}, {0, 2, "ones-fa", "or-and-ha"},
        };
        for (Topology t : {Topology::AdderTree, Topology::Chain})
            for (int n : {4, 5, 7, 9, 12, 15, 16}) // 15: tree nodes may wrap
                for (const Knobs& k : knobs)
                    for (double p : {0.5, 0.3, 0.85, 0.0, 1.0})
                        QTest::addRow("%s-n%d-lsb%d-lev%d-%s-%s-p%g", topologyName(t).c_str(), n, k.lsb,
                                      k.levels, k.fa, k.ha, p)
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
                    QTest::addRow("%s-lsb%d-p%g", topologyName(t).c_str(), lsb, p)
                        << t << lsb << QString("or-ha") << p;
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
                        QTest::addRow("%s-n%d-lsb%d-p%g", topologyName(t).c_str(), n, lsb, p)
                            << t << n << lsb << p;
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
        QVERIFY2(std::abs(mc.errorRate - exact.errorRate) <= 4 * mc.errorRateCi,
                 differ("rate", mc.errorRate, exact.errorRate));
        QVERIFY2(std::abs(mc.meanError - exact.meanError) <= 4 * mc.meanErrorCi,
                 differ("mean", mc.meanError, exact.meanError));
        QVERIFY2(std::abs(mc.mae - exact.mae) <= 4 * mc.maeCi, differ("mae", mc.mae, exact.mae));
        QVERIFY2(std::abs(mc.mse - exact.mse) <= 4 * mc.mseCi, differ("mse", mc.mse, exact.mse));
        QVERIFY(!mc.wceExact);
        QVERIFY(mc.wce <= exact.wce);
        QVERIFY(mc.minError >= exact.minError && mc.maxError <= exact.maxError);
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
            QTest::addRow("tree-1000-lsb3-or-ha-p%g", p)
                << Topology::AdderTree << 1000 << 3 << QString("or-ha") << p;
            QTest::addRow("chain-300-lsb2-or-ha-p%g", p)
                << Topology::Chain << 300 << 2 << QString("or-ha") << p;
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
        QVERIFY2(std::abs(mc.errorRate - prop.errorRate) <= 4 * mc.errorRateCi,
                 differ("rate", mc.errorRate, prop.errorRate));
        QVERIFY2(std::abs(mc.meanError - prop.meanError) <= 4 * mc.meanErrorCi,
                 differ("mean", mc.meanError, prop.meanError));
        QVERIFY2(std::abs(mc.mae - prop.mae) <= 4 * mc.maeCi, differ("mae", mc.mae, prop.mae));
        QVERIFY2(std::abs(mc.mse - prop.mse) <= 4 * mc.mseCi, differ("mse", mc.mse, prop.mse));
        QVERIFY(mc.minError >= prop.minError && mc.maxError <= prop.maxError);
        double total = prop.prunedMass;
        for (const auto& [e, q] : prop.pmf)
            total += q;
        QVERIFY(close(total, 1.0, 1e-12));
    }

    void exactNetlistsHaveNoError_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("n");
        QTest::addColumn<ErrorMethod>("method");
        for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
            for (int n : {1, 2, 5, 12, 40})
                for (ErrorMethod m : {ErrorMethod::Auto, ErrorMethod::Exhaustive, ErrorMethod::Propagation,
                                      ErrorMethod::MonteCarlo}) {
                    const bool tree = t == Topology::AdderTree || t == Topology::Chain;
                    if (m == ErrorMethod::Propagation && (!tree || n == 1)) // no adder nodes
                        continue;
                    if (m == ErrorMethod::Exhaustive && n > kMaxExhaustiveInputs)
                        continue;
                    QTest::addRow("%s-n%d-%s", topologyName(t).c_str(), n, errorMethodName(m).c_str())
                        << t << n << m;
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
        QTest::newRow("small: enumerate")
            << Topology::AdderTree << 12 << 20 << budget << ErrorMethod::Exhaustive;
        QTest::newRow("wallace small: enumerate")
            << Topology::Wallace << 12 << 20 << budget << ErrorMethod::Exhaustive;
        QTest::newRow("tree: propagate")
            << Topology::AdderTree << 64 << 20 << budget << ErrorMethod::Propagation;
        QTest::newRow("limit lowered: propagate")
            << Topology::AdderTree << 12 << 8 << budget << ErrorMethod::Propagation;
        QTest::newRow("chain: propagate")
            << Topology::Chain << 64 << 20 << budget << ErrorMethod::Propagation;
        QTest::newRow("wallace: sample")
            << Topology::Wallace << 64 << 20 << budget << ErrorMethod::MonteCarlo;
        QTest::newRow("over budget: sample")
            << Topology::AdderTree << 64 << 20 << 50L << ErrorMethod::MonteCarlo;
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
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                     analyzeErrors(small, optionsFor(m, std::nan(""))));
        }
        ErrorOptions o = optionsFor(ErrorMethod::MonteCarlo, 0.5);
        o.samples = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, analyzeMonteCarlo(small, o));
    }
};

QTEST_APPLESS_MAIN(TestErrorAnalysis)
#include "test_error_analysis.moc"
