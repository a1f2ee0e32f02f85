// Hardware-in-the-loop training (docs/training.md): the trainer's forward
// pass counting through the bit-exact popcount circuits is the inference
// engine's circuit pass, image for image; through an exact circuit it is
// exact training; the model records how it was trained.
#include "train_test_support.h"

#include "bnn/inference.h"
#include "bnn/training_record.h"
#include "circuit/knobs.h"
#include "train/fold.h"

#include <QtTest>

using namespace axbnn;
using namespace axbnn::test;
using train::Arch;

Q_DECLARE_METATYPE(axbnn::train::Arch)

namespace {

PopcountUnitConfig majFa(int lsb, int unitWidth = 0)
{
    ApproxConfig approx;
    approx.faCell = "maj-fa";
    approx.lsbColumns = lsb;
    return PopcountUnitConfig::makeCircuit(Topology::AdderTree, approx, unitWidth);
}

InferenceConfig circuitsFor(const train::TrainConfig& c, const PopcountUnitConfig& unit, bool includeScores = false)
{
    return InferenceConfig::withCircuit(train::foldNetwork(train::makeNetwork(c.net, c.seed)), unit, includeScores);
}

bool sameWeights(const train::Network& a, const train::Network& b)
{
    for (size_t l = 0; l < a.layers.size(); ++l)
        if (a.layers[l].weights != b.layers[l].weights || a.layers[l].gamma != b.layers[l].gamma
            || a.layers[l].runningMean != b.layers[l].runningMean)
            return false;
    return true;
}

} // namespace

class TestHardwareInTheLoop : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // A trained network (some batch-norm scales flipped, so AND pooling
    // occurs) predicts through its circuits in the trainer exactly what the
    // inference engine predicts for the folded model with the same circuits,
    // and the circuits change predictions (they are really counted).
    void trainerCircuitPassIsTheInferenceEngines_data()
    {
        QTest::addColumn<Arch>("arch");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("lsb");
        QTest::addColumn<int>("unitWidth");
        QTest::addColumn<bool>("scores");
        QTest::newRow("vgg3 k5 lsb 3 scores") << Arch::Vgg3 << 5 << 3 << 0 << true;
#ifndef AXBNN_SANITIZED_BUILD // the sanitizer build keeps one row (test time)
        QTest::newRow("mlp lsb 3") << Arch::Mlp << 3 << 3 << 0 << false;
        QTest::newRow("vgg3 k3 lsb 2") << Arch::Vgg3 << 3 << 2 << 0 << false;
        QTest::newRow("vgg3 k3 lsb 2 units of 32") << Arch::Vgg3 << 3 << 2 << 32 << false;
#endif
    }

    void trainerCircuitPassIsTheInferenceEngines()
    {
        QFETCH(Arch, arch);
        QFETCH(int, kernel);
        QFETCH(int, lsb);
        QFETCH(int, unitWidth);
        QFETCH(bool, scores);
        const Dataset trainData = fashionSubset(false, 1000);
        const Dataset testData = fashionSubset(true, 600);
        const train::TrainConfig c = tinyConfig(arch, kernel);
        train::TrainResult r = train::trainNetwork(c, trainData, nullptr);
        for (train::TrainLayer& l : r.network.layers)
            for (size_t ch = 0; !l.scores && ch < l.gamma.size(); ch += 3)
                l.gamma[ch] = -l.gamma[ch];
        const Model folded = train::foldNetwork(r.network);
        const InferenceConfig circuits = circuitsFor(c, majFa(lsb, unitWidth), scores);

        const std::vector<int> engine = InferenceEngine(folded, circuits).predict(testData, 0, testData.count);
        const std::vector<int> trainer =
            train::predictWithCircuits(r.network, testData, 0, testData.count, circuits, 2);
        QCOMPARE(trainer, engine);
        const std::vector<int> exact = InferenceEngine(folded).predict(testData, 0, testData.count);
        QVERIFY(exact != engine);
    }

    // Counting through circuits that approximate nothing is exact training,
    // weight for weight; and the result does not depend on the threads.
    void exactCircuitsTrainExactly()
    {
        const Dataset trainData = fashionSubset(false, 512);
        train::TrainConfig c = tinyConfig(Arch::Vgg3);
        const train::TrainResult exact = train::trainNetwork(c, trainData, nullptr);
        c.circuit = circuitsFor(c, majFa(0));
        const train::TrainResult throughCircuits = train::trainNetwork(c, trainData, nullptr);
        QVERIFY(sameWeights(exact.network, throughCircuits.network));

        c.circuit = circuitsFor(c, majFa(2));
        const train::TrainResult approximate = train::trainNetwork(c, trainData, nullptr);
        QVERIFY(!sameWeights(exact.network, approximate.network));
        c.threads = 1;
        QVERIFY(sameWeights(train::trainNetwork(c, trainData, nullptr).network, approximate.network));
    }

    // Levels may count through circuits too (a level per image), and the
    // model's record says so, with each level's circuit.
    void multiLevelThroughCircuitsIsRecorded()
    {
        const Dataset trainData = fashionSubset(false, 256);
        train::TrainConfig c = tinyConfig(Arch::Mlp);
        c.levels.push_back({train::kExactLevelLabel, std::nullopt, std::nullopt});
        c.levels.push_back({train::levelLabel(2, 0), std::nullopt, circuitsFor(c, majFa(2))});
        const train::TrainResult r = train::trainNetwork(c, trainData, nullptr);
        QCOMPARE(r.levelImages[0] + r.levelImages[1], int64_t{256});
        QVERIFY(r.levelImages[1] > 0);
        const TrainingRecord record = trainingRecordOf(r.model.meta);
        QCOMPARE(record.mode, TrainingMode::MultiLevel);
        QVERIFY(record.hardwareInTheLoop);
        QCOMPARE(record.levels.size(), size_t{2});
        QVERIFY(record.levels[0].circuit.is_null());
        QCOMPARE(record.levels[1].circuit["default"][knobInfo(Knob::LsbColumns).key].get<int>(), 2);
        QVERIFY(!r.model.meta.approximationConfig.empty());
        QVERIFY(r.model.meta.extra.count("error_model") == 0); // no abstracted model was used

        train::TrainConfig bad = c;
        bad.levels[1].errors = ErrorModel();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, train::validateTrainConfig(bad));
    }
};

QTEST_GUILESS_MAIN(TestHardwareInTheLoop)
#include "test_hardware_in_the_loop.moc"
