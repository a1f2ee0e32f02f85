// The options of `axbnn train` (train_command.cpp) and the error sources they
// describe: none, an error-model file, circuits abstracted into an error model
// in process, or the circuits themselves (hardware in the loop), at one level
// or several.
#pragma once

#include "circuit_options.h"

#include "train/train_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace axbnn::cli {

struct TrainArgs {
    CircuitOptions circuit;
    std::string arch = "vgg3";
    int kernel = 3, channels = 64, hidden = 2048;
    int epochs = 10, batch = 64;
    float lr = 1e-3f;
    float warmup = 0.0f;
    bool augment = false;
    uint64_t seed = 1;
    int threads = 0;
    std::string data = "fashion-mnist";
    std::string testData;
    int limit = 0, testLimit = 0;
    std::vector<std::string> errorModels; // "exact" for the exact level
    std::vector<int> lsbValues, levelValues; // the circuit knobs, one value or a list of levels
    std::string init;
    float initLatent = 1.0f;
    bool json = false;
    std::string levelMix = train::levelMixName(train::TrainConfig{}.levelMix);
    std::vector<std::string> given; // architecture options and --lr as typed
    int unitWidth = 0;
    bool includeScores = false;
    bool hardwareInTheLoop = false;
    uint64_t samplesPerSum = 4096;
    std::string out;
};

// The option combinations that contradict each other, before anything is loaded.
void checkErrorOptions(const TrainArgs& a);
// The error sources of the options: one error model (config.errorModel) or
// circuits (config.circuit), none, or several levels (config.levels) when
// --approx-lsb, --approx-levels or --error-model lists more than one.
void setErrorSources(const TrainArgs& a, train::TrainConfig& config);

} // namespace axbnn::cli
