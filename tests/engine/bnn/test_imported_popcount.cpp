// An imported netlist as a layer's popcount unit: an imported exact circuit
// gives exact inference, an imported approximate one the gate-level
// reference's results; layer configs name netlist files. Also a mixed unit
// (a cell per column and level) given by a layer config.
#include "inference_test_support.h"

#include "circuit/approximation.h"
#include "circuit/popcount_builder.h"
#include "circuit/verilog_writer.h"
#include "io/inference_json.h"
#include "io/verilog_import.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace axbnn;
using namespace axbnn::test;

namespace {

// Dense fan-ins 128 and 32: whole multiples of a 16-input unit.
Model smallModel()
{
    return randomModel({4, 4, 1}, {{L::InputConv, 8, 3, 1, 1}, {L::Dense, 32}, {L::Dense, 24}, {L::Scores, 10}}, 21);
}

std::shared_ptr<const Netlist> imported16(int lsb)
{
    const CellLibrary lib = CellLibrary::defaults();
    ApproxConfig a;
    a.lsbColumns = lsb;
    const Netlist net = applyApproximation(buildPopcount(16, Topology::AdderTree, lib), lib, a);
    return std::make_shared<const Netlist>(importVerilog(writeVerilog(net, "pc16"), "pc16.v"));
}

InferenceConfig withImported(const Model& m, std::shared_ptr<const Netlist> net)
{
    InferenceConfig config;
    config.popcount.resize(m.layers.size());
    for (size_t i = 0; i < m.layers.size(); ++i)
        if (m.layers[i].kind == L::Dense)
            config.popcount[i] = PopcountUnitConfig::makeImported(net, "pc16.v");
    return config;
}

} // namespace

class TestImportedPopcount : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void importedExactCircuitEqualsExactMode()
    {
        const Model m = smallModel();
        const InferenceEngine exact(m), engine(m, withImported(m, imported16(0)));
        const Dataset data = makeDataset(m.input, 16, 5);
        const InferenceResult a = exact.run(data, 0, data.count), b = engine.run(data, 0, data.count);
        QCOMPARE(b.predictions, a.predictions);
        QCOMPARE(b.scores, a.scores);
        for (int i = 0; i < 4; ++i)
            QVERIFY(traceDifference(engine.trace(data.image(i)), exact.trace(data.image(i))).isEmpty());
    }

    void importedApproximateCircuitEqualsGateLevelReference()
    {
        const Model m = smallModel();
        const ReferenceCheck r = compareWithReference(m, withImported(m, imported16(3)), makeDataset(m.input, 12, 6));
        QVERIFY2(r.difference.isEmpty(), qPrintable(r.difference));
        QVERIFY(r.changed); // the approximation is visible, so the comparison means something
    }

    void widthMismatchIsAClearError()
    {
        const Model m = smallModel();
        InferenceConfig config = withImported(m, imported16(0));
        config.popcount[1].unitWidth = 32;
        try {
            InferenceEngine engine(m, config);
            QFAIL("no error");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("has 16 inputs but the unit width is 32"), e.what());
        }
        // A fan-in that is no multiple of the netlist's inputs.
        const Model odd = randomModel({3, 3, 1}, {{L::InputConv, 5, 3, 1, 1}, {L::Dense, 8}, {L::Scores, 4}}, 3);
        try {
            InferenceEngine engine(odd, withImported(odd, imported16(0)));
            QFAIL("no error");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("fan-in 45 is not a multiple"), e.what());
        }
    }

    void layerConfigNamesANetlistFile()
    {
        const Model m = smallModel();
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeVerilogFile(*imported16(3), "pc16", dir.filePath("pc16.v").toStdString());
        const std::string cfg = dir.filePath("layers.json").toStdString();
        const CellLibrary lib = CellLibrary::defaults();
        const InferenceConfig config = parseLayerConfig(R"({"layers": {"1": {"netlist": "pc16.v"}}})", cfg, m, lib);
        const PopcountUnitConfig& unit = config.unitFor(1);
        QVERIFY(unit.circuit && unit.netlist);
        QCOMPARE(unit.netlist->inputs, 16);
        QCOMPARE(QString::fromStdString(unit.netlistPath), dir.filePath("pc16.v"));
        QVERIFY(!config.unitFor(2).circuit);
        // Conflicting keys and wrong widths name the key.
        for (auto [text, message] :
             {std::pair{R"({"default": {"netlist": "pc16.v", "approx_lsb": 2}})",
                        "'approx_lsb' does not apply to an imported netlist"},
              std::pair{R"({"default": {"netlist": "pc16.v", "unit_width": 8}})", "has 16 inputs but unit_width is 8"},
              std::pair{R"({"default": {"netlist": "missing.v"}})",
                        "layers.json: default.netlist: "}}) { // then the netlist's own message
            const QString error = layerConfigError(text, cfg, m, lib);
            QVERIFY2(error.contains(message), qPrintable(error));
            QVERIFY2(error.startsWith(QString::fromStdString(cfg)), qPrintable(error));
        }
    }

    // A mixed popcount from a layer config: the unit carries the column and
    // level cells, and inference through it equals the gate-level reference
    // on every neuron of a batch.
    void layerConfigMixedUnitEqualsGateLevelReference()
    {
        const Model m = smallModel();
        const CellLibrary lib = CellLibrary::defaults();
        const std::string text = R"({"default": {"topology": "wallace", "column_cells": {"0": "maj", "1": "maj-fa"},
                                                  "level_cells": {"0": "maj-fa"}}, "include_scores": true})";
        const InferenceConfig config = parseLayerConfig(text, "mixed.json", m, lib);
        const PopcountUnitConfig& unit = config.unitFor(1);
        QCOMPARE(unit.approx.columnCells, (CellMap{{0, "maj"}, {1, "maj-fa"}}));
        QCOMPARE(unit.approx.levelCells, (CellMap{{0, "maj-fa"}}));
        const InferenceEngine engine(m, config), exact(m);
        const ReferenceForward reference(m, config);
        const Dataset data = makeDataset(m.input, 8, 7);
        bool changed = false;
        for (int i = 0; i < data.count; ++i) {
            const ForwardTrace expect = reference.run(data.image(i));
            const ForwardTrace got = engine.trace(data.image(i));
            const QString diff = traceDifference(got, expect);
            QVERIFY2(diff.isEmpty(), qPrintable(QString("image %1: %2").arg(i).arg(diff)));
            changed = changed || !traceDifference(got, exact.trace(data.image(i))).isEmpty();
        }
        QVERIFY(changed);
        for (auto [bad, message] :
             {std::pair{R"({"default": {"column_cells": {"x": "maj"}}})", "default.column_cells: key 'x' must be"},
              std::pair{R"({"default": {"level_cells": {"0": 3}}})", "default.level_cells.0 must be a cell name"},
              std::pair{R"({"default": {"column_cells": {"0": "nope"}}})", "unknown cell 'nope'"}}) {
            try {
                parseLayerConfig(bad, "mixed.json", m, lib);
                QFAIL("no error");
            } catch (const std::runtime_error& e) {
                QVERIFY2(QString(e.what()).contains(message), e.what());
                QVERIFY2(QString(e.what()).startsWith("mixed.json"), e.what());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestImportedPopcount)
#include "test_imported_popcount.moc"
