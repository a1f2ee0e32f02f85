// Hierarchical popcounts as layers' units: inference equal to the gate-level
// reference on every neuron, exact leaves give exact inference, layer
// configs name the leaf (file or width) and reject what does not combine.
#include "../circuit/hierarchical_test_support.h"
#include "inference_test_support.h"

#include "io/inference_json.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace axbnn;
using namespace axbnn::test;
using namespace axbnn::hierarchical_test;

namespace {

// Fan-ins 72 (3x3x8), 128 and 32: 16-input leaves fit some whole, some with a
// narrower or padded last leaf.
Model smallModel()
{
    return randomModel({4, 4, 1}, {{L::InputConv, 8, 3, 1, 1}, {L::Conv, 8, 3, 1, 1}, {L::Dense, 32}, {L::Scores, 10}},
                       23);
}

InferenceConfig hierarchical(const Model& m, LeafSpec leaf, ApproxConfig approx)
{
    return InferenceConfig::withCircuit(
        m, PopcountUnitConfig::makeHierarchical(std::move(leaf), Topology::AdderTree, std::move(approx)), false);
}

// Every neuron of every image: the engine's trace equals the reference's.
void checkAgainstReference(const Model& m, const InferenceConfig& config)
{
    const ReferenceCheck r = compareWithReference(m, config, makeDataset(m.input, 12, 9));
    QVERIFY2(r.difference.isEmpty(), qPrintable(r.difference));
    QVERIFY(r.changed); // the approximation is visible, so the comparison means something
}

} // namespace

class TestHierarchicalInference : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void exactLeavesGiveExactInference()
    {
        const Model m = smallModel();
        for (const LeafSpec& leaf : {importedLeaf(gateBlock(16, {})), generatedLeaf(16)}) {
            const InferenceEngine exact(m), engine(m, hierarchical(m, leaf, {}));
            const Dataset data = makeDataset(m.input, 16, 5);
            const InferenceResult a = exact.run(data, 0, data.count), b = engine.run(data, 0, data.count);
            QCOMPARE(b.predictions, a.predictions);
            QCOMPARE(b.scores, a.scores);
            QVERIFY(!engine.unit(1).isExact()); // the circuit is simulated
            QVERIFY(engine.unit(1).boundsKnown() && engine.unit(1).maxError() == 0);
        }
    }

    void importedApproximateLeavesEqualReference()
    {
        checkAgainstReference(smallModel(), hierarchical(smallModel(), importedLeaf(gateBlock(16, knobs(3, 0))), {}));
    }

    void generatedApproximateLeavesEqualReference()
    {
        checkAgainstReference(smallModel(), hierarchical(smallModel(), generatedLeaf(16), knobs(0, 2)));
    }

    void approximateTreeEqualsReference()
    {
        checkAgainstReference(smallModel(), hierarchical(smallModel(), generatedLeaf(8), knobs(3, 0)));
    }

    // An exact tree adds what chunked imported units add in software: where the
    // fan-ins are multiples of the leaf, every neuron's value is the same.
    void exactTreeEqualsChunkedImportedUnits()
    {
        const Model m = randomModel({4, 4, 1}, {{L::InputConv, 16, 3, 1, 1}, {L::Dense, 32}, {L::Scores, 10}}, 29);
        const std::shared_ptr<const Netlist> block = gateBlock(16, knobs(2, 0));
        InferenceConfig chunked;
        chunked.popcount.resize(m.layers.size());
        chunked.popcount[1] = PopcountUnitConfig::makeImported(block, "block.v"); // fan-in 256 = 16 x 16
        InferenceConfig tree;
        tree.popcount.resize(m.layers.size());
        tree.popcount[1] = PopcountUnitConfig::makeHierarchical(importedLeaf(block), Topology::AdderTree, {});
        const InferenceEngine a(m, chunked), b(m, tree), exact(m);
        const Dataset data = makeDataset(m.input, 8, 3);
        bool changed = false;
        for (int i = 0; i < data.count; ++i) {
            const QString diff = traceDifference(b.trace(data.image(i)), a.trace(data.image(i)));
            QVERIFY2(diff.isEmpty(), qPrintable(diff));
            changed = changed || !traceDifference(b.trace(data.image(i)), exact.trace(data.image(i))).isEmpty();
        }
        QVERIFY(changed);
    }

    // The unit's error bound comes from the convolution where the tree is exact.
    void boundsFromConvolution()
    {
        const PopcountUnit unit(
            576,
            PopcountUnitConfig::makeHierarchical(importedLeaf(gateBlock(16, knobs(2, 0))), Topology::AdderTree, {}));
        QVERIFY(unit.boundsKnown());
        QVERIFY(unit.minError() < unit.maxError());
        QCOMPARE(unit.chunks().size(), size_t{1});
        QCOMPARE(unit.chunks()[0].netlist->inputs, 576);
    }

    void layerConfigNamesTheLeaf()
    {
        const Model m = smallModel();
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeVerilogFile(*gateBlock(16, knobs(2, 0)), "pc16", dir.filePath("pc16.v").toStdString());
        const std::string cfg = dir.filePath("layers.json").toStdString();
        const CellLibrary lib = CellLibrary::defaults();
        const InferenceConfig config = parseLayerConfig(
            R"({"layers": {"1": {"leaf": "pc16.v"}, "2": {"leaf_width": 8, "approx_levels": 1}}})", cfg, m, lib);
        const PopcountUnitConfig& file = config.unitFor(1);
        QVERIFY(file.circuit && file.leaf.imported);
        QCOMPARE(file.leaf.imported->inputs, 16);
        QCOMPARE(QString::fromStdString(file.leaf.importedPath), dir.filePath("pc16.v"));
        const PopcountUnitConfig& width = config.unitFor(2);
        QCOMPARE(width.leaf.width, 8);
        QCOMPARE(width.approx.levels, 1);
        for (auto [text, message] :
             {std::pair{R"({"default": {"leaf": "pc16.v", "leaf_width": 8}})",
                        "'leaf_width' does not apply with 'leaf'"},
              std::pair{R"({"default": {"leaf_width": 8, "unit_width": 16}})", "'unit_width' does not apply"},
              std::pair{R"({"default": {"netlist": "pc16.v", "leaf_width": 8}})",
                        "'leaf_width' does not apply to an imported netlist"},
              std::pair{R"({"default": {"leaf_width": 0}})", "default.leaf_width must be a whole number from 1"},
              std::pair{R"({"default": {"leaf": "missing.v"}})", "default.leaf: "}}) {
            const QString error = layerConfigError(text, cfg, m, lib);
            QVERIFY2(error.contains(message), qPrintable(error));
            QVERIFY2(error.startsWith(QString::fromStdString(cfg)), qPrintable(error));
        }
    }
};

QTEST_GUILESS_MAIN(TestHierarchicalInference)
#include "test_hierarchical_inference.moc"
