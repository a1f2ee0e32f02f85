// Error injection of approximation-aware training (docs/domain.md section 7):
// every binary layer's popcount s gets an error e drawn from P(e | s) of the
// abstracted error model before its max-pool / batch-norm (dot += 2e); the
// gradient passes straight through. Or, hardware in the loop, the layer's
// bit-exact circuit counts (train/circuit_injection.h).
#pragma once

#include "bnn/error_model.h"
#include "bnn/inference_types.h"
#include "train/circuit_injection.h"
#include "train/network.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace axbnn::train {

class ErrorInjector {
public:
    ErrorInjector() = default;
    // One sampler per trained layer that the model names (by model layer
    // index). Throws std::invalid_argument if a model layer is not a binary
    // layer of this network or its fan-in differs.
    ErrorInjector(const ErrorModel& model, const Network& net);
    // Hardware in the loop: every trained layer with a circuit in `circuits`
    // (per model layer, InferenceConfig::unitFor) counts through it.
    ErrorInjector(const InferenceConfig& circuits, const Network& net);

    bool active() const { return !samplers_.empty() || !circuits_.empty(); }
    bool injects(int trainLayer) const;
    // The layer counts through its circuit (CircuitLayer::apply) rather than
    // taking sampled errors (inject).
    bool usesCircuit(int trainLayer) const;
    const CircuitLayer& circuit(int trainLayer) const { return *circuits_[trainLayer]; }
    // Adds 2e to each of `count` dot products (exact integers as float) of
    // a layer with fan-in N; element i draws its error from the counter-based
    // random stream (key, first + i), so any partition gives the same result.
    void inject(int trainLayer, float* dots, int64_t count, int64_t first, uint64_t key) const;

private:
    std::vector<std::optional<ErrorSampler>> samplers_; // per trained layer
    struct NeuronShifts { // LayerErrorModel::neuronShift of a trained layer (empty: none)
        int outputs = 0, bins = 0;
        std::vector<double> shift;
    };
    std::vector<NeuronShifts> shifts_; // per trained layer
    std::vector<std::shared_ptr<const CircuitLayer>> circuits_; // per trained layer (null: none)
};

// Counter-based 64-bit mixing (splitmix64 finaliser): independent streams
// for any (key, index) without state.
inline uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}
inline uint64_t streamKey(uint64_t a, uint64_t b, uint64_t c = 0)
{
    return mix64(mix64(mix64(a) ^ b) ^ c);
}

} // namespace axbnn::train
