// InferenceEngine against its reference twin (ReferenceForward: +1/-1 values,
// per-neuron Simulator::evaluate) on small random models: identical
// pre-activations, activations, scores and predictions, exact and
// approximate, with and without the skip, on one thread or several.
#include "inference_test_support.h"

#include "circuit/popcount_builder.h"
#include "util/cpu_dispatch.h"

#include <QtTest>

#include <cstdlib>
#include <string>

using namespace axbnn;
using namespace axbnn::test;

// Under the sanitizers (10-30 times slower) the suites that compare with the
// gate-level reference run on fewer rows and images (see the _data functions).
#ifdef AXBNN_SANITIZED_BUILD
constexpr bool kSanitizedBuild = true;
#else
constexpr bool kSanitizedBuild = false;
#endif

Q_DECLARE_METATYPE(axbnn::Topology)

class TestInference : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // test_inference_portable forces the portable kernels through AXBNN_ISA.
    void initTestCase()
    {
        const char* forced = std::getenv("AXBNN_ISA");
        if (forced && std::string(forced) == "portable")
            QCOMPARE(detectedIsa(), Isa::Portable);
        qInfo("kernels: %s", isaName(detectedIsa()).c_str());
    }

    void exactEngineMatchesReference_data()
    {
        QTest::addColumn<int>("model");
        QTest::addColumn<bool>("shifted");
        for (int m : {0, 1, 2})
            for (bool shifted : {false, true})
                QTest::addRow("model%d%s", m, shifted ? "-shifted" : "") << m << shifted;
    }

    void exactEngineMatchesReference()
    {
        QFETCH(int, model);
        QFETCH(bool, shifted);
        const Model m = makeModel(model);
        InferenceConfig config;
        if (shifted)
            config.thresholdShift = {3, 0, -2, 5, 1, -1, 2};
        const InferenceEngine engine(m, config);
        const ReferenceForward reference(m, config);
        const Dataset data = makeDataset(m.input, 12, 100 + model);
        const std::vector<int> predicted = engine.predict(data, 0, data.count);
        for (int i = 0; i < data.count; ++i) {
            const ForwardTrace expect = reference.run(data.image(i));
            QVERIFY(activationsAreMixed(expect));
            const QString diff = traceDifference(engine.trace(data.image(i)), expect);
            QVERIFY2(diff.isEmpty(), qPrintable(QString("image %1: %2").arg(i).arg(diff)));
            QCOMPARE(predicted[i], expect.prediction);
            QCOMPARE(engine.predictOne(data.image(i)), expect.prediction);
        }
    }

    void circuitWithoutApproximationEqualsExact_data()
    {
        QTest::addColumn<int>("model");
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("width");
        for (int m : {0, 1})
            for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
                for (int width : {0, 50})
                    QTest::addRow("model%d-%s-w%d", m, topologyName(t).c_str(), width) << m << t << width;
    }

    void circuitWithoutApproximationEqualsExact()
    {
        QFETCH(int, model);
        QFETCH(Topology, topology);
        QFETCH(int, width);
        const Model m = makeModel(model);
        const InferenceEngine exact(m);
        const InferenceResult expect = exact.run(makeDataset(m.input, 20, 7), 0, 20, true);
        for (SkipMode skip : {SkipMode::Never, SkipMode::Always, SkipMode::Auto}) {
            InferenceConfig config = InferenceConfig::withCircuit(m, circuit(topology, 0, 0, width), true);
            config.skip = skip;
            const InferenceEngine engine(m, config);
            const Dataset data = makeDataset(m.input, 20, 7);
            const InferenceResult got = engine.run(data, 0, 20);
            QCOMPARE(got.predictions, expect.predictions);
            QCOMPARE(got.scores, expect.scores);
            if (skip == SkipMode::Never) // only the error bound of 0 lets a group skip
                QCOMPARE(got.skippedGroups, uint64_t{0});
            for (int i = 0; i < 3; ++i)
                QVERIFY(traceDifference(engine.trace(data.image(i)), exact.trace(data.image(i))).isEmpty());
            const InferenceStats stats = engine.run(data, 0, 20, true).stats;
            for (const LayerStats& s : stats.layers) {
                QCOMPARE(s.valueChanged, uint64_t{0});
                QCOMPARE(s.flipped, uint64_t{0});
            }
        }
    }

    void approximateEngineMatchesGateLevelReference_data()
    {
        QTest::addColumn<int>("model");
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<int>("lsb");
        QTest::addColumn<int>("levels");
        QTest::addColumn<int>("width");
        // Under the sanitizers every fourth row, chosen so that every model
        // meets every topology and every setting: they look for memory
        // errors, which the gate-level comparison of the full table (the
        // normal build runs all of it) does not need 60 rows to reach.
        int row = 0;
        for (int m : {0, 1, 2})
            for (Topology t : {Topology::AdderTree, Topology::Dadda, Topology::Chain, Topology::Wallace})
                for (auto [lsb, levels, width] : {std::tuple{2, 0, 0}, {1, 0, 61}, {3, 1, 0}, {0, 2, 100}, {4, 0, 17}})
                    if (!kSanitizedBuild || row++ % 4 == 0)
                        QTest::addRow("model%d-%s-lsb%d-lev%d-w%d", m, topologyName(t).c_str(), lsb, levels, width)
                            << m << t << lsb << levels << width;
    }

    void approximateEngineMatchesGateLevelReference()
    {
        QFETCH(int, model);
        QFETCH(Topology, topology);
        QFETCH(int, lsb);
        QFETCH(int, levels);
        QFETCH(int, width);
        matchesGateLevelReference(model, circuit(topology, lsb, levels, width));
    }

    // The AMA cells and the AND/OR pairs (docs/cell-library.md) on every
    // neuron of a batch; 40 pairs exceed some layers' half fan-in, which
    // then pairs all inputs.
    void newCellsMatchGateLevelReference_data()
    {
        QTest::addColumn<int>("model");
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<QString>("cell");
        QTest::addColumn<int>("pairs");
        int row = 0;
        for (int m : {0, 1})
            for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
                for (auto [cell, pairs] : {std::pair{"ama1", 0},
                                           {"ama2", 0},
                                           {"ama3", 0},
                                           {"ama4", 0},
                                           {"ama5", 0},
                                           {"fa", 5},
                                           {"ama1", 40}})
                    if ((!kSanitizedBuild || row++ % 4 == 0) && (t != Topology::Chain || pairs > 0)
                        && (m == 0 || pairs > 0)) // the AMA cells on one model, the pairs on two
                        QTest::addRow("model%d-%s-%s-pairs%d", m, topologyName(t).c_str(), cell, pairs)
                            << m << t << QString(cell) << pairs;
    }

    void newCellsMatchGateLevelReference()
    {
        QFETCH(int, model);
        QFETCH(Topology, topology);
        QFETCH(QString, cell);
        QFETCH(int, pairs);
        PopcountUnitConfig unit = circuit(topology, cell == "fa" ? 0 : 2);
        unit.approx.faCell = cell.toStdString();
        unit.approx.pairs = pairs;
        matchesGateLevelReference(model, unit);
    }

    // The approximate 4:2 compressors (circuit/compressors.h) in the low
    // columns of Wallace and Dadda trees, alone and with MAJ-FA in LSB 1,
    // on every neuron of a batch.
    void compressorsMatchGateLevelReference_data()
    {
        QTest::addColumn<int>("model");
        QTest::addColumn<Topology>("topology");
        QTest::addColumn<QString>("compressor");
        QTest::addColumn<int>("columns");
        QTest::addColumn<int>("lsb");
        int row = 0;
        for (int m : {0, 1})
            for (Topology t : {Topology::Wallace, Topology::Dadda})
                for (const Compressor& c : compressorTable())
                    for (auto [columns, lsb] : {std::pair{2, 0}, {3, 1}})
                        if (!kSanitizedBuild || row++ % 4 == 0)
                            QTest::addRow("model%d-%s-%s-k%d-lsb%d", m, topologyName(t).c_str(), c.name, columns, lsb)
                                << m << t << QString(c.name) << columns << lsb;
    }

    void compressorsMatchGateLevelReference()
    {
        QFETCH(int, model);
        QFETCH(Topology, topology);
        QFETCH(QString, compressor);
        QFETCH(int, columns);
        QFETCH(int, lsb);
        PopcountUnitConfig unit = circuit(topology, lsb);
        unit.approx.compressorColumns = columns;
        unit.approx.compressor = compressor.toStdString();
        matchesGateLevelReference(model, unit);
    }

    void multiThreadedEqualsSingleThreaded()
    {
        const Model m = makeModel(2);
        const Dataset data = makeDataset(m.input, 45, 300);
        for (const InferenceConfig& base :
             {InferenceConfig{}, InferenceConfig::withCircuit(m, circuit(Topology::AdderTree, 2))}) {
            InferenceConfig one = base, three = base;
            one.threads = 1;
            three.threads = 3;
            for (bool stats : {false, true}) {
                const InferenceResult a = InferenceEngine(m, one).run(data, 2, 41, stats);
                const InferenceResult b = InferenceEngine(m, three).run(data, 2, 41, stats);
                QCOMPARE(b.predictions, a.predictions);
                QCOMPARE(b.scores, a.scores);
                QCOMPARE(b.circuitGroups + b.skippedGroups, a.circuitGroups + a.skippedGroups);
                QVERIFY(sameStats(a.stats, b.stats));
            }
        }
    }

    // Images with a uniform background and repeated images: the circuits of a
    // convolution run once per distinct patch of a batch and the repeats are
    // copied. The results equal the reference, which has no such shortcut,
    // and the statistics pass (which evaluates every neuron), with fewer
    // groups through the circuits.
    void repeatedPatchesAreCountedOnce_data()
    {
        QTest::addColumn<int>("model");
        QTest::addColumn<int>("lsb");
        QTest::addColumn<int>("width");
        for (int m : {0, 2})
            for (auto [lsb, width] : {std::pair{2, 0}, {1, 61}})
                QTest::addRow("model%d-lsb%d-w%d", m, lsb, width) << m << lsb << width;
    }

    void repeatedPatchesAreCountedOnce()
    {
        QFETCH(int, model);
        QFETCH(int, lsb);
        QFETCH(int, width);
        const Model m = makeModel(model);
        const InferenceConfig config =
            InferenceConfig::withCircuit(m, circuit(Topology::AdderTree, lsb, 0, width), true);
        Dataset data = makeDataset(m.input, kSanitizedBuild ? 8 : 20, 500 + model);
        const size_t size = m.input.size();
        for (int i = 0; i < data.count; ++i) {
            uint8_t* image = data.images.data() + i * size;
            if (i % 4 == 3) // a repeat of the image before
                std::copy_n(image - size, size, image);
            else // background everywhere but the first third
                std::fill(image + size / 3, image + size, uint8_t{0});
        }
        const InferenceEngine engine(m, config);
        const ReferenceForward reference(m, config);
        const InferenceResult fast = engine.run(data, 0, data.count);
        const InferenceResult full = engine.run(data, 0, data.count, true);
        QCOMPARE(fast.predictions, full.predictions);
        QCOMPARE(fast.scores, full.scores);
        for (int i = 0; i < data.count; ++i)
            QCOMPARE(fast.predictions[i], reference.run(data.image(i)).prediction);
        QVERIFY2(fast.circuitGroups < full.circuitGroups,
                 qPrintable(QString("%1 of %2 groups").arg(fast.circuitGroups).arg(full.circuitGroups)));
    }

    // Convolution positions whose patch is the all-zero image's take its
    // output, exact and circuit layers alike: scores equal those of the
    // statistics pass, which computes every neuron, and the reference's
    // predictions.
    void zeroImagePatchesTakeItsOutput_data()
    {
        QTest::addColumn<int>("model");
        QTest::addColumn<bool>("approximate");
        for (int m : {0, 2})
            for (bool approximate : {false, true})
                QTest::addRow("model%d-%s", m, approximate ? "approximate" : "exact") << m << approximate;
    }

    void zeroImagePatchesTakeItsOutput()
    {
        QFETCH(int, model);
        QFETCH(bool, approximate);
        const Model m = makeModel(model);
        const InferenceConfig config = approximate
            ? InferenceConfig::withCircuit(m, circuit(Topology::AdderTree, 2, 0, 0), true)
            : InferenceConfig{};
        Dataset data = makeDataset(m.input, kSanitizedBuild ? 8 : 24, 700 + model);
        const size_t size = m.input.size();
        for (int i = 0; i < data.count; ++i) { // dark but for a band that moves from image to image
            uint8_t* image = data.images.data() + i * size;
            const size_t band = size / 4, at = (i * size / 7) % (size - band);
            std::fill(image, image + at, uint8_t{0});
            std::fill(image + at + band, image + size, uint8_t{0});
        }
        const InferenceEngine engine(m, config);
        const ReferenceForward reference(m, config);
        const InferenceResult fast = engine.run(data, 0, data.count);
        const InferenceResult full = engine.run(data, 0, data.count, true);
        QVERIFY(fast.zeroImagePatches > 0);
        QCOMPARE(full.zeroImagePatches, uint64_t{0});
        QCOMPARE(fast.predictions, full.predictions);
        QCOMPARE(fast.scores, full.scores);
        for (int i = 0; i < data.count; ++i)
            QCOMPARE(fast.predictions[i], reference.run(data.image(i)).prediction);
    }

    void skipGivesIdenticalResults()
    {
        // One approximate full adder in column 2 per layer: error range
        // [-4, 4], narrow enough for most groups to skip the circuit.
        const Model m = makeModel(0);
        const CellLibrary lib = CellLibrary::defaults();
        InferenceConfig never;
        never.popcount.resize(m.layers.size());
        for (size_t i = 0; i < m.layers.size(); ++i) {
            const Layer& l = m.layers[i];
            if (l.kind != L::Conv && l.kind != L::Dense)
                continue;
            const Netlist net = buildPopcount(l.fanIn(), Topology::AdderTree, lib);
            int cell = -1;
            for (size_t c = 0; c < net.cells.size() && cell < 0; ++c)
                if (net.typeOf(net.cells[c]).name == "fa" && net.cells[c].column == 2)
                    cell = static_cast<int>(c);
            QVERIFY(cell >= 0);
            ApproxConfig a;
            a.extraCells = {cell};
            never.popcount[i] = PopcountUnitConfig::makeCircuit(Topology::AdderTree, a);
        }
        never.skip = SkipMode::Never;
        InferenceConfig always = never;
        always.skip = SkipMode::Always;
        const InferenceEngine a(m, never), b(m, always);
        QVERIFY(b.unit(2).boundsKnown());
        QVERIFY(b.unit(2).maxError() - b.unit(2).minError() <= 8);
        const Dataset data = makeDataset(m.input, 30, 400);
        const InferenceResult x = a.run(data, 0, data.count), y = b.run(data, 0, data.count);
        QCOMPARE(y.predictions, x.predictions);
        QCOMPARE(y.scores, x.scores);
        QCOMPARE(x.skippedGroups, uint64_t{0});
        QVERIFY(y.skippedGroups > 0);
        QVERIFY(y.circuitGroups > 0); // some groups were close to a threshold
        QCOMPARE(y.skippedGroups + y.circuitGroups, x.circuitGroups);
        InferenceConfig automatic = never; // stops checking where it rarely skips
        automatic.skip = SkipMode::Auto;
        const InferenceResult z = InferenceEngine(m, automatic).run(data, 0, data.count);
        QCOMPARE(z.predictions, x.predictions);
        QCOMPARE(z.scores, x.scores);
        // The activations before the Scores layer agree too, not only the argmax.
        const ReferenceForward reference(m, never);
        for (int i = 0; i < 3; ++i)
            QVERIFY(traceDifference(b.trace(data.image(i)), reference.run(data.image(i))).isEmpty());
    }

    void statisticsCountWhatTheTraceShows()
    {
        const Model m = makeModel(2);
        const InferenceConfig config = InferenceConfig::withCircuit(m, circuit(Topology::AdderTree, 2));
        const InferenceEngine engine(m, config);
        const Dataset data = makeDataset(m.input, 10, 500);
        const InferenceStats stats = engine.run(data, 0, data.count, true).stats;
        QCOMPARE(stats.images, data.count);
        std::vector<uint64_t> active(m.layers.size(), 0);
        for (int i = 0; i < data.count; ++i) {
            const ForwardTrace t = engine.trace(data.image(i));
            for (size_t l = 0; l < t.layers.size(); ++l)
                active[l] += std::count(t.layers[l].activations.begin(), t.layers[l].activations.end(), 1);
        }
        for (size_t l = 0; l < m.layers.size(); ++l) {
            const Layer& layer = m.layers[l];
            const LayerStats& s = stats.layers[l];
            if (layer.kind == L::MaxPool) {
                QCOMPARE(s.neurons, uint64_t{0});
                continue;
            }
            QCOMPARE(s.neurons, static_cast<uint64_t>(layer.out.size()) * data.count);
            if (layer.kind != L::InputConv) {
                QCOMPARE(s.xnorInputs, s.neurons * layer.fanIn());
                QVERIFY(s.xnorOneFraction() > 0.2 && s.xnorOneFraction() < 0.8);
            }
            if (layer.kind == L::Conv || layer.kind == L::Dense) {
                QVERIFY(s.valueChanged > 0);
                uint64_t total = 0;
                for (uint64_t c : s.errorHistogram)
                    total += c;
                QCOMPARE(total, s.neurons);
                QCOMPARE(s.errorHistogram[static_cast<size_t>(-s.errorOffset)], s.neurons - s.valueChanged);
                // Circuit activations = exact activations - those turned off + those turned on.
                QVERIFY(s.flipped <= s.valueChanged);
            }
            if (layer.kind == L::InputConv) { // exact layer: margin >= 0 exactly for active neurons
                uint64_t nonNegative = 0;
                for (size_t i = 0; i < s.marginHistogram.size(); ++i)
                    if (static_cast<int>(i) + s.marginOffset >= 0)
                        nonNegative += s.marginHistogram[i];
                QCOMPARE(nonNegative, active[l]);
            }
        }
    }

    void cancellingThrows()
    {
        const Model m = makeModel(1);
        InferenceConfig config;
        config.threads = 2;
        const InferenceEngine engine(m, config);
        const Dataset data = makeDataset(m.input, 200, 600);
        bool thrown = false;
        try {
            engine.predict(data, 0, data.count, [](int, int) { return false; });
        } catch (const InferenceCancelled&) {
            thrown = true;
        }
        QVERIFY(thrown);
        int calls = 0, last = -1;
        engine.predict(data, 0, data.count, [&](int done, int total) {
            ++calls;
            last = done;
            return total == data.count;
        });
        QVERIFY(calls > 0);
        QCOMPARE(last, data.count);
    }

    void badRequestsAreRejected()
    {
        const Model m = makeModel(1);
        const InferenceEngine engine(m);
        const Dataset wrongShape = makeDataset({28, 28, 1}, 3, 1);
        const Dataset data = makeDataset(m.input, 3, 1);
        auto throwsInvalid = [](auto&& f) {
            try {
                f();
            } catch (const std::invalid_argument&) {
                return true;
            }
            return false;
        };
        QVERIFY(throwsInvalid([&] { engine.predict(wrongShape, 0, 1); }));
        QVERIFY(throwsInvalid([&] { engine.predict(data, 2, 2); }));
        QVERIFY(throwsInvalid([&] { engine.predict(data, -1, 1); }));
        QVERIFY(throwsInvalid([&] { engine.predictOne(std::vector<uint8_t>(5)); }));
        QVERIFY(throwsInvalid([&] { PopcountUnit(10, circuit(Topology::AdderTree, 1, 0, -3)); }));
        QCOMPARE(engine.predict(data, 3, 0).size(), size_t{0});
        // A dataset of the wrong shape is named by the file it came from.
        Dataset named = wrongShape;
        named.source = "/data/other.h5";
        try {
            engine.predict(named, 0, 1);
            QFAIL("a dataset of another shape was accepted");
        } catch (const std::invalid_argument& e) {
            const QString message = e.what();
            QVERIFY2(message.startsWith("/data/other.h5: dataset images are 28x28x1 but the model expects"), e.what());
        }
    }

private:
    // InferenceEngine against ReferenceForward through the circuits of
    // `unit`: identical traces, predictions and scores on a batch, and the
    // approximation changes something.
    static void matchesGateLevelReference(int model, const PopcountUnitConfig& unit)
    {
        const Model m = makeModel(model);
        InferenceConfig config = InferenceConfig::withCircuit(m, unit, true);
        config.thresholdShift = {0, 0, 1, -3, 2};
        const InferenceEngine engine(m, config);
        const ReferenceForward reference(m, config);
        const Dataset data = makeDataset(m.input, kSanitizedBuild ? 4 : 9, 200 + model);
        const InferenceResult all = engine.run(data, 0, data.count);
        bool changed = false;
        const InferenceEngine exact(m);
        for (int i = 0; i < data.count; ++i) {
            const ForwardTrace expect = reference.run(data.image(i));
            const ForwardTrace got = engine.trace(data.image(i));
            const QString diff = traceDifference(got, expect);
            QVERIFY2(diff.isEmpty(), qPrintable(QString("image %1: %2").arg(i).arg(diff)));
            QCOMPARE(all.predictions[i], expect.prediction);
            for (size_t c = 0; c < expect.scores.size(); ++c)
                QCOMPARE(all.scores[i * expect.scores.size() + c], expect.scores[c]);
            changed = changed || !traceDifference(got, exact.trace(data.image(i))).isEmpty();
        }
        QVERIFY(changed); // the approximation did change something
    }
};

QTEST_APPLESS_MAIN(TestInference)
#include "test_inference.moc"
