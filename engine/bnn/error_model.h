// The abstracted error model of approximation-aware training (docs/domain.md
// section 7): per binary layer, P(e | s), the distribution of the popcount
// unit's error e = approximate - exact given the exact popcount s, and the
// equivalent per-XNOR bit-flip probability. Exported as JSON
// (docs/error-model.md) so any framework can inject the same errors.
#pragma once

#include "bnn/inference_types.h"
#include "bnn/model.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace axbnn {

// The file's "statistic" (docs/error-model.md): "iid" and "measured" rows
// are P(e | s) for uniformly random patterns with s ones (i.i.d. XNOR
// outputs; "measured": the summary p was measured on data); "data" rows were
// counted on real data through the bit-exact circuit (bnn/data_error_model.h).
inline constexpr const char* kStatisticIid = "iid";
inline constexpr const char* kStatisticMeasured = "measured";
inline constexpr const char* kStatisticData = "data";
inline constexpr const char* kErrorStatistics[] = {kStatisticIid, kStatisticMeasured, kStatisticData};

struct LayerErrorModel {
    int layer = -1; // model layer index; -1 for a bare circuit
    std::string kind; // "conv", "dense", "scores" (model.h layer kind names); "unit" for a bare circuit
    int fanIn = 0; // s ranges over 0..fanIn
    int unitWidth = 0; // the popcount unit's width (chunks of the fan-in)
    double xnorP = 0.5; // input statistic the summary numbers were taken at
    double errorRate = 0, meanError = 0, errorStd = 0; // at xnorP
    int minError = 0, maxError = 0; // over all s
    double bitFlipProbability = 0; // the equivalent i.i.d. per-XNOR flip probability (docs/error-model.md)
    // P(e | s) for s = 0..fanIn: eMin[s] is the smallest error with nonzero
    // probability and probs[s][i] = P(e = eMin[s] + i | s); each row sums to 1.
    std::vector<int> eMin;
    std::vector<std::vector<double>> probs;
    // How the rows were obtained: "exhaustive" (all 2^fanIn patterns: exact),
    // "sampled" (samplesPerSum random patterns with s ones per row) or
    // "error-free" (the unit has no approximate cell: P(0 | s) = 1).
    std::string method;
    uint64_t samplesPerSum = 0; // "sampled" only
    // Statistic "data": the (s, e) pairs counted for row s; the row is
    // (counts + priorSamples * i.i.d. row) / (rowSamples[s] + priorSamples).
    // Empty for the other statistics.
    std::vector<uint64_t> rowSamples;
    // Statistic "data" (may be empty): neuron o's error at exact popcount s
    // is e + neuronShift[o * neuronBins + s * neuronBins / (fanIn + 1)], e
    // drawn from row s: the neuron's own mean error beyond the row's (a
    // neuron's error is a fixed function of its weights and inputs, not a
    // draw shared by the layer).
    int neuronBins = 0;
    std::vector<double> neuronShift;
    int neurons() const { return neuronBins > 0 ? static_cast<int>(neuronShift.size()) / neuronBins : 0; }
    double shiftOf(int neuron, int s) const
    {
        return neuronShift.empty() ? 0.0
                                   : neuronShift[static_cast<size_t>(neuron) * neuronBins
                                                 + static_cast<size_t>(int64_t{s} * neuronBins / (fanIn + 1))];
    }
    nlohmann::json circuit; // this layer's unit, as a unit of docs/layer-config.md

    // E[e | s] and E[e^2 | s] from row s.
    double conditionalMean(int s) const;
    double conditionalMeanSquare(int s) const;
};

struct ErrorModel {
    // The popcount unit configuration as a docs/layer-config.md document
    // ({"default": unit, "include_scores": b} or {"layers": {index: unit}}),
    // so `axbnn eval --config` can run a model on the circuit it was trained for.
    nlohmann::json circuit;
    std::string statistic; // one of kErrorStatistics
    std::string modelFile; // source model when the statistic was measured, else empty
    // Statistic "data": where the rows were counted, on how many images, and
    // the weight (in samples) of the i.i.d. row blended into every row.
    std::string dataSource;
    int dataImages = 0;
    double priorSamples = 0;
    uint64_t seed = 1; // seed of the sampled rows
    std::vector<LayerErrorModel> layers; // one per approximate binary layer, in layer order

    // The entry of model layer `layer`, or nullptr (the layer is exact).
    const LayerErrorModel* forLayer(int layer) const;
};

// Largest fan-in whose rows are enumerated exhaustively by default.
inline constexpr int kErrorModelExhaustiveFanIn = 20;
// Largest fan-in that may be enumerated at all.
inline constexpr int kErrorModelMaxExhaustiveFanIn = 26;

struct ErrorModelOptions {
    // "auto" (exhaustive up to kErrorModelExhaustiveFanIn, else sampled),
    // "exhaustive" or "sampled".
    std::string method = "auto";
    uint64_t samplesPerSum = 4096; // rounded up to a multiple of 512 (lanes per simulator run)
    uint64_t seed = 1;
    int threads = 0; // 0: all cores; the result does not depend on it
};

// The model for every binary layer of `model` whose popcount unit in
// `config` is a circuit. `xnorP[layer]` (missing: 0.5) is the statistic of
// the summary numbers; P(e | s) itself does not depend on it for i.i.d.
// inputs (all patterns with s ones are equally likely).
ErrorModel abstractErrorModel(const Model& model, const InferenceConfig& config, const std::vector<double>& xnorP,
                              uint64_t seed = 1);
ErrorModel abstractErrorModel(const Model& model, const InferenceConfig& config, const std::vector<double>& xnorP,
                              const ErrorModelOptions& options);
// The same for one bare unit of fan-in `fanIn`.
LayerErrorModel abstractLayerErrorModel(const PopcountUnit& unit, double xnorP, uint64_t seed = 1);
LayerErrorModel abstractLayerErrorModel(const PopcountUnit& unit, double xnorP, const ErrorModelOptions& options);

// Recomputes the summary numbers (errorRate .. bitFlipProbability) of
// `layer` from its rows at `xnorP` (docs/error-model.md defines them).
void setErrorSummary(LayerErrorModel& layer, double xnorP);
// The same numbers over s weighted by `weights` (fanIn + 1 values summing to
// 1), e.g. the exact popcounts measured on data; records xnorP as given.
void setErrorSummary(LayerErrorModel& layer, double xnorP, const std::vector<double>& weights);
// The bit-flip probability q whose i.i.d. flips of the N XNOR outputs give a
// popcount error of the same conditional variance, Var(e | s) = N q (1 - q):
// setErrorSummary passes E[Var(e | s)] over s ~ Binomial(N, xnorP). 1/2 when
// the variance exceeds N / 4.
double equivalentBitFlipProbability(int fanIn, double conditionalVariance);

// The layer-config unit description of `unit` (docs/layer-config.md).
nlohmann::json unitConfigJson(const PopcountUnitConfig& unit);
// `config` as a docs/layer-config.md document: one "default" unit when every
// Conv/Dense layer of `model` shares it (and Scores shares it or is exact),
// otherwise one entry per circuit layer (ErrorModel::circuit).
nlohmann::json layerConfigDocument(const Model& model, const InferenceConfig& config);

// Throws std::invalid_argument ("error model layer 2 has fan-in 576 but model
// layer 2 has fan-in 1600") when an entry does not describe a binary layer of
// `model` with the same kind and fan-in.
void checkErrorModelFits(const ErrorModel& errors, const Model& model);

// Draws errors from P(e | s) of one layer with a 64-bit uniform random value
// (inverse CDF on cumulative tables).
class ErrorSampler {
public:
    ErrorSampler() = default;
    explicit ErrorSampler(const LayerErrorModel& layer);
    int fanIn() const { return fanIn_; }
    // An error for exact popcount s (0 <= s <= fanIn).
    int sample(int s, uint64_t random) const;

private:
    int fanIn_ = 0;
    std::vector<int> eMin_;
    std::vector<std::vector<uint64_t>> cumulative_; // scaled to 2^64 - 1
};

} // namespace axbnn
