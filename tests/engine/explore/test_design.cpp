// Designs: what each aspect hash depends on, the JSON round trip, and
// evaluate() against the engine run by hand.
#include "bnn/random_model.h"
#include "circuit/knobs.h"
#include "explore/design.h"
#include "explore/evaluate.h"

#include <random>

#include <QtTest>

using namespace axbnn;

namespace {

Model model(uint64_t seed = 5)
{
    return smallRandomModel(seed);
}

Dataset images(int count)
{
    Dataset d;
    d.shape = {8, 8, 1};
    d.count = count;
    d.classNames.assign(10, "c");
    d.source = "test-images";
    std::mt19937_64 rng(9);
    for (int i = 0; i < count * 64; ++i)
        d.images.push_back(static_cast<uint8_t>(rng() & 0xff));
    for (int i = 0; i < count; ++i)
        d.labels.push_back(static_cast<uint8_t>(rng() % 10));
    return d;
}

} // namespace

class TestDesign : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aspectHashesDependOnWhatTheNumbersDependOn()
    {
        const Model m = model();
        Design a;
        a.model = "m.h5";
        a.unit.approx.lsbColumns = 2;
        const auto hash = [&](const Design& d, Aspect aspect) { return designHash(d, aspect, &m); };

        Design p = a; // p changes the circuit's error, never accuracy
        p.p = 0.3;
        QVERIFY(hash(p, Aspect::Circuit) != hash(a, Aspect::Circuit));
        QCOMPARE(hash(p, Aspect::Accuracy), hash(a, Aspect::Accuracy));

        Design level = a; // the level sweep sweeps the level
        level.unit.approx.lsbColumns = 3;
        QVERIFY(hash(level, Aspect::Accuracy) != hash(a, Aspect::Accuracy));
        QCOMPARE(hash(level, Aspect::LevelSweep), hash(a, Aspect::LevelSweep));

        Design cells = a; // hand-picked cells count only on the explored layer
        cells.unit.approx.extraCells = {3};
        QCOMPARE(hash(cells, Aspect::Accuracy), hash(a, Aspect::Accuracy));
        cells.selectedLayer = 2;
        cells.inputs = m.layers[2].fanIn();
        QVERIFY(hash(cells, Aspect::Accuracy) != hash(a, Aspect::Accuracy));
        QVERIFY(hash(cells, Aspect::Circuit) != hash(a, Aspect::Circuit));
        QCOMPARE(hash(cells, Aspect::CostSweep), hash(a, Aspect::CostSweep));

        Design mitigated = a;
        mitigated.mitigation = Mitigation::Bias;
        QVERIFY(hash(mitigated, Aspect::Accuracy) != hash(a, Aspect::Accuracy));
        QCOMPARE(hash(mitigated, Aspect::Circuit), hash(a, Aspect::Circuit));

        // Another model at the same path is another design.
        const Model other = model(6);
        QVERIFY(designHash(a, Aspect::Accuracy, &other) != hash(a, Aspect::Accuracy));
        // Stable: the same design, the same 16 hex digits.
        QCOMPARE(hash(a, Aspect::All), hash(Design(a), Aspect::All));
        QCOMPARE(hash(a, Aspect::All).size(), size_t{16});
    }

    void designJsonRoundTrips()
    {
        Design d;
        d.inputs = 128;
        d.unit.topology = Topology::Dadda;
        d.unit.approx.haCell = "or-ha";
        d.unit.approx.levels = 3;
        d.unit.approx.pairs = 5;
        d.unit.approx.compressorColumns = 2;
        d.unit.approx.compressor = compressorTable().back().name; // not the default
        d.layers[3].approx.lsbColumns = 1;
        d.layers[4].circuit = false;
        d.mitigation = Mitigation::Tune;
        d.data.calibrationLimit = 77;
        const Design back = designFromJson(nlohmann::json::parse(designJson(d).dump()), "test");
        QVERIFY(back == d);
        QCOMPARE(designHash(back), designHash(d));
        // Every knob under its one JSON key (circuit/knobs.h).
        const nlohmann::json unit = designJson(d)["unit"];
        for (const KnobInfo& knob : knobTable())
            QCOMPARE(unit[knob.key].get<int>(), knobValue(d.unit.approx, knob.knob));
        // Column and level cells (mixed popcounts) round-trip, change the
        // hash, and are absent from the JSON of a unit without them.
        QVERIFY(!unit.contains(unit_keys::kColumnCells) && !unit.contains(unit_keys::kLevelCells));
        Design mixed = d;
        mixed.unit.approx.columnCells = {{0, "maj"}, {2, "fa"}};
        mixed.layers[3].approx.levelCells = {{1, "maj-fa"}};
        const Design mixedBack = designFromJson(nlohmann::json::parse(designJson(mixed).dump()), "test");
        QVERIFY(mixedBack == mixed);
        QVERIFY(!(mixedBack == d));
        QVERIFY(designHash(mixed) != designHash(d));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 designFromJson(nlohmann::json::parse(R"({"inputs": 9, "unit": {"column_cells":
                                                                          {"0": ""}}, "p": 0.5})"),
                                                "t.json"));
        // A knob added later is written only when set: older files and hashes stay as they were.
        d.unit.approx.pairs = 0;
        QVERIFY(!designJson(d)["unit"].contains(knobInfo(Knob::Pairs).key));
        QCOMPARE(designFromJson(designJson(d), "test").unit.approx.pairs, 0);
        // The compressor name travels with its knob and is left out without it.
        QCOMPARE(unit.value(unit_keys::kCompressor, ""), std::string(compressorTable().back().name));
        d.unit.approx.compressorColumns = 0;
        QVERIFY(!designJson(d)["unit"].contains(knobInfo(Knob::Compressors).key));
        QVERIFY(!designJson(d)["unit"].contains(unit_keys::kCompressor));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 designFromJson(nlohmann::json::parse(R"({"inputs": 9, "unit": {"approx_lsb": 65},
                                                                          "p": 0.5})"),
                                                "t.json"));
    }

    void evaluateEqualsTheEngineAndCachesByChunk()
    {
        const Model m = model();
        const Dataset data = images(250);
        Design d;
        d.model = std::string(1, 'm'); // not = "m": GCC 12 warns -Wrestrict falsely on it here
        d.unit.approx.lsbColumns = 2;
        d.mitigation = Mitigation::Bias;
        InferenceConfig config =
            InferenceConfig::withCircuit(m, PopcountUnitConfig::makeCircuit(Topology::AdderTree, d.unit.approx));
        applyMitigation(Mitigation::Bias, m, config, data, d.data.calibrationLimit);
        const AccuracyCount byHand = countCorrect(InferenceEngine(m, config).predict(data, 0, data.count), data);

        EvaluationCache cache;
        EvaluateOptions options;
        options.cache = &cache;
        options.chunk = 100;
        const Evaluation first = evaluate(m, d, data, &data, options);
        QCOMPARE(first.count, byHand);
        QVERIFY(!first.cached);
        QCOMPARE(cache.misses(), 3); // 100 + 100 + 50
        const Evaluation again = evaluate(m, d, data, &data, options);
        QVERIFY(again.cached);
        QCOMPARE(again.count, byHand);
        QCOMPARE(cache.hits(), 3);
        QCOMPARE(again.hash, first.hash);
    }
};

QTEST_MAIN(TestDesign)
#include "test_design.moc"
