// A model prepared for the inference engine: per layer, the packed weights,
// thresholds in kernel form and the popcount unit, built once at load time.
#pragma once

#include "bnn/inference_types.h"
#include "bnn/popcount_unit.h"
#include "bnn/xnor_kernels.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace axbnn {

// One item of a fused first level (circuit/first_level.h) placed in a layer:
// its inputs as offsets into weightBitsT (fan-in element times groups) and as
// bit positions in the layer's packed patch.
struct FusedInput {
    FirstLevelItem::Kind kind = FirstLevelItem::Kind::Copy;
    uint32_t fullMask = 0; // Tree3, Tree4
    bool consecutive = false; // inputs k = 0, 1, ... are consecutive bits of one patch word
    uint32_t out = 0; // first derived input written
    uint32_t weightAt[FirstLevelItem::kMaxInputs] = {};
    uint32_t bit[FirstLevelItem::kMaxInputs] = {};
};

struct LayerPlan {
    LayerKind kind = LayerKind::Conv;
    int index = 0;
    Shape in, out;
    ConvGeometry conv; // InputConv, Conv
    int pool = 2; // MaxPool
    int inWords = 0; // words per input position
    int outWords = 0; // words per output position
    int positions = 1; // output positions (1 for Dense / Scores)
    int patchWords = 0; // words of one neuron's packed input patch
    int fanIn = 0;
    int outputs = 0; // output channels
    int groups = 0; // wordsFor(outputs): neuron groups of 64 per position
    int shift = 0;

    std::vector<uint64_t> weightRows; // binary layers: [outputs][patchWords] in xnorKernels().layoutRows form
    InputConvWeights inputWeights; // InputConv
    // Thresholded layers, kernel form: activation bit = (value > gt) XOR invert.
    std::vector<int32_t> gt;
    std::vector<uint64_t> invert; // groups words
    std::vector<uint64_t> poolOr; // MaxPool: bit c set = OR pooling (producer direction +1)
    std::vector<float> scale, offset; // Scores, filled with 1 and 0 when the model has none
    std::vector<int8_t> direction; // copies for statistics
    std::vector<int32_t> threshold;
    std::vector<int> neuronShift; // thresholded layers: the whole shift of each neuron

    // Circuit units.
    PopcountUnit unit;
    std::vector<uint64_t> weightBitsT; // transposeWeightBits: [fanIn][groups]
    // Per chunk with a fused first level: its items placed in this layer's
    // patches (empty for the other chunks).
    std::vector<std::vector<FusedInput>> firstLevel;
    // Bit-sliced thresholds per group: slicedBits words of ge = gt + 1, then
    // always-on, always-off, invert and valid-lane words.
    int slicedBits = 0;
    std::vector<uint64_t> sliced;
    // Conv layers: the activations the all-zero image gives at this layer's
    // input and output (addZeroImageMaps). Wherever an image's patch equals
    // the zero image's, so does its output: uniform background, 15% of
    // conv2's positions in Fashion-MNIST. Empty: not known.
    std::vector<uint64_t> zeroIn, zeroOut;
    bool skip = false; // take activations from the exact count where the error bound allows
    bool skipAdaptive = false; // SkipMode::Auto: each pass stops skipping when it rarely succeeds

    bool isBinary() const { return kind == LayerKind::Conv || kind == LayerKind::Dense || kind == LayerKind::Scores; }
    bool usesCircuit() const { return isBinary() && !unit.isExact(); }
    size_t slicedStride() const { return static_cast<size_t>(slicedBits) + 4; }
    const uint64_t* slicedGroup(int g) const { return sliced.data() + g * slicedStride(); }
    // Whether every circuit value exact + e, e in the unit's error range,
    // gives the activation the exact value gives, for neuron o. (e = 0 is
    // included: the range need not contain it.)
    bool decidedByBound(int o, int32_t exact) const
    {
        const int64_t lo = int64_t{exact} + std::min(unit.minError(), 0);
        const int64_t hi = int64_t{exact} + std::max(unit.maxError(), 0);
        return lo > gt[o] || hi <= gt[o];
    }
};

std::vector<LayerPlan> planLayers(const Model& model, const InferenceConfig& config);

// Activation bits of 64 neurons from their bit-sliced values v (bits words,
// word j at v[j * stride]) and their group's sliced thresholds.
inline uint64_t slicedActivation(const uint64_t* v, size_t stride, const uint64_t* thr, int bits)
{
    uint64_t ge = ~0ull; // v >= ge threshold, decided from the least significant bit up
    for (int j = 0; j < bits; ++j) {
        const uint64_t a = v[j * stride], t = thr[j];
        ge = (a & ~t) | (~(a ^ t) & ge);
    }
    ge = (ge | thr[bits]) & ~thr[bits + 1];
    return (ge ^ thr[bits + 2]) & thr[bits + 3];
}

} // namespace axbnn
