// Hierarchical popcounts: leaves cover the fan-in (the last one narrower or
// padded), the tree adds their counts exactly, the knobs reach leaves and
// tree by column and level, and each placed leaf can be taken out again.
#include "hierarchical_test_support.h"

#include "circuit/simulator.h"
#include "util/random_bits.h"

#include <QtTest>

#include <numeric>

using namespace axbnn;
using namespace axbnn::hierarchical_test;

namespace {

std::vector<uint8_t> randomBits(Rng& rng, int n)
{
    std::vector<uint8_t> bits(static_cast<size_t>(n));
    const double density = rng.uniform();
    for (auto& b : bits)
        b = rng.uniform() < density ? 1 : 0;
    return bits;
}

} // namespace

class TestHierarchicalPopcount : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void exactLeavesCountExactly_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("w");
        QTest::addColumn<bool>("importLeaf");
        for (bool imp : {false, true})
            for (auto [n, w] : {std::pair{100, 16}, {576, 16}, {49, 7}, {5, 16}, {33, 1}})
                QTest::addRow("n%d-w%d-%s", n, w, imp ? "imported" : "generated") << n << w << imp;
    }

    void exactLeavesCountExactly()
    {
        QFETCH(int, n);
        QFETCH(int, w);
        QFETCH(bool, importLeaf);
        const LeafSpec spec = importLeaf ? importedLeaf(gateBlock(w, {})) : generatedLeaf(w);
        const HierarchicalPopcount h = makeHierarchicalPopcount(n, spec, Topology::AdderTree, {}, lib());
        QCOMPARE(h.netlist.inputs, n);
        QCOMPARE(static_cast<int>(h.leaves.size()), (n + w - 1) / w);
        QCOMPARE(h.netlist.outputBits(), bitsFor(static_cast<uint64_t>(n))); // exact leaves: no wider than needed
        int covered = 0;
        for (const LeafPlacement& p : h.leaves) {
            QCOMPARE(p.firstInput, covered);
            covered += p.width;
            // The last generated leaf is narrower, the last imported one padded.
            QCOMPARE(p.leafInputs, importLeaf ? w : p.width);
        }
        QCOMPARE(covered, n);
        const Simulator sim(h.netlist);
        Rng rng(static_cast<uint64_t>(n * 100 + w));
        for (int v = 0; v < 200; ++v) {
            const std::vector<uint8_t> bits = randomBits(rng, n);
            QCOMPARE(sim.evaluate(bits), static_cast<uint64_t>(std::accumulate(bits.begin(), bits.end(), 0)));
        }
        QCOMPARE(sim.evaluate(std::vector<uint8_t>(static_cast<size_t>(n), 1)), static_cast<uint64_t>(n));
    }

    // Knobs act by bit weight and level over the whole netlist: levels up to
    // the leaves' depth approximate only leaves; LSB columns reach the tree.
    void knobsReachLeavesThenTree()
    {
        const HierarchicalPopcount leavesOnly =
            makeHierarchicalPopcount(96, generatedLeaf(16), Topology::AdderTree, knobs(0, 2), lib());
        QCOMPARE(leavesOnly.leafLevels, buildPopcount(16, Topology::AdderTree, lib()).levels);
        QVERIFY(treeIsExact(leavesOnly));
        QVERIFY(leavesOnly.netlist.approximateCellCount() > 0);
        for (int k = leavesOnly.treeFirstCell; k < static_cast<int>(leavesOnly.netlist.cells.size()); ++k)
            QVERIFY(leavesOnly.netlist.cells[k].level >= leavesOnly.leafLevels);

        const HierarchicalPopcount withTree = makeHierarchicalPopcount(96, generatedLeaf(16), Topology::AdderTree,
                                                                       knobs(0, leavesOnly.leafLevels + 1), lib());
        QVERIFY(!treeIsExact(withTree));

        const HierarchicalPopcount lsb =
            makeHierarchicalPopcount(96, generatedLeaf(16), Topology::AdderTree, knobs(3, 0), lib());
        QVERIFY(!treeIsExact(lsb)); // the tree's full adders in columns 1 and 2
    }

    // A placed leaf, taken out, is the leaf itself (padding as constant 0).
    void leafNetlistIsTheLeaf()
    {
        const std::shared_ptr<const Netlist> block = gateBlock(8, knobs(2, 0));
        const LeafSpec spec = importedLeaf(block);
        const HierarchicalPopcount h = makeHierarchicalPopcount(21, spec, Topology::AdderTree, {}, lib());
        QCOMPARE(static_cast<int>(h.leaves.size()), 3);
        QVERIFY(treeIsExact(h));
        const Simulator ref(*block);
        for (int l = 0; l < 3; ++l) {
            const Netlist leaf = leafNetlist(h, l);
            QCOMPARE(leaf.inputs, h.leaves[l].width);
            const Simulator sim(leaf);
            for (uint32_t v = 0; v < (1u << leaf.inputs); ++v) {
                std::vector<uint8_t> bits(8, 0);
                for (int i = 0; i < leaf.inputs; ++i)
                    bits[i] = (v >> i) & 1;
                std::vector<uint8_t> own(bits.begin(), bits.begin() + leaf.inputs);
                QCOMPARE(sim.evaluate(own), ref.evaluate(bits));
            }
        }
        // The tree adds the leaves' outputs exactly, approximate leaves or not.
        const Simulator whole(h.netlist);
        Rng rng(7);
        for (int v = 0; v < 300; ++v) {
            const std::vector<uint8_t> bits = randomBits(rng, 21);
            uint64_t sum = 0;
            for (int l = 0; l < 3; ++l) {
                std::vector<uint8_t> part(8, 0);
                for (int i = 0; i < h.leaves[l].width; ++i)
                    part[i] = bits[h.leaves[l].firstInput + i];
                sum += ref.evaluate(part);
            }
            QCOMPARE(whole.evaluate(bits), sum);
        }
    }

    void largestOutputIsEnumerated()
    {
        const Netlist exact = buildPopcount(12, Topology::AdderTree, lib());
        QCOMPARE(largestOutput(exact), 12u);
        // MAJ-FA in every column of a 3-input block: 111 -> C = 1, S = 0: 2.
        const Netlist maj = applyApproximation(buildPopcount(3, Topology::AdderTree, lib()), lib(), knobs(1, 0));
        QCOMPARE(largestOutput(maj), 2u);
        const Netlist wide = buildPopcount(24, Topology::AdderTree, lib());
        QCOMPARE(largestOutput(wide), 31u); // beyond enumeration: the output bits' range
    }

    void badSpecificationsAreRejected()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 makeHierarchicalPopcount(0, generatedLeaf(4), Topology::AdderTree, {}, lib()));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 makeHierarchicalPopcount(10, generatedLeaf(0), Topology::AdderTree, {}, lib()));
        const Netlist four = buildPopcount(4, Topology::AdderTree, lib());
        const Netlist three = buildPopcount(3, Topology::AdderTree, lib());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, buildHierarchical(10, four, &three, lib()));
    }
};

QTEST_GUILESS_MAIN(TestHierarchicalPopcount)
#include "test_hierarchical_popcount.moc"
