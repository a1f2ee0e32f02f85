// Fine-tuning: a network under training initialised from a saved model
// (docs/training.md, "Fine-tuning"). The file holds binary weights and
// thresholds; the latent weights and batch-norm parameters are rebuilt
// from them so that the initial network predicts what the model predicts.
#pragma once

#include "bnn/model.h"
#include "io/dataset.h"
#include "train/network.h"
#include "train/train_config.h"

#include <string>

namespace axbnn::train {

// The architecture of a model file as the trainer builds it (fc or vgg3,
// kernel, channels, hidden width, input shape, classes). Throws
// std::invalid_argument naming the first layer that no fc or vgg3 network
// of this trainer has.
NetworkSpec specOfModel(const Model& model, const std::string& what = "the init model");

// The batch-norm epsilon the model was trained with (metadata bn_epsilon),
// or `fallback`.
float bnEpsilonOfModel(const Model& model, float fallback);

// The first architecture option that differs between `asked` and the init
// model's `found` ("--kernel 5 but the init model has kernel 3"), or "".
// Only fields in `given` (option names such as "--arch", "--kernel",
// "--channels", "--hidden") are compared.
std::string architectureMismatch(const NetworkSpec& asked, const NetworkSpec& found,
                                 const std::vector<std::string>& given);

// Images whose pre-activations rebuild a layer's batch-norm from thresholds.
inline constexpr int kInitCalibrationImages = 256;

struct InitReport {
    int layersFromBatchNorm = 0; // float batch-norm parameters kept from the file
    int layersFromThresholds = 0; // rebuilt from thresholds and calibration images
};

// The network of `model` (its spec from specOfModel): latent weights
// sign(w) * min(1, latentScale / sqrt(fan-in)); per layer, the file's float
// batch-norm parameters (bn_gamma, bn_beta, bn_mean, bn_var) when they fold
// to exactly the file's thresholds or score scales and offsets, otherwise
// parameters rebuilt from the thresholds with the pre-activation statistics
// of the first `calibrationImages` images of `calibration` (see the .cpp).
Network networkFromModel(const Model& model, float latentScale, float bnEpsilon, const Dataset& calibration,
                         int calibrationImages = kInitCalibrationImages, int threads = 1, InitReport* report = nullptr);

} // namespace axbnn::train
