// The values the inference engine and its reference twin exchange with their
// callers: configuration, per-layer traces and statistics (docs/inference.md).
#pragma once

#include "bnn/model.h"
#include "bnn/popcount_unit.h"

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

namespace axbnn {

// Whether an approximate layer may take a neuron group's activations from the
// exact popcount when the unit's guaranteed error range cannot move any of
// them across its threshold. Results are identical either way; Auto enables
// it where it is likely to pay (docs/inference.md).
enum class SkipMode { Auto, Always, Never };

struct InferenceConfig {
    // Index = model layer. Missing entries, and layers without a popcount
    // (InputConv, MaxPool), are exact.
    std::vector<PopcountUnitConfig> popcount;
    // Index = model layer, missing = 0. Mitigation by bias compensation
    // (docs/domain.md section 6): the layer reads its value as (value - shift),
    // i.e. the threshold becomes T + shift for either direction, and a Scores
    // layer scores (popcount - shift). shift = round(mean error) cancels the
    // systematic part of the circuit's error.
    std::vector<int> thresholdShift;
    // Index = model layer, then neuron (output channel); missing = 0. Added
    // to thresholdShift on thresholded layers only: per-neuron threshold
    // tuning (docs/domain.md section 6) moves each neuron's threshold to
    // T + thresholdShift + neuronShift.
    std::vector<std::vector<int>> neuronShift;
    int threads = 0; // 0: std::thread::hardware_concurrency()
    SkipMode skip = SkipMode::Auto;
    // With statistics (InferenceEngine::run with collectStats): also count
    // every circuit layer's (exact popcount, error) pairs in
    // LayerStats::errorBySum, for error models from data (bnn/data_error_model.h).
    bool errorBySum = false;

    // `unit` on every Conv and Dense layer (and on the Scores layer if
    // includeScores); everything else exact.
    static InferenceConfig withCircuit(const Model& model, const PopcountUnitConfig& unit, bool includeScores = false);
    const PopcountUnitConfig& unitFor(int layer) const;
    int shiftFor(int layer) const;
    int shiftFor(int layer, int neuron) const; // thresholdShift + neuronShift
};

// score_j = scale_j * (2 * pop_j - fanIn) + offset_j in float32 (model.h);
// one definition so the engine and the reference round alike.
inline float scoreOf(float scale, float offset, int32_t popcount, int fanIn)
{
    return scale * static_cast<float>(2 * popcount - fanIn) + offset;
}

// One layer of one image's forward pass.
struct LayerTrace {
    // Per output neuron in H, W, C order: the InputConv dot product or the
    // popcount as the layer's unit computed it (the circuit's value for
    // approximate units), before the shift. Empty for MaxPool.
    std::vector<int32_t> values;
    // +1/-1 per output neuron; empty for Scores.
    std::vector<int8_t> activations;
};

struct ForwardTrace {
    std::vector<LayerTrace> layers;
    std::vector<float> scores;
    int prediction = -1;
};

// Per-layer statistics over a run (all zero/empty for MaxPool).
struct LayerStats {
    uint64_t neurons = 0; // output neurons evaluated (outputs x images)
    uint64_t xnorOnes = 0; // sum of exact popcounts (Conv, Dense, Scores)
    uint64_t xnorInputs = 0; // neurons x fan-in (Conv, Dense, Scores)
    // marginHistogram[i] counts neurons with margin i + marginOffset, where
    // margin = direction * (exact value - shift - threshold): >= 0 iff the
    // exact value activates the neuron. The two ends also collect the tails.
    int marginOffset = 0;
    std::vector<uint64_t> marginHistogram;
    // Circuit units: neurons whose circuit value differs from the exact
    // popcount, activations the circuit flips (given the same layer inputs),
    // and errorHistogram[i] counting approximate - exact = i + errorOffset.
    uint64_t valueChanged = 0;
    uint64_t flipped = 0;
    int errorOffset = 0;
    std::vector<uint64_t> errorHistogram;
    // Circuit units with InferenceConfig::errorBySum: errorBySum[s] counts
    // the errors of the neurons whose exact popcount is s (0..fan-in),
    // counts[i] those with error i + offset; empty otherwise.
    struct ErrorRow {
        int offset = 0;
        std::vector<uint64_t> counts;
        uint64_t total() const;
    };
    std::vector<ErrorRow> errorBySum;
    // ... and per neuron: errorByNeuron[o * kNeuronBins + b] sums the errors
    // and the exact popcounts of neuron o's samples whose s falls in bin
    // b = s * kNeuronBins / (fan-in + 1) (a neuron's own error, which the
    // rows pooled over the layer average away).
    static constexpr int kNeuronBins = 16;
    struct NeuronBin {
        uint64_t count = 0;
        int64_t sumError = 0, sumSum = 0;
    };
    std::vector<NeuronBin> errorByNeuron;

    double xnorOneFraction() const { return xnorInputs ? double(xnorOnes) / double(xnorInputs) : 0.0; }
    void merge(const LayerStats& other);
};

struct InferenceStats {
    int images = 0;
    std::vector<LayerStats> layers; // index = model layer
    void merge(const InferenceStats& other);
};

struct InferenceResult {
    std::vector<int> predictions; // one per image
    std::vector<float> scores; // images x classes
    InferenceStats stats; // filled when requested
    uint64_t circuitGroups = 0; // groups of 64 neurons simulated by a circuit
    uint64_t skippedGroups = 0; // groups decided by the error bound instead
    uint64_t zeroImagePatches = 0; // convolution outputs copied from the all-zero image's
};

// Called from the thread that called predict/run with (images done, total),
// first with done = 0 before any work; return false to cancel, which makes
// the call throw InferenceCancelled.
using ProgressFn = std::function<bool(int done, int total)>;

class InferenceCancelled : public std::runtime_error {
public:
    InferenceCancelled() : std::runtime_error("inference cancelled") {}
};

} // namespace axbnn
