// Constant propagation and unobserved logic in the cost model
// (circuit/live_logic.h): hand-built netlists whose reduced cost is known.
#include "circuit/approximation.h"
#include "circuit/cost_model.h"
#include "circuit/gate_cells.h"
#include "circuit/live_logic.h"
#include "circuit/popcount_builder.h"

#include "netlist_builder.h"

#include <QtTest>

using namespace axbnn;
using axbnn::netlist_test::Builder;

class TestLiveLogic : public QObject {
    Q_OBJECT

    const CellLibrary lib_ = CellLibrary::defaults();

private Q_SLOTS:
    // Builders make no constants and read every output: nothing changes.
    void exactCircuitsCostEveryCellInFull()
    {
        for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain}) {
            const Netlist net = buildPopcount(100, t, lib_);
            const LiveLogic live = liveLogic(net);
            long transistors = 0, kept = 0;
            double area = 0.0;
            for (size_t k = 0; k < net.cells.size(); ++k) {
                transistors += net.typeOf(net.cells[k]).transistors;
                kept += live.cells[k].transistors;
                area += net.typeOf(net.cells[k]).areaUm2;
            }
            QCOMPARE(kept, transistors);
            QVERIFY(qFuzzyCompare(computeCost(net, {.energyVectors = 128}).areaUm2, area));
        }
    }

    // maj's sum is constant 0: the full adder it feeds is a half adder, made
    // of the cheapest cells computing its outputs (no "ha" in this netlist:
    // an XOR and an AND gate).
    void constantOutputReducesWhatItFeeds()
    {
        Builder b(5);
        const auto [s0, c0] = b.cell("maj", {b.x(0), b.x(1), b.x(2)});
        const auto [s1, c1] = b.cell("fa", {b.x(3), b.x(4), s0});
        b.net.outputs = {s1, c1, c0};
        const LiveLogic live = liveLogic(b.net);
        QCOMPARE(live.value[s0], int8_t{0});
        QCOMPARE(live.value[c0], kUnknown);
        QCOMPARE(live.cells[0].transistors, lib_.at("maj").transistors);
        QCOMPARE(live.cells[0].live, (std::array<bool, 2>{false, true}));
        const int halfAdder = gateCell(Gate::Xor2).transistors + gateCell(Gate::And2).transistors;
        QCOMPARE(live.cells[1].transistors, halfAdder);
        QCOMPARE(live.cells[1].dependsOn, (std::array<uint8_t, 2>{3, 3}));
        QCOMPARE(live.cells[1].delayPs[0], gateCell(Gate::Xor2).delaySumPs);
        QCOMPARE(live.cells[1].delayPs[1], gateCell(Gate::And2).delaySumPs);
        QCOMPARE(computeCost(b.net, {.energyVectors = 128}).transistors, long{lib_.at("maj").transistors + halfAdder});
    }

    // or-ha's carry is 0: a half adder adding it to x passes x on (a wire,
    // zero cost and delay) and has a constant carry.
    void copiedInputIsAWire()
    {
        Builder b(3);
        const auto [s0, c0] = b.cell("or-ha", {b.x(0), b.x(1), kNoSignal});
        const auto [s1, c1] = b.cell("ha", {b.x(2), c0, kNoSignal});
        b.net.outputs = {s0, s1, c1};
        const LiveLogic live = liveLogic(b.net);
        QCOMPARE(live.value[c1], int8_t{0});
        QCOMPARE(live.cells[1].transistors, 0);
        QCOMPARE(live.cells[1].live[0], true);
        QCOMPARE(live.cells[1].dependsOn[0], uint8_t{1});
        const CircuitCost cost = computeCost(b.net, {.energyVectors = 128});
        QCOMPARE(cost.transistors, long{lib_.at("or-ha").transistors});
        QCOMPARE(cost.delayPs, lib_.at("or-ha").delaySumPs);
    }

    // The pair cells' sum is constant 0 and unread: only the carry lives,
    // costed as the cell's own AND/OR (no sum delay or energy), with a
    // constant-0 output bit that costs nothing, in every topology.
    void pairCellsCostTheirCarryOnly()
    {
        for (const CellLibrary& lib : {CellLibrary::defaults(), CellLibrary::cmos45()}) {
            for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain}) {
                const Netlist one = buildPopcount(2, t, lib, 1); // a single and-pair: outputs {0, AND}
                QCOMPARE(one.cells.size(), size_t{1});
                const LiveLogic live = liveLogic(one);
                QCOMPARE(live.value[one.cells[0].sum], int8_t{0});
                QVERIFY(!live.cells[0].live[0] && live.cells[0].live[1]);
                const CellType& andPair = lib.at("and-pair");
                QCOMPARE(live.cells[0].delayPs[0], 0.0);
                QCOMPARE(live.cells[0].energyFj[0], 0.0);
                const CircuitCost cost = computeCost(one, {.energyVectors = 128});
                QVERIFY(cost.transistors <= long{andPair.transistors});
                QVERIFY(cost.transistors > 0);
                QCOMPARE(cost.delayPs, std::min(andPair.delayCarryPs, gateCell(Gate::And2).delaySumPs));
            }
        }
    }

    // Logic with no path to an output, and outputs that are constant, cost
    // nothing; a constant primary output is not observed.
    void unobservedLogicCostsNothing()
    {
        Builder b(6);
        const auto [s0, c0] = b.cell("fa", {b.x(0), b.x(1), b.x(2)});
        const auto [s1, c1] = b.cell("fa", {b.x(3), b.x(4), b.x(5)});
        const auto [s2, c2] = b.cell("maj", {s1, c1, b.x(0)});
        b.net.typeIndex(b.lib, "xor3"); // a kind the reduced fa can become
        b.net.outputs = {s0, s2}; // s2 is constant 0: cells 1 and 2 are dead
        const LiveLogic live = liveLogic(b.net);
        QCOMPARE(live.cells[1].transistors, 0);
        QCOMPARE(live.cells[2].transistors, 0);
        // Only fa's sum is read: it costs what xor3 costs.
        QCOMPARE(live.cells[0].transistors, lib_.at("xor3").transistors);
        QCOMPARE(live.cells[0].live, (std::array<bool, 2>{true, false}));
        CostOptions options;
        options.energyVectors = 1 << 14;
        const double expected = 0.5 * lib_.at("xor3").energySumFj;
        QVERIFY(std::abs(computeCost(b.net, options).energyFj - expected) < 0.03 * expected);
    }

    // MAJ-FA with a constant-0 input: S = NAND(a, b), C = NOT S: a NAND and
    // an inverter are cheaper than a NAND and an AND.
    void complementaryOutputsShareOneGate()
    {
        Builder b(2);
        const auto [s0, c0] = b.cell("maj-fa", {b.x(0), b.x(1), kConst0});
        b.net.outputs = {s0, c0};
        const LiveLogic live = liveLogic(b.net);
        const int expected = gateCell(Gate::Nand2).transistors + gateCell(Gate::Inv).transistors;
        QCOMPARE(live.cells[0].transistors, expected);
        QVERIFY(expected < gateCell(Gate::Nand2).transistors + gateCell(Gate::And2).transistors);
        QCOMPARE(live.cells[0].delayPs[1], gateCell(Gate::Nand2).delaySumPs + gateCell(Gate::Inv).delaySumPs);
    }

    // Approximation with constant-output cells never costs more than before
    // and strictly less once the constant feeds other logic.
    void constantOutputCircuitsCostLessThanTheirCells()
    {
        const Netlist exact = buildPopcount(64, Topology::AdderTree, lib_);
        ApproxConfig config;
        config.lsbColumns = 2;
        config.faCell = "maj";
        const Netlist net = applyApproximation(exact, lib_, config);
        long full = 0;
        for (const auto& c : net.cells)
            full += net.typeOf(c).transistors;
        QVERIFY(computeCost(net, {.energyVectors = 128}).transistors < full);
    }
};

QTEST_APPLESS_MAIN(TestLiveLogic)
#include "test_live_logic.moc"
