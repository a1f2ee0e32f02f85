// The static-CMOS mapping behind the transistor count (circuit/tech_map.h):
// the cover computes the netlist, shared and related logic is counted once,
// and cells with figures of their own stay black boxes.
#include "circuit/cost_model.h"
#include "circuit/live_logic.h"
#include "circuit/simulator.h"
#include "circuit/tech_map.h"

#include "verilog_test_support.h"

#include "netlist_builder.h"

#include <QtTest>

#include <random>
#include <set>

using namespace axbnn;
using axbnn::netlist_test::Builder;
using axbnn::verilog_test::makeNetlist;

namespace {

long mapped(const Netlist& net)
{
    return mapTransistors(net, liveLogic(net)).transistors;
}

// Simulates the cover gate by gate on `vectors` input vectors (exhaustive up
// to 2^12, else random with a random density of ones) and compares every
// output bit with the netlist's own simulation. Black-box outputs take the
// netlist's values. Returns an empty string when they agree.
QString coverMismatch(const Netlist& net, int randomVectors, int windowCells = kMapWindowCells)
{
    MappedCover cover;
    const LiveLogic live = liveLogic(net);
    const MappedTransistors m = mapTransistors(net, live, &cover, windowCells);
    long gateSum = 0;
    for (const MappedGate& g : cover.gates)
        gateSum += g.transistors;
    if (gateSum + m.blackBoxTransistors != m.transistors)
        return QStringLiteral("gates add up to %1 + %2, reported %3")
            .arg(gateSum)
            .arg(m.blackBoxTransistors)
            .arg(m.transistors);
    // Every output bit a cell makes, unless constant, comes from the cover
    // (or from a black box, an input of the cover).
    std::set<Signal> made;
    for (const MappedCover::Output& o : cover.outputs)
        made.insert(o.signal);
    for (const auto& [n, s] : cover.inputs)
        made.insert(s);
    for (size_t j = 0; j < net.outputs.size(); ++j) {
        const Signal s = net.outputs[j];
        if (s >= kFirstInput + static_cast<Signal>(net.inputs) && live.value[s] == kUnknown && !made.count(s))
            return QStringLiteral("output bit %1 is not made by the cover").arg(j);
    }

    const bool exhaustive = net.inputs <= 12;
    const int vectors = exhaustive ? 1 << net.inputs : randomVectors;
    const int words = (vectors + 63) / 64;
    std::vector<uint64_t> in(static_cast<size_t>(net.inputs) * words, 0);
    std::mt19937_64 rng(7);
    for (int v = 0; v < vectors; ++v) {
        const double density = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
        for (int i = 0; i < net.inputs; ++i) {
            const bool one = exhaustive ? ((v >> i) & 1) != 0 : std::bernoulli_distribution(density)(rng);
            if (one)
                in[static_cast<size_t>(i) * words + v / 64] |= uint64_t{1} << (v % 64);
        }
    }
    // Every netlist signal's words (black-box outputs and primary outputs).
    const Simulator sim(net);
    std::vector<uint64_t> scratch;
    std::vector<std::vector<uint64_t>> signalWords(net.signalCount, std::vector<uint64_t>(words, 0));
    sim.forEachChunk(in, words, scratch, [&](const uint64_t* slots, size_t stride, int count, int first) {
        for (Signal s = 0; s < net.signalCount; ++s) {
            const int slot = sim.slotOf(s);
            if (slot >= 0)
                for (int k = 0; k < count; ++k)
                    signalWords[s][first + k] = slots[slot * stride + k];
        }
    });
    const auto signalBit = [&](Signal s, int v) {
        if (s == kConst0 || s == kConst1)
            return s == kConst1;
        if (s >= kFirstInput && s < kFirstInput + static_cast<Signal>(net.inputs))
            return ((in[(s - kFirstInput) * words + v / 64] >> (v % 64)) & 1) != 0;
        return ((signalWords[s][v / 64] >> (v % 64)) & 1) != 0;
    };

    uint32_t nodes = 1;
    for (const MappedGate& g : cover.gates)
        nodes = std::max(nodes, g.node + 1);
    for (const auto& [n, s] : cover.inputs)
        nodes = std::max(nodes, n + 1);
    for (const MappedCover::Output& o : cover.outputs)
        nodes = std::max(nodes, o.node + 1);
    for (int v = 0; v < vectors; ++v) {
        // value[n * 2 + p]: 0, 1, or 2 when not built
        std::vector<uint8_t> value(static_cast<size_t>(nodes) * 2, 2);
        value[0] = 0;
        value[1] = 1;
        const auto setBoth = [&](uint32_t n, bool b) {
            value[n * 2] = b;
            value[n * 2 + 1] = !b;
        };
        for (const auto& [n, s] : cover.inputs)
            setBoth(n, signalBit(s, v));
        for (const MappedGate& g : cover.gates) {
            unsigned bits = 0;
            for (int i = 0; i < g.inputs; ++i) {
                const uint8_t b = value[g.inNode[i] * 2 + static_cast<uint32_t>(g.inPhase[i])];
                if (b == 2)
                    return QStringLiteral("gate of node %1 reads node %2 before it is built")
                        .arg(g.node)
                        .arg(g.inNode[i]);
                bits |= static_cast<unsigned>(b) << i;
            }
            const uint8_t out = mappedGateOutput(g, bits) ? 1 : 0;
            uint8_t& slot = value[g.node * 2 + static_cast<uint32_t>(g.phase)];
            const uint8_t other = value[g.node * 2 + static_cast<uint32_t>(1 - g.phase)];
            if (other != 2 && other == out)
                return QStringLiteral("node %1: both phases are %2 (vector %3)").arg(g.node).arg(out).arg(v);
            slot = out;
        }
        for (const MappedCover::Output& o : cover.outputs) {
            const uint8_t got = value[o.node * 2 + static_cast<uint32_t>(o.phase)];
            const bool want = signalBit(o.signal, v);
            if (got != (want ? 1 : 0))
                return QStringLiteral("signal %1 is %2, the netlist says %3 (vector %4)")
                    .arg(o.signal)
                    .arg(got)
                    .arg(want)
                    .arg(v);
        }
    }
    return {};
}

} // namespace

class TestTechMap : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void coverComputesTheNetlist_data()
    {
        QTest::addColumn<int>("inputs");
        QTest::addColumn<int>("topology");
        QTest::addColumn<QString>("variant");
        QTest::addColumn<int>("window");
        // Exhaustive at 5 and 12 inputs, random vectors at 64.
        for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain}) {
            for (int n : {5, 64})
                for (const char* v : {"exact", "maj-fa", "maj", "or-ha", "maj-fa+or-ha", "ama1", "ama3", "ama4", "ama5",
                                      "pairs", "odd"})
                    QTest::addRow("%s/%d/%s", topologyName(t).c_str(), n, v)
                        << n << static_cast<int>(t) << v << kMapWindowCells;
            for (const char* v : {"exact", "maj-fa"})
                QTest::addRow("%s/12/%s", topologyName(t).c_str(), v)
                    << 12 << static_cast<int>(t) << v << kMapWindowCells;
            // Windows of 7 cells: signals cross many boundaries.
            for (const char* v : {"exact", "maj-fa", "maj", "odd"})
                QTest::addRow("%s/64/%s/window-7", topologyName(t).c_str(), v) << 64 << static_cast<int>(t) << v << 7;
        }
        for (Topology t : {Topology::Wallace, Topology::Dadda})
            for (const char* v : {"c42-hl", "c42-yin"})
                QTest::addRow("%s/64/%s", topologyName(t).c_str(), v)
                    << 64 << static_cast<int>(t) << v << kMapWindowCells;
    }

    void coverComputesTheNetlist()
    {
        QFETCH(int, inputs);
        QFETCH(int, topology);
        QFETCH(QString, variant);
        QFETCH(int, window);
        const Netlist net = makeNetlist(inputs, static_cast<Topology>(topology), variant);
        QString mismatch;
        try {
            mismatch = coverMismatch(net, 512, window);
        } catch (const std::exception& e) {
            mismatch = e.what();
        }
        QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
        QCOMPARE(computeCost(net, {.energyVectors = 128}).transistors, mapped(net));
    }

    // Structural hashing: a second copy of a cell on the same inputs adds
    // nothing; a cell whose outputs nobody reads adds nothing.
    void duplicateAndUnreadLogicIsFree()
    {
        Builder one(3);
        const auto [s, c] = one.cell("fa", {one.x(0), one.x(1), one.x(2)});
        one.net.outputs = {s, c};
        Builder two(3);
        const auto [s1, c1] = two.cell("fa", {two.x(0), two.x(1), two.x(2)});
        const auto [s2, c2] = two.cell("fa", {two.x(1), two.x(0), two.x(2)});
        two.cell("fa", {s2, c1, two.x(0)}); // unread
        two.net.outputs = {s1, c2};
        QVERIFY(mapped(one.net) > 0);
        QCOMPARE(mapped(two.net), mapped(one.net));
        QVERIFY(coverMismatch(two.net, 0).isEmpty());
    }

    // MAJ-FA's S = NOT C: at most one inverter more than the carry alone.
    void complementaryOutputsShareTheirLogic()
    {
        Builder carry(3);
        const auto [s, c] = carry.cell("maj-fa", {carry.x(0), carry.x(1), carry.x(2)});
        carry.net.outputs = {c};
        Builder both(3);
        const auto [s2, c2] = both.cell("maj-fa", {both.x(0), both.x(1), both.x(2)});
        both.net.outputs = {s2, c2};
        QVERIFY(mapped(carry.net) > 0);
        QVERIFY(mapped(both.net) <= mapped(carry.net) + 2);
        QVERIFY(mapped(both.net) <= both.lib.at("maj-fa").transistors);
    }

    // Inputs that are functions of each other simplify what reads them: the
    // outputs of a first-level MAJ-FA are complements, so the exact adders
    // above it collapse (Yosys sees the same, test_verilog): the mapped count
    // is well under the cells' own figures, while an exact tree's is not.
    void relatedInputsCollapseTheLogicAbove()
    {
        const CellLibrary lib = CellLibrary::defaults();
        const auto cellSum = [](const Netlist& net) {
            long t = 0;
            const LiveLogic live = liveLogic(net);
            for (const LiveCell& c : live.cells)
                t += c.transistors;
            return t;
        };
        const Netlist exact = buildPopcount(64, Topology::AdderTree, lib);
        ApproxConfig config;
        config.levelCells = {{0, "maj-fa"}};
        const Netlist level0 = applyApproximation(exact, lib, config);
        QVERIFY(mapped(exact) > 0.95 * cellSum(exact));
        QVERIFY2(mapped(level0) < 0.93 * cellSum(level0),
                 qPrintable(QStringLiteral("mapped %1, cells %2").arg(mapped(level0)).arg(cellSum(level0))));
    }

    // Cells with figures of their own (transistor-level cmos45 cells, a
    // user's truth-table cell) are costed whole; their outputs feed the
    // mapped logic like inputs.
    void cellsWithTheirOwnFiguresAreBlackBoxes()
    {
        const Netlist net = makeNetlist(12, Topology::Wallace, "odd");
        MappedCover cover;
        const MappedTransistors m = mapTransistors(net, liveLogic(net), &cover);
        int odd = 0;
        long oddTransistors = 0;
        for (const CellInstance& c : net.cells)
            if (net.typeOf(c).name == "odd-fa.v2") {
                ++odd;
                oddTransistors += net.typeOf(c).transistors;
            }
        QVERIFY(odd > 0);
        QCOMPARE(m.blackBoxCells, odd);
        QCOMPARE(m.blackBoxTransistors, oddTransistors);
        QCOMPARE(m.mappedCells + m.blackBoxCells, static_cast<int>(net.cells.size()));
        QVERIFY(cover.inputs.size() > static_cast<size_t>(net.inputs)); // the boxes' outputs too
    }

    // Windows lose only the sharing across their boundaries: a 4608-input
    // tree (6131 cells, one window by default) in windows of 1000 cells
    // counts within 1% of the whole.
    void windowsCostAboutTheWhole()
    {
        const CellLibrary lib = CellLibrary::defaults();
        ApproxConfig config;
        config.lsbColumns = 2;
        const Netlist net = applyApproximation(buildPopcount(4608, Topology::AdderTree, lib), lib, config);
        const LiveLogic live = liveLogic(net);
        const long whole = mapTransistors(net, live).transistors;
        const long windowed = mapTransistors(net, live, nullptr, 1000).transistors;
        QVERIFY2(std::abs(double(windowed) / double(whole) - 1.0) < 0.01,
                 qPrintable(QStringLiteral("%1 in windows, %2 whole").arg(windowed).arg(whole)));
    }

    // A ripple chain of 5000 inputs (56,809 cells, most of them in a row) maps without recursion on its depth.
    void deepNetlistsMapIteratively()
    {
        const Netlist net = buildPopcount(5000, Topology::Chain, CellLibrary::defaults());
        const MappedTransistors m = mapTransistors(net, liveLogic(net));
        QCOMPARE(m.mappedCells, static_cast<int>(net.cells.size()));
        QVERIFY(m.transistors > 10L * static_cast<long>(net.cells.size()));
    }
};

QTEST_APPLESS_MAIN(TestTechMap)
#include "test_tech_map.moc"
