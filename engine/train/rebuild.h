// The float network behind a folded model (the inverse of foldNetwork for
// what an eval-mode pass needs): +1/-1 weights as latent weights and the
// batch-norm parameters the model file keeps (bn_gamma, bn_beta, bn_mean,
// bn_var; written by axbnn train and tools/torch_train.py), so the
// trainer's forward pass can run a saved model, e.g. with injected errors.
#pragma once

#include "bnn/model.h"
#include "train/network.h"

namespace axbnn::train {

// Throws std::invalid_argument when the model is not a VGG3 or MLP of the
// trainer's shapes, lacks a batch-norm parameter, or when the rebuilt
// network does not fold back into the model's thresholds and scores (e.g.
// parameters of another rounding): the message names the layer.
Network rebuildNetwork(const Model& model);

} // namespace axbnn::train
