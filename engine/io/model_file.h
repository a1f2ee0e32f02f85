// Model files: a documented, versioned HDF5 layout (docs/model-format.md)
// that h5py users can read and write without our code.
#pragma once

#include "bnn/model.h"

#include <string>

namespace axbnn {

inline constexpr const char* kModelFormat = "axbnn-bnn";
inline constexpr int kModelFormatVersion = 1;

struct ModelSaveOptions {
    // Store weights as `weights_packed` (uint8, 8 weights per byte) instead
    // of int8 `weights`; loadModel accepts either.
    bool packedWeights = false;
};

// Reads and checks every attribute, dataset shape, type and value, then the
// model as a whole (validateModel). Throws std::runtime_error
// "path: /layers/02_conv/weights: problem" on any defect.
Model loadModel(const std::string& path);

// Writes atomically (temporary file beside `path`, then rename). Throws
// std::invalid_argument if the model is invalid, std::runtime_error if the
// file cannot be written.
void saveModel(const Model& model, const std::string& path, const ModelSaveOptions& options = {});

} // namespace axbnn
