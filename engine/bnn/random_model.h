// Random but well-formed models of any layer stack, for tests and benchmarks:
// +1/-1 weights, thresholds near the middle of each neuron's value range (so
// activations are neither constant nor all alike), random directions.
#pragma once

#include "bnn/dataset.h"
#include "bnn/model.h"

#include <cstdint>
#include <string>
#include <vector>

namespace axbnn {

struct RandomLayerSpec {
    LayerKind kind = LayerKind::Conv;
    int outputs = 0; // output channels (InputConv, Conv) or outputs (Dense, Scores)
    int kernel = 3, stride = 1, padding = 0;
    int pool = 2; // MaxPool
};

// Throws std::invalid_argument (validateModel's message) if the stack does not fit.
Model randomModel(Shape input, const std::vector<RandomLayerSpec>& layers, uint64_t seed);

// The VGG3 shape of docs/domain.md section 8: inputconv 1->64 kxk pad k/2, max-pool
// 2, conv 64->64 kxk pad k/2, max-pool 2, dense 3136->2048, scores 2048->10.
Model randomVgg3(uint64_t seed, int kernel = 3);

// A small stack for tests: inputconv 8x8x1 -> 8 channels, max-pool 2, conv
// 3x3x8 (fan-in 72), dense 4*4*8 -> 24 (fan-in 128), scores 24 -> 10.
Model smallRandomModel(uint64_t seed);

// count random images of `shape`, pixels uniform 0..255.
std::vector<uint8_t> randomImages(Shape shape, int count, uint64_t seed);

// `count` random images of the model's input shape labelled by the exact
// model's own predictions (exact accuracy 1): a search or sweep on it
// measures what approximation loses. classNames "c", source `source`.
Dataset randomLabelledDataset(const Model& model, int count, uint64_t seed, const std::string& source);

} // namespace axbnn
