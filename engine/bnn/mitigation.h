// Run-time error mitigation (docs/domain.md section 6, docs/inference.md
// "Mitigation"), hardware in the loop and never worse than none: every
// candidate change (a layer's threshold shift from the error measured on
// calibration data, or re-tuned neuron thresholds) is fitted on the first part
// of the calibration images and kept only if it also wins on the held-out
// rest by a margin, so that the result on the calibration images is never
// below `none`.
#pragma once

#include "bnn/dataset.h"
#include "bnn/inference_types.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace axbnn {

// The run-time mitigation modes. Their names are the one spelling used by
// the command line (--mitigation), sessions, sweep specs, reports and JSON.
enum class Mitigation {
    None, // thresholds as trained
    Bias, // shift each approximate layer's thresholds by its measured error, where that helps
    Tune, // re-fit approximate neurons' thresholds on calibration data, where that helps
    BiasTune, // Bias, then Tune on top
};

struct MitigationInfo {
    Mitigation mode;
    const char* name;
    const char* summary; // one line, for help texts and menus
};

// Every mode, in menu order: the one table of names.
std::span<const MitigationInfo> mitigationModes();
std::vector<std::string> mitigationNames(); // "none", "bias", "tune", "bias-tune"
const char* mitigationName(Mitigation mode);
// Throws std::invalid_argument "unknown mitigation 'x' (known: none, bias, ...)".
Mitigation parseMitigation(std::string_view name);

// One change tried on one layer (or on a group of its neurons), and what
// became of it. Every change is scored on the fit images; the best one, if it
// beats the current thresholds there, is judged on the held-out images.
struct MitigationTrial {
    std::string change; // what was tried, e.g. "shift -5 (measured error)"
    int minShift = 0, maxShift = 0; // the threshold shifts it sets
    int neurons = 0; // neurons whose threshold it moves
    int fitCorrect = -1; // fit images classified correctly with it; -1: not scored
    bool judged = false; // evaluated on the held-out images
    int gained = 0, lost = 0; // held-out images it turns right / wrong
    int needed = 0; // net gain (gained - lost) it needed to be kept
    bool kept = false;
    std::string reason; // why it was kept or not
};

struct LayerMitigation {
    // The model layer, or -1 for the whole-network decisions (one rule
    // applied to every approximate layer at once), which come first; only
    // `trials` and the correct counts are filled for them.
    int layer = 0;
    Mitigation step = Mitigation::Bias; // Bias or Tune: the procedure this entry belongs to
    // Bias: the layer's XNOR statistic and errors on the fit images, with the
    // earlier layers' kept shifts in place.
    double xnorOneFraction = 0.0; // measured P(XNOR output = 1)
    double expectedError = 0.0; // error model (i.i.d. inputs) at that p, sum over chunks: for comparison
    double measuredError = 0.0; // mean of approximate - exact popcount: what the shift is made of
    // Approximation-aware models: the mean error the model absorbed in
    // training, from its circuit measured on the same images, or from the
    // error model summary in its metadata.
    std::optional<double> trainedCircuitError, trainedModelError;
    int shift = 0; // the kept layer shift (0: none kept)
    // Tune: the kept per-neuron shifts (range), neurons moved, the target
    // they were fitted to and the layer's agreement with that target on the
    // fit images before and after.
    int minShift = 0, maxShift = 0;
    int tunedNeurons = 0;
    std::string target;
    double agreementBefore = 0.0, agreementAfter = 0.0;
    // Correct calibration images before and after this layer's decisions.
    int fitCorrectBefore = 0, fitCorrectAfter = 0;
    int heldOutCorrectBefore = 0, heldOutCorrectAfter = 0;
    std::vector<MitigationTrial> trials;
    // Hardware: the comparator width of the layer's threshold constants (the
    // unit's value bits); the new constants fit the same width.
    int thresholdBits = 0;
};

struct MitigationReport {
    Mitigation method = Mitigation::None;
    int calibrationImages = 0;
    int fitImages = 0, heldOutImages = 0; // the first fitImages fit, the rest decide
    std::string trainedFor; // what the model was trained for, as the targets assume it
    // Correct calibration images (all of them) without mitigation and with it:
    // correctAfter >= correctBefore always.
    int correctBefore = 0, correctAfter = 0;
    // In the order decided: per step (Bias entries before Tune entries) the
    // whole-network entry (layer -1), then one entry per layer.
    std::vector<LayerMitigation> layers;
    // Extra hardware: every method changes the threshold constants only (the
    // comparators keep their width); no cells.
    int extraCells = 0;
};

// The calibration split: the first mitigationFitImages(count) images fit,
// the remaining count - that are held out for the decisions.
int mitigationFitImages(int count);
// The net held-out gain a change must show to be kept when it turns `gained`
// images right and `lost` wrong: max(1, ceil(3 sqrt(gained + lost))).
int mitigationRequiredGain(int gained, int lost);
// The version of the rules above and of the targets: a mitigated design's
// accuracy hash includes it, so that counts cached under an older rule
// (evaluation caches, sweep journals) are not taken for this one's. Raise it
// whenever a change can alter what a mitigation keeps. 2: three standard
// deviations, a multi-level model's level as its trained-for circuit.
inline constexpr int kMitigationRuleVersion = 2;

// The mean error per model layer that the model's metadata says it was
// trained with (extra "error_model", written by `axbnn train`); nullopt for
// layers it does not name and for every layer of an exactly trained model.
std::vector<std::optional<double>> trainedMeanErrors(const Model& model);

// `trainedFor`: the popcount configuration an approximation-aware model was
// trained for (its metadata's approximation_config), or null (an exactly
// trained model, or the circuit is unknown). Both functions throw
// std::invalid_argument unless 2 <= count <= calibration.count or when the
// images do not fit the model.
//
// Sets config.thresholdShift for layers with a circuit unit: first every
// layer at once by one rule, then one layer after the other, each measured
// with the earlier layers' kept shifts in place.
MitigationReport biasCompensation(const Model& model, InferenceConfig& config, const Dataset& calibration, int count,
                                  const InferenceConfig* trainedFor = nullptr);
// Sets config.neuronShift for thresholded layers (Conv, Dense) with a
// circuit unit: first every layer towards one target, then layer by layer
// (and per neuron group), each fitted with the earlier layers' kept shifts
// in place; keeps config.thresholdShift.
MitigationReport thresholdTuning(const Model& model, InferenceConfig& config, const Dataset& calibration, int count,
                                 const InferenceConfig* trainedFor = nullptr);

// The one dispatch over the modes: None clears every shift and measures
// nothing; the others fit on the first min(count, calibration.count)
// calibration images as above.
MitigationReport applyMitigation(Mitigation mode, const Model& model, InferenceConfig& config,
                                 const Dataset& calibration, int count, const InferenceConfig* trainedFor = nullptr);

// Tuning's building block: per-neuron shifts of thresholded layer `layer`
// (added to config's shifts) that make its activations, computed from its
// circuit's values in `config`'s network, agree as often as possible with
// the `target` network's activations of the same layer on images [first,
// first + count); ties go to the threshold nearest the current one.
struct NeuronFit {
    std::vector<int> neuronShift; // the layer's new config.neuronShift entry
    int moved = 0; // neurons whose effective threshold changes
    std::vector<uint64_t> agreeBefore, agreeAfter; // per neuron: agreeing samples
    uint64_t samples = 0; // images x neurons
    double agreementBefore() const;
    double agreementAfter() const;
};
NeuronFit fitNeuronThresholds(const Model& model, const InferenceConfig& config, const InferenceConfig& target,
                              int layer, const Dataset& data, int first, int count);

} // namespace axbnn
