// Cell truth tables, default SKY130 figures and the user JSON format.
#include "circuit/cell_library.h"

#include "util/input_limits.h"

#include <QtTest>

#include <bit>

using namespace axbnn;

class TestCellLibrary : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void exactCellsAreExact_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("exact");
        QTest::newRow("fa") << "fa" << true;
        QTest::newRow("ha") << "ha" << true;
        QTest::newRow("xor2") << "xor2" << true;
        QTest::newRow("xor3") << "xor3" << true;
        QTest::newRow("maj-fa") << "maj-fa" << false;
        QTest::newRow("maj") << "maj" << false;
        QTest::newRow("or-ha") << "or-ha" << false;
    }

    void exactCellsAreExact()
    {
        QFETCH(QString, name);
        QFETCH(bool, exact);
        QCOMPARE(CellLibrary::defaults().at(name.toStdString()).isExact(), exact);
    }

    // docs/domain.md section 3: MAJ-FA is wrong only for 000 (+1) and 111 (-1).
    void majFaErrsOnlyOnAllZerosAndAllOnes()
    {
        const CellLibrary lib = CellLibrary::defaults();
        const CellType& c = lib.at("maj-fa");
        for (unsigned i = 0; i < 8; ++i) {
            const int expected = i == 0 ? 1 : i == 7 ? -1 : 0;
            QCOMPARE(c.error(i), expected);
            QCOMPARE(c.carry(i), std::popcount(i) >= 2 ? 1 : 0);
            QCOMPARE(c.sum(i), 1 - c.carry(i));
        }
    }

    void carryOnlyMajAndOrHalfAdderErrors()
    {
        const CellLibrary lib = CellLibrary::defaults();
        const CellType& maj = lib.at("maj");
        const int majErrors[8] = {0, -1, -1, 0, -1, 0, 0, -1};
        for (unsigned i = 0; i < 8; ++i)
            QCOMPARE(maj.error(i), majErrors[i]);
        const CellType& orHa = lib.at("or-ha");
        const int orErrors[4] = {0, 0, 0, -1};
        for (unsigned i = 0; i < 4; ++i)
            QCOMPARE(orHa.error(i), orErrors[i]);
    }

    // Gupta et al., IEEE TCAD 32(1) 2013, Table I, rows A B Cin = 000 .. 111
    // as printed (A the most significant), with the error S + 2 Cout -
    // (A + B + Cin) of every row worked out by hand. Cell input a = A,
    // b = B, c = Cin, combination a + 2b + 4c.
    void amaCellsFollowThePublishedTables_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QList<int>>("sum");
        QTest::addColumn<QList<int>>("carry");
        QTest::addColumn<QList<int>>("error");
        QTest::newRow("ama1") << "ama1" << QList<int>{0, 1, 0, 0, 0, 0, 0, 1} << QList<int>{0, 0, 1, 1, 0, 1, 1, 1}
                              << QList<int>{0, 0, 1, 0, -1, 0, 0, 0};
        QTest::newRow("ama2") << "ama2" << QList<int>{1, 1, 1, 0, 1, 0, 0, 0} << QList<int>{0, 0, 0, 1, 0, 1, 1, 1}
                              << QList<int>{1, 0, 0, 0, 0, 0, 0, -1};
        QTest::newRow("ama3") << "ama3" << QList<int>{1, 1, 0, 0, 1, 0, 0, 0} << QList<int>{0, 0, 1, 1, 0, 1, 1, 1}
                              << QList<int>{1, 0, 1, 0, 0, 0, 0, -1};
        QTest::newRow("ama4") << "ama4" << QList<int>{0, 1, 0, 1, 0, 0, 0, 1} << QList<int>{0, 0, 0, 0, 1, 1, 1, 1}
                              << QList<int>{0, 0, -1, -1, 1, 0, 0, 0};
        QTest::newRow("ama5") << "ama5" << QList<int>{0, 0, 1, 1, 0, 0, 1, 1} << QList<int>{0, 0, 0, 0, 1, 1, 1, 1}
                              << QList<int>{0, -1, 0, -1, 1, 0, 1, 0};
    }

    void amaCellsFollowThePublishedTables()
    {
        QFETCH(QString, name);
        QFETCH(QList<int>, sum);
        QFETCH(QList<int>, carry);
        QFETCH(QList<int>, error);
        for (const CellLibrary& lib : {CellLibrary::defaults(), CellLibrary::cmos45()}) {
            const CellType& c = lib.at(name.toStdString());
            QCOMPARE(c.inputs, 3);
            QVERIFY(c.hasCarry);
            QVERIFY(!c.isExact());
            for (int row = 0; row < 8; ++row) {
                const int A = (row >> 2) & 1, B = (row >> 1) & 1, Cin = row & 1;
                const unsigned combination = A + 2 * B + 4 * Cin;
                QCOMPARE(c.sum(combination), sum[row]);
                QCOMPARE(c.carry(combination), carry[row]);
                QCOMPARE(c.error(combination), error[row]);
                QCOMPARE(sum[row] + 2 * carry[row] - (A + B + Cin), error[row]); // the hand-worked column
            }
        }
        // AMA2 is the approximate full adder the seed calls MAJ-FA.
        const CellLibrary lib = CellLibrary::defaults();
        QCOMPARE(lib.at("ama2").sumTable, lib.at("maj-fa").sumTable);
        QCOMPARE(lib.at("ama2").carryTable, lib.at("maj-fa").carryTable);
    }

    // a + b = AND(a, b) + OR(a, b): the AND pair errs by -1 on 01 and 10, the
    // OR pair by +1, and neither has a sum.
    void pairCellsAreWeightTwoAndOr()
    {
        for (const CellLibrary& lib : {CellLibrary::defaults(), CellLibrary::cmos45()}) {
            const CellType& andPair = lib.at("and-pair");
            const CellType& orPair = lib.at("or-pair");
            for (unsigned i = 0; i < 4; ++i) {
                const int a = i & 1, b = (i >> 1) & 1;
                QCOMPARE(andPair.inputs, 2);
                QCOMPARE(andPair.sum(i), 0);
                QCOMPARE(orPair.sum(i), 0);
                QCOMPARE(andPair.carry(i), a & b);
                QCOMPARE(orPair.carry(i), a | b);
                QCOMPARE(andPair.error(i), a != b ? -1 : 0);
                QCOMPARE(orPair.error(i), a != b ? 1 : 0);
                QCOMPARE(andPair.error(i) + orPair.error(i), 0);
            }
            QVERIFY(andPair.energySumFj == 0 && andPair.delaySumPs == 0); // no sum output to drive
            QVERIFY(andPair.transistors > 0 && orPair.areaUm2 > 0);
        }
    }

    void defaultAreasAreSky130Figures()
    {
        const CellLibrary lib = CellLibrary::defaults();
        QCOMPARE(lib.at("fa").areaUm2, 20.0192);
        QCOMPARE(lib.at("ha").areaUm2, 12.512);
        QCOMPARE(lib.at("xor2").areaUm2, 8.7584);
        QCOMPARE(lib.at("maj").areaUm2, 10.0096);
        QCOMPARE(lib.at("maj-fa").areaUm2, 10.0096 + 3.7536); // maj3_1 + inv_1
        QVERIFY(lib.at("maj-fa").areaUm2 < lib.at("fa").areaUm2);
        QVERIFY(lib.at("fa").delaySumPs > lib.at("maj-fa").delaySumPs);
        for (const auto& c : lib.cells()) {
            QVERIFY2(c.transistors > 0, c.name.c_str());
            QVERIFY2(c.delaySumPs > 0 || c.sumTable == 0, c.name.c_str());
            QVERIFY2(c.energySumFj > 0 || c.sumTable == 0, c.name.c_str());
        }
    }

    void userCellFromJsonIsAddedBesideDefaults()
    {
        const auto lib = CellLibrary::fromJsonText(R"({"cells": [
            {"name": "my-fa", "inputs": 3, "sum": "01101000", "carry": "00010111",
             "area_um2": 11.5, "transistors": 16, "delay_ps": {"sum": 120, "carry": 90},
             "energy_fj": 4.5, "input_energy_fj": [0.5, 0, 1.25]},
            {"name": "or3x", "inputs": 2, "sum": "0111", "input_energy_fj": 0.75},
            {"name": "fa", "inputs": 3, "sum": "01101001", "carry": "00010111", "area_um2": 30}
        ]})",
                                                   "test.json");
        const CellType& c = lib.at("my-fa");
        QCOMPARE(c.inputs, 3);
        QCOMPARE(c.areaUm2, 11.5);
        QCOMPARE(c.transistors, 16);
        QCOMPARE(c.delaySumPs, 120.0);
        QCOMPARE(c.delayCarryPs, 90.0);
        QCOMPARE(c.energyCarryFj, 4.5);
        QCOMPARE(c.energyInputFj, (std::array<double, 3>{0.5, 0, 1.25}));
        QCOMPARE(lib.at("or3x").energyInputFj, (std::array<double, 3>{0.75, 0.75, 0}));
        QCOMPARE(c.error(7), -1); // sum bit of 111 cleared
        QVERIFY(!c.isExact());
        QCOMPARE(lib.at("fa").areaUm2, 30.0); // overrides the default
        QVERIFY(lib.find("maj-fa") != nullptr);
        QCOMPARE(lib.source(), std::string("test.json"));
    }

    // cmos45: the same cells and functions as SKY130, other figures, every
    // output with a delay and an energy.
    void cmos45HasTheSameCellsWithItsOwnFigures()
    {
        const CellLibrary sky = CellLibrary::defaults();
        const CellLibrary cmos = CellLibrary::cmos45();
        QCOMPARE(cmos.cells().size(), sky.cells().size());
        for (const CellType& c : cmos.cells()) {
            const CellType& s = sky.at(c.name);
            QCOMPARE(c.inputs, s.inputs);
            QCOMPARE(c.hasCarry, s.hasCarry);
            QCOMPARE(c.sumTable, s.sumTable);
            QCOMPARE(c.carryTable, s.carryTable);
            QVERIFY2(c.areaUm2 > 0 && c.areaUm2 != s.areaUm2, c.name.c_str());
            if (c.sumTable != 0 && c.sumTable != 0xFF)
                QVERIFY2(c.delaySumPs > 0 && c.energySumFj > 0, c.name.c_str());
            if (c.hasCarry && c.carryTable != 0)
                QVERIFY2(c.delayCarryPs > 0 && c.energyCarryFj > 0, c.name.c_str());
        }
        QCOMPARE(cmos.at("fa").transistors, 28); // the mirror adder
        QCOMPARE(cmos.at("maj-fa").transistors, 12); // mirror majority + inverter
        QVERIFY(QString::fromStdString(cmos.source()).contains("cmos45"));
    }

    void librariesByName()
    {
        QCOMPARE(CellLibrary::named("sky130").source(), CellLibrary::defaults().source());
        QCOMPARE(CellLibrary::named("cmos45").at("fa").areaUm2, CellLibrary::cmos45().at("fa").areaUm2);
        try {
            CellLibrary::named("/no/such-library");
            QFAIL("no error for an unknown library");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("'/no/such-library' is neither a built-in library (sky130, cmos45)"),
                     e.what());
        }
        // A user file extends the base it is given.
        const CellLibrary extended = CellLibrary::fromJsonText(
            R"({"cells": [{"name": "x", "inputs": 2, "sum": "0110"}]})", "x.json", CellLibrary::cmos45());
        QCOMPARE(extended.at("fa").transistors, 28);
        QVERIFY(extended.find("x") != nullptr);
    }

    void malformedJsonIsRejectedWithItsReason_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not json") << "{cells: ["
                                  << "not valid JSON";
        QTest::newRow("no cells") << "{\"cell\": []}"
                                  << "\"cells\" array";
        QTest::newRow("cell not object") << "{\"cells\": [3]}"
                                         << "cells[0] must be an object";
        QTest::newRow("no name") << R"({"cells": [{"inputs": 2, "sum": "0110"}]})"
                                 << "name";
        QTest::newRow("bad name") << R"({"cells": [{"name": "a b", "inputs": 2, "sum": "0110"}]})"
                                  << "may only contain";
        QTest::newRow("inputs 4") << R"({"cells": [{"name": "x", "inputs": 4, "sum": "0110"}]})"
                                  << "inputs must be 2 or 3";
        QTest::newRow("short table") << R"({"cells": [{"name": "x", "inputs": 3, "sum": "0110"}]})"
                                     << "must have 8 characters";
        QTest::newRow("bad digit") << R"({"cells": [{"name": "x", "inputs": 2, "sum": "01a0"}]})"
                                   << "only contain 0 and 1";
        QTest::newRow("no sum") << R"({"cells": [{"name": "x", "inputs": 2}]})"
                                << "sum is missing";
        QTest::newRow("negative area") << R"({"cells": [{"name": "x", "inputs": 2, "sum": "0110", "area_um2": -1}]})"
                                       << "area_um2";
        QTest::newRow("string area") << R"({"cells": [{"name": "x", "inputs": 2, "sum": "0110", "area_um2": "big"}]})"
                                     << "area_um2 must be a number";
        QTest::newRow("fractional transistors")
            << R"({"cells": [{"name": "x", "inputs": 2, "sum": "0110", "transistors": 2.5}]})"
            << "whole number";
        // The cells the builders place keep their shape and function (these
        // crashed the timing analysis or counted wrong before).
        const QString keeps = QStringLiteral("is a cell the popcount builders place");
        QTest::newRow("ha with 3 inputs")
            << R"({"cells": [{"name": "ha", "inputs": 3, "sum": "01101001", "carry": "00010111"}]})" << keeps;
        QTest::newRow("xor2 with 3 inputs")
            << R"({"cells": [{"name": "xor2", "inputs": 3, "sum": "01101001"}]})" << keeps;
        QTest::newRow("fa without carry") << R"({"cells": [{"name": "fa", "inputs": 2, "sum": "0110"}]})" << keeps;
        QTest::newRow("fa approximate")
            << R"({"cells": [{"name": "fa", "inputs": 3, "sum": "11101000", "carry": "00010111"}]})" << keeps;
        QTest::newRow("xor3 with carry")
            << R"({"cells": [{"name": "xor3", "inputs": 3, "sum": "01101001", "carry": "00010111"}]})" << keeps;
        QTest::newRow("ha second") << R"({"cells": [{"name": "x", "inputs": 2, "sum": "0110"},
                                       {"name": "ha", "inputs": 2, "sum": "0110"}]})"
                                   << "cells[1]: 'ha' is a cell the popcount builders place";
        // The JSON library's errors in our words, with the place (issue 20).
        QTest::newRow("number overflow")
            << "{\"cells\": [{\"name\": \"x\", \"inputs\": 2,\n  \"sum\": \"0110\", \"area_um2\": 1e400}]}"
            << "bad.json: line 2 column 30: the number 1e400 is out of range";
        QTest::newRow("syntax error place") << "{\"cells\": [\n  {\"name\": x}]}"
                                            << "bad.json: line 2 column 12: not valid JSON (syntax error";
        QTest::newRow("object description")
            << R"({"cells": [{"name": "x", "inputs": 2, "sum": "0110", "description": {}}]})"
            << "bad.json: cells[0].description must be a string";
        QTest::newRow("inputs wrapping to 2") << R"({"cells": [{"name": "x", "inputs": 4294967298, "sum": "0110"}]})"
                                              << "cells[0].inputs must be 2 or 3";
        QTest::newRow("object delay")
            << R"({"cells": [{"name": "x", "inputs": 2, "sum": "0110", "delay_ps": {"sum": {}}}]})"
            << "cells[0].delay_ps.sum must be a number";
        QTest::newRow("input energy count")
            << R"({"cells": [{"name": "x", "inputs": 2, "sum": "0110", "input_energy_fj": [1, 2, 3]}]})"
            << "cells[0].input_energy_fj must be a number or an array of 2 numbers (pins a, b)";
        QTest::newRow("negative input energy")
            << R"({"cells": [{"name": "x", "inputs": 3, "sum": "01101001", "input_energy_fj": [1, -2, 3]}]})"
            << "cells[0].input_energy_fj[1] must be a finite number >= 0";
        QTest::newRow("too many cells") << "{\"cells\": ["
                + QStringList(kMaxLibraryCells + 1, QStringLiteral("{}")).join(u',') + "]}"
                                        << QStringLiteral("\"cells\" lists %1 cells; a library file holds at most %2")
                                               .arg(kMaxLibraryCells + 1)
                                               .arg(kMaxLibraryCells);
    }

    void malformedJsonIsRejectedWithItsReason()
    {
        QFETCH(QString, json);
        QFETCH(QString, reason);
        try {
            CellLibrary::fromJsonText(json.toStdString(), "bad.json");
            QFAIL("accepted a malformed cell library");
        } catch (const std::runtime_error& e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.startsWith("bad.json: "), qPrintable(message));
            QVERIFY2(message.contains(reason), qPrintable(message));
            QVERIFY2(!message.contains("json.exception"), qPrintable(message));
        }
    }

    // Adding by name was a linear search per cell: 100,000 cells took 23 s.
    // Count the work, not the time: the library's index finds every cell and
    // a repeated name replaces in place.
    void manyCellsLoadAndResolveByName()
    {
        std::string text = "{\"cells\": [";
        for (int i = 0; i + 1 < kMaxLibraryCells; ++i) // and one repeated name
            text += std::string(i ? "," : "") + "{\"name\": \"c" + std::to_string(i)
                + "\", \"inputs\": 3, \"sum\": \"01101000\", \"carry\": \"00010111\", \"area_um2\": "
                + std::to_string(i) + "}";
        text += R"(, {"name": "c5", "inputs": 2, "sum": "0110", "carry": "0001"}]})";
        const CellLibrary lib = CellLibrary::fromJsonText(text, "many.json");
        QCOMPARE(lib.cells().size(), CellLibrary::defaults().cells().size() + size_t(kMaxLibraryCells) - 1);
        QCOMPARE(lib.at("c9998").areaUm2, 9998.0);
        QCOMPARE(lib.at("c5").inputs, 2); // replaced, not added
        QCOMPARE(&lib.cells()[CellLibrary::defaults().cells().size() + 5], lib.find("c5"));
        // The unknown-cell message lists 30 names and the count, not 10,000 names.
        try {
            lib.at(std::string(100'000, 'q'));
            QFAIL("unknown cell accepted");
        } catch (const std::invalid_argument& e) {
            const std::string message = e.what();
            QVERIFY2(message.size() < 600, message.c_str());
            const std::string count = "(" + std::to_string(lib.cells().size()) + " cells)";
            QVERIFY2(message.find(count) != std::string::npos, message.c_str());
        }
    }

    void missingFileIsReported()
    {
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, CellLibrary::fromJsonFile("/nonexistent/cells.json"));
    }

    void unknownCellNameListsKnownNames()
    {
        try {
            CellLibrary::defaults().at("nand7");
            QFAIL("unknown cell accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY(QString(e.what()).contains("maj-fa"));
        }
    }
};

QTEST_APPLESS_MAIN(TestCellLibrary)
#include "test_cell_library.moc"
