// The training job behind the "Train model…" dialog: checks, data, error
// model, the native trainer and the atomic save.
#include "explore/training.h"
#include "io/error_model_json.h"

#include "explore/accuracy.h"
#include "explore/model_analysis.h"

#include "bnn/error_model.h"
#include "bnn/inference_types.h"
#include "io/model_file.h"
#include "train/fold.h"
#include "train/trainer.h"
#include "util/atomic_file.h"

#include <filesystem>
#include <stdexcept>

#include <unistd.h>

namespace axbnn {

void checkModelPathWritable(const std::string& path)
{
    if (path.empty())
        throw std::invalid_argument("choose an output file for the trained model");
    if (std::filesystem::is_directory(path))
        throw std::invalid_argument(path + " is a folder; choose a file name such as model.h5");
    std::string temp;
    int fd = -1;
    try {
        fd = createTempBeside(path, temp);
    } catch (const std::exception& e) {
        throw std::invalid_argument(std::string("cannot write the model file: ") + e.what());
    }
    ::close(fd);
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
}

namespace {

train::TrainConfig trainConfig(const TrainSettings& s)
{
    train::TrainConfig c;
    c.net.arch = s.mlp ? train::Arch::Mlp : train::Arch::Vgg3;
    c.net.kernel = s.kernel;
    c.net.channels = s.channels;
    c.net.hidden = s.hidden;
    c.epochs = s.epochs;
    c.batch = s.batch;
    c.learningRate = static_cast<float>(s.learningRate);
    c.seed = s.seed;
    c.threads = s.threads;
    return c;
}

// The architecture's layer list; weights do not matter for P(e | s) or fan-ins.
Model skeletonOf(const train::TrainConfig& config)
{
    return train::foldNetwork(train::makeNetwork(config.net, config.seed));
}

// The workbench's circuit at `approx` on every conv and dense layer.
InferenceConfig circuitConfig(const TrainRequest& r, const Model& skeleton, const ApproxConfig& approx)
{
    if (r.topology == Topology::Imported)
        throw std::invalid_argument("the workbench explores an imported netlist of one fan-in; training needs a "
                                    "circuit for every layer's fan-in: choose a built topology or an error-model "
                                    "file (axbnn error-model)");
    InferenceConfig config = modelCircuitConfig(skeleton, r.topology, approx, -1);
    bool any = false;
    for (PopcountUnitConfig& unit : config.popcount) {
        if (!unit.circuit)
            continue;
        any = true;
        if (r.library)
            unit.library = *r.library;
    }
    if (!any)
        throw std::invalid_argument("the workbench's circuit is exact (no approximate cell): there are no errors "
                                    "to inject; raise the approximation level or choose 'none'");
    config.threads = r.settings.threads;
    return config;
}

ErrorModel circuitErrorModel(const TrainRequest& r, const Model& skeleton, const ApproxConfig& approx)
{
    const InferenceConfig config = circuitConfig(r, skeleton, approx);
    ErrorModelOptions options;
    options.seed = r.settings.seed;
    options.threads = r.settings.threads;
    ErrorModel model = abstractErrorModel(skeleton, config, std::vector<double>(skeleton.layers.size(), r.p), options);
    if (model.layers.empty())
        throw std::invalid_argument("the workbench's circuit selects no approximate cell in these layers");
    return model;
}

Dataset firstImages(const Dataset& data, int count)
{
    Dataset d = data;
    d.count = count;
    d.images.resize(static_cast<size_t>(count) * data.shape.size());
    d.labels.resize(count);
    return d;
}

// The error model of `r` for the network `config` describes, at `approx`.
std::shared_ptr<const ErrorModel> errorModelFor(const TrainRequest& r, const train::TrainConfig& config,
                                                const ApproxConfig& approx)
{
    switch (r.errors) {
    case ErrorSource::None: return nullptr;
    case ErrorSource::Circuit:
        return std::make_shared<const ErrorModel>(circuitErrorModel(r, skeletonOf(config), approx));
    case ErrorSource::File: {
        if (r.errorModelPath.empty())
            throw std::invalid_argument("choose an error-model file (docs/error-model.md) or another error source");
        ErrorModel model = loadErrorModel(r.errorModelPath);
        checkErrorModelFits(model, skeletonOf(config));
        return std::make_shared<const ErrorModel>(std::move(model));
    }
    }
    return nullptr;
}

} // namespace

std::shared_ptr<const ErrorModel> requestErrorModel(const TrainRequest& r, const Dataset& train)
{
    train::TrainConfig config = trainConfig(r.settings);
    if (!r.initPath.empty()) {
        config.net = train::specOfModel(loadModel(r.initPath));
    } else {
        config.net.input = train.shape;
        config.net.classes = train.classes();
    }
    return errorModelFor(r, config, r.approx);
}

TrainOutcome runTraining(const TrainRequest& r, const train::TrainProgressFn& progress, const TrainStageFn& stage)
{
    auto say = [&](const std::string& text) {
        if (stage)
            stage(text);
    };
    train::TrainConfig config = trainConfig(r.settings);
    if (!r.initPath.empty()) { // the architecture comes from the init model
        auto model = std::make_shared<Model>(loadModel(r.initPath));
        try {
            config.net = train::specOfModel(*model);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(r.initPath + ": " + e.what());
        }
        config.bnEpsilon = train::bnEpsilonOfModel(*model, config.bnEpsilon);
        config.init = std::move(model);
        config.initName = std::filesystem::path(r.initPath).filename().string();
    }
    if (!r.lsbLevels.empty() && r.errors != ErrorSource::Circuit)
        throw std::invalid_argument("a list of levels needs the workbench's circuit as the error source");
    train::validateTrainConfig(config); // before loading anything
    checkModelPathWritable(r.outPath);

    say("loading the training data…");
    const auto trainData = r.train ? r.train : sharedDataset("fashion-mnist:train");
    const auto fullTest = r.test ? r.test : sharedDataset("fashion-mnist");
    const Dataset test =
        r.testLimit > 0 && r.testLimit < fullTest->count ? firstImages(*fullTest, r.testLimit) : *fullTest;
    if (!config.init) {
        config.net.input = trainData->shape;
        config.net.classes = trainData->classes();
    }
    train::validateTrainConfig(config);
    if (test.shape.size() != trainData->shape.size() || test.classes() != trainData->classes())
        throw std::invalid_argument("the test images do not fit the training images (size or classes differ)");

    const bool throughCircuits = r.errors == ErrorSource::Circuit && r.hardwareInTheLoop;
    if (throughCircuits)
        say("building the circuits…");
    else if (r.errors == ErrorSource::Circuit)
        say("abstracting the error model of the circuit…");
    else if (r.errors == ErrorSource::File)
        say("reading the error model…");
    if (r.lsbLevels.size() > 1) {
        const Model skeleton = skeletonOf(config);
        for (int lsb : r.lsbLevels) {
            ApproxConfig approx = r.approx;
            approx.lsbColumns = lsb;
            train::TrainLevel level;
            level.label = train::levelLabel(lsb, approx.levels);
            if ((lsb > 0 || approx.levels > 0) && throughCircuits)
                level.circuit = circuitConfig(r, skeleton, approx);
            else if (lsb > 0 || approx.levels > 0)
                level.errors = circuitErrorModel(r, skeleton, approx);
            config.levels.push_back(std::move(level));
        }
    } else {
        ApproxConfig approx = r.approx;
        if (r.lsbLevels.size() == 1)
            approx.lsbColumns = r.lsbLevels[0];
        const bool approximate = r.lsbLevels.empty() || approx.lsbColumns > 0 || approx.levels > 0;
        if (approximate && throughCircuits)
            config.circuit = circuitConfig(r, skeletonOf(config), approx);
        else if (approximate)
            if (const auto errors = errorModelFor(r, config, approx))
                config.errorModel = *errors;
    }

    say("training…");
    const train::TrainResult result = train::trainNetwork(config, *trainData, &test, r.limit, progress);
    saveModel(result.model, r.outPath); // atomic

    TrainOutcome outcome;
    outcome.path = r.outPath;
    outcome.layers = static_cast<int>(result.model.layers.size());
    outcome.testAccuracy = result.testAccuracy;
    outcome.testImages = test.count;
    outcome.epochs = result.epochs;
    outcome.injected = config.errorModel.has_value() || config.circuit.has_value() || !config.levels.empty();
    outcome.circuitTestAccuracy = result.circuitTestAccuracy;
    for (const train::TrainLevel& level : config.levels)
        outcome.levels.push_back(level.label);
    outcome.levelImages = result.levelImages;
    outcome.init = result.init;
    return outcome;
}

} // namespace axbnn
