// What to train (docs/domain.md sections 7 and 8): the architecture, the recipe
// and, for approximation-aware training, the abstracted error model whose
// errors are injected into every binary layer's popcount (docs/training.md).
#pragma once

#include "bnn/error_model.h"
#include "bnn/inference_types.h"
#include "bnn/model.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
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
    bool operator==(const NetworkSpec&) const = default;
};

// The default learning rate of fine-tuning (a tenth of training's).
inline constexpr float kFineTuneLearningRate = 1e-4f;

// The label of the exact level (also the word for it in lists of levels).
inline constexpr const char* kExactLevelLabel = "exact";
// The label of the level with these knob values: "exact", "lsb 2",
// "lsb 1, levels 2" (names from circuit/knobs.h).
std::string levelLabel(int lsbColumns, int levels);

// One approximation level of multi-level training: a label for reports
// ("exact", "lsb 2") and the errors injected at it: sampled from an error
// model, or hardware in the loop, the circuits themselves (neither: exact).
struct TrainLevel {
    std::string label;
    std::optional<ErrorModel> errors;
    std::optional<InferenceConfig> circuit;
    bool exact() const { return !errors && !circuit; }
};

// How multi-level training mixes its levels: one level per batch, or one
// per image within every batch (each level on an equal share of the images).
enum class LevelMix { Batch, Image };
struct LevelMixInfo {
    LevelMix mix;
    const char* name; // "batch", "image" (--level-mix)
};
std::span<const LevelMixInfo> levelMixes();
std::optional<LevelMix> levelMixFromName(const std::string& name);
const char* levelMixName(LevelMix mix);

struct TrainConfig {
    NetworkSpec net;
    int epochs = 10; // 0 only with `init` (the init model re-folded, e.g. to compare)
    int batch = 64;
    float learningRate = 1e-3f; // Adam, cosine-decayed to finalLrFraction * learningRate
    float finalLrFraction = 0.01f;
    // Linear warm-up from 0 over this fraction of all steps, then the cosine
    // over the rest (0: the cosine from the first step, as before).
    float warmupFraction = 0.0f;
    float bnMomentum = 0.9f; // running = momentum * running + (1 - momentum) * batch
    float bnEpsilon = 1e-5f;
    bool augment = false; // random shifts by up to augmentShift pixels
    int augmentShift = 2;
    uint64_t seed = 1;
    int threads = 0; // 0: all cores; results do not depend on it
    // Approximation-aware training: errors injected per binary layer (matched
    // by model layer index; fan-ins must agree).
    std::optional<ErrorModel> errorModel;
    // Hardware-in-the-loop training (instead of errorModel): the forward
    // pass counts every binary layer that has a circuit here (per model
    // layer) through that circuit, bit-exactly; gradients pass straight
    // through (train/circuit_injection.h).
    std::optional<InferenceConfig> circuit;
    // Multi-level training: when not empty (errorModel must then be empty),
    // each batch runs at one of these levels, drawn from the seed and the
    // step so that every cycle of levels.size() batches visits each level
    // once in a shuffled order (levelOfStep).
    std::vector<TrainLevel> levels;
    LevelMix levelMix = LevelMix::Image; // measured better than Batch (docs/training.md)
    // Fine-tuning: start from this model's weights and batch-norm instead of
    // a random initialisation (networkFromModel, docs/training.md); `net`
    // must describe its architecture (specOfModel). initName names it in
    // the metadata (a file name).
    std::shared_ptr<const Model> init;
    std::string initName;
    // Latent weights of a fine-tuned network start at sign(w) * initLatent /
    // sqrt(fan-in): how far each is from flipping, in units of the random
    // initialisation's bound.
    float initLatent = 1.0f;
};

// The level (index into config.levels) of training step `step` (1-based).
int levelOfStep(const TrainConfig& config, int64_t step);
// LevelMix::Image: the level of each of the `count` images of step `step`:
// image i gets perm[i] mod n for a permutation of 0..count-1 drawn from the
// seed and the step, so each level has count / n images (+-1).
std::vector<int> levelsOfImages(const TrainConfig& config, int64_t step, int count);

// Throws std::invalid_argument with a message the user can act on (kernel
// that does not fit the image, epochs <= 0, ...).
void validateTrainConfig(const TrainConfig& config);

// The model-file layer index of each trained layer (InputConv, MaxPools,
// Conv, Dense, Scores as saved), e.g. VGG3: 0, 2, 4, 5; MLP: 0, 1, 2.
std::vector<int> modelLayerIndices(const NetworkSpec& spec);

// The learning rate of step `step` (1-based) of `totalSteps`: linear warm-up,
// then cosine decay to finalLrFraction.
float learningRateAt(const TrainConfig& config, int64_t step, int64_t totalSteps);

// Whether any error source of `config` is a circuit (hardware in the loop).
bool hardwareInTheLoop(const TrainConfig& config);

// Text for ModelMetadata::trainingRecipe.
std::string recipeText(const TrainConfig& config);

} // namespace axbnn::train
