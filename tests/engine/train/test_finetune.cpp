// Fine-tuning and multi-level training: a network rebuilt from a model file
// predicts what the file predicts (from its batch-norm parameters, or from
// its thresholds alone), training from it changes it, levels are drawn per
// batch reproducibly, the learning-rate schedule and the training record.
#include "train_test_support.h"

#include "bnn/inference.h"
#include "bnn/training_record.h"
#include "train/fold.h"
#include "train/init_network.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numbers>

using namespace axbnn;
using namespace axbnn::test;
using train::Arch;

namespace {

std::vector<int> predictions(const Model& model, const Dataset& data)
{
    const InferenceEngine engine(model);
    return engine.predict(data, 0, data.count);
}

// A tiny trained model (and its training data) to start from.
struct Base {
    Dataset trainData = fashionSubset(false, 640);
    Dataset test = fashionSubset(true, 300);
    train::TrainConfig config = tinyConfig(Arch::Vgg3);
    Model model;
    Base()
    {
        config.learningRate = 5e-3f;
        config.epochs = 4; // 80 steps
        model = train::trainNetwork(config, trainData, nullptr).model;
    }
    train::TrainConfig fineTune(int epochs) const
    {
        train::TrainConfig c = config;
        c.init = std::make_shared<const Model>(model);
        c.initName = "base.h5";
        c.net = train::specOfModel(model);
        c.epochs = epochs;
        c.seed = 9;
        return c;
    }
};

// Trained once for the whole suite (training is deterministic; the suites'
// time under the sanitizers is mostly training).
const Base& sharedBase()
{
    static const Base base;
    return base;
}

// Every threshold, direction, score scale and offset of two models.
void compareFolded(const Model& a, const Model& b)
{
    QCOMPARE(a.layers.size(), b.layers.size());
    for (size_t i = 0; i < a.layers.size(); ++i) {
        QVERIFY(a.layers[i].weights == b.layers[i].weights);
        QVERIFY2(a.layers[i].thresholds.threshold == b.layers[i].thresholds.threshold, qPrintable(QString::number(i)));
        QVERIFY(a.layers[i].thresholds.direction == b.layers[i].thresholds.direction);
    }
}

} // namespace

class TestFineTune : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The architecture comes back from the file; a file of another shape is
    // refused naming its layer; options that disagree are named.
    void specOfModelReadsTheArchitecture()
    {
        const train::TrainConfig vgg = tinyConfig(Arch::Vgg3, 5), mlp = tinyConfig(Arch::Mlp);
        QVERIFY(train::specOfModel(train::foldNetwork(train::makeNetwork(vgg.net, 3))) == vgg.net);
        const train::NetworkSpec fc = train::specOfModel(train::foldNetwork(train::makeNetwork(mlp.net, 3)));
        QVERIFY(fc.arch == Arch::Mlp && fc.hidden == mlp.net.hidden && fc.input == mlp.net.input);
        Model m = train::foldNetwork(train::makeNetwork(tinyConfig(Arch::Vgg3).net, 3));
        m.layers[1].pool = 1; // pool1 no longer pools 2x2
        m.layers[1].out = m.layers[1].in;
        try {
            train::specOfModel(m);
            QFAIL("accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("layer 1 'pool1'"), e.what());
        }
        train::NetworkSpec asked = tinyConfig(Arch::Vgg3).net, found = asked;
        asked.kernel = 5;
        QVERIFY(
            QString::fromStdString(train::architectureMismatch(asked, found, {"--kernel"})).startsWith("--kernel 5"));
        QVERIFY(train::architectureMismatch(asked, found, {"--hidden"}).empty()); // --kernel not given
    }

    // Zero epochs: the rebuilt network folds to exactly the init model
    // (weights from the signs, batch-norm from bn_* of every layer).
    void zeroEpochsReproduceTheInitModel()
    {
        const Base& base = sharedBase();
        const train::TrainResult r = train::trainNetwork(base.fineTune(0), base.trainData, &base.test);
        QVERIFY(r.epochs.empty());
        QCOMPARE(r.init.layersFromBatchNorm, 4);
        QCOMPARE(r.init.layersFromThresholds, 0);
        compareFolded(r.model, base.model);
        for (size_t i = 0; i < r.model.layers.size(); ++i) {
            QVERIFY(r.model.layers[i].scoreScale == base.model.layers[i].scoreScale);
            QVERIFY(r.model.layers[i].scoreOffset == base.model.layers[i].scoreOffset);
        }
        QVERIFY(predictions(r.model, base.test) == predictions(base.model, base.test));
        // Latent weights: sign(w) / sqrt(fan-in) with the default scale 1.
        const train::TrainLayer& conv2 = r.network.layers[1];
        QCOMPARE(std::fabs(conv2.weights[0]), 1.0f / std::sqrt(72.0f));
        const TrainingRecord record = trainingRecordOf(r.model.meta);
        QVERIFY(record.recorded && record.fineTuned());
        QCOMPARE(QString::fromStdString(record.init), QString("base.h5"));
        QCOMPARE(record.mode, TrainingMode::Exact);
    }

    // One epoch from the init model changes it, and starts where it is: the
    // first batches' training accuracy is about the init model's, far above
    // a fresh network's.
    void oneEpochChangesTheModel()
    {
        const Base& base = sharedBase();
        const train::TrainResult r = train::trainNetwork(base.fineTune(1), base.trainData, &base.test);
        bool changed = false;
        for (size_t i = 0; i < r.model.layers.size(); ++i)
            changed = changed || r.model.layers[i].weights != base.model.layers[i].weights
                || r.model.layers[i].thresholds.threshold != base.model.layers[i].thresholds.threshold;
        QVERIFY(changed);
        double firstFine = -1, firstFresh = -1;
        train::TrainConfig fresh = base.config;
        fresh.seed = 9;
        auto first = [](double& out) {
            return [&out](const train::TrainProgress& p) {
                if (p.epoch == 1 && p.batch == 2 && !p.epochEnd)
                    out = p.accuracy;
                return true;
            };
        };
        train::trainNetwork(base.fineTune(1), base.trainData, nullptr, 0, first(firstFine));
        train::trainNetwork(fresh, base.trainData, nullptr, 0, first(firstFresh));
        const std::vector<int> p = predictions(base.model, base.trainData);
        int correct = 0;
        for (int i = 0; i < base.trainData.count; ++i)
            correct += p[i] == base.trainData.labels[i];
        QVERIFY2(firstFine > firstFresh + 0.15, qPrintable(QString("%1 vs %2").arg(firstFine).arg(firstFresh)));
        QVERIFY2(firstFine > static_cast<double>(correct) / base.trainData.count - 0.25,
                 qPrintable(QString::number(firstFine)));
    }

    // Without bn_* (or with thresholds that no longer fold from them, as after
    // threshold tuning), batch-norm is rebuilt from the thresholds: the same
    // thresholds and directions, negative ones included.
    void thresholdsAloneRebuildTheModel()
    {
        const Base& base = sharedBase();
        train::Network net = train::trainNetwork(base.config, base.trainData, nullptr).network;
        for (train::TrainLayer& l : net.layers) // some neurons with direction -1
            for (size_t c = 0; c < l.gamma.size(); c += 3)
                l.gamma[c] = -l.gamma[c];
        Model model = train::foldNetwork(net);
        int negative = 0;
        for (const Layer& l : model.layers)
            for (int8_t d : l.thresholds.direction)
                negative += d < 0;
        QVERIFY(negative > 10);
        for (Layer& l : model.layers)
            l.floatParams.clear();
        train::InitReport report;
        const train::Network rebuilt = train::networkFromModel(model, 1.0f, 1e-5f, base.trainData, 256, 2, &report);
        QCOMPARE(report.layersFromThresholds, 4);
        const Model again = train::foldNetwork(rebuilt);
        compareFolded(again, model);
        // Scores: scale and offset within float rounding, the same predictions.
        for (size_t c = 0; c < model.layers.back().scoreScale.size(); ++c)
            QVERIFY(std::fabs(again.layers.back().scoreScale[c] - model.layers.back().scoreScale[c])
                    <= 1e-5f * std::fabs(model.layers.back().scoreScale[c]));
        QVERIFY(predictions(again, base.test) == predictions(model, base.test));
        // A tuned threshold: that layer is rebuilt, the others keep bn_*.
        Model tuned = train::foldNetwork(net);
        tuned.layers[2].thresholds.threshold[0] += 1;
        train::networkFromModel(tuned, 1.0f, 1e-5f, base.trainData, 256, 1, &report);
        QCOMPARE(report.layersFromThresholds, 1);
        QCOMPARE(report.layersFromBatchNorm, 3);
    }

    // Levels: every cycle of n batches visits each level once, in an order
    // that depends on the seed only.
    void levelsAreDrawnOncePerCycle()
    {
        train::TrainConfig c = tinyConfig(Arch::Vgg3);
        c.levels.resize(4);
        std::vector<int> count(4, 0), sequence;
        for (int64_t step = 1; step <= 400; ++step) {
            const int l = train::levelOfStep(c, step);
            QVERIFY(l >= 0 && l < 4);
            ++count[l];
            sequence.push_back(l);
            if (step % 4 == 0)
                QVERIFY(std::all_of(count.begin(), count.end(), [&](int n) { return n == step / 4; }));
        }
        c.seed = 2;
        std::vector<int> other;
        for (int64_t step = 1; step <= 400; ++step)
            other.push_back(train::levelOfStep(c, step));
        QVERIFY(other != sequence);
    }

    // Multi-level training counts its batches per level, gives the same
    // model on 1 and 3 threads, and injects per level: levels whose errors
    // are all zero train the exact model, a biased level changes it.
    void multiLevelTraining()
    {
        const Dataset data = fashionSubset(false, 320); // 10 batches of 32
        train::TrainConfig c = tinyConfig(Arch::Vgg3);
        ErrorModel zero, biased;
        zero.layers.push_back(uniformRows(2, "conv", 72, 0, {1.0}));
        biased.layers.push_back(uniformRows(2, "conv", 72, -3, {0.5, 0.0, 0.0, 0.5}));
        c.levels = {{"exact", std::nullopt, std::nullopt}, {"zero", zero, std::nullopt}};
        c.levelMix = train::LevelMix::Batch;
        c.epochs = 3;
        train::TrainConfig exact3 = tinyConfig(Arch::Vgg3);
        exact3.epochs = 3;
        const train::TrainResult same = train::trainNetwork(c, data, nullptr);
        QVERIFY(same.network.layers[1].weights == train::trainNetwork(exact3, data, nullptr).network.layers[1].weights);
        QCOMPARE(same.levelBatches, (std::vector<int64_t>{15, 15}));

        c.levels = {
            {"exact", std::nullopt, std::nullopt}, {"zero", zero, std::nullopt}, {"biased", biased, std::nullopt}};
        c.threads = 1;
        const train::TrainResult one = train::trainNetwork(c, data, nullptr);
        c.threads = 3;
        const train::TrainResult three = train::trainNetwork(c, data, nullptr);
        QCOMPARE(one.levelBatches, (std::vector<int64_t>{10, 10, 10}));
        for (size_t l = 0; l < one.network.layers.size(); ++l)
            QVERIFY(one.network.layers[l].weights == three.network.layers[l].weights);
        QVERIFY(one.network.layers[1].weights != same.network.layers[1].weights);
        const TrainingRecord record = trainingRecordOf(one.model.meta);
        QCOMPARE(record.mode, TrainingMode::MultiLevel);
        QCOMPARE(record.levels.size(), size_t(3));
        QCOMPARE(QString::fromStdString(record.levels[2].label), QString("biased"));
        QVERIFY(!record.fineTuned());
        QCOMPARE(QString::fromStdString(record.levelMix), QString("batch"));

        // One level per image: balanced within each batch, the same model on
        // 1 and 3 threads; a single level per image draws the very errors of
        // plain approximation-aware training.
        c.levelMix = train::LevelMix::Image;
        const std::vector<int> images = train::levelsOfImages(c, 5, 32);
        for (int l = 0; l < 3; ++l) {
            const auto n = std::count(images.begin(), images.end(), l);
            QVERIFY2(n == 10 || n == 11, qPrintable(QString::number(n)));
        }
        QVERIFY(images != train::levelsOfImages(c, 6, 32));
        c.threads = 1;
        const train::TrainResult mixedOne = train::trainNetwork(c, data, nullptr);
        c.threads = 3;
        const train::TrainResult mixedThree = train::trainNetwork(c, data, nullptr);
        QVERIFY(mixedOne.network.layers[1].weights == mixedThree.network.layers[1].weights);
        QVERIFY(mixedOne.network.layers[1].weights != one.network.layers[1].weights);
        QCOMPARE(mixedOne.levelImages[0] + mixedOne.levelImages[1] + mixedOne.levelImages[2], int64_t{30 * 32});
        QVERIFY(mixedOne.levelImages[2] >= 300);
        c.levels = {{"biased", biased, std::nullopt}};
        const train::Network perImage = train::trainNetwork(c, data, nullptr).network;
        train::TrainConfig aware = tinyConfig(Arch::Vgg3);
        aware.epochs = 3;
        aware.errorModel = biased;
        QVERIFY(perImage.layers[1].weights == train::trainNetwork(aware, data, nullptr).network.layers[1].weights);

        // Older metadata: approximation_config means aware, a recipe alone exact.
        ModelMetadata old;
        old.trainingRecipe = "x";
        QCOMPARE(trainingRecordOf(old).mode, TrainingMode::Exact);
        old.approximationConfig = "{}";
        QCOMPARE(trainingRecordOf(old).mode, TrainingMode::Aware);
        QVERIFY(!trainingRecordOf(old).recorded);
    }

    // Warm-up 0 is the cosine of the earlier trainer; warm-up rises linearly
    // to the learning rate, then decays to finalLrFraction.
    void learningRateSchedule()
    {
        train::TrainConfig c;
        c.learningRate = 2e-3f;
        const int64_t total = 50;
        for (int64_t step = 1; step <= total; ++step) {
            const double t = static_cast<double>(step - 1) / (total - 1);
            const float old = c.learningRate
                * (c.finalLrFraction
                   + (1.0f - c.finalLrFraction) * 0.5f * static_cast<float>(1.0 + std::cos(std::numbers::pi * t)));
            QCOMPARE(train::learningRateAt(c, step, total), old);
        }
        c.warmupFraction = 0.1f; // 5 steps
        QCOMPARE(train::learningRateAt(c, 1, total), c.learningRate / 5);
        QCOMPARE(train::learningRateAt(c, 5, total), c.learningRate);
        QCOMPARE(train::learningRateAt(c, 6, total), c.learningRate);
        QVERIFY(train::learningRateAt(c, 30, total) < train::learningRateAt(c, 10, total));
        QVERIFY(std::fabs(train::learningRateAt(c, total, total) - c.learningRate * c.finalLrFraction) < 1e-9f);
    }

    void badFineTuneConfigurationsAreRefused()
    {
        const Base& base = sharedBase();
        train::TrainConfig c = base.fineTune(1);
        c.net.hidden = 32; // not the init model's
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, train::trainNetwork(c, base.trainData, nullptr));
        train::TrainConfig scratch = base.config;
        scratch.epochs = 0;
        try {
            train::validateTrainConfig(scratch);
            QFAIL("accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("only when fine-tuning"), e.what());
        }
        train::TrainConfig both = base.config;
        both.errorModel = ErrorModel{};
        both.levels.resize(2);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, train::validateTrainConfig(both));
    }
};

QTEST_GUILESS_MAIN(TestFineTune)
#include "test_finetune.moc"
