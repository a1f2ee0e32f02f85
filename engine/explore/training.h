// Qt-free training job of the "Train model…" dialog: what to train (a plain
// value the dialog fills in), how to get its error model (none, the
// workbench's circuit, or an error-model file) and the run itself, which
// checks everything cheap first and writes the model file only at the end.
#pragma once

#include "circuit/approximation.h"
#include "circuit/cell_library.h"
#include "io/dataset.h"
#include "train/trainer.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace axbnn {

// The dialog's recipe (train::TrainConfig without the error model).
struct TrainSettings {
    bool mlp = false; // "fc": dense, dense, scores; else VGG3
    int kernel = 3, channels = 64, hidden = 2048;
    int epochs = 10, batch = 64;
    double learningRate = 1e-3;
    uint64_t seed = 1;
    int threads = 0; // 0: all cores
};

enum class ErrorSource {
    None, // exact training
    Circuit, // the explored circuit's knobs on every conv and dense layer, abstracted in process
    File, // an error-model JSON file (docs/error-model.md)
};

struct TrainRequest {
    TrainSettings settings;
    int limit = 0; // training images (0: all)
    int testLimit = 0; // test images evaluated after each epoch (0: all)
    ErrorSource errors = ErrorSource::None;
    // ErrorSource::Circuit: the workbench's topology and knobs (per-cell
    // overrides are dropped: they index one N's netlist, not these layers).
    Topology topology = Topology::AdderTree;
    ApproxConfig approx;
    std::shared_ptr<const CellLibrary> library; // null: the built-in cells
    double p = 0.5; // statistic of the error model's summary numbers
    std::string errorModelPath; // ErrorSource::File
    // ErrorSource::Circuit: LSB-column counts to train at, one drawn per
    // batch (0: exact); empty: the workbench's own level only.
    std::vector<int> lsbLevels;
    // ErrorSource::Circuit: count through the bit-exact circuits in every
    // forward pass (hardware in the loop, docs/training.md) instead of
    // injecting errors from their abstracted error model.
    bool hardwareInTheLoop = false;
    // Fine-tuning: the model file to start from ("" : a random start). Its
    // architecture replaces the settings' (mlp, kernel, channels, hidden).
    std::string initPath;
    std::string outPath;
    std::shared_ptr<const Dataset> train; // null: Fashion-MNIST's training split
    std::shared_ptr<const Dataset> test; // null: Fashion-MNIST's test split
};

struct TrainOutcome {
    std::string path; // the model file written
    int layers = 0; // of the saved model
    double testAccuracy = -1; // of the saved model, exact mode (-1: no test data)
    int testImages = 0;
    std::vector<train::EpochSummary> epochs;
    bool injected = false; // trained with an error model or through the circuits
    double circuitTestAccuracy = -1; // hardware in the loop: through the circuits (-1: not measured)
    std::vector<std::string> levels; // multi-level: the level labels
    std::vector<int64_t> levelImages; // ... and the images trained at each
    train::InitReport init; // fine-tuning: how the init model was taken over
};

// What the job is doing before the first batch (for the dialog's status line).
using TrainStageFn = std::function<void(const std::string& stage)>;

// Throws std::invalid_argument when `path` cannot be written (a directory,
// a missing folder, no permission); leaves nothing behind.
void checkModelPathWritable(const std::string& path);

// The error model the request asks for, checked against the architecture
// (null for ErrorSource::None). Throws with a message the user can act on.
std::shared_ptr<const ErrorModel> requestErrorModel(const TrainRequest& request, const Dataset& train);

// Checks the output path and configuration, loads the data, builds the error
// model, trains and saves the model atomically. `progress` returning false
// cancels (throws train::TrainingCancelled, a std::runtime_error; nothing
// is written).
TrainOutcome runTraining(const TrainRequest& request, const train::TrainProgressFn& progress,
                         const TrainStageFn& stage = {});

} // namespace axbnn
