// Run-time error mitigation (docs/domain.md section 6): bias compensation shifts
// each approximate layer's thresholds by the error model's expected error at
// the XNOR statistics measured on calibration data; threshold tuning re-fits
// every approximate neuron's threshold on calibration data.
#pragma once

#include "bnn/dataset.h"
#include "bnn/inference_types.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace axbnn {

// The run-time mitigation modes. Their names are the one spelling used by
// the command line (--mitigation), sessions, sweep specs, reports and JSON.
enum class Mitigation {
    None, // thresholds as trained
    Bias, // shift each approximate layer's thresholds by its expected error
    Tune, // re-fit each approximate neuron's threshold on calibration data
};

struct MitigationInfo {
    Mitigation mode;
    const char* name;
    const char* summary; // one line, for help texts and menus
};

// Every mode, in menu order: the one table of names.
std::span<const MitigationInfo> mitigationModes();
std::vector<std::string> mitigationNames(); // "none", "bias", "tune"
const char* mitigationName(Mitigation mode);
// Throws std::invalid_argument "unknown mitigation 'x' (known: none, bias, tune)".
Mitigation parseMitigation(std::string_view name);

struct LayerMitigation {
    int layer = 0;
    double xnorOneFraction = 0.0; // measured P(XNOR output = 1) on calibration data
    double expectedError = 0.0; // error model: mean error at that p (sum over chunks)
    double measuredError = 0.0; // mean of approximate - exact on calibration data
    int shift = 0; // bias: round(expectedError), added to every threshold
    // Tuning: per-neuron shifts (range), neurons whose threshold moved, and
    // the fraction of calibration activations equal to the exact network's
    // (given the tuned earlier layers) before and after this layer's tuning.
    int minShift = 0, maxShift = 0;
    int tunedNeurons = 0;
    double agreementBefore = 0.0, agreementAfter = 0.0;
    // Hardware: the comparator width of the layer's threshold constants (the
    // unit's value bits); the tuned constants fit the same width.
    int thresholdBits = 0;
};

struct MitigationReport {
    Mitigation method = Mitigation::None;
    int calibrationImages = 0;
    std::vector<LayerMitigation> layers;
    // Extra hardware: both methods change the threshold constants only (the
    // comparators keep their width); no cells.
    int extraCells = 0;
};

// Sets config.thresholdShift for every layer with a circuit unit and returns
// what was measured. Throws std::invalid_argument if the calibration images
// do not fit the model.
MitigationReport biasCompensation(const Model& model, InferenceConfig& config, const Dataset& calibration, int count);

// Sets config.neuronShift for every thresholded layer (Conv, Dense) with a
// circuit unit, in layer order, each fitted on the first `count` calibration
// images with the earlier layers already tuned; keeps config.thresholdShift.
MitigationReport thresholdTuning(const Model& model, InferenceConfig& config, const Dataset& calibration, int count);

// The one dispatch over the modes: None clears every shift and measures
// nothing; Bias and Tune fit on the first min(count, calibration.count)
// calibration images as above.
MitigationReport applyMitigation(Mitigation mode, const Model& model, InferenceConfig& config,
                                 const Dataset& calibration, int count);

} // namespace axbnn
