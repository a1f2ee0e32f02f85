// Folding batch-norm + sign into integer thresholds: exact for every
// reachable value, and a trained network's saved model predicts in the
// inference engine exactly what the trainer's eval-mode pass predicts.
#include "train_test_support.h"

#include "bnn/inference.h"
#include "io/model_file.h"
#include "train/fold.h"
#include "util/random_bits.h"

#include <set>

#include <QTemporaryDir>
#include <QtTest>

using namespace axbnn;
using namespace axbnn::test;
using train::Arch;

Q_DECLARE_METATYPE(axbnn::train::Arch)

class TestTrainFold : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // For random batch-norm parameters of either sign (and zero scale), the
    // folded threshold and direction fire for exactly the values whose float
    // batch-norm output is >= 0: binary layers over s = 0..N, the pixel
    // layer over the whole dot-product range.
    void foldedThresholdAgreesWithFloatSignEverywhere_data()
    {
        QTest::addColumn<bool>("pixels");
        QTest::newRow("binary") << false;
        QTest::newRow("pixels") << true;
    }

    void foldedThresholdAgreesWithFloatSignEverywhere()
    {
        QFETCH(bool, pixels);
        train::TrainLayer l;
        l.pixels = pixels;
        l.fanIn = pixels ? 9 : 77;
        const int64_t lo = pixels ? -255 * 9 : 0, hi = pixels ? 255 * 9 : 77;
        Rng rng(3);
        int positive = 0, negative = 0, constant = 0;
        for (int trial = 0; trial < 300; ++trial) {
            train::BnEval bn;
            const double spread = pixels ? 2000.0 : 60.0;
            bn.mean = static_cast<float>((rng.uniform() - 0.5) * spread);
            bn.scale = static_cast<float>((rng.uniform() - 0.5) * 2 / (pixels ? 300.0 : 5.0));
            if (trial % 10 == 0)
                bn.scale = 0.0f;
            bn.beta = static_cast<float>((rng.uniform() - 0.5) * 3);
            if (trial % 7 == 0) // thresholds exactly on an integer value
                bn.beta = 0.0f, bn.mean = static_cast<float>(pixels ? 17 : 2 * 30 - 77);
            const train::FoldedThreshold f = train::foldThreshold(bn, l);
            (bn.scale > 0 ? positive : bn.scale < 0 ? negative : constant)++;
            for (int64_t v = lo; v <= hi; ++v) {
                const float x = static_cast<float>(pixels ? v : 2 * v - l.fanIn);
                const bool expected = bn(x) >= 0.0f;
                const bool folded = f.direction > 0 ? v >= f.threshold : v <= f.threshold;
                if (expected != folded)
                    QFAIL(qPrintable(QString("trial %1 value %2: float says %3, threshold %4 direction %5")
                                         .arg(trial)
                                         .arg(v)
                                         .arg(expected)
                                         .arg(f.threshold)
                                         .arg(f.direction)));
            }
            QVERIFY(f.threshold >= lo - 1 && f.threshold <= hi + 1);
        }
        QVERIFY(positive > 50 && negative > 50 && constant > 10);
    }

    // The critical consistency check: trained (with negative gammas among
    // the batch-norms), folded, saved and loaded, the model predicts in the
    // inference engine the class the trainer's own eval-mode binarized
    // forward pass predicts, for every test image.
    void savedModelPredictsLikeTheTrainer_data()
    {
        QTest::addColumn<Arch>("arch");
        QTest::addColumn<int>("kernel");
        QTest::newRow("mlp") << Arch::Mlp << 3;
        QTest::newRow("vgg3-k3") << Arch::Vgg3 << 3;
        QTest::newRow("vgg3-k5") << Arch::Vgg3 << 5;
    }

    void savedModelPredictsLikeTheTrainer()
    {
        QFETCH(Arch, arch);
        QFETCH(int, kernel);
        const Dataset trainData = fashionSubset(false, 1500);
        const Dataset testData = fashionSubset(true, 1000);
        train::TrainConfig c = tinyConfig(arch, kernel);
        train::TrainResult r = train::trainNetwork(c, trainData, &testData);
        // Flip some batch-norm scales so reversed directions (AND pooling) occur.
        for (train::TrainLayer& l : r.network.layers)
            for (size_t ch = 0; !l.scores && ch < l.gamma.size(); ch += 3)
                l.gamma[ch] = -l.gamma[ch];
        const Model folded = train::foldNetwork(r.network, r.model.meta);
        int reversed = 0;
        for (const Layer& l : folded.layers)
            for (int8_t d : l.thresholds.direction)
                reversed += d < 0;
        QVERIFY(reversed > 0);

        QTemporaryDir dir;
        const std::string path = dir.filePath("model.h5").toStdString();
        saveModel(folded, path);
        const Model loaded = loadModel(path);
        const std::vector<int> engine = InferenceEngine(loaded).predict(testData, 0, testData.count);
        const std::vector<int> trainer = train::predictWithNetwork(r.network, testData, 0, testData.count);
        int differ = 0;
        std::set<int> classes;
        for (int i = 0; i < testData.count; ++i) {
            differ += engine[i] != trainer[i];
            classes.insert(trainer[i]);
        }
        QCOMPARE(differ, 0);
        QVERIFY(classes.size() >= 4); // varied predictions, not a constant model

        // Unflipped, the engine's accuracy is the one recorded at save time.
        const std::vector<int> original = InferenceEngine(r.model).predict(testData, 0, testData.count);
        int originalCorrect = 0;
        for (int i = 0; i < testData.count; ++i)
            originalCorrect += original[i] == testData.labels[i];
        QCOMPARE(static_cast<double>(originalCorrect) / testData.count, r.model.meta.accuracyAtSave);

        // Metadata and the float batch-norm parameters travel with the file.
        QCOMPARE(loaded.meta.classNames, trainData.classNames);
        QVERIFY(QString::fromStdString(loaded.meta.trainingRecipe).contains("Adam"));
        QVERIFY(loaded.layers[0].floatParams.count("bn_gamma") == 1);
        QCOMPARE(loaded.layers.back().scoreScale.size(), size_t(10));
        QCOMPARE(loaded.layers.size(), arch == Arch::Mlp ? size_t(3) : size_t(6));
    }
};

QTEST_GUILESS_MAIN(TestTrainFold)
#include "test_train_fold.moc"
