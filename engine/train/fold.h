// From the trained float network to the inference engine's model
// (docs/domain.md section 1, docs/training.md): binary weights by sign, each
// batch-norm + sign folded into an integer threshold with its direction, the
// last layer's batch-norm into score scale and offset.
#pragma once

#include "bnn/model.h"
#include "train/network.h"

#include <cstdint>

namespace axbnn::train {

// The threshold and direction of one neuron whose activation is
// bn(x) >= 0 for the integer value v (popcount s with x = 2s - fanIn, or the
// pixel dot product x = v), found by binary search on the very same float
// expression, so the folded model agrees with the eval-mode forward pass
// for every reachable value.
struct FoldedThreshold {
    int32_t threshold = 0;
    int8_t direction = 1;
};
FoldedThreshold foldThreshold(const BnEval& bn, const TrainLayer& layer);

// The model file's form of `net` (validated), with `meta` attached and the
// float batch-norm parameters kept as bn_gamma, bn_beta, bn_mean, bn_var.
Model foldNetwork(const Network& net, ModelMetadata meta = {});

} // namespace axbnn::train
