// Bit-exact BNN inference on bit-packed activations, with exact or
// approximate (gate-level simulated) popcount units per layer, multi-threaded
// over images (docs/inference.md). ReferenceForward is its slow twin.
#pragma once

#include "bnn/dataset.h"
#include "bnn/inference_types.h"

#include <memory>
#include <span>
#include <vector>

namespace axbnn {

struct LayerPlan;

class InferenceEngine {
public:
    // Validates the model and prepares every layer (packed weights, circuits,
    // their error bounds). Throws std::invalid_argument on a bad model or
    // configuration. The engine keeps no reference to `model`.
    explicit InferenceEngine(const Model& model, InferenceConfig config = {});
    ~InferenceEngine();
    InferenceEngine(InferenceEngine&&) noexcept;
    InferenceEngine& operator=(InferenceEngine&&) noexcept;

    // Predicted class of images first .. first+count-1 of the dataset, over
    // config.threads threads. Throws std::invalid_argument if the images do
    // not fit the model or the range, InferenceCancelled if `progress` says so.
    std::vector<int> predict(const Dataset& data, int first, int count, const ProgressFn& progress = {}) const;
    // The same with the scores, and with per-layer statistics when
    // `collectStats` (which evaluates exact and circuit values of every neuron).
    InferenceResult run(const Dataset& data, int first, int count, bool collectStats = false,
                        const ProgressFn& progress = {}) const;

    int predictOne(std::span<const uint8_t> image) const;
    // Every layer's values and activations for one image (circuit values of
    // every neuron; no skipping).
    ForwardTrace trace(std::span<const uint8_t> image) const;

    const InferenceConfig& config() const { return config_; }
    const Shape& inputShape() const { return input_; }
    int classes() const { return classes_; }
    // The popcount unit of a layer (exact for layers without one).
    const PopcountUnit& unit(int layer) const;
    int threads() const;

private:
    InferenceConfig config_;
    Shape input_;
    int classes_ = 0;
    std::shared_ptr<const std::vector<LayerPlan>> plan_;
};

} // namespace axbnn
