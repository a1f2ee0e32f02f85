// Error models from real data: the engine's opt-in (s, e) counts
// (InferenceConfig::errorBySum), blended row by row with the i.i.d. rows,
// and the distance between the two models.
#include "bnn/data_error_model.h"

#include "bnn/inference.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace axbnn {
namespace {

double probabilityOf(const LayerErrorModel& l, int s, int e)
{
    const int i = e - l.eMin[static_cast<size_t>(s)];
    const std::vector<double>& row = l.probs[static_cast<size_t>(s)];
    return i >= 0 && i < static_cast<int>(row.size()) ? row[static_cast<size_t>(i)] : 0.0;
}

double zeroErrorProbability(const LayerErrorModel& l, int s)
{
    return probabilityOf(l, s, 0);
}

int rowEnd(const LayerErrorModel& l, int s) // one past the largest error of row s
{
    return l.eMin[static_cast<size_t>(s)] + static_cast<int>(l.probs[static_cast<size_t>(s)].size());
}

double rowDistance(const LayerErrorModel& a, const LayerErrorModel& b, int s)
{
    const int lo = std::min(a.eMin[static_cast<size_t>(s)], b.eMin[static_cast<size_t>(s)]);
    const int hi = std::max(rowEnd(a, s), rowEnd(b, s));
    double d = 0.0;
    for (int e = lo; e < hi; ++e)
        d += std::abs(probabilityOf(a, s, e) - probabilityOf(b, s, e));
    return 0.5 * d;
}

void setMinMax(LayerErrorModel& l)
{
    l.minError = l.eMin.front();
    l.maxError = rowEnd(l, 0) - 1;
    for (int s = 0; s <= l.fanIn; ++s) {
        l.minError = std::min(l.minError, l.eMin[static_cast<size_t>(s)]);
        l.maxError = std::max(l.maxError, rowEnd(l, s) - 1);
    }
}

// E[e | s] at a fractional s: linear between the neighbouring rows.
double meanAt(const LayerErrorModel& l, double s)
{
    const int lo = std::clamp(static_cast<int>(std::floor(s)), 0, l.fanIn);
    const int hi = std::min(lo + 1, l.fanIn);
    const double t = std::clamp(s - lo, 0.0, 1.0);
    return (1.0 - t) * l.conditionalMean(lo) + t * l.conditionalMean(hi);
}

void setNeuronShifts(LayerErrorModel& l, const std::vector<LayerStats::NeuronBin>& bins, double priorSamples)
{
    constexpr int kBins = LayerStats::kNeuronBins;
    l.neuronBins = 0;
    l.neuronShift.clear();
    if (bins.empty() || bins.size() % kBins != 0)
        return;
    l.neuronBins = kBins;
    l.neuronShift.assign(bins.size(), 0.0);
    for (size_t i = 0; i < bins.size(); ++i) {
        const LayerStats::NeuronBin& b = bins[i];
        if (b.count == 0)
            continue;
        const double n = static_cast<double>(b.count);
        // Sum over the samples of E[e | s], taken at their mean s.
        const double expected = n * meanAt(l, static_cast<double>(b.sumSum) / n);
        l.neuronShift[i] = (static_cast<double>(b.sumError) - expected) / (n + priorSamples);
    }
}

} // namespace

MeasuredErrors measureErrors(const Model& model, const InferenceConfig& config, const Dataset& data, int first,
                             int count)
{
    InferenceConfig c = config;
    c.errorBySum = true;
    const InferenceEngine engine(model, c);
    const InferenceResult run = engine.run(data, first, count, true);
    MeasuredErrors m;
    m.images = count;
    m.source = data.source;
    m.layers.resize(model.layers.size());
    for (size_t i = 0; i < m.layers.size() && i < run.stats.layers.size(); ++i) {
        const LayerStats& s = run.stats.layers[i];
        m.layers[i].bySum = s.errorBySum;
        m.layers[i].byNeuron = s.errorByNeuron;
        if (s.xnorInputs > 0)
            m.layers[i].xnorP = s.xnorOneFraction();
    }
    return m;
}

void setDataErrorSummary(LayerErrorModel& layer, double xnorP)
{
    uint64_t total = 0;
    for (uint64_t n : layer.rowSamples)
        total += n;
    if (total == 0 || layer.rowSamples.size() != static_cast<size_t>(layer.fanIn) + 1) {
        setErrorSummary(layer, xnorP);
        return;
    }
    std::vector<double> weights(layer.rowSamples.size());
    for (size_t s = 0; s < weights.size(); ++s)
        weights[s] = static_cast<double>(layer.rowSamples[s]) / static_cast<double>(total);
    setErrorSummary(layer, xnorP, weights);
}

ErrorModel blendDataErrorModel(const ErrorModel& iid, const MeasuredErrors& measured, double priorSamples)
{
    if (!(priorSamples >= 0.0) || !std::isfinite(priorSamples))
        throw std::invalid_argument(
            "error model: the prior weight of the i.i.d. rows must be a finite number >= 0, not "
            + std::to_string(priorSamples));
    ErrorModel result = iid;
    result.statistic = kStatisticData;
    result.dataSource = measured.source;
    result.dataImages = measured.images;
    result.priorSamples = priorSamples;
    for (LayerErrorModel& l : result.layers) {
        if (l.layer < 0 || static_cast<size_t>(l.layer) >= measured.layers.size())
            throw std::invalid_argument("error model layer " + std::to_string(l.layer) + " was not measured");
        const MeasuredLayerErrors& m = measured.layers[static_cast<size_t>(l.layer)];
        if (!m.bySum.empty() && m.bySum.size() != static_cast<size_t>(l.fanIn) + 1)
            throw std::invalid_argument("error model layer " + std::to_string(l.layer) + " has fan-in "
                                        + std::to_string(l.fanIn) + " but " + std::to_string(m.bySum.size())
                                        + " measured rows");
        l.rowSamples.assign(static_cast<size_t>(l.fanIn) + 1, 0);
        for (int s = 0; s <= l.fanIn && !m.bySum.empty(); ++s) {
            const LayerStats::ErrorRow& counts = m.bySum[static_cast<size_t>(s)];
            const uint64_t n = counts.total();
            l.rowSamples[static_cast<size_t>(s)] = n;
            if (n == 0)
                continue; // the i.i.d. row
            const int lo = std::min(l.eMin[static_cast<size_t>(s)], counts.offset);
            const int hi = std::max(rowEnd(l, s), counts.offset + static_cast<int>(counts.counts.size()));
            const double denominator = static_cast<double>(n) + priorSamples;
            std::vector<double> row(static_cast<size_t>(hi - lo), 0.0);
            for (int e = lo; e < hi; ++e) {
                const int i = e - counts.offset;
                const double c = i >= 0 && i < static_cast<int>(counts.counts.size())
                    ? static_cast<double>(counts.counts[static_cast<size_t>(i)])
                    : 0.0;
                row[static_cast<size_t>(e - lo)] = (c + priorSamples * probabilityOf(l, s, e)) / denominator;
            }
            size_t a = 0, b = row.size(); // trim zero ends, as the file reader does
            while (row[a] == 0.0)
                ++a;
            while (row[b - 1] == 0.0)
                --b;
            l.eMin[static_cast<size_t>(s)] = lo + static_cast<int>(a);
            l.probs[static_cast<size_t>(s)].assign(row.begin() + static_cast<ptrdiff_t>(a),
                                                   row.begin() + static_cast<ptrdiff_t>(b));
        }
        setMinMax(l);
        setDataErrorSummary(l, m.xnorP);
        setNeuronShifts(l, m.byNeuron, priorSamples);
    }
    return result;
}

std::vector<ErrorModelDifference> compareErrorModels(const ErrorModel& data, const ErrorModel& iid)
{
    std::vector<ErrorModelDifference> result;
    for (const LayerErrorModel& d : data.layers) {
        const LayerErrorModel* i = iid.forLayer(d.layer);
        if (!i || i->fanIn != d.fanIn || d.rowSamples.size() != static_cast<size_t>(d.fanIn) + 1)
            continue;
        ErrorModelDifference r;
        r.layer = d.layer;
        r.kind = d.kind;
        for (uint64_t n : d.rowSamples) {
            r.samples += n;
            r.rowsMeasured += n > 0;
        }
        r.meanIid = i->meanError;
        r.rateIid = i->errorRate;
        for (int s = 0; s <= d.fanIn && r.samples > 0; ++s) {
            const double w = static_cast<double>(d.rowSamples[static_cast<size_t>(s)]) / static_cast<double>(r.samples);
            if (w == 0.0)
                continue;
            r.meanData += w * d.conditionalMean(s);
            r.meanIidOnData += w * i->conditionalMean(s);
            r.rateData += w * (1.0 - zeroErrorProbability(d, s));
            r.rateIidOnData += w * (1.0 - zeroErrorProbability(*i, s));
            r.totalVariation += w * rowDistance(d, *i, s);
        }
        result.push_back(r);
    }
    return result;
}

} // namespace axbnn
