// Run-time mitigation: the table of modes, bias from the measured error and
// the per-neuron threshold fit, checked against independent recomputation
// from traces and against the gate-level reference forward pass (the
// never-worse rule: test_mitigation_rule.cpp).
#include "bnn/mitigation.h"
#include "mitigation_test_support.h"

#include <QTest>

using namespace axbnn;
using namespace axbnn::test;

namespace {

std::span<const uint8_t> imageOf(const Dataset& d, int i)
{
    return d.image(i);
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
        QCOMPARE(names, (std::vector<std::string>{"none", "bias", "tune", "bias-tune"}));
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
                QCOMPARE(std::string(e.what()),
                         "unknown mitigation '" + bad + "' (known: none, bias, tune, bias-tune)");
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
    // function does (bias-tune: bias, then tune on top), None clears earlier
    // shifts, and it never reads more calibration images than there are.
    void applyMitigationDispatchesEveryMode()
    {
        const Model m = makeRandomModel(2);
        const Dataset d = labelledData(m, 40, 8);
        const InferenceConfig base = InferenceConfig::withCircuit(m, circuit(Topology::AdderTree, 2));

        InferenceConfig viaTable = base, direct = base;
        const MitigationReport bias = applyMitigation(Mitigation::Bias, m, viaTable, d, 1000);
        biasCompensation(m, direct, d, 40);
        QCOMPARE(bias.method, Mitigation::Bias);
        QCOMPARE(bias.calibrationImages, 40);
        QCOMPARE(bias.fitImages + bias.heldOutImages, 40);
        QCOMPARE(viaTable.thresholdShift, direct.thresholdShift);

        InferenceConfig tuned = base, tunedDirect = base;
        QCOMPARE(applyMitigation(Mitigation::Tune, m, tuned, d, 30).method, Mitigation::Tune);
        thresholdTuning(m, tunedDirect, d, 30);
        QCOMPARE(tuned.neuronShift, tunedDirect.neuronShift);

        InferenceConfig both = base, byHand = base;
        const MitigationReport combined = applyMitigation(Mitigation::BiasTune, m, both, d, 40);
        const MitigationReport first = biasCompensation(m, byHand, d, 40);
        const MitigationReport second = thresholdTuning(m, byHand, d, 40);
        QCOMPARE(combined.method, Mitigation::BiasTune);
        QCOMPARE(both.thresholdShift, byHand.thresholdShift);
        QCOMPARE(both.neuronShift, byHand.neuronShift);
        QCOMPARE(combined.layers.size(), first.layers.size() + second.layers.size());
        QCOMPARE(combined.correctBefore, first.correctBefore);
        QCOMPARE(combined.correctAfter, second.correctAfter);
        QCOMPARE(second.correctBefore, first.correctAfter);

        const MitigationReport none = applyMitigation(Mitigation::None, m, tuned, d, 30);
        QCOMPARE(none.method, Mitigation::None);
        QVERIFY(none.layers.empty());
        QVERIFY(tuned.thresholdShift.empty() && tuned.neuronShift.empty());
    }

    // Each bias layer's measured error is the mean of (circuit value - exact
    // popcount of the same inputs) over the fit images, with the earlier
    // layers' kept shifts in place, recomputed here from traces (the dense
    // layer's exact popcount by hand); its first candidate shift is that mean
    // rounded, and the expected (model) error is still reported beside it.
    void biasIsTheMeasuredMeanErrorLayerByLayer()
    {
        const Model m = makeRandomModel(2);
        const Dataset d = labelledData(m, 120, 5);
        const Layer& dense = m.layers[4];
        QCOMPARE(dense.kind, LayerKind::Dense);
        int keptBeforeTheLast = 0;
        for (int lsb : {2, 3}) {
            const InferenceConfig approx = InferenceConfig::withCircuit(m, circuit(Topology::AdderTree, lsb));
            InferenceConfig config = approx;
            const MitigationReport r = biasCompensation(m, config, d, 120);
            QCOMPARE(r.fitImages, mitigationFitImages(120));
            // All layers at once, then conv and dense; the scores layer is exact.
            QCOMPARE(r.layers.size(), size_t{3});
            QCOMPARE(r.layers.front().layer, -1);
            InferenceConfig measured = approx; // the earlier layers' kept shifts
            measured.thresholdShift.assign(m.layers.size(), 0);
            for (const LayerMitigation& l : r.layers) {
                if (l.layer < 0)
                    continue;
                const InferenceEngine circuitEngine(m, measured), exactEngine(m);
                double sum = 0.0;
                uint64_t n = 0;
                for (int i = 0; i < r.fitImages; ++i) {
                    const ForwardTrace t = circuitEngine.trace(imageOf(d, i));
                    const std::vector<int32_t>& v = t.layers[l.layer].values;
                    if (l.layer == 2) { // its inputs are exact: the exact network's values are the reference
                        const ForwardTrace exact = exactEngine.trace(imageOf(d, i));
                        const std::vector<int32_t>& e = exact.layers[2].values;
                        for (size_t k = 0; k < v.size(); ++k)
                            sum += v[k] - e[k];
                    } else {
                        QCOMPARE(l.layer, 4);
                        const std::vector<int8_t>& in = t.layers[3].activations;
                        for (int o = 0; o < dense.outputs(); ++o) {
                            int exact = 0;
                            for (size_t k = 0; k < in.size(); ++k)
                                exact += in[k] == dense.weights[static_cast<size_t>(o) * in.size() + k];
                            sum += v[static_cast<size_t>(o)] - exact;
                        }
                    }
                    n += v.size();
                }
                QVERIFY2(std::abs(l.measuredError - sum / static_cast<double>(n)) < 1e-9,
                         qPrintable(QString("layer %1 lsb %2: %3 vs %4")
                                        .arg(l.layer)
                                        .arg(lsb)
                                        .arg(l.measuredError)
                                        .arg(sum / static_cast<double>(n))));
                QVERIFY(!l.trials.empty());
                QCOMPARE(l.trials.front().minShift, static_cast<int>(std::lround(l.measuredError)));
                QVERIFY(l.expectedError < 0); // MAJ-FA in the low columns undercounts
                QCOMPARE(config.shiftFor(l.layer), l.shift);
                measured.thresholdShift[static_cast<size_t>(l.layer)] = l.shift;
                keptBeforeTheLast += l.layer == 2 && l.shift != 0;
            }
        }
        QVERIFY(keptBeforeTheLast > 0); // a later layer was measured behind a corrected one
    }

    void tuningAnExactCircuitChangesNothing()
    {
        const Model m = makeRandomModel(2);
        const Dataset d = labelledData(m, 20, 6);
        InferenceConfig config = InferenceConfig::withCircuit(m, circuit(Topology::Wallace, 0));
        const MitigationReport r = thresholdTuning(m, config, d, 20);
        QCOMPARE(r.method, Mitigation::Tune);
        QCOMPARE(r.layers.size(), size_t{3}); // all at once, conv and dense; scores are not thresholded
        QCOMPARE(r.correctAfter, r.correctBefore);
        for (const LayerMitigation& l : r.layers) {
            for (const MitigationTrial& t : l.trials)
                QVERIFY(!t.kept && t.reason == "no neuron moves");
            if (l.layer < 0)
                continue;
            QCOMPARE(l.tunedNeurons, 0);
            QCOMPARE(l.agreementBefore, 1.0);
            QCOMPARE(l.agreementAfter, 1.0);
            QVERIFY(!l.trials.empty());
            QCOMPARE(config.shiftFor(l.layer, 0), 0);
        }
    }

    // The per-neuron fit (tuning's building block): the agreements it reports
    // are what its shifts really give, no single neuron's shift does better,
    // and the engine still equals the gate-level reference with the shifts.
    void neuronFitIsOptimalPerNeuronAndExact()
    {
        const Model m = makeRandomModel(2);
        const Dataset d = makeDataset(m.input, 30, 7);
        const InferenceConfig untuned = InferenceConfig::withCircuit(m, circuit(Topology::AdderTree, 3));
        const int li = 2;
        const NeuronFit fit = fitNeuronThresholds(m, untuned, InferenceConfig{}, li, d, 0, 30);
        InferenceConfig config = untuned;
        config.neuronShift.assign(m.layers.size(), {});
        config.neuronShift[li] = fit.neuronShift;
        QVERIFY(fit.moved > 0);
        QVERIFY(fit.agreementAfter() > fit.agreementBefore());
        QCOMPARE(fit.agreementBefore(), agreement(m, untuned, d, 30, li));
        QCOMPARE(fit.agreementAfter(), agreement(m, config, d, 30, li));
        const int outputs = m.layers[li].out.channels;
        for (int o = 0; o < outputs; o += 9)
            for (int delta : {-3, -1, 1, 2, 5}) {
                InferenceConfig moved = config;
                moved.neuronShift[li][o] += delta;
                QVERIFY(agreement(m, moved, d, 30, li) <= fit.agreementAfter() + 1e-12);
            }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 fitNeuronThresholds(m, untuned, InferenceConfig{}, 1, d, 0, 30)); // pooling
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 fitNeuronThresholds(m, untuned, InferenceConfig{}, li, d, 10, 21));

        const InferenceEngine engine(m, config);
        const ReferenceForward reference(m, config);
        for (int i = 0; i < 4; ++i) {
            const QString diff = traceDifference(engine.trace(imageOf(d, i)), reference.run(imageOf(d, i)));
            QVERIFY2(diff.isEmpty(), qPrintable(diff));
        }
    }

    // What tuning reports for a kept layer is what its shifts give: the
    // agreement with the target on the fit images, and the shifts' range.
    void tuningReportsWhatItKept()
    {
        const Model m = makeRandomModel(2);
        const Dataset d = labelledData(m, 160, 9);
        InferenceConfig config = InferenceConfig::withCircuit(m, circuit(Topology::AdderTree, 3));
        const InferenceConfig untuned = config;
        const MitigationReport r = thresholdTuning(m, config, d, 160);
        int kept = 0;
        for (const LayerMitigation& l : r.layers) {
            if (l.layer < 0)
                continue;
            QCOMPARE(l.target, std::string("exact activations")); // an exactly trained model
            if (l.tunedNeurons == 0)
                continue;
            ++kept;
            QCOMPARE(l.agreementAfter, agreement(m, config, d, r.fitImages, l.layer));
            const auto& shifts = config.neuronShift[l.layer];
            QCOMPARE(static_cast<int>(std::count_if(shifts.begin(), shifts.end(), [](int s) { return s != 0; })),
                     l.tunedNeurons);
            std::vector<int> nonzero;
            std::copy_if(shifts.begin(), shifts.end(), std::back_inserter(nonzero), [](int s) { return s != 0; });
            QCOMPARE(*std::min_element(nonzero.begin(), nonzero.end()), l.minShift);
            QCOMPARE(*std::max_element(nonzero.begin(), nonzero.end()), l.maxShift);
            QVERIFY(l.agreementAfter > l.agreementBefore);
        }
        QVERIFY(kept > 0);
        QVERIFY(r.correctAfter > r.correctBefore);
        QCOMPARE(correctCount(m, untuned, d, 0, 160), r.correctBefore);
        QCOMPARE(correctCount(m, config, d, 0, 160), r.correctAfter);
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
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, biasCompensation(m, approx, d, 6));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, biasCompensation(m, approx, d, 0));
        // One image: nothing is held out, so nothing can be kept.
        const MitigationReport one = applyMitigation(Mitigation::BiasTune, m, approx, d, 1);
        QCOMPARE(one.heldOutImages, 0);
        for (const LayerMitigation& l : one.layers)
            for (const MitigationTrial& t : l.trials)
                QVERIFY(!t.kept);
    }
};

QTEST_APPLESS_MAIN(TestMitigation)
#include "test_mitigation.moc"
