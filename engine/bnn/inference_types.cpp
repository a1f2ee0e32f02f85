// Configuration helpers and the merging of per-thread statistics.
#include "bnn/inference_types.h"

#include <algorithm>

namespace axbnn {

InferenceConfig InferenceConfig::withCircuit(const Model& model, const PopcountUnitConfig& unit, bool includeScores)
{
    InferenceConfig c;
    c.popcount.resize(model.layers.size());
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const LayerKind k = model.layers[i].kind;
        if (k == LayerKind::Conv || k == LayerKind::Dense || (includeScores && k == LayerKind::Scores))
            c.popcount[i] = unit;
    }
    return c;
}

const PopcountUnitConfig& InferenceConfig::unitFor(int layer) const
{
    static const PopcountUnitConfig exact;
    return layer >= 0 && static_cast<size_t>(layer) < popcount.size() ? popcount[layer] : exact;
}

int InferenceConfig::shiftFor(int layer) const
{
    return layer >= 0 && static_cast<size_t>(layer) < thresholdShift.size() ? thresholdShift[layer] : 0;
}

int InferenceConfig::shiftFor(int layer, int neuron) const
{
    int s = shiftFor(layer);
    if (layer >= 0 && static_cast<size_t>(layer) < neuronShift.size()) {
        const auto& n = neuronShift[layer];
        if (neuron >= 0 && static_cast<size_t>(neuron) < n.size())
            s += n[neuron];
    }
    return s;
}

namespace {

// Adds histogram b (offset ob) into a (offset oa), widening a as needed.
void mergeHistogram(std::vector<uint64_t>& a, int& oa, const std::vector<uint64_t>& b, int ob)
{
    if (b.empty())
        return;
    if (a.empty()) {
        a = b;
        oa = ob;
        return;
    }
    const int lo = std::min(oa, ob);
    const int hi = std::max(oa + static_cast<int>(a.size()), ob + static_cast<int>(b.size()));
    if (lo != oa || hi != oa + static_cast<int>(a.size())) {
        std::vector<uint64_t> wider(static_cast<size_t>(hi - lo), 0);
        std::copy(a.begin(), a.end(), wider.begin() + (oa - lo));
        a = std::move(wider);
        oa = lo;
    }
    for (size_t i = 0; i < b.size(); ++i)
        a[static_cast<size_t>(ob - oa) + i] += b[i];
}

} // namespace

void LayerStats::merge(const LayerStats& o)
{
    neurons += o.neurons;
    xnorOnes += o.xnorOnes;
    xnorInputs += o.xnorInputs;
    valueChanged += o.valueChanged;
    flipped += o.flipped;
    mergeHistogram(marginHistogram, marginOffset, o.marginHistogram, o.marginOffset);
    mergeHistogram(errorHistogram, errorOffset, o.errorHistogram, o.errorOffset);
    if (errorBySum.size() < o.errorBySum.size())
        errorBySum.resize(o.errorBySum.size());
    for (size_t s = 0; s < o.errorBySum.size(); ++s)
        mergeHistogram(errorBySum[s].counts, errorBySum[s].offset, o.errorBySum[s].counts, o.errorBySum[s].offset);
    if (errorByNeuron.size() < o.errorByNeuron.size())
        errorByNeuron.resize(o.errorByNeuron.size());
    for (size_t i = 0; i < o.errorByNeuron.size(); ++i) {
        errorByNeuron[i].count += o.errorByNeuron[i].count;
        errorByNeuron[i].sumError += o.errorByNeuron[i].sumError;
        errorByNeuron[i].sumSum += o.errorByNeuron[i].sumSum;
    }
}

uint64_t LayerStats::ErrorRow::total() const
{
    uint64_t n = 0;
    for (uint64_t c : counts)
        n += c;
    return n;
}

void InferenceStats::merge(const InferenceStats& o)
{
    images += o.images;
    if (layers.size() < o.layers.size())
        layers.resize(o.layers.size());
    for (size_t i = 0; i < o.layers.size(); ++i)
        layers[i].merge(o.layers[i]);
}

} // namespace axbnn
