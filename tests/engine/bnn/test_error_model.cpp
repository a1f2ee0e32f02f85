// The error-probability abstraction (engine/bnn/error_model.h): P(e | s)
// against brute-force enumeration, its Binomial mixture against
// analyzeErrors, sampled tables within their statistical tolerance, the
// sampler, the bit-flip equivalence, the JSON file and its error messages.
#include "analysis/error_accumulator.h"
#include "analysis/error_analysis.h"
#include "bnn/error_model.h"
#include "bnn/random_model.h"
#include "circuit/popcount_builder.h"
#include "io/error_model_json.h"
#include "io/inference_json.h"
#include "util/random_bits.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <map>

using namespace axbnn;

namespace {

PopcountUnitConfig unitConfig(const QString& name)
{
    // name: topology/cell/lsb/levels/width, e.g. "adder-tree/maj-fa/1/0/0"
    const QStringList f = name.split('/');
    ApproxConfig a;
    a.faCell = f[1].toStdString();
    a.lsbColumns = f[2].toInt();
    a.levels = f[3].toInt();
    if (f.size() > 5)
        a.haCell = f[5].toStdString();
    return PopcountUnitConfig::makeCircuit(parseTopology(f[0].toStdString()), a, f[4].toInt());
}

// P(e | s) by evaluating every pattern with the unit's scalar reference path.
std::vector<std::map<int, double>> bruteForce(const PopcountUnit& unit)
{
    const int n = unit.fanIn();
    std::vector<std::map<int, double>> rows(static_cast<size_t>(n) + 1);
    std::vector<uint64_t> totals(static_cast<size_t>(n) + 1, 0);
    std::vector<uint8_t> bits(static_cast<size_t>(n));
    for (uint64_t v = 0; v < (uint64_t{1} << n); ++v) {
        int s = 0;
        for (int i = 0; i < n; ++i) {
            bits[i] = (v >> i) & 1;
            s += bits[i];
        }
        rows[s][unit.evaluate(bits) - s] += 1.0;
        ++totals[s];
    }
    for (int s = 0; s <= n; ++s)
        for (auto& [e, c] : rows[s])
            c /= static_cast<double>(totals[s]);
    return rows;
}

double tableProbability(const LayerErrorModel& l, int s, int e)
{
    const int i = e - l.eMin[s];
    return i >= 0 && i < static_cast<int>(l.probs[s].size()) ? l.probs[s][i] : 0.0;
}

// E[Var(e | s)] over s ~ Binomial(N, p): the sampling variance of a mean
// estimated from one pattern per s (a bound however the rows correlate).
double meanConditionalVariance(const LayerErrorModel& l, double p)
{
    double v = 0.0;
    for (int s = 0; s <= l.fanIn; ++s) {
        const double m = l.conditionalMean(s);
        v += detail::binomialPmf(l.fanIn, s, p) * (l.conditionalMeanSquare(s) - m * m);
    }
    return v;
}

double mixtureMean(const LayerErrorModel& l, double p)
{
    double mean = 0.0;
    for (int s = 0; s <= l.fanIn; ++s)
        mean += detail::binomialPmf(l.fanIn, s, p) * l.conditionalMean(s);
    return mean;
}

std::string jsonOf(const ErrorModel& m)
{
    return errorModelJson(m).dump();
}

ErrorModel smallErrorModel()
{
    ErrorModel m;
    const PopcountUnitConfig cfg = unitConfig("adder-tree/maj-fa/1/0/0");
    LayerErrorModel l = abstractLayerErrorModel(PopcountUnit(9, cfg), 0.4);
    l.layer = 2;
    l.kind = "conv";
    l.circuit = unitConfigJson(cfg);
    m.layers.push_back(l);
    m.circuit = {{"default", l.circuit}};
    m.statistic = "iid";
    return m;
}

} // namespace

class TestErrorModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void exhaustiveRowsEqualBruteForce_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<QString>("config");
        for (int n : {6, 9, 12})
            for (const char* c : {"adder-tree/maj-fa/1/0/0", "adder-tree/maj-fa/2/0/0", "adder-tree/maj/1/0/0",
                                  "adder-tree/maj-fa/0/1/0", "wallace/maj-fa/1/0/0", "chain/maj-fa/1/0/0/or-ha",
                                  "dadda/maj-fa/2/0/0/or-ha", "adder-tree/maj-fa/1/0/4"})
                QTest::newRow(qPrintable(QString("n%1-%2").arg(n).arg(c))) << n << QString(c);
    }

    void exhaustiveRowsEqualBruteForce()
    {
        QFETCH(int, n);
        QFETCH(QString, config);
        const PopcountUnit unit(n, unitConfig(config));
        const LayerErrorModel l = abstractLayerErrorModel(unit, 0.5);
        QCOMPARE(l.method, std::string("exhaustive"));
        QCOMPARE(l.fanIn, n);
        QCOMPARE(static_cast<int>(l.probs.size()), n + 1);
        const auto expect = bruteForce(unit);
        bool anyError = false;
        for (int s = 0; s <= n; ++s) {
            double sum = 0.0;
            for (double p : l.probs[s])
                sum += p;
            QVERIFY(std::abs(sum - 1.0) < 1e-12);
            QVERIFY(l.probs[s].front() > 0.0 && l.probs[s].back() > 0.0); // zero tails trimmed
            for (const auto& [e, p] : expect[s])
                QVERIFY2(
                    std::abs(tableProbability(l, s, e) - p) < 1e-12,
                    qPrintable(QString("s %1 e %2: %3 vs %4").arg(s).arg(e).arg(tableProbability(l, s, e)).arg(p)));
            for (size_t i = 0; i < l.probs[s].size(); ++i)
                QVERIFY(l.probs[s][i] == 0.0 || expect[s].count(l.eMin[s] + static_cast<int>(i)));
            anyError = anyError || expect[s].size() > 1 || !expect[s].count(0);
        }
        QVERIFY(anyError); // the configuration really is approximate
    }

    void binomialMixtureEqualsAnalyzedMean_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addColumn<double>("p");
        for (const char* c : {"adder-tree/maj-fa/1/0/0", "adder-tree/maj-fa/2/0/0", "wallace/maj/1/0/0"})
            for (double p : {0.2, 0.5, 0.65})
                QTest::newRow(qPrintable(QString("%1-p%2").arg(c).arg(p))) << QString(c) << p;
    }

    void binomialMixtureEqualsAnalyzedMean()
    {
        QFETCH(QString, config);
        QFETCH(double, p);
        const int n = 11;
        const PopcountUnitConfig cfg = unitConfig(config);
        const PopcountUnit unit(n, cfg);
        const LayerErrorModel l = abstractLayerErrorModel(unit, p);
        ErrorOptions options;
        options.p = p;
        const ErrorStats stats = analyzeErrors(*unit.chunks().front().netlist, options);
        QVERIFY(std::abs(mixtureMean(l, p) - stats.meanError) < 1e-10);
        QVERIFY(std::abs(l.meanError - stats.meanError) < 1e-10);
        QVERIFY(std::abs(l.errorRate - stats.errorRate) < 1e-10);
        QVERIFY(std::abs(l.errorStd * l.errorStd + l.meanError * l.meanError - stats.mse) < 1e-9);
        QCOMPARE(l.minError, stats.minError);
        QCOMPARE(l.maxError, stats.maxError);
    }

    void sampledMeanAgreesWithPropagation_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<QString>("config");
        QTest::addColumn<double>("p");
        QTest::addRow("576-lsb2-p0.5") << 576 << "adder-tree/maj-fa/2/0/0" << 0.5;
        QTest::addRow("576-lsb2-p0.4") << 576 << "adder-tree/maj-fa/2/0/0" << 0.4;
        QTest::addRow("300-lsb1-p0.6") << 300 << "adder-tree/maj-fa/1/0/0" << 0.6;
    }

    void sampledMeanAgreesWithPropagation()
    {
        QFETCH(int, n);
        QFETCH(QString, config);
        QFETCH(double, p);
        const PopcountUnit unit(n, unitConfig(config));
        ErrorModelOptions options;
        options.samplesPerSum = 2048;
        options.seed = 7;
        const LayerErrorModel l = abstractLayerErrorModel(unit, p, options);
        QCOMPARE(l.method, std::string("sampled"));
        QCOMPARE(l.samplesPerSum, uint64_t{2048});
        ErrorOptions exact;
        exact.p = p;
        exact.method = ErrorMethod::Propagation;
        const ErrorStats stats = analyzeErrors(*unit.chunks().front().netlist, exact);
        // Each row is an unbiased estimate from M patterns; the mixture's
        // standard error is at most sqrt(E[Var(e | s)] / M), whatever the
        // correlation between rows.
        const double tolerance = 5.0 * std::sqrt(meanConditionalVariance(l, p) / 2048.0) + 1e-9;
        QVERIFY(std::abs(stats.meanError) > 10 * tolerance || std::abs(stats.meanError) < 1e-9 || p == 0.5);
        QVERIFY2(std::abs(l.meanError - stats.meanError) < tolerance,
                 qPrintable(QString("%1 vs %2 (tolerance %3)").arg(l.meanError).arg(stats.meanError).arg(tolerance)));
    }

    void sampledTablesAreDeterministicAndThreadIndependent()
    {
        const PopcountUnit unit(200, unitConfig("adder-tree/maj-fa/2/0/0"));
        ErrorModelOptions options;
        options.samplesPerSum = 2048;
        options.threads = 1;
        const LayerErrorModel a = abstractLayerErrorModel(unit, 0.5, options);
        options.threads = 3;
        const LayerErrorModel b = abstractLayerErrorModel(unit, 0.5, options);
        options.seed = 2;
        const LayerErrorModel c = abstractLayerErrorModel(unit, 0.5, options);
        QVERIFY(a.probs == b.probs && a.eMin == b.eMin);
        QVERIFY(a.probs != c.probs);
    }

    void chunkedSampledRowsMatchEnumeration_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addRow("width5") << "adder-tree/maj-fa/1/0/5";
        QTest::addRow("width7-lsb2") << "adder-tree/maj-fa/2/0/7";
    }

    void chunkedSampledRowsMatchEnumeration()
    {
        // 14 inputs in chunks: the ones fall anywhere in the whole fan-in.
        QFETCH(QString, config);
        const PopcountUnit unit(14, unitConfig(config));
        QVERIFY(unit.chunks().size() >= 2);
        ErrorModelOptions options;
        options.method = "sampled";
        options.samplesPerSum = 8192;
        const LayerErrorModel sampled = abstractLayerErrorModel(unit, 0.5, options);
        const auto expect = bruteForce(unit);
        for (int s = 0; s <= 14; ++s)
            for (const auto& [e, p] : expect[s]) {
                const double sd = std::sqrt(p * (1 - p) / 8192.0);
                QVERIFY2(std::abs(tableProbability(sampled, s, e) - p) <= 5 * sd + 1e-12,
                         qPrintable(
                             QString("s %1 e %2: %3 vs %4").arg(s).arg(e).arg(tableProbability(sampled, s, e)).arg(p)));
            }
        options.method = "auto"; // exact path on the same chunks
        const LayerErrorModel exact = abstractLayerErrorModel(unit, 0.5, options);
        for (int s = 0; s <= 14; ++s)
            for (const auto& [e, p] : expect[s])
                QVERIFY(std::abs(tableProbability(exact, s, e) - p) < 1e-12);
    }

    void errorFreeUnitHasZeroRows()
    {
        const PopcountUnit unit(40, PopcountUnitConfig::makeCircuit(Topology::AdderTree, ApproxConfig{}));
        const LayerErrorModel l = abstractLayerErrorModel(unit, 0.5);
        QCOMPARE(l.method, std::string("error-free"));
        for (int s = 0; s <= 40; ++s)
            QCOMPARE(tableProbability(l, s, 0), 1.0);
        QCOMPARE(l.bitFlipProbability, 0.0);
    }

    void bitFlipProbabilityRecoversFlipNoise_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<double>("q");
        QTest::addColumn<double>("p");
        QTest::addRow("40-0.05-0.3") << 40 << 0.05 << 0.3;
        QTest::addRow("25-0.2-0.5") << 25 << 0.2 << 0.5;
        QTest::addRow("64-0.01-0.8") << 64 << 0.01 << 0.8;
    }

    void bitFlipProbabilityRecoversFlipNoise()
    {
        // Rows of genuine i.i.d. bit-flip noise: e = X - Y, X ~ Bin(N - s, q),
        // Y ~ Bin(s, q). Their equivalent flip probability must be q.
        QFETCH(int, n);
        QFETCH(double, q);
        QFETCH(double, p);
        LayerErrorModel l;
        l.fanIn = n;
        l.eMin.resize(n + 1);
        l.probs.resize(n + 1);
        for (int s = 0; s <= n; ++s) {
            l.eMin[s] = -s;
            l.probs[s].assign(static_cast<size_t>(n) + 1, 0.0);
            for (int x = 0; x <= n - s; ++x)
                for (int y = 0; y <= s; ++y)
                    l.probs[s][x - y + s] += detail::binomialPmf(n - s, x, q) * detail::binomialPmf(s, y, q);
        }
        setErrorSummary(l, p);
        QVERIFY2(std::abs(l.bitFlipProbability - q) < 1e-9, qPrintable(QString::number(l.bitFlipProbability)));
        QVERIFY(std::abs(l.meanError - q * n * (1 - 2 * p)) < 1e-9); // E[e] = q (N - 2 E[s])
    }

    void samplerFrequenciesMatchTable()
    {
        LayerErrorModel l;
        l.fanIn = 2;
        l.eMin = {0, -2, 1};
        l.probs = {{1.0}, {0.1, 0.0, 0.25, 0.6, 0.05}, {0.5, 0.5}};
        const ErrorSampler sampler(l);
        QCOMPARE(sampler.fanIn(), 2);
        Rng rng(3);
        const int draws = 200000;
        std::map<int, int> seen;
        for (int k = 0; k < draws; ++k)
            ++seen[sampler.sample(1, rng.next())];
        QCOMPARE(seen.count(-1), size_t{0}); // the zero-probability error is never drawn
        for (size_t i = 0; i < l.probs[1].size(); ++i) {
            const double p = l.probs[1][i];
            const double f = static_cast<double>(seen[l.eMin[1] + static_cast<int>(i)]) / draws;
            QVERIFY2(std::abs(f - p) <= 5 * std::sqrt(p * (1 - p) / draws) + 1e-12,
                     qPrintable(QString("e %1: %2 vs %3").arg(l.eMin[1] + int(i)).arg(f).arg(p)));
        }
        QCOMPARE(sampler.sample(0, ~uint64_t{0}), 0);
        QCOMPARE(sampler.sample(1, 0), -2);
        QCOMPARE(sampler.sample(1, ~uint64_t{0}), 2);
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, sampler.sample(3, 0));
    }

    void jsonRoundTripIsIdentical()
    {
        ErrorModel m = smallErrorModel();
        const PopcountUnit big(300, unitConfig("adder-tree/maj-fa/2/0/64"));
        ErrorModelOptions options;
        options.samplesPerSum = 512;
        LayerErrorModel l = abstractLayerErrorModel(big, 0.37, options);
        l.layer = 4;
        l.kind = "dense";
        m.layers.push_back(l);
        m.statistic = "measured";
        m.modelFile = "model.h5";
        m.seed = 99;
        const ErrorModel back = errorModelFromJson(errorModelJson(m), "memory");
        QCOMPARE(jsonOf(back), jsonOf(m));
        QTemporaryDir dir;
        const std::string path = dir.filePath("em.json").toStdString();
        saveErrorModel(m, path);
        const ErrorModel loaded = loadErrorModel(path);
        QCOMPARE(jsonOf(loaded), jsonOf(m));
        QVERIFY(loaded.layers[1].probs == l.probs);
        QCOMPARE(loaded.layers[1].bitFlipProbability, l.bitFlipProbability);
        QCOMPARE(loaded.forLayer(4)->fanIn, 300);
        QVERIFY(loaded.forLayer(3) == nullptr);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1); // no temporary left
    }

    void badFilesAreRefusedWithTheirMessage_data()
    {
        QTest::addColumn<QString>("message");
        QTest::addRow("not-json") << "not valid JSON";
        QTest::addRow("format") << "format is \"something-else\", not \"axbnn-error-model\"";
        QTest::addRow("version") << "version 2 is not supported";
        QTest::addRow("row-sum") << "layers[0].conditional[0].p sums to 0.9, not 1";
        QTest::addRow("negative") << "layers[0].conditional[0].p[1] is negative";
        QTest::addRow("missing-row") << "layers[0].conditional has 9 rows but fan-in 9 needs 10";
        QTest::addRow("row-order") << "layers[0].conditional[0] has s = 1";
        QTest::addRow("fan-in") << "layers[0].fan_in must be a whole number from 1";
        QTest::addRow("kind") << "layers[0].kind must be";
        QTest::addRow("no-layers") << "missing \"layers\"";
        QTest::addRow("shift-bins") << "layers[0].neuron_shift.bins must be a whole number from 1 to 64";
        QTest::addRow("shift-count") << "layers[0].neuron_shift.values must be an array of neurons x bins (4)";
        QTest::addRow("shift-size") << "layers[0].neuron_shift.values[1] must be a finite number within +-9";
    }

    void badFilesAreRefusedWithTheirMessage()
    {
        QFETCH(QString, message);
        const std::string tag = QTest::currentDataTag();
        nlohmann::json j = errorModelJson(smallErrorModel());
        nlohmann::json& layer = j["layers"][0];
        nlohmann::json& rows = layer["conditional"];
        if (tag == "format")
            j["format"] = "something-else";
        else if (tag == "version")
            j["version"] = 2;
        else if (tag == "row-sum")
            rows[0]["p"] = {0.9};
        else if (tag == "negative")
            rows[0]["p"] = {1.5, -0.5};
        else if (tag == "missing-row")
            rows.erase(rows.size() - 1);
        else if (tag == "row-order")
            std::swap(rows[0], rows[1]);
        else if (tag == "fan-in")
            layer["fan_in"] = 0;
        else if (tag == "kind")
            layer["kind"] = "pool";
        else if (tag == "no-layers")
            j.erase("layers");
        else if (tag == "shift-bins")
            layer["neuron_shift"] = {{"bins", 0}, {"values", {0.5}}};
        else if (tag == "shift-count")
            layer["neuron_shift"] = {{"bins", 4}, {"values", {0.5, 0.25, 0.0}}};
        else if (tag == "shift-size")
            layer["neuron_shift"] = {{"bins", 1}, {"values", {0.5, 1e9}}};
        std::string text = j.dump();
        if (tag == "not-json")
            text.resize(text.size() / 2);
        QTemporaryDir dir;
        const std::string path = dir.filePath("em.json").toStdString();
        {
            std::ofstream out(path, std::ios::trunc);
            out << text;
        }
        try {
            loadErrorModel(path);
            QFAIL("accepted a bad file");
        } catch (const std::exception& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
            QVERIFY(QString(e.what()).startsWith(QString::fromStdString(path) + ": "));
        }
    }

    void errorModelMustFitTheModel()
    {
        const Model k3 = randomVgg3(1, 3);
        const Model k5 = randomVgg3(1, 5);
        ErrorModel m;
        LayerErrorModel l;
        l.layer = 2;
        l.kind = "conv";
        l.fanIn = 576;
        m.layers.push_back(l);
        checkErrorModelFits(m, k3); // fits
        try {
            checkErrorModelFits(m, k5);
            QFAIL("accepted a 576 fan-in model for a 1600 fan-in layer");
        } catch (const std::invalid_argument& e) {
            QCOMPARE(QString(e.what()),
                     QString("error model layer 2 has fan-in 576 but model layer 2 has fan-in 1600"));
        }
        m.layers[0].layer = 1;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, checkErrorModelFits(m, k3)); // a maxpool layer
        m.layers[0].layer = 9;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, checkErrorModelFits(m, k3));
        m.layers[0].layer = -1;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, checkErrorModelFits(m, k3));
    }

    void modelLayersGetTheirOwnTables()
    {
        const Model model = randomModel({8, 8, 1},
                                        {{LayerKind::InputConv, 8, 3, 1, 1},
                                         {LayerKind::MaxPool, 0, 0, 1, 0, 2},
                                         {LayerKind::Conv, 8, 3, 1, 1},
                                         {LayerKind::MaxPool, 0, 0, 1, 0, 2},
                                         {LayerKind::Dense, 16},
                                         {LayerKind::Scores, 10}},
                                        5);
        const PopcountUnitConfig unit = unitConfig("adder-tree/maj-fa/1/0/0");
        InferenceConfig config = InferenceConfig::withCircuit(model, unit);
        ErrorModelOptions options;
        options.samplesPerSum = 512;
        const ErrorModel m = abstractErrorModel(model, config, {0.5, 0.5, 0.3, 0.5, 0.7}, options);
        QCOMPARE(m.layers.size(), size_t{2}); // conv2 and fc; the scores layer stays exact
        QCOMPARE(m.layers[0].layer, 2);
        QCOMPARE(m.layers[0].kind, std::string("conv"));
        QCOMPARE(m.layers[0].fanIn, 72);
        QCOMPARE(m.layers[0].xnorP, 0.3);
        QCOMPARE(m.layers[1].layer, 4);
        QCOMPARE(m.layers[1].kind, std::string("dense"));
        QCOMPARE(m.layers[1].fanIn, 32);
        QCOMPARE(m.layers[1].xnorP, 0.7);
        QCOMPARE(m.statistic, std::string("measured"));
        checkErrorModelFits(m, model);
        // The circuit document is a layer configuration that gives back the same units.
        const InferenceConfig back = parseLayerConfig(m.circuit.dump(), "circuit", model, CellLibrary::defaults());
        for (int i = 0; i < static_cast<int>(model.layers.size()); ++i)
            QCOMPARE(unitConfigJson(back.unitFor(i)), unitConfigJson(config.unitFor(i)));
    }
};

QTEST_GUILESS_MAIN(TestErrorModel)
#include "test_error_model.moc"
