// The native trainer: backward pass against finite differences, straight-
// through estimators, determinism across seeds and thread counts, learning
// on a Fashion-MNIST subset, error injection and bad input.
#include "train_test_support.h"

#include "train/error_injection.h"
#include "train/fold.h"
#include "util/random_bits.h"

#include <QtTest>

#include <cmath>

using namespace axbnn;
using namespace axbnn::test;
using train::Arch;

Q_DECLARE_METATYPE(axbnn::train::Arch)

namespace {

struct TinyBatch {
    std::vector<float> pixels;
    std::vector<uint8_t> labels;
    int count = 0;
};

TinyBatch randomBatch(const train::NetworkSpec& spec, int count, uint64_t seed, float maxPixel)
{
    Rng rng(seed);
    TinyBatch b;
    b.count = count;
    for (int i = 0; i < count * spec.input.size(); ++i)
        b.pixels.push_back(static_cast<float>(rng.uniform() * maxPixel));
    for (int i = 0; i < count; ++i)
        b.labels.push_back(static_cast<uint8_t>(rng.next() % spec.classes));
    return b;
}

train::NetworkSpec tinySpec(Arch arch)
{
    train::NetworkSpec s;
    s.arch = arch;
    s.input = {8, 8, 1};
    s.classes = 3;
    s.kernel = 3;
    s.channels = 3;
    s.hidden = 5;
    return s;
}

// Every float parameter of every layer, addressed as (layer, tensor, index).
float& param(train::Network& net, size_t layer, int tensor, size_t i)
{
    train::TrainLayer& l = net.layers[layer];
    return tensor == 0 ? l.weights[i] : tensor == 1 ? l.gamma[i] : l.beta[i];
}

} // namespace

class TestTrainer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // With sign() switched off the network is differentiable: the analytic
    // gradients of every weight, gamma and beta (through convolution, im2col,
    // max-pool, batch-norm, dense layers and softmax cross-entropy) match
    // central finite differences.
    void backwardMatchesFiniteDifferences_data()
    {
        QTest::addColumn<Arch>("arch");
        QTest::newRow("vgg3") << Arch::Vgg3;
        QTest::newRow("mlp") << Arch::Mlp;
    }

    void backwardMatchesFiniteDifferences()
    {
        QFETCH(Arch, arch);
        train::Network net = train::makeNetwork(tinySpec(arch), 7);
        net.binarize = false;
        for (train::TrainLayer& l : net.layers)
            for (size_t c = 0; c < l.gamma.size(); ++c) {
                l.gamma[c] = 0.5f + 0.1f * static_cast<float>(c);
                l.beta[c] = 0.05f * static_cast<float>(c);
            }
        const TinyBatch b = randomBatch(net.spec, 6, 11, 1.0f);
        const train::BatchGradients g = train::batchGradients(net, b.pixels.data(), b.labels.data(), b.count);
        auto loss = [&] { return train::batchGradients(net, b.pixels.data(), b.labels.data(), b.count).loss; };
        const float h = 1e-3f; // small enough that no max-pool winner changes
        int checked = 0;
        for (size_t l = 0; l < net.layers.size(); ++l)
            for (int tensor = 0; tensor < 3; ++tensor) {
                const std::vector<float>& grad = tensor == 0 ? g.weights[l] : tensor == 1 ? g.gamma[l] : g.beta[l];
                const size_t n = grad.size();
                for (size_t i = 0; i < n; i += std::max<size_t>(1, n / 7)) {
                    float& p = param(net, l, tensor, i);
                    const float saved = p;
                    p = saved + h;
                    const double up = loss();
                    p = saved - h;
                    const double down = loss();
                    p = saved;
                    const double numeric = (up - down) / (2 * h);
                    const double analytic = grad[i];
                    QVERIFY2(std::fabs(numeric - analytic) <= 2e-3 + 0.05 * std::fabs(numeric),
                             qPrintable(QString("layer %1 tensor %2 index %3: analytic %4, numeric %5")
                                            .arg(l)
                                            .arg(tensor)
                                            .arg(i)
                                            .arg(analytic)
                                            .arg(numeric)));
                    ++checked;
                }
            }
        QVERIFY(checked > 30);
    }

    // Weights: the forward pass sees only sign(latent) and the gradient
    // passes straight through, so rescaling latent weights (same signs)
    // changes neither loss nor gradients.
    void latentWeightMagnitudeDoesNotMatter()
    {
        train::Network net = train::makeNetwork(tinySpec(Arch::Vgg3), 3);
        const TinyBatch b = randomBatch(net.spec, 8, 5, 255.0f);
        const train::BatchGradients before = train::batchGradients(net, b.pixels.data(), b.labels.data(), b.count);
        for (train::TrainLayer& l : net.layers)
            for (float& w : l.weights)
                w *= 0.25f;
        const train::BatchGradients after = train::batchGradients(net, b.pixels.data(), b.labels.data(), b.count);
        QCOMPARE(after.loss, before.loss);
        QVERIFY(after.weights == before.weights);
        QVERIFY(std::any_of(before.weights[0].begin(), before.weights[0].end(), [](float v) { return v != 0; }));
    }

    // Activations: the gradient of sign(y) is 1 for |y| <= 1 and 0 beyond.
    // Pushing every pre-activation of the MLP's first layer beyond 1 (beta
    // 5, gamma 0.1) stops all gradient below it; beta 0 lets it through.
    void signGradientIsZeroOutsideUnitWindow()
    {
        train::Network net = train::makeNetwork(tinySpec(Arch::Mlp), 9);
        const TinyBatch b = randomBatch(net.spec, 8, 6, 255.0f);
        train::TrainLayer& first = net.layers[0];
        std::fill(first.gamma.begin(), first.gamma.end(), 0.1f);
        std::fill(first.beta.begin(), first.beta.end(), 5.0f);
        auto allZero = [](const std::vector<float>& v) {
            return std::all_of(v.begin(), v.end(), [](float x) { return x == 0.0f; });
        };
        train::BatchGradients g = train::batchGradients(net, b.pixels.data(), b.labels.data(), b.count);
        QVERIFY(allZero(g.weights[0]) && allZero(g.gamma[0]) && allZero(g.beta[0]));
        QVERIFY(!allZero(g.weights[1])); // the layers above still learn
        std::fill(first.beta.begin(), first.beta.end(), 0.0f);
        g = train::batchGradients(net, b.pixels.data(), b.labels.data(), b.count);
        QVERIFY(!allZero(g.weights[0]) && !allZero(g.beta[0]));
    }

    // Same seed: bit-identical latent weights and statistics, on 1 or 3
    // threads; another seed: another model.
    void sameSeedGivesIdenticalModelOnAnyThreadCount()
    {
        const Dataset data = fashionSubset(false, 320);
        auto run = [&](uint64_t seed, int threads, bool augment) {
            train::TrainConfig c = tinyConfig(Arch::Vgg3);
            c.seed = seed;
            c.threads = threads;
            c.augment = augment;
            return train::trainNetwork(c, data, nullptr).network;
        };
        const train::Network a = run(4, 1, true), b = run(4, 3, true), c = run(5, 1, true);
        for (size_t l = 0; l < a.layers.size(); ++l) {
            QVERIFY(a.layers[l].weights == b.layers[l].weights);
            QVERIFY(a.layers[l].gamma == b.layers[l].gamma);
            QVERIFY(a.layers[l].runningVar == b.layers[l].runningVar);
        }
        QVERIFY(a.layers[1].weights != c.layers[1].weights);
        QVERIFY(a.layers[1].weights != run(4, 1, false).layers[1].weights); // augmentation is used
    }

    // A few hundred steps on a Fashion-MNIST subset reach clearly better than
    // chance (10%), and latent weights stay clipped to [-1, 1].
    void tinyNetworksLearnFashionMnist_data()
    {
        QTest::addColumn<Arch>("arch");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<double>("minimum");
        QTest::newRow("mlp") << Arch::Mlp << 3 << 0.65;
        QTest::newRow("vgg3-k3") << Arch::Vgg3 << 3 << 0.60;
    }

    void tinyNetworksLearnFashionMnist()
    {
        QFETCH(Arch, arch);
        QFETCH(int, kernel);
        QFETCH(double, minimum);
        const Dataset trainData = fashionSubset(false, 4000);
        const Dataset testData = fashionSubset(true, 500);
        train::TrainConfig c = tinyConfig(arch, kernel);
        c.epochs = 2; // 250 steps of 32 images
        int calls = 0, epochEnds = 0;
        const train::TrainResult r =
            train::trainNetwork(c, trainData, &testData, 0, [&](const train::TrainProgress& p) {
                ++calls;
                epochEnds += p.epochEnd;
                return p.batch <= p.batchesPerEpoch && p.epoch <= p.epochs;
            });
        QCOMPARE(epochEnds, 2);
        QCOMPARE(calls, 2 * 125 + 2);
        QVERIFY2(r.testAccuracy >= minimum, qPrintable(QString::number(r.testAccuracy)));
        QCOMPARE(r.model.meta.accuracyAtSave, r.testAccuracy);
        for (const train::TrainLayer& l : r.network.layers)
            for (float w : l.weights)
                QVERIFY(w >= -1.0f && w <= 1.0f);
    }

    // The callback's false cancels: TrainingCancelled, after the batch it saw.
    void progressCanCancel()
    {
        const Dataset data = fashionSubset(false, 640);
        int calls = 0;
        QVERIFY_THROWS_EXCEPTION(
            train::TrainingCancelled,
            train::trainNetwork(tinyConfig(Arch::Mlp), data, nullptr, 0, [&](const train::TrainProgress& p) {
                ++calls;
                return p.batch < 3;
            }));
        QCOMPARE(calls, 3);
    }

    // Injection draws e from P(e | s) for each dot product: the shift of the
    // dots follows the rows, and is the same whatever the block partition.
    void injectionShiftsPopcountsAsTheSamplerSays()
    {
        train::TrainConfig c = tinyConfig(Arch::Mlp);
        c.net.hidden = 64;
        const train::Network net = train::makeNetwork(c.net, 1);
        ErrorModel em;
        const std::vector<double> probs{0.2, 0.5, 0.0, 0.3}; // e = -1, 0, 1, 2
        em.layers.push_back(uniformRows(1, "dense", 64, -1, probs));
        const train::ErrorInjector injector(em, net);
        QVERIFY(injector.injects(1) && !injector.injects(0) && !injector.injects(2));
        const int n = 200000;
        std::vector<float> dots(n), once(n), split(n);
        for (int i = 0; i < n; ++i)
            dots[i] = static_cast<float>(2 * (i % 65) - 64); // s = i % 65
        once = dots;
        split = dots;
        injector.inject(1, once.data(), n, 0, 42);
        injector.inject(1, split.data(), n / 3, 0, 42);
        injector.inject(1, split.data() + n / 3, n - n / 3, n / 3, 42);
        QVERIFY(once == split);
        std::vector<int> histogram(4, 0);
        for (int i = 0; i < n; ++i) {
            const float shift = once[i] - dots[i];
            QVERIFY(std::fmod(shift, 2.0f) == 0.0f);
            const int e = static_cast<int>(shift) / 2;
            QVERIFY(e >= -1 && e <= 2);
            ++histogram[e + 1];
        }
        for (int k = 0; k < 4; ++k) {
            const double expected = probs[k] * n;
            QVERIFY2(std::fabs(histogram[k] - expected) <= 5 * std::sqrt(n * probs[k] * (1 - probs[k])) + 1e-9,
                     qPrintable(QString("e = %1: %2 draws, expected %3").arg(k - 1).arg(histogram[k]).arg(expected)));
        }
    }

    // Training uses the injector: an error model of zero errors trains the
    // very same model as exact training; a biased one trains another.
    void trainingInjectsIntoTheNamedLayer()
    {
        const Dataset data = fashionSubset(false, 256);
        train::TrainConfig c = tinyConfig(Arch::Vgg3);
        const train::Network exact = train::trainNetwork(c, data, nullptr).network;
        const int fanIn = 8 * 9; // conv2: 3x3x8, model layer 2
        ErrorModel zero;
        zero.layers.push_back(uniformRows(2, "conv", fanIn, 0, {1.0}));
        c.errorModel = zero;
        QVERIFY(train::trainNetwork(c, data, nullptr).network.layers[1].weights == exact.layers[1].weights);
        ErrorModel biased;
        biased.layers.push_back(uniformRows(2, "conv", fanIn, -3, {0.5, 0.0, 0.0, 0.5}));
        c.errorModel = biased;
        QVERIFY(train::trainNetwork(c, data, nullptr).network.layers[1].weights != exact.layers[1].weights);
    }

    void errorModelForAnotherFanInIsRefused()
    {
        const Dataset data = fashionSubset(false, 64);
        train::TrainConfig c = tinyConfig(Arch::Vgg3, 5);
        ErrorModel em;
        em.layers.push_back(uniformRows(2, "conv", 8 * 9, 0, {1.0})); // made for kernel 3
        c.errorModel = em;
        try {
            train::trainNetwork(c, data, nullptr);
            QFAIL("no error");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("fan-in 72") && QString(e.what()).contains("fan-in 200"), e.what());
        }
    }

    void badConfigurationsAreRefused_data()
    {
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("epochs");
        QTest::addColumn<int>("batch");
        QTest::addColumn<QString>("message");
        QTest::newRow("even kernel") << 4 << 1 << 32 << "odd kernel";
        QTest::newRow("kernel larger than the image") << 29 << 1 << 32 << "does not fit";
        QTest::newRow("kernel larger than the inner image") << 15 << 1 << 32 << "14x14";
        QTest::newRow("kernel zero") << 0 << 1 << 32 << "does not fit";
        QTest::newRow("zero epochs") << 3 << 0 << 32 << "epochs must be positive";
        QTest::newRow("batch of one") << 3 << 1 << 1 << "batch size";
    }

    void badConfigurationsAreRefused()
    {
        QFETCH(int, kernel);
        QFETCH(int, epochs);
        QFETCH(int, batch);
        QFETCH(QString, message);
        train::TrainConfig c = tinyConfig(Arch::Vgg3, kernel);
        c.epochs = epochs;
        c.batch = batch;
        try {
            train::validateTrainConfig(c);
            QFAIL("accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
    }

    void dataOfAnotherShapeIsRefused()
    {
        Dataset small;
        small.shape = {16, 16, 1};
        small.count = 4;
        small.images.assign(4 * 256, 0);
        small.labels = {0, 1, 2, 3};
        small.classNames = {"a", "b", "c", "d"};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, train::trainNetwork(tinyConfig(Arch::Mlp), small, nullptr));
    }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "test_trainer.moc"
