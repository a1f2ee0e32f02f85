// The obviously correct twin of InferenceEngine: +1/-1 int8 values, nested
// loops in the order model.h defines, the exact count or per-neuron
// Simulator::evaluate for circuit units. Slow; for tests and spot checks.
#pragma once

#include "bnn/inference_types.h"

#include <span>

namespace axbnn {

class ReferenceForward {
public:
    // Validates the model and builds the configured popcount units.
    ReferenceForward(const Model& model, const InferenceConfig& config);

    ForwardTrace run(std::span<const uint8_t> image) const;
    const PopcountUnit& unit(int layer) const { return units_.at(static_cast<size_t>(layer)); }

private:
    Model model_;
    InferenceConfig config_;
    std::vector<PopcountUnit> units_; // per layer; exact for layers without popcount
};

} // namespace axbnn
