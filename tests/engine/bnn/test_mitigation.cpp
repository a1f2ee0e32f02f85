// Run-time mitigation: bias compensation and per-neuron threshold tuning,
// checked against independent recomputation from traces and against the
// gate-level reference forward pass.
#include "bnn/mitigation.h"
#include "inference_test_support.h"

#include <QTest>

using namespace axbnn;
using namespace axbnn::test;

namespace {

std::span<const uint8_t> imageOf(const Dataset& d, int i)
{
    const size_t size = static_cast<size_t>(d.shape.size());
    return {d.images.data() + static_cast<size_t>(i) * size, size};
}

// Fraction of layer li's activations under `config` equal to the exact
// network's, over the first `count` images.
double agreement(const Model& m, const InferenceConfig& config, const Dataset& d, int count, int li)
{
    const InferenceEngine exact(m), approx(m, config);
    uint64_t same = 0, total = 0;
    for (int i = 0; i < count; ++i) {
        const auto a = exact.trace(imageOf(d, i)).layers[li].activations;
        const auto b = approx.trace(imageOf(d, i)).layers[li].activations;
        for (size_t k = 0; k < a.size(); ++k)
            same += a[k] == b[k];
        total += a.size();
    }
    return static_cast<double>(same) / static_cast<double>(total);
}

} // namespace

class TestMitigation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // One table names every mode: each name parses back to its mode, an
    // unknown name lists the known ones, and a hostile one is not echoed whole.
    void everyModeHasOneName()
    {
        const std::vector<std::string> names = mitigationNames();
        QCOMPARE(names, (std::vector<std::string>{"none", "bias", "tune"}));
        QCOMPARE(mitigationModes().size(), names.size());
        for (const MitigationInfo& m : mitigationModes()) {
            QCOMPARE(parseMitigation(m.name), m.mode);
            QCOMPARE(std::string(mitigationName(m.mode)), std::string(m.name));
            QVERIFY(std::string(m.summary).size() > 10);
        }
        for (const std::string bad : {"magic", "Bias", "", "bias "}) {
            try {
                parseMitigation(bad);
                QFAIL(("accepted '" + bad + "'").c_str());
            } catch (const std::invalid_argument& e) {
                QCOMPARE(std::string(e.what()), "unknown mitigation '" + bad + "' (known: none, bias, tune)");
            }
        }
        try {
            parseMitigation(std::string(100000, 'x'));
            QFAIL("accepted a long name");
        } catch (const std::invalid_argument& e) {
            QVERIFY(std::string(e.what()).size() < 120);
        }
    }

    // applyMitigation is the one dispatch: each mode does what its own
    // function does, None clears earlier shifts, and it never reads more
    // calibration images than there are.
    void applyMitigationDispatchesEveryMode()
    {
        const Model m = makeRandomModel(2);
        const Dataset d = makeDataset(m.input, 40, 8);
        const InferenceConfig base = InferenceConfig::withCircuit(m, circuit(Topology::AdderTree, 2));

        InferenceConfig viaTable = base, direct = base;
        const MitigationReport bias = applyMitigation(Mitigation::Bias, m, viaTable, d, 1000);
        biasCompensation(m, direct, d, 40);
        QCOMPARE(bias.method, Mitigation::Bias);
        QCOMPARE(bias.calibrationImages, 40);
        QCOMPARE(viaTable.thresholdShift, direct.thresholdShift);

        InferenceConfig tuned = base, tunedDirect = base;
        QCOMPARE(applyMitigation(Mitigation::Tune, m, tuned, d, 30).method, Mitigation::Tune);
        thresholdTuning(m, tunedDirect, d, 30);
        QCOMPARE(tuned.neuronShift, tunedDirect.neuronShift);

        const MitigationReport none = applyMitigation(Mitigation::None, m, tuned, d, 30);
        QCOMPARE(none.method, Mitigation::None);
        QVERIFY(none.layers.empty());
        QVERIFY(tuned.thresholdShift.empty() && tuned.neuronShift.empty());
    }

    void biasShiftsByTheRoundedExpectedError()
    {
        const Model m = makeRandomModel(2);
        const Dataset d = makeDataset(m.input, 120, 5);
        InferenceConfig config = InferenceConfig::withCircuit(m, circuit(Topology::AdderTree, 2));
        const MitigationReport r = biasCompensation(m, config, d, 120);
        QCOMPARE(r.method, Mitigation::Bias);
        QVERIFY(!r.layers.empty());
        for (const LayerMitigation& l : r.layers) {
            QCOMPARE(l.shift, static_cast<int>(std::lround(l.expectedError)));
            QCOMPARE(config.shiftFor(l.layer), l.shift);
            QVERIFY(l.expectedError < 0); // MAJ-FA in the low columns undercounts
            // The model at the measured p predicts what the data shows.
            QVERIFY2(std::abs(l.expectedError - l.measuredError) < 0.25 * std::abs(l.expectedError) + 0.5,
                     qPrintable(QString("expected %1, measured %2").arg(l.expectedError).arg(l.measuredError)));
        }
    }

    void tuningAnExactCircuitChangesNothing()
    {
        const Model m = makeRandomModel(2);
        const Dataset d = makeDataset(m.input, 20, 6);
        InferenceConfig config = InferenceConfig::withCircuit(m, circuit(Topology::Wallace, 0));
        const MitigationReport r = thresholdTuning(m, config, d, 20);
        QCOMPARE(r.method, Mitigation::Tune);
        QCOMPARE(r.layers.size(), size_t{2}); // conv and dense; scores are not thresholded
        for (const LayerMitigation& l : r.layers) {
            QCOMPARE(l.tunedNeurons, 0);
            QCOMPARE(l.agreementBefore, 1.0);
            QCOMPARE(l.agreementAfter, 1.0);
            for (int s : config.neuronShift[l.layer])
                QCOMPARE(s, 0);
        }
    }

    // The reported agreements are what the tuned configuration really gives,
    // each layer's threshold is the best single threshold for its neuron,
    // and the engine still equals the gate-level reference with the tuned
    // thresholds.
    void tuningIsOptimalPerNeuronAndExact()
    {
        const Model m = makeRandomModel(2);
        const Dataset d = makeDataset(m.input, 30, 7);
        const InferenceConfig untuned = InferenceConfig::withCircuit(m, circuit(Topology::AdderTree, 3));
        InferenceConfig config = untuned;
        const MitigationReport r = thresholdTuning(m, config, d, 30);
        QVERIFY(!r.layers.empty());
        for (const LayerMitigation& l : r.layers) {
            QVERIFY(l.agreementAfter >= l.agreementBefore);
            QCOMPARE(l.agreementAfter, agreement(m, config, d, 30, l.layer));
        }
        QVERIFY(r.layers.front().tunedNeurons > 0);
        QVERIFY(r.layers.front().agreementAfter > r.layers.front().agreementBefore);
        QCOMPARE(r.layers.front().agreementBefore, agreement(m, untuned, d, 30, r.layers.front().layer));

        // Brute force for the first tuned layer: no shift of any one neuron
        // (holding the others) gives more agreeing activations.
        const int li = r.layers.front().layer;
        const int outputs = m.layers[li].out.channels;
        for (int o = 0; o < outputs; o += 9)
            for (int delta : {-3, -1, 1, 2, 5}) {
                InferenceConfig moved = config;
                moved.neuronShift[li][o] += delta;
                QVERIFY(agreement(m, moved, d, 30, li) <= agreementAfter(r, li) + 1e-12);
            }

        const InferenceEngine engine(m, config);
        const ReferenceForward reference(m, config);
        for (int i = 0; i < 4; ++i) {
            const QString diff = traceDifference(engine.trace(imageOf(d, i)), reference.run(imageOf(d, i)));
            QVERIFY2(diff.isEmpty(), qPrintable(diff));
        }
    }

    void badShiftsAndCountsAreRejected()
    {
        const Model m = makeRandomModel(2);
        InferenceConfig config;
        config.neuronShift.assign(m.layers.size(), {});
        config.neuronShift[2] = {1, 2, 3}; // the conv layer has 64 neurons
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, InferenceEngine(m, config));
        config.neuronShift[2].clear();
        config.neuronShift[1] = {1}; // a pooling layer has no thresholds
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, InferenceEngine(m, config));

        const Dataset d = makeDataset(m.input, 5, 8);
        InferenceConfig approx = InferenceConfig::withCircuit(m, circuit(Topology::AdderTree, 2));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, thresholdTuning(m, approx, d, 6));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, thresholdTuning(m, approx, d, 0));
    }

private:
    static double agreementAfter(const MitigationReport& r, int layer)
    {
        for (const LayerMitigation& l : r.layers)
            if (l.layer == layer)
                return l.agreementAfter;
        return -1;
    }
};

QTEST_APPLESS_MAIN(TestMitigation)
#include "test_mitigation.moc"
