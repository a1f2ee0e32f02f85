// The trainer's view of the approximate hardware against the hardware
// itself (issue 17): a small VGG3 trained on Fashion-MNIST, evaluated by the
// trainer's forward pass with errors injected from an error model, and by
// the inference engine with the real circuit, on the same test images.
// Issue 17 wants them within 1 point with the error model counted on data
// (statistic "data"); they are not yet (an expected failure, below).
#include "train_test_support.h"

#include "bnn/data_error_model.h"
#include "bnn/inference.h"
#include "train/fold.h"
#include "train/rebuild.h"

#include <QtTest>

#include <cmath>

using namespace axbnn;
using namespace axbnn::test;

namespace {

double accuracy(const std::vector<int>& predicted, const Dataset& data)
{
    int hits = 0;
    for (size_t i = 0; i < predicted.size(); ++i)
        hits += predicted[i] == data.labels[i];
    return 100.0 * hits / static_cast<double>(predicted.size());
}

// Mean accuracy over a few independent draws of the injected errors.
double injectedAccuracy(const train::Network& net, const ErrorModel& errors, const Dataset& data)
{
    constexpr int kDraws = 2;
    double sum = 0;
    for (int seed = 1; seed <= kDraws; ++seed)
        sum += accuracy(train::predictWithNetwork(net, data, 0, data.count, 2, &errors, seed), data);
    return sum / kDraws;
}

} // namespace

class TestInjectedAccuracy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void dataErrorModelPredictsTheCircuitsAccuracy()
    {
        const Dataset trainData = fashionSubset(false, 2000);
        const Dataset testData = fashionSubset(true, 2000);
        train::TrainConfig c = tinyConfig(train::Arch::Vgg3);
        const train::TrainResult trained = train::trainNetwork(c, trainData, nullptr);
        const Model& model = trained.model;

        ApproxConfig approx;
        approx.faCell = "maj-fa";
        approx.lsbColumns = 2;
        InferenceConfig config =
            InferenceConfig::withCircuit(model, PopcountUnitConfig::makeCircuit(Topology::AdderTree, approx));
        config.threads = 2;

        // Error models from the training images (calibration), evaluated on the test images.
        const MeasuredErrors counted = measureErrors(model, config, trainData, 0, 1000);
        std::vector<double> p(model.layers.size(), 0.5);
        for (size_t i = 0; i < p.size(); ++i)
            p[i] = counted.layers[i].xnorP;
        ErrorModelOptions options;
        options.samplesPerSum = 1024;
        options.threads = 2;
        const ErrorModel iid = abstractErrorModel(model, config, p, options);
        const ErrorModel data = blendDataErrorModel(iid, counted, kDefaultPriorSamples);

        InferenceConfig exactConfig;
        exactConfig.threads = 2;
        const double exact =
            accuracy(InferenceEngine(model, exactConfig).predict(testData, 0, testData.count), testData);
        const double trainerExact =
            accuracy(train::predictWithNetwork(trained.network, testData, 0, testData.count, 2), testData);
        const double circuit = accuracy(InferenceEngine(model, config).predict(testData, 0, testData.count), testData);
        const double withData = injectedAccuracy(trained.network, data, testData);
        const double withIid = injectedAccuracy(trained.network, iid, testData);
        qInfo("exact %.2f%%, real circuit %.2f%%; trainer with injected errors: data model %.2f%%, i.i.d. model "
              "%.2f%%",
              exact, circuit, withData, withIid);
        QCOMPARE(trainerExact, exact); // the trainer's pass is the folded model's

        // The network rebuilt from the model file runs the same pass, errors included.
        const train::Network rebuilt = train::rebuildNetwork(model);
        QVERIFY(train::predictWithNetwork(rebuilt, testData, 0, 500, 2, &data, 7)
                == train::predictWithNetwork(trained.network, testData, 0, 500, 2, &data, 7));
        QVERIFY(train::predictWithNetwork(rebuilt, testData, 0, 500, 2, &data, 7)
                != train::predictWithNetwork(rebuilt, testData, 0, 500, 2, &data, 8)); // the seed draws
        QVERIFY2(exact - circuit >= 3.0, "the circuit must cost accuracy, or the comparison proves nothing");
        // Issue 17 asks for 1 point. Rows of P(e | s) pooled over a layer's
        // neurons, even with each neuron's own shift, do not get there: on
        // this network the data model is 6.1 points above the circuit (rows
        // only: 11.3; i.i.d. rows: 14.4). On four other small networks the
        // shifts helped twice and hurt twice (docs/error-model.md). An XPASS
        // here means the gap has closed.
        QEXPECT_FAIL("", "P(e | s) with per-neuron shifts does not predict the circuit's accuracy yet", Continue);
        QVERIFY2(std::abs(withData - circuit) <= 1.0,
                 qPrintable(QString("data model %1%% vs circuit %2%%").arg(withData).arg(circuit)));
    }

    void rebuildNeedsTheBatchNormParameters()
    {
        train::TrainConfig c = tinyConfig(train::Arch::Mlp);
        Model m = train::foldNetwork(train::makeNetwork(c.net, 3));
        QVERIFY(train::foldNetwork(train::rebuildNetwork(m)).layers[1].thresholds.threshold
                == m.layers[1].thresholds.threshold);
        Model noParams = m;
        noParams.layers[1].floatParams.erase("bn_var");
        try {
            train::rebuildNetwork(noParams);
            QFAIL("no error");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("bn_var") && QString(e.what()).contains("layer 1"), e.what());
        }
        Model moved = m;
        moved.layers[1].floatParams["bn_mean"][0] += 7.0f; // no longer folds into the threshold
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, train::rebuildNetwork(moved));
    }
};

QTEST_GUILESS_MAIN(TestInjectedAccuracy)
#include "test_injected_accuracy.moc"
