// Internal to mitigation: the calibration split, the scoring of candidate
// configurations on it and the rule that keeps a change (docs/inference.md
// "Mitigation"). Bias compensation and threshold tuning share it.
#pragma once

#include "bnn/mitigation.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace axbnn::mitigation {

// A candidate change: the whole configuration it would give, and its entry
// in the report (change, shifts, neurons; the rest is filled by decide()).
struct Candidate {
    InferenceConfig config;
    MitigationTrial trial;
};

// The current configuration and which calibration images it classifies
// correctly, fit images [0, fit) and held-out images [fit, count).
class CalibrationFit {
public:
    CalibrationFit(const Model& model, const Dataset& data, int count, InferenceConfig start);

    const Model& model() const { return model_; }
    const Dataset& data() const { return data_; }
    int fitImages() const { return fit_; }
    int heldOutImages() const { return count_ - fit_; }
    const InferenceConfig& current() const { return current_; }
    int fitCorrect() const { return fitCorrect_; }
    int heldOutCorrect() const { return heldOutCorrect_; }
    // A report entry for model layer `layer` (-1: the whole network) and
    // `step`, with the counts of the current configuration as "before".
    LayerMitigation entry(int layer, Mitigation step) const
    {
        LayerMitigation m;
        m.layer = layer;
        m.step = step;
        m.fitCorrectBefore = fitCorrect_;
        m.heldOutCorrectBefore = heldOutCorrect_;
        return m;
    }

    // Scores every candidate on the fit images, judges the best one (the
    // first of equals) on the held-out images if it beats the current
    // configuration on the fit images, and makes it current if its net
    // held-out gain reaches mitigationRequiredGain. Appends every trial to
    // `log`; returns the index of the kept candidate or -1.
    int decide(std::vector<Candidate>& candidates, std::vector<MitigationTrial>& log);

private:
    std::vector<char> correct(const InferenceConfig& config, int first, int count) const;

    const Model& model_;
    const Dataset& data_;
    int count_ = 0, fit_ = 0;
    InferenceConfig current_;
    std::vector<char> heldOut_; // per held-out image: correct under current_
    int fitCorrect_ = 0, heldOutCorrect_ = 0;
};

// fn(image) for images 0 .. count - 1 on `threads` threads.
void parallelImages(int count, int threads, const std::function<void(int)>& fn);

// Per layer of `layers`: the layer's values (circuit values, before any
// shift) and activations in `config`'s network for images [first, first +
// count), image after image (each image's neurons in H, W, C order).
struct LayerSamples {
    std::vector<int32_t> values;
    std::vector<int8_t> activations;
};
std::vector<LayerSamples> traceLayers(const Model& model, const InferenceConfig& config, const std::vector<int>& layers,
                                      const Dataset& data, int first, int count);

// fitNeuronThresholds on samples already traced: `values` of layer `layer`
// under `config`, whose unit has `valueBits`, and the target activations.
NeuronFit fitNeurons(const Model& model, const InferenceConfig& config, int layer, int valueBits,
                     const std::vector<int32_t>& values, const std::vector<int8_t>& target);

// Thresholded binary layers (Conv, Dense): the layers tuning re-fits.
bool isThresholdedBinary(LayerKind kind);

// Throws std::invalid_argument unless 1 <= count <= calibration.count.
void checkCalibrationCount(const Dataset& calibration, int count, const char* what);

// What the report says the model was trained for.
std::string trainedForText(const Model& model, const InferenceConfig* trainedFor);

// "+3", "-2", "+0": shifts and gains as the reports print them.
std::string signedText(int value);

} // namespace axbnn::mitigation
