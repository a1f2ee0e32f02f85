// The native trainer (docs/domain.md sections 7 and 8, docs/training.md):
// binarized MLP and VGG3 with straight-through estimators, batch-norm, Adam
// with a cosine learning-rate schedule, deterministic seeds, optional shift
// augmentation and error injection from the abstracted error model.
// Multi-threaded over the batch; results do not depend on the thread count.
#pragma once

#include "bnn/model.h"
#include "io/dataset.h"
#include "train/init_network.h"
#include "train/network.h"
#include "train/train_config.h"

#include <functional>
#include <stdexcept>
#include <vector>

namespace axbnn::train {

struct TrainProgress {
    int epoch = 0, epochs = 0; // 1-based
    int batch = 0, batchesPerEpoch = 0; // 1-based within the epoch
    double loss = 0; // mean training loss so far in this epoch
    double accuracy = 0; // running training accuracy in this epoch (0..1)
    double elapsedSeconds = 0, remainingSeconds = 0;
    // Set once per epoch, after its last batch: test accuracy of the folded
    // model in the inference engine (exact mode), or -1 without test data.
    bool epochEnd = false;
    double testAccuracy = -1;
    // Hardware in the loop (TrainConfig::circuit): the same through the
    // circuits trained with, or -1.
    double circuitTestAccuracy = -1;
};

// Called on the training thread after every batch and at every epoch's end;
// return false to cancel (train() then throws TrainingCancelled).
using TrainProgressFn = std::function<bool(const TrainProgress&)>;

class TrainingCancelled : public std::runtime_error {
public:
    TrainingCancelled() : std::runtime_error("training cancelled") {}
};

struct EpochSummary {
    double loss = 0, trainAccuracy = 0, testAccuracy = -1, seconds = 0;
    double circuitTestAccuracy = -1; // TrainProgress::circuitTestAccuracy
};

struct TrainResult {
    Network network;
    Model model; // folded, metadata filled (accuracy_at_save from the last epoch)
    std::vector<EpochSummary> epochs;
    double testAccuracy = -1; // of `model` in the inference engine, exact mode
    double circuitTestAccuracy = -1; // ... through TrainConfig::circuit (hardware in the loop), or -1
    std::vector<int64_t> levelBatches; // multi-level, LevelMix::Batch: batches trained at each level
    std::vector<int64_t> levelImages; // multi-level: images trained at each level
    InitReport init; // fine-tuning: how the init model's layers were taken over
};

// Trains on `train` (first `limit` images, 0 = all) and evaluates on `test`
// (may be null) after each epoch; with config.init, fine-tunes that model
// (its first 256 training images calibrate layers whose batch-norm must be
// rebuilt from thresholds). Throws std::invalid_argument for a bad
// configuration or data that does not fit it, TrainingCancelled on request.
TrainResult trainNetwork(const TrainConfig& config, const Dataset& train, const Dataset* test, int limit = 0,
                         const TrainProgressFn& progress = {});

// The trainer's own eval-mode binarized forward pass (float GEMM, running
// batch-norm statistics): the predicted class of images first..first+count-1.
// With `errors`, every popcount of the layers it names gets an error drawn
// from its P(e | s) as in training (seeded by `seed`; the same for any
// thread count): the accuracy the trainer expects on the approximate hardware.
std::vector<int> predictWithNetwork(const Network& net, const Dataset& data, int first, int count, int threads = 0,
                                    const ErrorModel* errors = nullptr, uint64_t seed = 0);

// The same pass with every layer that has a circuit in `circuits` counting
// through it (hardware in the loop): equal, image for image, to the
// inference engine on the folded network with `circuits`.
std::vector<int> predictWithCircuits(const Network& net, const Dataset& data, int first, int count,
                                     const InferenceConfig& circuits, int threads = 0);

// One training step's building blocks, exposed for tests: the loss of a
// fixed batch in training mode, and its gradients (weights as
// d loss / d binarized weight, i.e. what the latent weights receive).
struct BatchGradients {
    float loss = 0;
    std::vector<std::vector<float>> weights, gamma, beta; // per trained layer
};
BatchGradients batchGradients(Network& net, const float* pixels, const uint8_t* labels, int count,
                              const ErrorModel* errors = nullptr, uint64_t key = 0, int threads = 1);

} // namespace axbnn::train
