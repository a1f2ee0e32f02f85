// What to train (docs/domain.md sections 7 and 8): the architecture, the recipe
// and, for approximation-aware training, the abstracted error model whose
// errors are injected into every binary layer's popcount (docs/training.md).
#pragma once

#include "bnn/error_model.h"
#include "bnn/model.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace axbnn::train {

enum class Arch {
    Mlp, // pixels -> hidden -> hidden -> classes (784-2048-2048-10 by default)
    Vgg3 // conv kxk, pool, conv kxk, pool, dense hidden, dense classes
};

// "fc" (also "mlp") and "vgg3".
std::string archName(Arch arch);
std::optional<Arch> archFromName(const std::string& name);

struct NetworkSpec {
    Arch arch = Arch::Vgg3;
    Shape input{28, 28, 1};
    int classes = 10;
    int kernel = 3; // VGG3 convolutions (odd, padding kernel / 2)
    int channels = 64; // VGG3 convolution channels
    int hidden = 2048; // hidden dense width (both MLP layers, VGG3's first dense)
};

struct TrainConfig {
    NetworkSpec net;
    int epochs = 10;
    int batch = 64;
    float learningRate = 1e-3f; // Adam, cosine-decayed to finalLrFraction * learningRate
    float finalLrFraction = 0.01f;
    float bnMomentum = 0.9f; // running = momentum * running + (1 - momentum) * batch
    float bnEpsilon = 1e-5f;
    bool augment = false; // random shifts by up to augmentShift pixels
    int augmentShift = 2;
    uint64_t seed = 1;
    int threads = 0; // 0: all cores; results do not depend on it
    // Approximation-aware training: errors injected per binary layer (matched
    // by model layer index; fan-ins must agree).
    std::optional<ErrorModel> errorModel;
};

// Throws std::invalid_argument with a message the user can act on (kernel
// that does not fit the image, epochs <= 0, ...).
void validateTrainConfig(const TrainConfig& config);

// The model-file layer index of each trained layer (InputConv, MaxPools,
// Conv, Dense, Scores as saved), e.g. VGG3: 0, 2, 4, 5; MLP: 0, 1, 2.
std::vector<int> modelLayerIndices(const NetworkSpec& spec);

// Text for ModelMetadata::trainingRecipe.
std::string recipeText(const TrainConfig& config);

} // namespace axbnn::train
