// Work kept per structure (N, topology) while only the approximation changes:
// the results must be exactly those computed from scratch.
#include "explore/cost_sweep.h"

#include "analysis/circuit_report.h"
#include "circuit/popcount_builder.h"

#include <QtTest>

#include <array>
#include <stdexcept>

using namespace axbnn;

namespace {

void compareCost(const CircuitCost& a, const CircuitCost& b)
{
    QCOMPARE(a.cells, b.cells);
    QCOMPARE(a.approximateCells, b.approximateCells);
    QCOMPARE(a.areaUm2, b.areaUm2);
    QCOMPARE(a.transistors, b.transistors);
    QCOMPARE(a.delayPs, b.delayPs);
    QCOMPARE(a.energyFj, b.energyFj);
    QVERIFY(a.counts == b.counts);
}

} // namespace

class TestStructureCache : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void reportFromAKeptExactNetlistIsTheSame_data()
    {
        QTest::addColumn<int>("topology");
        for (const Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Chain})
            QTest::newRow(topologyName(t).c_str()) << static_cast<int>(t);
    }
    void reportFromAKeptExactNetlistIsTheSame()
    {
        QFETCH(int, topology);
        const CellLibrary library = CellLibrary::defaults();
        CircuitSpec spec;
        spec.inputs = 100;
        spec.topology = static_cast<Topology>(topology);
        spec.approx.faCell = "maj-fa";
        spec.approx.haCell = "or-ha"; // the chain has half adders only
        spec.p = 0.4;
        const Netlist exact = buildPopcount(spec.inputs, spec.topology, library);
        int approximated = 0; // the comparison covers approximate cells
        for (const int lsb : {1, 3}) {
            spec.approx.lsbColumns = lsb;
            const CircuitReport fresh = evaluateCircuit(spec, library);
            const CircuitReport kept = evaluateCircuit(spec, library, exact);
            compareCost(kept.cost, fresh.cost);
            QCOMPARE(kept.netlist.approximateCellCount(), fresh.netlist.approximateCellCount());
            approximated += kept.netlist.approximateCellCount();
            QCOMPARE(kept.error.errorRate, fresh.error.errorRate);
            QCOMPARE(kept.error.mae, fresh.error.mae);
            QCOMPARE(kept.error.mse, fresh.error.mse);
            QCOMPARE(kept.error.wce, fresh.error.wce);
            QVERIFY(kept.error.pmf == fresh.error.pmf);
            QCOMPARE(kept.error.precision, fresh.error.precision);
        }
        QVERIFY(approximated > 0);
        // A netlist of another structure is refused, not silently used.
        spec.inputs = 99;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, evaluateCircuit(spec, library, exact));
    }

    void costSweepWithCacheIsTheSame()
    {
        const CellLibrary library = CellLibrary::defaults();
        const std::array<int, 4> sizes{9, 64, 100, 576};
        ExactCostCache cache;
        for (const int lsb : {1, 2, 4}) {
            ApproxConfig approx;
            approx.faCell = "maj-fa";
            approx.lsbColumns = lsb;
            const CostSweep fresh = computeCostSweep(sizes, Topology::Dadda, approx, library);
            const CostSweep cached = computeCostSweep(sizes, Topology::Dadda, approx, library, &cache);
            QCOMPARE(cached.points.size(), sizes.size());
            for (size_t i = 0; i < sizes.size(); ++i) {
                QCOMPARE(cached.points[i].inputs, sizes[i]);
                compareCost(cached.points[i].exact, fresh.points[i].exact);
                compareCost(cached.points[i].approximate, fresh.points[i].approximate);
            }
        }
        // The exact netlist was built once and is handed out again.
        CostOptions options;
        options.energyVectors = 128;
        const auto first = cache.get(576, Topology::Dadda, library, options);
        const auto again = cache.get(576, Topology::Dadda, library, options);
        QCOMPARE(first.netlist.get(), again.netlist.get());
        QCOMPARE(first.netlist->inputs, 576);
    }
    // A previous report is reused exactly when the approximated netlist has
    // the same cell kinds and the options match: LSB columns on the chain
    // (half adders only, no half-adder replacement) change no cell. A marked
    // previous report shows whether it was reused.
    void previousReportIsReusedOnlyForTheSameCells()
    {
        const CellLibrary library = CellLibrary::defaults();
        CircuitSpec spec;
        spec.inputs = 200;
        spec.topology = Topology::Chain;
        spec.approx.faCell = "maj-fa";
        spec.approx.lsbColumns = 1;
        const Netlist chain = buildPopcount(spec.inputs, spec.topology, library);
        CircuitReport marked = evaluateCircuit(spec, library, chain);
        marked.cost.areaUm2 = -1.0;
        marked.error.mae = -1.0;

        spec.approx.lsbColumns = 2;
        const CircuitReport fresh = evaluateCircuit(spec, library, chain);
        const CircuitReport reused = evaluateCircuit(spec, library, chain, &marked);
        QCOMPARE(reused.cost.areaUm2, -1.0); // reused...
        QCOMPARE(reused.error.mae, -1.0);
        QCOMPARE(reused.spec.approx.lsbColumns, 2); // ...under the new specification
        marked.cost = fresh.cost; // and what it reuses is what a fresh run gives
        marked.error.mae = fresh.error.mae;
        compareCost(evaluateCircuit(spec, library, chain, &marked).cost, fresh.cost);
        marked.cost.areaUm2 = -1.0;

        // A different p, other error options, or cells that change: computed afresh.
        CircuitSpec other = spec;
        other.p = 0.3;
        QVERIFY(evaluateCircuit(other, library, chain, &marked).cost.areaUm2 > 0);
        other = spec;
        other.error.samples *= 2;
        QVERIFY(evaluateCircuit(other, library, chain, &marked).cost.areaUm2 > 0);
        other = spec;
        other.approx.haCell = "or-ha";
        QVERIFY(evaluateCircuit(other, library, chain, &marked).cost.areaUm2 > 0);

        spec.topology = Topology::AdderTree;
        const Netlist tree = buildPopcount(spec.inputs, spec.topology, library);
        spec.approx.lsbColumns = 1;
        CircuitReport treeMarked = evaluateCircuit(spec, library, tree);
        treeMarked.cost.areaUm2 = -1.0;
        spec.approx.lsbColumns = 2; // more MAJ-FA cells
        QVERIFY(evaluateCircuit(spec, library, tree, &treeMarked).cost.areaUm2 > 0);
        spec.approx.lsbColumns = 1;
        QCOMPARE(evaluateCircuit(spec, library, tree, &treeMarked).cost.areaUm2, -1.0);
    }
};

QTEST_MAIN(TestStructureCache)
#include "test_structure_cache.moc"
