// The abstracted error model of approximation-aware training (DOMAIN.md
// section 7): per binary layer, P(e | s), the distribution of the popcount
// unit's error e = approximate - exact given the exact popcount s, and the
// equivalent per-XNOR bit-flip probability. Exported as JSON
// (docs/error-model.md) so any framework can inject the same errors.
//
// INTERFACE ONLY at first (filled in by the error-model work); the trainer
// and the PyTorch tools code against it.
#pragma once

#include "bnn/inference_types.h"
#include "bnn/model.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace axbnn {

struct LayerErrorModel {
    int layer = -1;        // model layer index; -1 for a bare circuit
    std::string kind;      // "conv", "dense", "scores" (model.h layer kind names)
    int fanIn = 0;         // s ranges over 0..fanIn
    int unitWidth = 0;     // the popcount unit's width (chunks of the fan-in)
    double xnorP = 0.5;    // input statistic the summary numbers were taken at
    double errorRate = 0, meanError = 0, errorStd = 0; // at xnorP
    int minError = 0, maxError = 0;                    // over all s
    double bitFlipProbability = 0; // the equivalent i.i.d. per-XNOR flip probability (docs/error-model.md)
    // P(e | s) for s = 0..fanIn: eMin[s] is the smallest error with nonzero
    // probability and probs[s][i] = P(e = eMin[s] + i | s); each row sums to 1.
    std::vector<int> eMin;
    std::vector<std::vector<double>> probs;
};

struct ErrorModel {
    nlohmann::json circuit;   // the popcount unit configuration (as in docs/layer-config.md)
    std::string statistic;    // "iid" or "measured"
    std::string modelFile;    // source model when the statistic was measured, else empty
    std::vector<LayerErrorModel> layers; // one per approximate binary layer, in layer order
};

// The model for every binary layer of `model` whose popcount unit in
// `config` is a circuit. `xnorP[layer]` (missing: 0.5) is the statistic of
// the summary numbers; P(e | s) itself does not depend on it for i.i.d.
// inputs (all patterns with s ones are equally likely).
ErrorModel abstractErrorModel(const Model& model, const InferenceConfig& config, const std::vector<double>& xnorP,
                              uint64_t seed = 1);
// The same for one bare unit of fan-in `fanIn`.
LayerErrorModel abstractLayerErrorModel(const PopcountUnit& unit, double xnorP, uint64_t seed = 1);

nlohmann::json errorModelJson(const ErrorModel& model);
// Throws std::invalid_argument naming `origin` and the offending field.
ErrorModel errorModelFromJson(const nlohmann::json& json, const std::string& origin);
void saveErrorModel(const ErrorModel& model, const std::filesystem::path& path); // atomic
ErrorModel loadErrorModel(const std::filesystem::path& path);

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
