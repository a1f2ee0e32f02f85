// Work split over threads gives exactly the single-thread numbers: the random
// stream's jump-ahead (Rng::discard), the Monte Carlo split into blocks of
// vectors, the switching-energy simulation split into blocks of words, and
// the cost computed beside the error analysis.
#include "analysis/circuit_report.h"
#include "analysis/error_analysis.h"
#include "circuit/approximation.h"
#include "circuit/cost_model.h"
#include "circuit/popcount_builder.h"
#include "util/random_bits.h"

#include <QtTest>

#include <cstring>

using namespace axbnn;

Q_DECLARE_METATYPE(axbnn::Topology)

namespace {

// Bit for bit (QCOMPARE on doubles is fuzzy).
bool same(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

void compareBits(const ErrorStats& got, const ErrorStats& want)
{
    QVERIFY(same(got.errorRate, want.errorRate));
    QVERIFY(same(got.meanError, want.meanError));
    QVERIFY(same(got.mae, want.mae));
    QVERIFY(same(got.mse, want.mse));
    QVERIFY(same(got.errorRateCi, want.errorRateCi));
    QVERIFY(same(got.meanErrorCi, want.meanErrorCi));
    QVERIFY(same(got.maeCi, want.maeCi));
    QVERIFY(same(got.mseCi, want.mseCi));
    QCOMPARE(got.wce, want.wce);
    QCOMPARE(got.minError, want.minError);
    QCOMPARE(got.maxError, want.maxError);
    QCOMPARE(got.samples, want.samples);
    QCOMPARE(got.precision, want.precision);
    QCOMPARE(got.pmf.size(), want.pmf.size());
    for (auto g = got.pmf.begin(), w = want.pmf.begin(); g != got.pmf.end(); ++g, ++w) {
        QCOMPARE(g->first, w->first);
        QVERIFY(same(g->second, w->second));
    }
    QCOMPARE(got.conditional.size(), want.conditional.size());
    for (size_t i = 0; i < got.conditional.size(); ++i) {
        QCOMPARE(got.conditional[i].sum, want.conditional[i].sum);
        QCOMPARE(got.conditional[i].samples, want.conditional[i].samples);
        QVERIFY(got.conditional[i].errors == want.conditional[i].errors);
    }
}

} // namespace

class TestParallelAnalysis : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void discardEqualsStepping()
    {
        Rng lengths(7);
        std::vector<uint64_t> steps{0, 1, 255, 256, 511, 512, 513, 4096, 65'537};
        for (int i = 0; i < 4; ++i)
            steps.push_back(lengths.next() % 3'000'000);
        for (const uint64_t seed : {uint64_t{1}, uint64_t{12345}})
            for (const uint64_t n : steps) {
                Rng stepped(seed), jumped(seed);
                for (uint64_t i = 0; i < n; ++i)
                    stepped.next();
                jumped.discard(n);
                for (int k = 0; k < 8; ++k)
                    QCOMPARE(jumped.next(), stepped.next());
            }
    }

    void discardAddsUp()
    {
        // Two jumps make one: a long jump is checked without stepping it.
        Rng once(99), twice(99);
        once.discard(5'000'000'123ull);
        twice.discard(3'000'000'000ull);
        twice.discard(2'000'000'123ull);
        for (int k = 0; k < 8; ++k)
            QCOMPARE(twice.next(), once.next());
    }

    void monteCarloSplitIsBitIdentical_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("inputs");
        QTest::addColumn<double>("p");
        QTest::addColumn<qulonglong>("samples");
        QTest::newRow("wallace 576 p=0.5") << Topology::Wallace << 576 << 0.5 << qulonglong{1u << 16};
        QTest::newRow("dadda 576 p=0.3") << Topology::Dadda << 576 << 0.3 << qulonglong{1u << 16};
        // A last partial chunk and a partial last word; p = 1 draws nothing.
        QTest::newRow("adder tree 100 p=0.7 odd") << Topology::AdderTree << 100 << 0.7 << qulonglong{64 * 37 + 5};
        QTest::newRow("chain 64 p=1") << Topology::Chain << 64 << 1.0 << qulonglong{4096};
        QTest::newRow("wallace 64 few") << Topology::Wallace << 64 << 0.5 << qulonglong{128};
    }
    void monteCarloSplitIsBitIdentical()
    {
        QFETCH(Topology, topology);
        QFETCH(int, inputs);
        QFETCH(double, p);
        QFETCH(qulonglong, samples);
        const CellLibrary lib = CellLibrary::defaults();
        ApproxConfig approx;
        approx.lsbColumns = 3;
        approx.haCell = "or-ha";
        const Netlist net = applyApproximation(buildPopcount(inputs, topology, lib), lib, approx);
        QVERIFY(net.approximateCellCount() > 0);
        ErrorOptions options;
        options.method = ErrorMethod::MonteCarlo;
        options.p = p;
        options.samples = samples;
        options.conditional = true;
        const ErrorStats single = analyzeMonteCarlo(net, options);
        for (const int threads : {2, 3, 8}) {
            options.threads = threads;
            compareBits(analyzeMonteCarlo(net, options), single);
        }
        // Another seed gives other vectors: the comparison above can fail.
        if (p > 0.0 && p < 1.0) {
            options.seed += 1;
            QVERIFY(analyzeMonteCarlo(net, options).pmf != single.pmf);
        }
    }

    void energySplitIsBitIdentical_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("vectors");
        QTest::newRow("adder tree 8192") << Topology::AdderTree << 8192;
        QTest::newRow("wallace odd words") << Topology::Wallace << 64 * 131;
        QTest::newRow("chain 8192") << Topology::Chain << 8192;
        QTest::newRow("dadda minimum") << Topology::Dadda << 128;
    }
    void energySplitIsBitIdentical()
    {
        QFETCH(Topology, topology);
        QFETCH(int, vectors);
        const CellLibrary lib = CellLibrary::defaults();
        ApproxConfig approx;
        approx.lsbColumns = 2;
        approx.haCell = "or-ha";
        const Netlist net = applyApproximation(buildPopcount(300, topology, lib), lib, approx);
        CostOptions options;
        options.energyVectors = vectors;
        options.p = 0.3;
        const double single = switchingEnergyFj(net, options);
        QVERIFY(single > 0.0);
        for (const int threads : {2, 3, 5, 1000}) {
            options.threads = threads;
            QVERIFY2(same(switchingEnergyFj(net, options), single), qPrintable(QString::number(threads)));
        }
        // Another seed gives another estimate: the comparison above can fail.
        // (1000 threads make one block per word or two: every boundary counts.)
        options.threads = 1;
        options.seed += 1;
        QVERIFY(!same(switchingEnergyFj(net, options), single));
    }

    void reportWithThreadsIsTheSame_data()
    {
        QTest::addColumn<Topology>("topology");
        for (const Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
            QTest::newRow(topologyName(t).c_str()) << t;
    }
    void reportWithThreadsIsTheSame()
    {
        QFETCH(Topology, topology);
        const CellLibrary lib = CellLibrary::defaults();
        CircuitSpec spec;
        spec.inputs = 576;
        spec.topology = topology;
        spec.approx.lsbColumns = 2;
        spec.p = 0.3;
        const CircuitReport single = evaluateCircuit(spec, lib);
        spec.error.threads = 2;
        const CircuitReport split = evaluateCircuit(spec, lib);
        QVERIFY(same(split.cost.areaUm2, single.cost.areaUm2));
        QVERIFY(same(split.cost.delayPs, single.cost.delayPs));
        QVERIFY(same(split.cost.energyFj, single.cost.energyFj));
        QCOMPARE(split.cost.counts, single.cost.counts);
        QCOMPARE(split.error.method, single.error.method);
        compareBits(split.error, single.error);
    }
};

QTEST_MAIN(TestParallelAnalysis)
#include "test_parallel_analysis.moc"
