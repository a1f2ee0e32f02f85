// Area, transistors, static timing and switching energy of netlists.
#include "circuit/approximation.h"
#include "circuit/cost_model.h"
#include "circuit/live_logic.h"
#include "circuit/popcount_builder.h"
#include "circuit/tech_map.h"

#include <QtTest>

using namespace axbnn;

class TestCostModel : public QObject {
    Q_OBJECT

    const CellLibrary lib_ = CellLibrary::defaults();

private Q_SLOTS:
    // Area is a sum over cells; transistors come from mapping the whole
    // netlist to static CMOS gates (circuit/tech_map.h, test_tech_map).
    void areaIsASumOverCellsTransistorsAreMapped()
    {
        const Netlist net = buildPopcount(100, Topology::Dadda, lib_);
        const CircuitCost cost = computeCost(net);
        double area = 0;
        long cellSum = 0;
        int cells = 0;
        for (const auto& [kind, n] : cost.counts) {
            area += n * lib_.at(kind).areaUm2;
            cellSum += n * lib_.at(kind).transistors;
            cells += n;
        }
        QCOMPARE(cells, cost.cells);
        QVERIFY(qFuzzyCompare(cost.areaUm2, area));
        const MappedTransistors mapped = mapTransistors(net, liveLogic(net));
        QCOMPARE(cost.transistors, mapped.transistors);
        QCOMPARE(mapped.mappedCells, cost.cells);
        QCOMPARE(mapped.blackBoxCells, 0);
        // The same logic, so the same order of magnitude as the cells' own figures.
        QVERIFY(std::abs(double(cost.transistors) / double(cellSum) - 1.0) < 0.15);
    }

    // Transistor-level cells (cmos45) are not static-CMOS gates: each is
    // costed at its own figure.
    void transistorLevelCellsAreCostedWhole()
    {
        const CellLibrary cmos45 = CellLibrary::cmos45();
        const Netlist net = buildPopcount(100, Topology::Wallace, cmos45);
        long cellSum = 0;
        for (const CellInstance& c : net.cells)
            cellSum += net.typeOf(c).transistors;
        const MappedTransistors mapped = mapTransistors(net, liveLogic(net));
        QCOMPARE(mapped.mappedCells, 0);
        QCOMPARE(mapped.blackBoxCells, static_cast<int>(net.cells.size()));
        QCOMPARE(computeCost(net).transistors, cellSum);
    }

    void approximationSavesAreaAndDelay()
    {
        const Netlist exact = buildPopcount(576, Topology::AdderTree, lib_);
        ApproxConfig config;
        config.lsbColumns = 2;
        const CircuitCost e = computeCost(exact);
        const CircuitCost a = computeCost(applyApproximation(exact, lib_, config));
        QVERIFY(a.areaUm2 < e.areaUm2);
        QVERIFY(a.transistors < e.transistors);
        QVERIFY(a.delayPs <= e.delayPs);
        QVERIFY(a.approximateCells > 0);
    }

    void criticalPathOfLoneFullAdderIsItsSlowestArc()
    {
        const Netlist fa = buildPopcount(3, Topology::AdderTree, lib_);
        const CellType& t = lib_.at("fa");
        QCOMPARE(criticalPathPs(fa), std::max(t.delaySumPs, t.delayCarryPs));
    }

    void chainDelayGrowsLinearlyTreeDelayLogarithmically()
    {
        const double chain256 = criticalPathPs(buildPopcount(256, Topology::Chain, lib_));
        const double chain1024 = criticalPathPs(buildPopcount(1024, Topology::Chain, lib_));
        const double tree256 = criticalPathPs(buildPopcount(256, Topology::AdderTree, lib_));
        const double tree1024 = criticalPathPs(buildPopcount(1024, Topology::AdderTree, lib_));
        QVERIFY(chain1024 > 3.5 * chain256);
        QVERIFY(tree1024 < 1.6 * tree256);
        QVERIFY(tree1024 < chain1024 / 10);
    }

    // A lone full adder on uniform inputs: sum and carry each toggle with
    // probability 1/2 between independent vectors.
    void energyOfLoneFullAdderMatchesToggleProbability()
    {
        const Netlist fa = buildPopcount(3, Topology::AdderTree, lib_);
        CostOptions options;
        options.energyVectors = 1 << 16;
        const CellType& t = lib_.at("fa");
        const double expected = 0.5 * (t.energySumFj + t.energyCarryFj);
        QVERIFY(std::abs(switchingEnergyFj(fa, options) - expected) < 0.02 * expected);
    }

    void constantInputsDoNotSwitch()
    {
        CostOptions options;
        options.p = 0.0;
        QCOMPARE(switchingEnergyFj(buildPopcount(64, Topology::Wallace, lib_), options), 0.0);
        options.p = 1.0;
        QCOMPARE(switchingEnergyFj(buildPopcount(64, Topology::AdderTree, lib_), options), 0.0);
    }

    // maj's input pins have internal energy (maj3_1's Liberty tables): on
    // uniform inputs each pin and the carry toggle with probability 1/2; the
    // constant sum costs nothing.
    void inputPinEnergyCountsInputToggles()
    {
        const Netlist maj = applyApproximation(buildPopcount(3, Topology::AdderTree, lib_), lib_, [] {
            ApproxConfig a;
            a.lsbColumns = 1;
            a.faCell = "maj";
            return a;
        }());
        const CellType& t = lib_.at("maj");
        QVERIFY(t.energyInputFj[1] > 0);
        CostOptions options;
        options.energyVectors = 1 << 16;
        const double pins = t.energyInputFj[0] + t.energyInputFj[1] + t.energyInputFj[2];
        const double expected = 0.5 * (t.energyCarryFj + pins);
        const double got = switchingEnergyFj(maj, options);
        QVERIFY2(std::abs(got - expected) < 0.02 * expected, qPrintable(QString::number(got)));
        QVERIFY(std::abs(got - 0.5 * t.energyCarryFj) > 0.01 * expected); // the pins are counted
    }

    void energyIsReproducibleForASeed()
    {
        const Netlist net = buildPopcount(200, Topology::AdderTree, lib_);
        CostOptions options;
        QCOMPARE(switchingEnergyFj(net, options), switchingEnergyFj(net, options));
        CostOptions other = options;
        other.seed = 99;
        QVERIFY(switchingEnergyFj(net, options) != switchingEnergyFj(net, other));
    }
};

QTEST_APPLESS_MAIN(TestCostModel)
#include "test_cost_model.moc"
