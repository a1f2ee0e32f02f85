// The approximation knobs select the right cells, and only those.
#include "circuit/approximation.h"
#include "circuit/popcount_builder.h"
#include "circuit/simulator.h"

#include <QtTest>

#include <bit>
#include <map>

using namespace axbnn;

Q_DECLARE_METATYPE(axbnn::Topology)

class TestApproximation : public QObject {
    Q_OBJECT

    const CellLibrary lib_ = CellLibrary::defaults();

private Q_SLOTS:
    void exactConfigIsTheExactCircuit()
    {
        const Netlist exact = buildPopcount(576, Topology::AdderTree, lib_);
        const Netlist same = applyApproximation(exact, lib_, ApproxConfig{});
        QCOMPARE(same.cells.size(), exact.cells.size());
        QCOMPARE(same.approximateCellCount(), 0);
        for (size_t i = 0; i < exact.cells.size(); ++i)
            QCOMPARE(same.typeOf(same.cells[i]).name, exact.typeOf(exact.cells[i]).name);
    }

    void knobsReplaceExactlyTheSelectedFullAdders_data()
    {
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("lsb");
        QTest::addColumn<int>("levels");
        for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
            for (auto [lsb, levels] : {std::pair{1, 0}, {2, 0}, {4, 0}, {0, 1}, {0, 3}, {1, 2}})
                QTest::addRow("%s-lsb%d-levels%d", topologyName(t).c_str(), lsb, levels) << t << lsb << levels;
    }

    void knobsReplaceExactlyTheSelectedFullAdders()
    {
        QFETCH(Topology, topology);
        QFETCH(int, lsb);
        QFETCH(int, levels);
        const Netlist exact = buildPopcount(300, topology, lib_);
        ApproxConfig config;
        config.lsbColumns = lsb;
        config.levels = levels;
        const Netlist approx = applyApproximation(exact, lib_, config);
        int replaced = 0;
        for (size_t i = 0; i < exact.cells.size(); ++i) {
            const CellInstance& c = exact.cells[i];
            const bool selected = c.column < lsb || c.level < levels;
            const bool isFa = exact.typeOf(c).name == "fa";
            const std::string now = approx.typeOf(approx.cells[i]).name;
            QCOMPARE(now, selected && isFa ? std::string("maj-fa") : exact.typeOf(c).name);
            replaced += now == "maj-fa";
        }
        QCOMPARE(approx.approximateCellCount(), replaced);
        if (topology != Topology::Chain) // the chain has no full adders
            QVERIFY(replaced > 0);
    }

    // With pairs the knobs and hand picks index the rebuilt structure: the
    // approximate netlist has its cells, one toggled cell changes kind, and
    // an imported netlist refuses pairs; more pairs than N / 2 pair all inputs.
    void pairsKnobIndexesTheRebuiltStructure()
    {
        const CellLibrary lib = CellLibrary::defaults();
        const Netlist exact = buildPopcount(40, Topology::Wallace, lib);
        ApproxConfig config;
        config.pairs = 6;
        const Netlist structure = approximationStructure(exact, lib, config);
        QVERIFY(structure.cells.size() != exact.cells.size());
        int full = -1;
        for (size_t i = 0; i < structure.cells.size() && full < 0; ++i)
            if (structure.typeOf(structure.cells[i]).name == "fa")
                full = static_cast<int>(i);
        QVERIFY(full >= 0);
        const ApproxConfig toggled = toggleCell(structure, full, config);
        const Netlist net = applyApproximation(exact, lib, toggled);
        QCOMPARE(net.cells.size(), structure.cells.size());
        QCOMPARE(net.typeOf(net.cells[full]).name, std::string("maj-fa"));
        QCOMPARE(net.approximateCellCount(), 6 + 1);
        config.pairs = 1000;
        int pairCells = 0;
        const Netlist all = applyApproximation(exact, lib, config);
        for (const CellInstance& c : all.cells)
            pairCells += all.typeOf(c).name.ends_with("-pair") ? 1 : 0;
        QCOMPARE(pairCells, 20);
        Netlist imported = exact;
        imported.topology = Topology::Imported;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, applyApproximation(imported, lib, config));
    }

    void explicitCellListsOverrideTheKnobs()
    {
        const Netlist exact = buildPopcount(27, Topology::AdderTree, lib_);
        ApproxConfig config;
        config.lsbColumns = 1;
        int firstFa = -1, laterFa = -1;
        for (size_t i = 0; i < exact.cells.size(); ++i) {
            if (exact.typeOf(exact.cells[i]).name != "fa")
                continue;
            if (exact.cells[i].column == 0 && firstFa < 0)
                firstFa = static_cast<int>(i);
            if (exact.cells[i].column > 0)
                laterFa = static_cast<int>(i);
        }
        QVERIFY(firstFa >= 0 && laterFa >= 0);
        config.exactCells = {firstFa};
        config.extraCells = {laterFa};
        const Netlist approx = applyApproximation(exact, lib_, config);
        QVERIFY(!approx.isApproximate(approx.cells[firstFa]));
        QVERIFY(approx.isApproximate(approx.cells[laterFa]));
    }

    void halfAdderReplacementIsOptional()
    {
        const Netlist exact = buildPopcount(64, Topology::AdderTree, lib_);
        ApproxConfig config;
        config.lsbColumns = 1;
        const Netlist faOnly = applyApproximation(exact, lib_, config);
        config.haCell = "or-ha";
        const Netlist both = applyApproximation(exact, lib_, config);
        int orHa = 0;
        for (const auto& c : both.cells)
            orHa += both.typeOf(c).name == "or-ha";
        QVERIFY(orHa > 0);
        QCOMPARE(both.approximateCellCount(), faOnly.approximateCellCount() + orHa);
    }

    // One MAJ-FA alone: 000 -> 1 and 111 -> 2, every other input exact.
    void loneMajFaGivesItsTruthTable()
    {
        ApproxConfig config;
        config.lsbColumns = 1;
        const Netlist net = applyApproximation(buildPopcount(3, Topology::AdderTree, lib_), lib_, config);
        QCOMPARE(net.cells.size(), size_t{1});
        const Simulator sim(net);
        for (unsigned v = 0; v < 8; ++v) {
            const std::vector<uint8_t> bits{uint8_t(v & 1), uint8_t((v >> 1) & 1), uint8_t(v >> 2)};
            const int exact = std::popcount(v);
            const int expected = v == 0 ? 1 : v == 7 ? 2 : exact;
            QCOMPARE(sim.evaluate(bits), static_cast<uint64_t>(expected));
        }
    }

    // Mixed popcounts: a cell per column and per level. Each full adder gets
    // its level's cell, else its column's, else the knobs' faCell if they
    // select it; "fa" keeps it exact; exactCells win over everything.
    void columnAndLevelCellsPickEachFullAddersCell_data()
    {
        QTest::addColumn<Topology>("topology");
        for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda})
            QTest::newRow(topologyName(t).c_str()) << t;
    }

    void columnAndLevelCellsPickEachFullAddersCell()
    {
        QFETCH(Topology, topology);
        const Netlist exact = buildPopcount(200, topology, lib_);
        ApproxConfig config;
        config.lsbColumns = 3;
        config.columnCells = {{0, "maj"}, {1, "fa"}, {4, "maj-fa"}};
        config.levelCells = {{1, "maj-fa"}};
        int exactOne = -1;
        for (size_t i = 0; i < exact.cells.size() && exactOne < 0; ++i)
            if (exact.typeOf(exact.cells[i]).name == "fa" && exact.cells[i].column == 0 && exact.cells[i].level != 1)
                exactOne = static_cast<int>(i);
        QVERIFY(exactOne >= 0);
        config.exactCells = {exactOne};
        const Netlist mixed = applyApproximation(exact, lib_, config);
        std::map<std::string, int> seen;
        for (size_t i = 0; i < exact.cells.size(); ++i) {
            const CellInstance& c = exact.cells[i];
            std::string expected = exact.typeOf(c).name;
            if (expected == "fa" && static_cast<int>(i) != exactOne) {
                if (c.level == 1)
                    expected = "maj-fa";
                else if (c.column == 0)
                    expected = "maj";
                else if (c.column == 1)
                    expected = "fa";
                else if (c.column == 4 || c.column < 3)
                    expected = "maj-fa";
            }
            QCOMPARE(mixed.typeOf(mixed.cells[i]).name, expected);
            ++seen[expected];
            if (exact.typeOf(c).name == "fa") // half adders: selected by the knobs, kept without a haCell
                QCOMPARE(isCellSelected(exact, static_cast<int>(i), config), expected != "fa");
        }
        QVERIFY(seen["maj"] > 0 && seen["maj-fa"] > 0 && seen["fa"] > 0);

        // Column cells for columns 0..K-1 are the LSB knob.
        ApproxConfig knob, columns;
        knob.lsbColumns = 2;
        columns.columnCells = {{0, "maj-fa"}, {1, "maj-fa"}};
        const Netlist a = applyApproximation(exact, lib_, knob), b = applyApproximation(exact, lib_, columns);
        for (size_t i = 0; i < a.cells.size(); ++i)
            QCOMPARE(b.typeOf(b.cells[i]).name, a.typeOf(a.cells[i]).name);

        // Toggling a cell a column cell selected keeps it exact, and back.
        int mapped = -1;
        for (size_t i = 0; i < exact.cells.size() && mapped < 0; ++i)
            if (exact.typeOf(exact.cells[i]).name == "fa" && exact.cells[i].column == 4)
                mapped = static_cast<int>(i);
        if (mapped >= 0) {
            const ApproxConfig off = toggleCell(exact, mapped, config);
            QVERIFY(!isCellSelected(exact, mapped, off));
            QVERIFY(isCellSelected(exact, mapped, toggleCell(exact, mapped, off)));
        }
    }

    void cellMapsParseAndPrint()
    {
        const CellMap cells = parseCellMap("3:maj,0:maj-fa,12:fa", "--column-cells", 64);
        QCOMPARE(cells.size(), size_t{3});
        QCOMPARE(cells.at(12), std::string("fa"));
        QCOMPARE(cellMapText(cells), std::string("0:maj-fa,3:maj,12:fa"));
        QCOMPARE(parseCellMap(cellMapText(cells), "x", 64), cells);
        QVERIFY(parseCellMap("", "x", 64).empty());
        for (const char* bad : {"0", "0:", ":maj", "a:maj", "65:maj", "99999999999:maj", "0:maj,0:fa", "0:maj,"}) {
            bool threw = false;
            try {
                parseCellMap(bad, "--column-cells", 64);
            } catch (const std::invalid_argument& e) {
                threw = QString(e.what()).startsWith("--column-cells: '");
            }
            QVERIFY2(threw, bad);
        }
        ApproxConfig wrong;
        wrong.columnCells = {{0, "or-ha"}};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 applyApproximation(buildPopcount(9, Topology::AdderTree, lib_), lib_, wrong));
    }

    void badConfigurationsAreRejected_data()
    {
        QTest::addColumn<QString>("what");
        QTest::newRow("unknown cell") << "unknown";
        QTest::newRow("2-input cell for full adders") << "arity";
        QTest::newRow("sum-only cell") << "sum-only";
        QTest::newRow("negative lsb") << "negative";
        QTest::newRow("cell id out of range") << "range";
        QTest::newRow("negative cell id") << "negative-id";
    }

    void badConfigurationsAreRejected()
    {
        QFETCH(QString, what);
        const Netlist exact = buildPopcount(9, Topology::AdderTree, lib_);
        ApproxConfig config;
        config.lsbColumns = 1;
        if (what == "unknown")
            config.faCell = "nope";
        else if (what == "arity")
            config.faCell = "or-ha";
        else if (what == "sum-only")
            config.faCell = "xor3";
        else if (what == "negative")
            config.lsbColumns = -1;
        else if (what == "range")
            config.extraCells = {static_cast<int>(exact.cells.size())};
        else
            config.exactCells = {-1};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, applyApproximation(exact, lib_, config));
    }
};

QTEST_APPLESS_MAIN(TestApproximation)
#include "test_approximation.moc"
