// Exact popcount netlists of every topology equal the true popcount.
#include "circuit/popcount_builder.h"
#include "circuit/simulator.h"
#include "util/random_bits.h"

#include <QtTest>

#include <bit>

using namespace axbnn;

Q_DECLARE_METATYPE(axbnn::Topology)

namespace {

const Topology kAll[] = {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain};

// Value of output vector `lane` of a simulation result.
uint64_t laneValue(const std::vector<uint64_t>& out, int outputs, int words, int lane)
{
    uint64_t v = 0;
    for (int o = 0; o < outputs; ++o)
        v |= ((out[static_cast<size_t>(o) * words + lane / 64] >> (lane % 64)) & 1) << o;
    return v;
}

} // namespace

class TestPopcountBuilder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void exactCircuitEqualsPopcountOnEveryInput_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("n");
        for (Topology t : kAll)
            for (int n = 1; n <= 16; ++n)
                QTest::addRow("%s-%d", topologyName(t).c_str(), n) << t << n;
    }

    void exactCircuitEqualsPopcountOnEveryInput()
    {
        QFETCH(Topology, topology);
        QFETCH(int, n);
        const Netlist net = buildPopcount(n, topology, CellLibrary::defaults());
        const Simulator sim(net);
        const uint64_t vectors = uint64_t{1} << n;
        const int words = static_cast<int>((vectors + 63) / 64);
        std::vector<uint64_t> in(static_cast<size_t>(n) * words, 0);
        for (uint64_t v = 0; v < vectors; ++v)
            for (int i = 0; i < n; ++i)
                if ((v >> i) & 1)
                    in[static_cast<size_t>(i) * words + v / 64] |= uint64_t{1} << (v % 64);
        std::vector<uint64_t> out(static_cast<size_t>(sim.outputBits()) * words);
        std::vector<uint64_t> scratch;
        sim.run(in, words, out, scratch);
        for (uint64_t v = 0; v < vectors; ++v)
            QCOMPARE(laneValue(out, sim.outputBits(), words, static_cast<int>(v)),
                     static_cast<uint64_t>(std::popcount(v)));
    }

    void exactCircuitEqualsPopcountOnRandomVectors_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("n");
        QTest::addColumn<double>("p");
        for (Topology t : kAll)
            for (int n : {17, 100, 576, 1000, 3136, 4608, 16384})
                for (double p : {0.5, 0.1, 0.95})
                    if (t != Topology::Chain || n <= 4608)
                        QTest::addRow("%s-%d-p%g", topologyName(t).c_str(), n, p) << t << n << p;
        QTest::addRow("chain-16384") << Topology::Chain << 16384 << 0.5;
    }

    void exactCircuitEqualsPopcountOnRandomVectors()
    {
        QFETCH(Topology, topology);
        QFETCH(int, n);
        QFETCH(double, p);
        const Netlist net = buildPopcount(n, topology, CellLibrary::defaults());
        const Simulator sim(net);
        const int words = 4;
        std::vector<uint64_t> in(static_cast<size_t>(n) * words);
        Rng rng(static_cast<uint64_t>(n) * 7919);
        BernoulliWords(p).fill(in, rng);
        for (int i = 0; i < n; ++i) { // lane 0: all zeros, lane 1: all ones
            in[static_cast<size_t>(i) * words] &= ~uint64_t{3};
            in[static_cast<size_t>(i) * words] |= 2;
        }
        std::vector<uint64_t> out(static_cast<size_t>(sim.outputBits()) * words);
        std::vector<uint64_t> scratch;
        sim.run(in, words, out, scratch);
        for (int lane = 0; lane < words * 64; ++lane) {
            uint64_t expected = 0;
            for (int i = 0; i < n; ++i)
                expected += (in[static_cast<size_t>(i) * words + lane / 64] >> (lane % 64)) & 1;
            QCOMPARE(laneValue(out, sim.outputBits(), words, lane), expected);
        }
    }

    void outputWidthIsCeilLog2OfNPlusOne_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("bits");
        for (Topology t : kAll) {
            QTest::addRow("%s-1", topologyName(t).c_str()) << t << 1 << 1;
            QTest::addRow("%s-7", topologyName(t).c_str()) << t << 7 << 3;
            QTest::addRow("%s-8", topologyName(t).c_str()) << t << 8 << 4;
            QTest::addRow("%s-576", topologyName(t).c_str()) << t << 576 << 10;
            QTest::addRow("%s-4095", topologyName(t).c_str()) << t << 4095 << 12;
            QTest::addRow("%s-4096", topologyName(t).c_str()) << t << 4096 << 13;
        }
    }

    void outputWidthIsCeilLog2OfNPlusOne()
    {
        QFETCH(Topology, topology);
        QFETCH(int, n);
        QFETCH(int, bits);
        QCOMPARE(buildPopcount(n, topology, CellLibrary::defaults()).outputBits(), bits);
    }

    // Each full adder turns 3 bits into 2, a sum-only xor2 2 into 1, xor3 3
    // into 1, a half adder 2 into 2: an exact popcount must remove N - W bits.
    void cellsRemoveExactlyNMinusOutputBits_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("n");
        for (Topology t : kAll)
            for (int n : {2, 3, 9, 49, 576, 3136})
                QTest::addRow("%s-%d", topologyName(t).c_str(), n) << t << n;
    }

    void cellsRemoveExactlyNMinusOutputBits()
    {
        QFETCH(Topology, topology);
        QFETCH(int, n);
        const Netlist net = buildPopcount(n, topology, CellLibrary::defaults());
        int removed = 0;
        for (const auto& c : net.cells) {
            const CellType& t = net.typeOf(c);
            removed += t.inputs - (c.carry != kNoSignal ? 2 : 1);
        }
        QCOMPARE(removed, n - net.outputBits());
    }

    void chainCostGrowsAsNLogN()
    {
        // Step i adds one bit to an accumulator of bitsFor(i) bits: one cell per bit.
        for (int n : {2, 9, 100, 576}) {
            const Netlist net = buildPopcount(n, Topology::Chain, CellLibrary::defaults());
            int expected = 0;
            for (int i = 1; i < n; ++i)
                expected += bitsFor(static_cast<uint64_t>(i));
            QCOMPARE(static_cast<int>(net.cells.size()), expected);
        }
    }

    void adderTreeNodesPartitionTheInputs()
    {
        for (int n : {3, 4, 5, 10, 576, 3137}) {
            const Netlist net = buildPopcount(n, Topology::AdderTree, CellLibrary::defaults());
            QVERIFY(!net.nodes.empty());
            const AdderNode& root = net.nodes.back();
            QCOMPARE(root.inputCount, n);
            QCOMPARE(root.maxValue, static_cast<uint32_t>(n));
            QCOMPARE(root.out, net.outputs);
            for (const auto& c : net.cells) {
                QVERIFY(c.node >= 0);
                QCOMPARE(net.nodes[c.node].level, c.level);
            }
            // Levels grow toward the root: a tree of depth ~log2(N / 3).
            QVERIFY(net.levels <= bitsFor(static_cast<uint64_t>(n)) + 1);
        }
    }

    void compressorTreesHaveNoAdderNodes()
    {
        QVERIFY(buildPopcount(64, Topology::Wallace, CellLibrary::defaults()).nodes.empty());
        QVERIFY(buildPopcount(64, Topology::Dadda, CellLibrary::defaults()).nodes.empty());
        QCOMPARE(buildPopcount(64, Topology::Chain, CellLibrary::defaults()).nodes.size(), size_t{63});
    }

    void daddaIsShallowerThanChainAndWallaceHasFewerStagesThanDadda()
    {
        const CellLibrary lib = CellLibrary::defaults();
        const Netlist d = buildPopcount(576, Topology::Dadda, lib);
        const Netlist w = buildPopcount(576, Topology::Wallace, lib);
        const Netlist c = buildPopcount(576, Topology::Chain, lib);
        QVERIFY(d.levels < c.levels);
        QVERIFY(w.levels <= d.levels);
    }

    // With P pairs ahead of the tree, every topology computes
    // popcount(inputs 2P..N-1) + 2 * sum_k (k even ? AND : OR)(x_2k, x_2k+1)
    // on every input vector, from level-0 pair cells, without adder nodes.
    void pairsCompressAheadOfAnExactCount_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("pairs");
        for (Topology t : kAll)
            for (auto [n, pairs] : {std::pair{2, 1}, {3, 1}, {5, 2}, {9, 4}, {12, 6}, {13, 3}, {16, 1}, {16, 7}})
                QTest::addRow("%s-%d-p%d", topologyName(t).c_str(), n, pairs) << t << n << pairs;
    }

    void pairsCompressAheadOfAnExactCount()
    {
        QFETCH(Topology, topology);
        QFETCH(int, n);
        QFETCH(int, pairs);
        const Netlist net = buildPopcount(n, topology, CellLibrary::defaults(), pairs);
        QVERIFY(net.nodes.empty());
        int pairCells = 0;
        for (const CellInstance& c : net.cells) {
            const std::string& kind = net.typeOf(c).name;
            if (kind != "and-pair" && kind != "or-pair")
                continue;
            ++pairCells;
            QCOMPARE(c.level, 0);
            const int k = static_cast<int>(c.in[0] - kFirstInput) / 2;
            QCOMPARE(kind, std::string(k % 2 == 0 ? "and-pair" : "or-pair"));
            QCOMPARE(c.in[1], c.in[0] + 1);
        }
        QCOMPARE(pairCells, pairs);
        QCOMPARE(net.outputBits(), bitsFor(static_cast<uint64_t>(n)));
        const Simulator sim(net);
        for (uint32_t v = 0; v < (1u << n); ++v) {
            std::vector<uint8_t> bits(static_cast<size_t>(n));
            for (int i = 0; i < n; ++i)
                bits[static_cast<size_t>(i)] = (v >> i) & 1;
            uint64_t expected = static_cast<uint64_t>(std::popcount(v >> (2 * pairs)));
            for (int k = 0; k < pairs; ++k) {
                const int a = bits[2 * k], b = bits[2 * k + 1];
                expected += 2 * static_cast<uint64_t>(k % 2 == 0 ? (a & b) : (a | b));
            }
            QCOMPARE(sim.evaluate(bits), expected);
        }
    }

    void pairsBeyondHalfTheInputsAreRejected()
    {
        const CellLibrary lib = CellLibrary::defaults();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, buildPopcount(9, Topology::Wallace, lib, 5));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, buildPopcount(9, Topology::AdderTree, lib, -1));
        // Zero pairs is the plain builder, cell for cell.
        const Netlist plain = buildPopcount(64, Topology::Dadda, lib);
        const Netlist zero = buildPopcount(64, Topology::Dadda, lib, 0);
        QCOMPARE(zero.cells.size(), plain.cells.size());
        QCOMPARE(zero.outputs, plain.outputs);
    }

    void rejectsOutOfRangeInputCounts()
    {
        const CellLibrary lib = CellLibrary::defaults();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, buildPopcount(0, Topology::AdderTree, lib));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, buildPopcount(-3, Topology::Dadda, lib));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, buildPopcount(kMaxPopcountInputs + 1, Topology::Chain, lib));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseTopology("kogge-stone"));
    }
};

QTEST_APPLESS_MAIN(TestPopcountBuilder)
#include "test_popcount_builder.moc"
