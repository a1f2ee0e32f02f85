// Preparing each layer once: packing weights, folding the shift into the
// thresholds, building the popcount units and their bit-sliced thresholds.
#include "bnn/layer_plan.h"

#include "bnn/packed_bits.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace axbnn {

namespace {

int32_t clampToInt32(int64_t v)
{
    return static_cast<int32_t>(
        std::clamp<int64_t>(v, std::numeric_limits<int32_t>::min() / 2, std::numeric_limits<int32_t>::max() / 2));
}

// value - shift >= T  <=>  value > T + shift - 1 (direction +1);
// value - shift <= T  <=>  NOT value > T + shift (direction -1).
void planThresholds(const Layer& l, const InferenceConfig& config, LayerPlan& p)
{
    p.gt.resize(static_cast<size_t>(p.outputs));
    p.invert.assign(static_cast<size_t>(p.groups), 0);
    for (int o = 0; o < p.outputs; ++o) {
        const bool up = l.thresholds.direction[o] > 0;
        p.neuronShift.push_back(config.shiftFor(p.index, o));
        p.gt[o] = clampToInt32(int64_t{l.thresholds.threshold[o]} + p.neuronShift[o] - (up ? 1 : 0));
        if (!up)
            p.invert[o / 64] |= uint64_t{1} << (o % 64);
    }
    p.direction = l.thresholds.direction;
    p.threshold = l.thresholds.threshold;
}

void planSliced(LayerPlan& p)
{
    const int bits = p.unit.valueBits();
    const int64_t maxValue = (int64_t{1} << bits) - 1;
    p.slicedBits = bits;
    p.sliced.assign(p.slicedStride() * p.groups, 0);
    for (int o = 0; o < p.outputs; ++o) {
        uint64_t* w = p.sliced.data() + (o / 64) * p.slicedStride();
        const uint64_t bit = uint64_t{1} << (o % 64);
        const int64_t ge = int64_t{p.gt[o]} + 1; // activation iff value >= ge (before inversion)
        if (ge <= 0)
            w[bits] |= bit;
        else if (ge > maxValue)
            w[bits + 1] |= bit;
        else
            for (int j = 0; j < bits; ++j)
                if ((ge >> j) & 1)
                    w[j] |= bit;
        if ((p.invert[o / 64] >> (o % 64)) & 1)
            w[bits + 2] |= bit;
        w[bits + 3] |= bit;
    }
}

bool skipPossible(const LayerPlan& p, SkipMode mode)
{
    if (mode == SkipMode::Never || !p.unit.boundsKnown() || p.kind == LayerKind::Scores)
        return false;
    // Auto: a range of half the fan-in cannot leave whole groups undisturbed.
    return mode == SkipMode::Always || p.unit.maxError() - p.unit.minError() < p.fanIn / 2;
}

// Where each fused input sits: fan-in element e (tap e / channels, channel
// e % channels) is bit (tap * inWords * 64 + channel) of the packed patch.
void planFirstLevel(LayerPlan& p)
{
    const auto& chunks = p.unit.chunks();
    p.firstLevel.assign(chunks.size(), {});
    for (size_t k = 0; k < chunks.size(); ++k) {
        if (!chunks[k].first)
            continue;
        for (const FirstLevelItem& item : chunks[k].first->items) {
            FusedInput f;
            f.kind = item.kind;
            f.fullMask = item.fullMask;
            f.out = item.out;
            for (int i = 0; i < item.inputs(); ++i) {
                const uint32_t e = static_cast<uint32_t>(chunks[k].begin) + item.in[i];
                const uint32_t channels = static_cast<uint32_t>(p.in.channels);
                f.weightAt[i] = e * static_cast<uint32_t>(p.groups);
                f.bit[i] = e / channels * static_cast<uint32_t>(p.inWords) * 64 + e % channels;
            }
            f.consecutive = f.bit[0] % 64 + static_cast<uint32_t>(item.inputs()) <= 64;
            for (int i = 1; i < item.inputs(); ++i)
                f.consecutive = f.consecutive && f.bit[i] == f.bit[0] + static_cast<uint32_t>(i);
            p.firstLevel[k].push_back(f);
        }
    }
}

} // namespace

std::vector<LayerPlan> planLayers(const Model& model, const InferenceConfig& config)
{
    validateModel(model);
    for (size_t i = 0; i < config.neuronShift.size() && i < model.layers.size(); ++i) {
        const auto& shifts = config.neuronShift[i];
        const Layer& l = model.layers[i];
        const bool thresholded =
            l.kind == LayerKind::InputConv || l.kind == LayerKind::Conv || l.kind == LayerKind::Dense;
        if (!shifts.empty() && (!thresholded || static_cast<int>(shifts.size()) != l.out.channels))
            throw std::invalid_argument(
                "layer " + std::to_string(i) + " '" + l.name + "': " + std::to_string(shifts.size())
                + " per-neuron threshold shifts, but it has "
                + (thresholded ? std::to_string(l.out.channels) + " neurons" : std::string("no thresholds")));
    }
    std::vector<LayerPlan> plans;
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const Layer& l = model.layers[i];
        LayerPlan p;
        p.kind = l.kind;
        p.index = static_cast<int>(i);
        p.in = l.in;
        p.out = l.out;
        p.inWords = wordsFor(l.in.channels);
        p.outWords = wordsFor(l.out.channels);
        p.outputs = l.out.channels;
        p.groups = wordsFor(p.outputs);
        p.fanIn = l.fanIn();
        p.shift = config.shiftFor(p.index);
        p.positions = l.out.height * l.out.width;
        switch (l.kind) {
        case LayerKind::InputConv:
            if (255 * int64_t{p.fanIn} > std::numeric_limits<int32_t>::max() / 2)
                throw std::invalid_argument("layer " + std::to_string(i) + " '" + l.name + "': fan-in "
                                            + std::to_string(p.fanIn) + " is too large for 32-bit pixel sums");
            p.conv = ConvGeometry::of(l);
            p.inputWeights = prepareInputConv(p.conv, l.weights);
            planThresholds(l, config, p);
            break;
        case LayerKind::Conv:
        case LayerKind::Dense:
        case LayerKind::Scores: {
            const bool conv = l.kind == LayerKind::Conv;
            if (conv)
                p.conv = ConvGeometry::of(l);
            const int taps = conv ? l.kernel * l.kernel : l.in.height * l.in.width;
            p.patchWords = taps * p.inWords;
            const auto rows = packWeightRows(l.weights, p.outputs, taps, l.in.channels);
            p.weightRows = xnorKernels().layoutRows(rows.data(), p.outputs, p.patchWords);
            try {
                p.unit = PopcountUnit(p.fanIn, config.unitFor(p.index));
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument("layer " + std::to_string(p.index) + " (" + l.name + "): " + e.what());
            }
            if (l.kind != LayerKind::Scores)
                planThresholds(l, config, p);
            if (p.usesCircuit()) {
                p.weightBitsT = transposeWeightBits(l.weights, p.outputs, p.fanIn);
                planFirstLevel(p);
                if (l.kind != LayerKind::Scores)
                    planSliced(p);
                p.skip = skipPossible(p, config.skip);
                p.skipAdaptive = config.skip == SkipMode::Auto;
            }
            if (l.kind == LayerKind::Scores) {
                p.scale = l.scoreScale.empty() ? std::vector<float>(p.outputs, 1.0f) : l.scoreScale;
                p.offset = l.scoreOffset.empty() ? std::vector<float>(p.outputs, 0.0f) : l.scoreOffset;
            }
            break;
        }
        case LayerKind::MaxPool: {
            p.pool = l.pool;
            p.poolOr.assign(static_cast<size_t>(p.outWords), 0);
            const auto& dir = model.layers[i - 1].thresholds.direction;
            for (int c = 0; c < p.outputs; ++c)
                if (dir[c] > 0)
                    p.poolOr[c / 64] |= uint64_t{1} << (c % 64);
            break;
        }
        }
        plans.push_back(std::move(p));
    }
    return plans;
}

} // namespace axbnn
