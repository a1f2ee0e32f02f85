// Error models from real data (docs/error-model.md, statistic "data"): each
// approximate layer's P(e | s) counted on calibration images through the
// bit-exact inference engine, i.e. on the XNOR vectors the layer really sees
// (given the earlier layers' approximate outputs, positions and correlations
// included), blended with the i.i.d. row where a row has few samples; and the
// per-layer distance between such a model and the i.i.d. one.
#pragma once

#include "bnn/dataset.h"
#include "bnn/error_model.h"
#include "bnn/inference_types.h"

#include <string>
#include <vector>

namespace axbnn {

// What a run of the circuit on data measured, per model layer.
struct MeasuredLayerErrors {
    std::vector<LayerStats::ErrorRow> bySum; // row s: errors of the neurons with exact popcount s
    std::vector<LayerStats::NeuronBin> byNeuron; // LayerStats::errorByNeuron
    double xnorP = 0.5; // fraction of XNOR outputs that are 1
};
struct MeasuredErrors {
    std::vector<MeasuredLayerErrors> layers; // index = model layer (empty bySum: no circuit)
    int images = 0;
    std::string source;
};

// Runs images first..first+count-1 of `data` through InferenceEngine(model,
// config) with statistics and counts (s, e) on every circuit layer.
MeasuredErrors measureErrors(const Model& model, const InferenceConfig& config, const Dataset& data, int first,
                             int count);

// Default weight of the i.i.d. row in a data row, in samples (docs/error-model.md).
inline constexpr double kDefaultPriorSamples = 16.0;

// The "data" model: every layer of `iid` (the i.i.d. rows of the same
// layers) gets rows (counts_s + priorSamples * iid_s) / (n_s + priorSamples)
// from `measured`, so a row without samples is the i.i.d. row, and its
// summary numbers over the measured s distribution (setDataErrorSummary).
// Each neuron o also gets its own shift per s-bin b
// (LayerErrorModel::neuronShift): sum over its n samples of (e - E[e | s]
// of the blended row) / (n + priorSamples), what sets it apart from the
// layer's other neurons.
// Throws std::invalid_argument if priorSamples is negative or not finite.
ErrorModel blendDataErrorModel(const ErrorModel& iid, const MeasuredErrors& measured, double priorSamples);

// The summary numbers of a "data" layer: xnorP as given; error rate, mean
// and standard deviation of e over s distributed as rowSamples; the bit-flip
// probability from the rowSamples-weighted mean of Var(e | s). Falls back to
// setErrorSummary(layer, xnorP) when no row has samples.
void setDataErrorSummary(LayerErrorModel& layer, double xnorP);

struct ErrorModelDifference {
    int layer = -1;
    std::string kind;
    uint64_t samples = 0; // (s, e) pairs counted
    int rowsMeasured = 0; // rows with at least one sample
    // Over the measured s distribution: the data rows, the i.i.d. rows; and
    // the i.i.d. model's own numbers (s ~ Binomial(N, p) at the measured p).
    double meanData = 0, meanIidOnData = 0, meanIid = 0;
    double rateData = 0, rateIidOnData = 0, rateIid = 0;
    // sum_s w_s TV(data row s, i.i.d. row s), w_s = rowSamples[s] / samples:
    // 0 when the rows agree, 1 when they never overlap.
    double totalVariation = 0;
};

// One entry per layer of `data` (a "data" model) that `iid` also has.
std::vector<ErrorModelDifference> compareErrorModels(const ErrorModel& data, const ErrorModel& iid);

} // namespace axbnn
