// Error injection of approximation-aware training (docs/domain.md section 7):
// every binary layer's popcount s gets an error e drawn from P(e | s) of the
// abstracted error model before its max-pool / batch-norm (dot += 2e); the
// gradient passes straight through.
#pragma once

#include "bnn/error_model.h"
#include "train/network.h"

#include <cstdint>
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

    bool active() const { return !samplers_.empty(); }
    bool injects(int trainLayer) const;
    // Adds 2e to each of `count` dot products (exact integers as float) of
    // a layer with fan-in N; element i draws its error from the counter-based
    // random stream (key, first + i), so any partition gives the same result.
    void inject(int trainLayer, float* dots, int64_t count, int64_t first, uint64_t key) const;

private:
    std::vector<std::optional<ErrorSampler>> samplers_; // per trained layer
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
