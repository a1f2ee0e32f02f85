// Hierarchical popcounts as layers' units: inference equal to the gate-level
// reference on every neuron, exact leaves give exact inference, layer
// configs name the leaf (file or width) and reject what does not combine.
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

// Fan-ins 72 (3x3x8), 128 and 32: 16-input leaves fit some whole, some with a
// narrower or padded last leaf.
Model smallModel()
{
    return randomModel({4, 4, 1}, {{L::InputConv, 8, 3, 1, 1}, {L::Conv, 8, 3, 1, 1}, {L::Dense, 32}, {L::Scores, 10}},
                       23);
}

std::shared_ptr<const Netlist> block16(int lsb)
{
    const CellLibrary lib = CellLibrary::defaults();
    ApproxConfig a;
    a.lsbColumns = lsb;
    const Netlist net = applyApproximation(buildPopcount(16, Topology::AdderTree, lib), lib, a);
    return std::make_shared<const Netlist>(importVerilog(writeVerilog(net, "pc16"), "pc16.v"));
}

InferenceConfig hierarchical(const Model& m, LeafSpec leaf, ApproxConfig approx)
{
    return InferenceConfig::withCircuit(
        m, PopcountUnitConfig::makeHierarchical(std::move(leaf), Topology::AdderTree, std::move(approx)), false);
}

LeafSpec importedLeaf(int lsb)
{
    LeafSpec leaf;
    leaf.imported = block16(lsb);
    leaf.importedPath = "pc16.v";
    return leaf;
}

LeafSpec generatedLeaf(int width)
{
    LeafSpec leaf;
    leaf.width = width;
    return leaf;
}

ApproxConfig levels(int l)
{
    ApproxConfig a;
    a.levels = l;
    return a;
}

// Every neuron of every image: the engine's trace equals the reference's.
void checkAgainstReference(const Model& m, const InferenceConfig& config)
{
    const InferenceEngine engine(m, config), exact(m);
    const ReferenceForward reference(m, config);
    const Dataset data = makeDataset(m.input, 12, 9);
    bool changed = false;
    for (int i = 0; i < data.count; ++i) {
        const ForwardTrace expect = reference.run(data.image(i));
        const ForwardTrace got = engine.trace(data.image(i));
        const QString diff = traceDifference(got, expect);
        QVERIFY2(diff.isEmpty(), qPrintable(QString("image %1: %2").arg(i).arg(diff)));
        changed = changed || !traceDifference(got, exact.trace(data.image(i))).isEmpty();
    }
    QVERIFY(changed); // the approximation is visible, so the comparison means something
}

} // namespace

class TestHierarchicalInference : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void exactLeavesGiveExactInference()
    {
        const Model m = smallModel();
        for (const LeafSpec& leaf : {importedLeaf(0), generatedLeaf(16)}) {
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
        checkAgainstReference(smallModel(), hierarchical(smallModel(), importedLeaf(3), {}));
    }

    void generatedApproximateLeavesEqualReference()
    {
        checkAgainstReference(smallModel(), hierarchical(smallModel(), generatedLeaf(16), levels(2)));
    }

    void approximateTreeEqualsReference()
    {
        ApproxConfig a;
        a.lsbColumns = 3;
        checkAgainstReference(smallModel(), hierarchical(smallModel(), generatedLeaf(8), a));
    }

    // The unit's error bound comes from the convolution where the tree is exact.
    void boundsFromConvolution()
    {
        const PopcountUnit unit(576, PopcountUnitConfig::makeHierarchical(importedLeaf(2), Topology::AdderTree, {}));
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
        writeVerilogFile(*block16(2), "pc16", dir.filePath("pc16.v").toStdString());
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
            try {
                parseLayerConfig(text, cfg, m, lib);
                QFAIL("no error");
            } catch (const std::runtime_error& e) {
                QVERIFY2(QString(e.what()).contains(message), e.what());
                QVERIFY2(QString(e.what()).startsWith(QString::fromStdString(cfg)), e.what());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestHierarchicalInference)
#include "test_hierarchical_inference.moc"
