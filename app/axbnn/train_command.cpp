// `axbnn train`: the native trainer (docs/training.md) from the command line,
// exactly or approximation-aware (errors from an error-model file, or from a
// circuit described by the circuit options, abstracted in process), with a
// progress bar on a terminal.
#include "circuit_options.h"
#include "cli_app.h"
#include "commands.h"

#include "circuit/design_limits.h"
#include "io/error_model_json.h"

#include "bnn/error_model.h"
#include "io/dataset.h"
#include "io/model_file.h"
#include "train/fold.h"
#include "train/trainer.h"
#include "util/atomic_file.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <stdexcept>

#include <unistd.h>

namespace axbnn::cli {
namespace {

struct TrainArgs {
    CircuitOptions circuit;
    std::string arch = "vgg3";
    int kernel = 3, channels = 64, hidden = 2048;
    int epochs = 10, batch = 64;
    float lr = 1e-3f;
    bool augment = false;
    uint64_t seed = 1;
    int threads = 0;
    std::string data = "fashion-mnist";
    std::string testData;
    int limit = 0, testLimit = 0;
    std::string errorModel;
    int unitWidth = 0;
    bool includeScores = false;
    uint64_t samplesPerSum = 4096;
    std::string out;
};

// "fashion-mnist" and IDX directories train on their :train split and test
// on their :test split; other specs train on what they name.
void dataSpecs(const TrainArgs& a, std::string& train, std::string& test)
{
    const bool split = a.data.ends_with(":train") || a.data.ends_with(":test");
    const bool directory = a.data == "fashion-mnist" || std::filesystem::is_directory(a.data);
    train = directory && !split ? a.data + ":train" : a.data;
    test = a.testData;
    if (test.empty() && directory && !split)
        test = a.data + ":test";
    if (test.empty() && a.data.ends_with(":train"))
        test = a.data.substr(0, a.data.size() - 6) + ":test";
}

// Fails now rather than after hours of training.
void checkWritable(const std::string& out)
{
    if (std::filesystem::is_directory(out))
        throw std::invalid_argument("--out " + out + " is a directory; give a file name such as model.h5");
    std::string temp;
    const int fd = createTempBeside(out, temp); // throws naming the path
    ::close(fd);
    std::filesystem::remove(temp);
}

std::string clock(double seconds)
{
    const long s = std::lround(std::max(0.0, seconds));
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

ErrorModel circuitErrorModel(const TrainArgs& a, const train::NetworkSpec& spec)
{
    const CircuitSpec cs = a.circuit.spec(1);
    PopcountUnitConfig unit = PopcountUnitConfig::makeCircuit(cs.topology, cs.approx, a.unitWidth);
    if (!a.circuit.cellsFile.empty())
        unit.library = a.circuit.library();
    // The architecture's layer list (weights do not matter for P(e | s)).
    const Model skeleton = train::foldNetwork(train::makeNetwork(spec, a.seed));
    const InferenceConfig config = InferenceConfig::withCircuit(skeleton, unit, a.includeScores);
    ErrorModelOptions options;
    options.samplesPerSum = a.samplesPerSum;
    options.seed = a.seed;
    options.threads = a.threads;
    std::fprintf(stderr, "abstracting the error model of the circuit ...\n");
    ErrorModel m =
        abstractErrorModel(skeleton, config, std::vector<double>(skeleton.layers.size(), a.circuit.p), options);
    if (m.layers.empty())
        throw std::invalid_argument("the circuit options select no approximate cell: nothing to inject");
    return m;
}

void runTrain(const TrainArgs& a)
{
    train::TrainConfig config;
    const auto arch = train::archFromName(a.arch);
    if (!arch)
        throw std::invalid_argument("unknown architecture '" + a.arch + "' (known: fc, vgg3)");
    config.net.arch = *arch;
    config.net.kernel = a.kernel;
    config.net.channels = a.channels;
    config.net.hidden = a.hidden;
    config.epochs = a.epochs;
    config.batch = a.batch;
    config.learningRate = a.lr;
    config.augment = a.augment;
    config.seed = a.seed;
    config.threads = a.threads;
    const bool knobs = a.circuit.lsbColumns > 0 || a.circuit.levels > 0;
    if (knobs && !a.errorModel.empty())
        throw std::invalid_argument("give either --error-model or circuit options (--approx-lsb, --approx-levels), "
                                    "not both");
    train::validateTrainConfig(config); // before loading anything
    checkWritable(a.out);

    std::string trainSpec, testSpec;
    dataSpecs(a, trainSpec, testSpec);
    const Dataset trainData = loadDataset(trainSpec);
    Dataset testData;
    if (!testSpec.empty()) {
        testData = loadDataset(testSpec);
        if (a.testLimit > 0 && a.testLimit < testData.count) {
            testData.count = a.testLimit;
            testData.images.resize(static_cast<size_t>(a.testLimit) * testData.shape.size());
            testData.labels.resize(a.testLimit);
        }
    }
    config.net.input = trainData.shape;
    config.net.classes = trainData.classes();
    train::validateTrainConfig(config);

    if (!a.errorModel.empty())
        config.errorModel = loadErrorModel(a.errorModel);
    else if (knobs)
        config.errorModel = circuitErrorModel(a, config.net);
    if (config.errorModel)
        checkErrorModelFits(*config.errorModel, train::foldNetwork(train::makeNetwork(config.net, a.seed)));

    const int images = a.limit > 0 ? std::min(a.limit, trainData.count) : trainData.count;
    std::fprintf(stderr, "training %s on %d images of %s%s, %d epoch%s\n", train::archName(config.net.arch).c_str(),
                 images, trainData.source.c_str(), config.errorModel ? " with injected popcount errors" : "",
                 config.epochs, config.epochs == 1 ? "" : "s");
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    double lastShown = -1e9;
    auto progress = [&](const train::TrainProgress& p) {
        if (p.epochEnd) {
            if (tty)
                std::fprintf(stderr, "\r\033[K");
            std::fprintf(stderr, "epoch %d/%d: loss %.4f, train accuracy %.2f%%", p.epoch, p.epochs, p.loss,
                         100 * p.accuracy);
            if (p.testAccuracy >= 0)
                std::fprintf(stderr, ", test accuracy %.2f%%", 100 * p.testAccuracy);
            std::fprintf(stderr, " (%s elapsed, %s left)\n", clock(p.elapsedSeconds).c_str(),
                         clock(p.remainingSeconds).c_str());
            return true;
        }
        const double interval = tty ? 0.2 : 30.0;
        if (p.elapsedSeconds - lastShown < interval && p.batch != p.batchesPerEpoch)
            return true;
        lastShown = p.elapsedSeconds;
        const double fraction = static_cast<double>(p.batch) / p.batchesPerEpoch;
        if (tty) {
            constexpr int kWidth = 30;
            const int filled = static_cast<int>(fraction * kWidth);
            std::string bar(filled, '#');
            bar.resize(kWidth, '.');
            std::fprintf(stderr, "\r\033[Kepoch %d/%d [%s] %3.0f%% loss %.4f acc %.2f%% %s elapsed, %s left", p.epoch,
                         p.epochs, bar.c_str(), 100 * fraction, p.loss, 100 * p.accuracy,
                         clock(p.elapsedSeconds).c_str(), clock(p.remainingSeconds).c_str());
        } else {
            std::fprintf(stderr, "epoch %d/%d batch %d/%d loss %.4f acc %.2f%% %s elapsed, %s left\n", p.epoch,
                         p.epochs, p.batch, p.batchesPerEpoch, p.loss, 100 * p.accuracy,
                         clock(p.elapsedSeconds).c_str(), clock(p.remainingSeconds).c_str());
        }
        std::fflush(stderr);
        return true;
    };
    const train::TrainResult result =
        train::trainNetwork(config, trainData, testSpec.empty() ? nullptr : &testData, a.limit, progress);
    saveModel(result.model, a.out);
    if (result.testAccuracy >= 0)
        std::printf("test accuracy %.2f%% (%d images of %s, exact popcount)\n", 100 * result.testAccuracy,
                    testData.count, testData.source.c_str());
    std::printf("wrote %s\n", a.out.c_str());
}

} // namespace

void addTrainCommand(CLI::App& app)
{
    auto args = std::make_shared<TrainArgs>();
    CLI::App* cmd =
        app.add_subcommand("train",
                           "Train a binarized MLP or VGG3, exactly or approximation-aware, and save it as a model file "
                           "(docs/training.md)");
    cmd->add_option("--arch", args->arch, "Architecture: fc (784-H-H-10 MLP) or vgg3")->capture_default_str();
    cmd->add_option("--kernel,-k", args->kernel, "VGG3 convolution kernel size (odd: 3, 5, 7)")->capture_default_str();
    // The ranges the trainer accepts (engine/train/train_config.cpp), so that --help shows them.
    cmd->add_option("--channels", args->channels, "VGG3 convolution channels")
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    cmd->add_option("--hidden", args->hidden, "Hidden dense width (both MLP layers, VGG3's first dense layer)")
        ->check(CLI::Range(1, 65536))
        ->capture_default_str();
    cmd->add_option("--epochs,-e", args->epochs, "Epochs over the training images")
        ->check(CLI::Range(1, std::numeric_limits<int>::max()))
        ->capture_default_str();
    cmd->add_option("--batch", args->batch, "Images per batch (batch-norm needs 2 or more)")
        ->check(CLI::Range(2, 4096))
        ->capture_default_str();
    cmd->add_option("--lr", args->lr, "Adam learning rate (cosine-decayed to 1% over the run)")->capture_default_str();
    cmd->add_flag("--augment", args->augment, "Random shifts of up to 2 pixels");
    cmd->add_option("--seed", args->seed, "Random seed (same seed: the same model)")
        ->check(kSeedValidator)
        ->capture_default_str();
    cmd->add_option("--threads", args->threads, "Worker threads (0: all cores; the model does not depend on it)")
        ->check(CLI::Range(0, 1024))
        ->capture_default_str();
    cmd->add_option("--data", args->data,
                    "Training data: fashion-mnist (its train split; tests on its test split), a directory of IDX "
                    "files, or an HDF5 dataset")
        ->capture_default_str();
    cmd->add_option("--test-data", args->testData, "Test data (default: the test split of --data, if any)");
    cmd->add_option("--limit", args->limit, "Train on the first N images only (0: all)")
        ->check(CLI::Range(0, 100'000'000));
    cmd->add_option("--test-limit", args->testLimit, "Test on the first N images only (0: all)")
        ->check(CLI::Range(0, 100'000'000));
    cmd->add_option("--error-model", args->errorModel,
                    "Inject the errors of this error-model file (docs/error-model.md; axbnn error-model)")
        ->check(CLI::ExistingFile);
    // The circuit options that describe the approximate popcount (the error
    // model is abstracted in process); --seed is shared with training.
    CircuitOptions& c = args->circuit;
    addStructureOptions(cmd, c);
    cmd->add_option("--p", c.p, "XNOR-output statistic for the error model's summary numbers")
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--unit-width", args->unitWidth, "Inputs per popcount unit (0: whole fan-in)")
        ->check(CLI::Range(0, kMaxUnitWidth));
    cmd->add_flag("--include-scores", args->includeScores, "Also approximate the last (scores) layer");
    cmd->add_option("--samples", args->samplesPerSum, "Error model: random patterns per exact count s")
        ->check(CLI::Range(uint64_t{64}, uint64_t{1} << 20))
        ->capture_default_str();
    cmd->add_option("--out,-o", args->out, "Model file to write (HDF5, docs/model-format.md)")->required();
    cmd->callback([args]() { runTrain(*args); });
}

} // namespace axbnn::cli
