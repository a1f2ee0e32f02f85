// Error models from real data (engine/bnn/data_error_model.h): the engine's
// (s, e) counts against a count made here from the reference forward pass,
// the blend with the i.i.d. rows, the file round trip, and the difference
// from the i.i.d. model: large on strongly correlated inputs, within
// sampling error on i.i.d. inputs.
#include "inference_test_support.h"

#include "bnn/data_error_model.h"
#include "io/error_model_json.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>

using namespace axbnn;
using namespace axbnn::test;

namespace {

PopcountUnitConfig majFa(int lsb)
{
    ApproxConfig a;
    a.faCell = "maj-fa";
    a.lsbColumns = lsb;
    return PopcountUnitConfig::makeCircuit(Topology::AdderTree, a);
}

using Counts = std::vector<std::map<int, uint64_t>>; // [s][e] -> count

// The exact popcount of every neuron of binary layer `li`, computed here from
// the layer's input activations (the previous layer's traced activations,
// i.e. what the approximate network feeds it) and the weights.
std::vector<int> exactPopcounts(const Model& m, int li, const std::vector<int8_t>& in)
{
    const Layer& l = m.layers[li];
    const int n = l.fanIn();
    std::vector<int> s;
    if (l.kind != LayerKind::Conv) {
        for (int o = 0; o < l.outputs(); ++o) {
            int c = 0;
            for (int i = 0; i < n; ++i)
                c += in[i] == l.weights[static_cast<size_t>(o) * n + i];
            s.push_back(c);
        }
        return s;
    }
    for (int y = 0; y < l.out.height; ++y)
        for (int x = 0; x < l.out.width; ++x)
            for (int o = 0; o < l.out.channels; ++o) {
                int c = 0, k = 0;
                for (int ky = 0; ky < l.kernel; ++ky)
                    for (int kx = 0; kx < l.kernel; ++kx)
                        for (int ch = 0; ch < l.in.channels; ++ch, ++k) {
                            const int iy = y * l.stride + ky - l.padding, ix = x * l.stride + kx - l.padding;
                            const bool inside = iy >= 0 && iy < l.in.height && ix >= 0 && ix < l.in.width;
                            const int a =
                                inside ? in[(static_cast<size_t>(iy) * l.in.width + ix) * l.in.channels + ch] : -1;
                            c += a == l.weights[static_cast<size_t>(o) * n + k];
                        }
                s.push_back(c);
            }
    return s;
}

double rowProbability(const LayerErrorModel& l, int s, int e)
{
    const int i = e - l.eMin[s];
    return i >= 0 && i < static_cast<int>(l.probs[s].size()) ? l.probs[s][i] : 0.0;
}

// Over the measured s distribution: the difference of the mean errors of the
// data rows and the i.i.d. rows, in standard errors of that difference.
double meanDifferenceInStandardErrors(const LayerErrorModel& data, const LayerErrorModel& iid)
{
    double total = 0, diff = 0, variance = 0;
    for (uint64_t n : data.rowSamples)
        total += static_cast<double>(n);
    for (int s = 0; s <= data.fanIn; ++s) {
        const double w = static_cast<double>(data.rowSamples[s]) / total;
        if (w == 0)
            continue;
        const double m = iid.conditionalMean(s);
        diff += w * (data.conditionalMean(s) - m);
        variance += w * (iid.conditionalMeanSquare(s) - m * m);
    }
    // Data: total samples; i.i.d. rows: at most E[Var] / M (docs/error-model.md).
    const double rows = iid.samplesPerSum ? variance / static_cast<double>(iid.samplesPerSum) : 0.0; // 0: exact
    const double se = std::sqrt(variance / total + rows);
    return std::abs(diff) / se;
}

// Pixels 16 x 16 -> a 1x1 input layer firing iff pixel >= 128 (a fair coin
// for uniform pixels) -> an approximate dense layer of `outputs` neurons
// (random weights, fan-in 256) -> scores.
Model medianModel(int outputs)
{
    Model m = randomModel(
        {16, 16, 1}, {{LayerKind::InputConv, 1, 1, 1, 0}, {LayerKind::Dense, outputs}, {LayerKind::Scores, 4}}, 22);
    m.layers[0].weights = {1};
    m.layers[0].thresholds.threshold = {128};
    m.layers[0].thresholds.direction = {1};
    validateModel(m);
    return m;
}

} // namespace

class TestDataErrorModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // (a) The engine's counts are the (s, e) pairs of every neuron of every
    // circuit layer, s counted here from the reference forward pass.
    void countsEqualDirectCount()
    {
        const Model m = makeRandomModel(0);
        InferenceConfig config = InferenceConfig::withCircuit(m, majFa(2), true);
        config.threads = 2;
        const Dataset data = makeDataset(m.input, 5, 7);
        const MeasuredErrors measured = measureErrors(m, config, data, 0, data.count);
        QCOMPARE(measured.images, 5);

        const ReferenceForward ref(m, config);
        std::vector<Counts> direct(m.layers.size());
        constexpr int kBins = LayerStats::kNeuronBins;
        std::vector<std::vector<LayerStats::NeuronBin>> neuronBins(m.layers.size());
        for (int i = 0; i < data.count; ++i) {
            const ForwardTrace t = ref.run(data.image(i));
            for (size_t li = 1; li < m.layers.size(); ++li) {
                if (m.layers[li].kind == LayerKind::MaxPool)
                    continue;
                const std::vector<int> s = exactPopcounts(m, static_cast<int>(li), t.layers[li - 1].activations);
                QCOMPARE(s.size(), t.layers[li].values.size());
                direct[li].resize(static_cast<size_t>(m.layers[li].fanIn()) + 1);
                const int outputs = m.layers[li].out.channels, fanIn = m.layers[li].fanIn();
                neuronBins[li].resize(static_cast<size_t>(outputs) * kBins);
                for (size_t k = 0; k < s.size(); ++k) {
                    const int e = t.layers[li].values[k] - s[k];
                    ++direct[li][s[k]][e];
                    LayerStats::NeuronBin& b =
                        neuronBins[li][(k % outputs) * kBins + static_cast<size_t>(s[k] * kBins / (fanIn + 1))];
                    ++b.count;
                    b.sumError += e;
                    b.sumSum += s[k];
                }
            }
        }
        int layers = 0;
        uint64_t nonzero = 0;
        for (size_t li = 0; li < m.layers.size(); ++li) {
            const std::vector<LayerStats::ErrorRow>& rows = measured.layers[li].bySum;
            if (direct[li].empty()) {
                QVERIFY(rows.empty()); // no circuit, nothing counted
                continue;
            }
            ++layers;
            QCOMPARE(rows.size(), direct[li].size());
            // Per neuron and bin of s: the same samples, errors and counts.
            const std::vector<LayerStats::NeuronBin>& bins = measured.layers[li].byNeuron;
            QCOMPARE(bins.size(), neuronBins[li].size());
            for (size_t i = 0; i < bins.size(); ++i)
                QVERIFY2(bins[i].count == neuronBins[li][i].count && bins[i].sumError == neuronBins[li][i].sumError
                             && bins[i].sumSum == neuronBins[li][i].sumSum,
                         qPrintable(QString("layer %1 neuron %2 bin %3").arg(li).arg(i / kBins).arg(i % kBins)));
            for (size_t s = 0; s < rows.size(); ++s) {
                std::map<int, uint64_t> engine;
                for (size_t i = 0; i < rows[s].counts.size(); ++i)
                    if (rows[s].counts[i])
                        engine[rows[s].offset + static_cast<int>(i)] = rows[s].counts[i];
                QVERIFY2(engine == direct[li][s], qPrintable(QString("layer %1 row s = %2").arg(li).arg(s)));
                for (const auto& [e, c] : engine)
                    nonzero += e != 0 ? c : 0;
            }
        }
        QCOMPARE(layers, 5); // conv, conv, dense, dense and scores: every binary layer has a circuit
        QVERIFY(nonzero > 0); // the circuit made errors: the comparison covers them
    }

    // The data model's rows are the counts blended with the i.i.d. rows by
    // the documented rule; unseen rows are the i.i.d. rows; the file keeps
    // the sample counts and the data source.
    void rowsFollowTheBlendRule()
    {
        const Model m = makeRandomModel(1);
        InferenceConfig config = InferenceConfig::withCircuit(m, majFa(2));
        config.threads = 1;
        const Dataset data = makeDataset(m.input, 12, 3);
        const MeasuredErrors measured = measureErrors(m, config, data, 0, data.count);
        std::vector<double> p(m.layers.size(), 0.5);
        for (size_t i = 0; i < p.size(); ++i)
            p[i] = measured.layers[i].xnorP;
        ErrorModelOptions options;
        options.samplesPerSum = 512;
        const ErrorModel iid = abstractErrorModel(m, config, p, options);
        for (const double prior : {0.0, 3.0}) {
            const ErrorModel d = blendDataErrorModel(iid, measured, prior);
            QCOMPARE(QString::fromStdString(d.statistic), QString(kStatisticData));
            QCOMPARE(d.layers.size(), iid.layers.size());
            int seen = 0, unseen = 0;
            for (const LayerErrorModel& l : d.layers) {
                const LayerErrorModel& q = *iid.forLayer(l.layer);
                const auto& rows = measured.layers[l.layer].bySum;
                for (int s = 0; s <= l.fanIn; ++s) {
                    const uint64_t n = rows[s].total();
                    QCOMPARE(l.rowSamples[s], n);
                    double sum = 0;
                    for (double v : l.probs[s])
                        sum += v;
                    QVERIFY(std::abs(sum - 1.0) < 1e-12);
                    if (n == 0) {
                        ++unseen;
                        QCOMPARE(l.eMin[s], q.eMin[s]);
                        QVERIFY(l.probs[s] == q.probs[s]);
                        continue;
                    }
                    ++seen;
                    const int lo = std::min({l.eMin[s], q.eMin[s], rows[s].offset}) - 1;
                    const int hi = std::max({l.eMin[s] + static_cast<int>(l.probs[s].size()),
                                             q.eMin[s] + static_cast<int>(q.probs[s].size()),
                                             rows[s].offset + static_cast<int>(rows[s].counts.size())})
                        + 1;
                    for (int e = lo; e < hi; ++e) {
                        const int i = e - rows[s].offset;
                        const double c = i >= 0 && i < static_cast<int>(rows[s].counts.size()) ? rows[s].counts[i] : 0;
                        const double want = (c + prior * rowProbability(q, s, e)) / (static_cast<double>(n) + prior);
                        QVERIFY2(
                            std::abs(rowProbability(l, s, e) - want) < 1e-12,
                            qPrintable(QString("layer %1 s %2 e %3 prior %4").arg(l.layer).arg(s).arg(e).arg(prior)));
                    }
                }
            }
            QVERIFY(seen > 10 && unseen > 10);
            // Each neuron's shift: its errors beyond the blended rows' means, shrunk by the prior.
            int shifted = 0;
            for (const LayerErrorModel& l : d.layers) {
                const auto& bins = measured.layers[l.layer].byNeuron;
                QCOMPARE(l.neuronShift.size(), bins.size());
                QCOMPARE(l.neurons(), m.layers[l.layer].out.channels);
                for (size_t i = 0; i < bins.size(); ++i) {
                    if (bins[i].count == 0) {
                        QCOMPARE(l.neuronShift[i], 0.0);
                        continue;
                    }
                    const double n = static_cast<double>(bins[i].count), meanS = bins[i].sumSum / n;
                    const int s0 = static_cast<int>(meanS), s1 = std::min(s0 + 1, l.fanIn);
                    const double rowMean =
                        (1 - (meanS - s0)) * l.conditionalMean(s0) + (meanS - s0) * l.conditionalMean(s1);
                    const double want = (bins[i].sumError - n * rowMean) / (n + prior);
                    QVERIFY(std::abs(l.neuronShift[i] - want) < 1e-9);
                    shifted += std::abs(want) > 0.05;
                }
            }
            QVERIFY(shifted > 0); // neurons differ from their layer's rows
        }

        // The file: statistic, data source, per-row counts; read back alike.
        QTemporaryDir dir;
        const std::string path = dir.filePath("data.json").toStdString();
        const ErrorModel d = blendDataErrorModel(iid, measured, 3.0);
        saveErrorModel(d, path);
        const ErrorModel back = loadErrorModel(path);
        QCOMPARE(QString::fromStdString(back.statistic), QString(kStatisticData));
        QCOMPARE(back.dataImages, 12);
        QCOMPARE(back.priorSamples, 3.0);
        QCOMPARE(back.dataSource, d.dataSource);
        QCOMPARE(back.layers.size(), d.layers.size());
        for (size_t k = 0; k < d.layers.size(); ++k) {
            QVERIFY(back.layers[k].rowSamples == d.layers[k].rowSamples);
            QVERIFY(back.layers[k].eMin == d.layers[k].eMin);
            QCOMPARE(back.layers[k].meanError, d.layers[k].meanError);
            QCOMPARE(back.layers[k].neuronBins, d.layers[k].neuronBins);
            QVERIFY(back.layers[k].neuronShift == d.layers[k].neuronShift);
        }
        // An i.i.d. file carries none of it.
        saveErrorModel(iid, path);
        QVERIFY(loadErrorModel(path).layers[0].rowSamples.empty());
        QVERIFY(loadErrorModel(path).layers[0].neuronShift.empty());
    }

    // (b) Strongly correlated inputs make the data rows differ from the
    // i.i.d. rows far beyond sampling error; i.i.d. inputs give rows that
    // agree within it.
    void differsOnCorrelatedInputsAgreesOnIid()
    {
        ErrorModelOptions options;
        options.samplesPerSum = 4096;
        options.threads = 2;
        const int lsb = 2;

        // Correlated: smooth weights (each neuron all +1 or all -1) on images
        // whose first k pixels are bright (k random): every XNOR vector is a
        // run of ones then zeros (or the reverse), the most correlated inputs.
        Model corr = medianModel(8);
        for (int o = 0; o < 8; ++o)
            std::fill_n(corr.layers[1].weights.begin() + o * 256, 256, o % 2 ? int8_t{1} : int8_t{-1});
        Dataset runs = makeDataset(corr.input, 300, 5);
        Rng rng(6);
        for (int i = 0; i < runs.count; ++i) {
            const int k = static_cast<int>(rng.next() % 257);
            for (int j = 0; j < 256; ++j)
                runs.images[static_cast<size_t>(i) * 256 + j] = j < k ? 255 : 0;
        }
        InferenceConfig config = InferenceConfig::withCircuit(corr, majFa(lsb));
        config.threads = 2;
        const MeasuredErrors m1 = measureErrors(corr, config, runs, 0, runs.count);
        const ErrorModel iid1 = abstractErrorModel(corr, config, {0.5, 0.5, 0.5}, options);
        const ErrorModel data1 = blendDataErrorModel(iid1, m1, 0.0);
        const double corrSe = meanDifferenceInStandardErrors(*data1.forLayer(1), *iid1.forLayer(1));
        const ErrorModelDifference d1 = compareErrorModels(data1, iid1).at(0);
        qInfo("runs, dense layer: mean error data %.3f, i.i.d. rows %.3f (%.1f standard errors), TV %.3f", d1.meanData,
              d1.meanIidOnData, corrSe, d1.totalVariation);
        QVERIFY2(corrSe > 10.0, qPrintable(QString("only %1 standard errors apart").arg(corrSe)));
        QVERIFY(d1.totalVariation > 0.5);

        // i.i.d.: random weights on uniform pixels; every XNOR output is an
        // independent fair coin. Two neurons: the errors of neurons that see
        // the same image are correlated, which the standard errors below do
        // not allow for.
        const Model iidModel = medianModel(2);
        Dataset uniform = makeDataset(iidModel.input, 8000, 9);
        uniform.images = randomImages(iidModel.input, uniform.count, 10); // no dark background
        InferenceConfig config2 = InferenceConfig::withCircuit(iidModel, majFa(lsb));
        config2.threads = 2;
        const MeasuredErrors m2 = measureErrors(iidModel, config2, uniform, 0, uniform.count);
        QVERIFY(std::abs(m2.layers[1].xnorP - 0.5) < 0.01);
        const ErrorModel iid2 = abstractErrorModel(iidModel, config2, {0.5, 0.5, 0.5}, options);
        const ErrorModel data2 = blendDataErrorModel(iid2, m2, 0.0);
        const double iidSe = meanDifferenceInStandardErrors(*data2.forLayer(1), *iid2.forLayer(1));
        const ErrorModelDifference d2 = compareErrorModels(data2, iid2).at(0);
        qInfo("i.i.d. inputs, dense layer: mean error data %.3f, i.i.d. rows %.3f (%.1f standard errors), TV %.3f",
              d2.meanData, d2.meanIidOnData, iidSe, d2.totalVariation);
        QVERIFY2(iidSe < 5.0, qPrintable(QString("%1 standard errors apart").arg(iidSe)));
        QVERIFY(std::abs(d2.meanData) > 0.5); // the circuit is biased: agreement is not 0 == 0
        // Rows with many samples agree one by one as well.
        const LayerErrorModel& dr = *data2.forLayer(1);
        const LayerErrorModel& ir = *iid2.forLayer(1);
        int checked = 0;
        for (int s = 0; s <= dr.fanIn; ++s) {
            const double n = static_cast<double>(dr.rowSamples[s]);
            if (n < 400)
                continue;
            const double m = ir.conditionalMean(s), v = ir.conditionalMeanSquare(s) - m * m;
            const double se = std::sqrt(v / n + (ir.samplesPerSum ? v / static_cast<double>(ir.samplesPerSum) : 0.0));
            QVERIFY2(std::abs(dr.conditionalMean(s) - m) < 5.0 * se + 1e-9,
                     qPrintable(QString("s = %1: %2 vs %3").arg(s).arg(dr.conditionalMean(s)).arg(m)));
            ++checked;
        }
        QVERIFY(checked >= 10);
    }

    void badPriorIsRefused()
    {
        const Model m = makeRandomModel(1);
        const InferenceConfig config = InferenceConfig::withCircuit(m, majFa(1));
        const MeasuredErrors measured = measureErrors(m, config, makeDataset(m.input, 2, 1), 0, 2);
        ErrorModelOptions options;
        options.samplesPerSum = 512;
        const ErrorModel iid = abstractErrorModel(m, config, {}, options);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, blendDataErrorModel(iid, measured, -1.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, blendDataErrorModel(iid, measured, std::nan("")));
    }
};

QTEST_GUILESS_MAIN(TestDataErrorModel)
#include "test_data_error_model.moc"
