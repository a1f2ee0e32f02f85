// `axbnn train`: the native trainer (docs/training.md) from the command line,
// exactly or approximation-aware (errors from an error-model file, or from a
// circuit described by the circuit options, abstracted in process), with a
// progress bar on a terminal.
#include "cli_app.h"
#include "commands.h"
#include "train_error_sources.h"

#include "circuit/design_limits.h"
#include "circuit/knobs.h"
#include "io/error_model_json.h"

#include "bnn/error_model.h"
#include "io/dataset.h"
#include "io/model_file.h"
#include "train/fold.h"
#include "train/trainer.h"
#include "util/atomic_file.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

namespace axbnn::cli {
namespace {

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

bool given(const TrainArgs& a, const char* option)
{
    return std::find(a.given.begin(), a.given.end(), option) != a.given.end();
}

// Fine-tuning: the architecture from the init model (architecture options
// that disagree are refused), a lower default learning rate.
void applyInit(const TrainArgs& a, train::TrainConfig& config)
{
    auto model = std::make_shared<Model>(loadModel(a.init));
    train::NetworkSpec spec;
    try {
        spec = train::specOfModel(*model);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("--init " + a.init + ": " + e.what());
    }
    const std::string mismatch = train::architectureMismatch(config.net, spec, a.given);
    if (!mismatch.empty())
        throw std::invalid_argument(mismatch + " (--init " + a.init
                                    + "); the architecture comes from the init model: leave the option out");
    config.net = spec;
    config.bnEpsilon = train::bnEpsilonOfModel(*model, config.bnEpsilon);
    config.init = std::move(model);
    config.initName = std::filesystem::path(a.init).filename().string();
    config.initLatent = a.initLatent;
    if (!given(a, "--lr"))
        config.learningRate = train::kFineTuneLearningRate;
}

// --json: one object on standard output (bench/run_train_bench.sh reads it).
void printResultJson(const TrainArgs& a, const train::TrainConfig& config, const train::TrainResult& r, int testImages)
{
    nlohmann::json j;
    j["out"] = a.out;
    j["arch"] = train::archName(config.net.arch);
    j["test_accuracy"] = r.testAccuracy;
    if (config.circuit)
        j["circuit_test_accuracy"] = r.circuitTestAccuracy;
    j["test_images"] = testImages;
    j["learning_rate"] = config.learningRate;
    double seconds = 0;
    j["epochs"] = nlohmann::json::array();
    for (const train::EpochSummary& e : r.epochs) {
        j["epochs"].push_back({{"loss", e.loss},
                               {"train_accuracy", e.trainAccuracy},
                               {"test_accuracy", e.testAccuracy},
                               {"seconds", e.seconds}});
        if (config.circuit)
            j["epochs"].back()["circuit_test_accuracy"] = e.circuitTestAccuracy;
        seconds += e.seconds;
    }
    j["seconds"] = seconds;
    if (!config.levels.empty()) {
        j["levels"] = nlohmann::json::array();
        for (size_t i = 0; i < config.levels.size(); ++i)
            j["levels"].push_back(
                {{"label", config.levels[i].label}, {"batches", r.levelBatches[i]}, {"images", r.levelImages[i]}});
    }
    if (config.init)
        j["init"] = {{"model", a.init},
                     {"layers_from_batch_norm", r.init.layersFromBatchNorm},
                     {"layers_from_thresholds", r.init.layersFromThresholds}};
    std::printf("%s\n", j.dump().c_str());
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
    config.warmupFraction = a.warmup;
    const auto mix = train::levelMixFromName(a.levelMix);
    if (!mix) {
        std::string known;
        for (const train::LevelMixInfo& m : train::levelMixes())
            known += (known.empty() ? "" : ", ") + std::string(m.name);
        throw std::invalid_argument("--level-mix: unknown mix '" + a.levelMix + "' (known: " + known + ")");
    }
    config.levelMix = *mix;
    config.augment = a.augment;
    config.seed = a.seed;
    config.threads = a.threads;
    checkErrorOptions(a);
    if (!a.init.empty())
        applyInit(a, config);
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
    if (!config.init) { // a fine-tuned network keeps the init model's input and classes; the trainer checks the data
        config.net.input = trainData.shape;
        config.net.classes = trainData.classes();
    }
    train::validateTrainConfig(config);

    setErrorSources(a, config);
    const Model skeleton = train::foldNetwork(train::makeNetwork(config.net, a.seed));
    if (config.errorModel)
        checkErrorModelFits(*config.errorModel, skeleton);
    for (const train::TrainLevel& level : config.levels)
        if (level.errors)
            checkErrorModelFits(*level.errors, skeleton);

    const int images = a.limit > 0 ? std::min(a.limit, trainData.count) : trainData.count;
    std::string how = config.errorModel ? " with injected popcount errors"
        : config.circuit                ? " through the bit-exact popcount circuits (hardware in the loop)"
                                        : "";
    if (!config.levels.empty()) {
        how = " at the levels";
        for (size_t i = 0; i < config.levels.size(); ++i)
            how += (i ? ", " : " ") + config.levels[i].label;
        how += std::string(" (one per ") + train::levelMixName(config.levelMix) + ")";
        if (a.hardwareInTheLoop)
            how += " through the bit-exact popcount circuits (hardware in the loop)";
    }
    if (config.init) {
        char lr[32];
        std::snprintf(lr, sizeof lr, "%g", config.learningRate);
        how += ", fine-tuned from " + config.initName + " (lr " + lr + ")";
    }
    std::fprintf(stderr, "training %s on %d images of %s%s, %d epoch%s\n", train::archName(config.net.arch).c_str(),
                 images, trainData.source.c_str(), how.c_str(), config.epochs, config.epochs == 1 ? "" : "s");
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
            if (p.circuitTestAccuracy >= 0)
                std::fprintf(stderr, " (%.2f%% through the circuits)", 100 * p.circuitTestAccuracy);
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
    if (a.json) {
        printResultJson(a, config, result, testSpec.empty() ? 0 : testData.count);
        return;
    }
    if (config.init)
        std::printf("initialised from %s: batch-norm of %d layers from the file, %d rebuilt from thresholds\n",
                    a.init.c_str(), result.init.layersFromBatchNorm, result.init.layersFromThresholds);
    if (!config.levels.empty()) {
        const bool images = config.levelMix == train::LevelMix::Image;
        std::printf("%s per level:", images ? "images" : "batches");
        for (size_t i = 0; i < config.levels.size(); ++i)
            std::printf("%s %s %lld", i ? "," : "", config.levels[i].label.c_str(),
                        static_cast<long long>(images ? result.levelImages[i] : result.levelBatches[i]));
        std::printf("\n");
    }
    if (result.testAccuracy >= 0)
        std::printf("test accuracy %.2f%% (%d images of %s, exact popcount)\n", 100 * result.testAccuracy,
                    testData.count, testData.source.c_str());
    if (result.circuitTestAccuracy >= 0)
        std::printf("test accuracy %.2f%% through the circuits it was trained with\n",
                    100 * result.circuitTestAccuracy);
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
    cmd->add_option("--epochs,-e", args->epochs,
                    "Epochs over the training images (0 only with --init: the init model as the trainer rebuilds it)")
        ->check(CLI::Range(0, std::numeric_limits<int>::max()))
        ->capture_default_str();
    cmd->add_option("--batch", args->batch, "Images per batch (batch-norm needs 2 or more)")
        ->check(CLI::Range(2, 4096))
        ->capture_default_str();
    char fineTuneLr[32];
    std::snprintf(fineTuneLr, sizeof fineTuneLr, "%g", train::kFineTuneLearningRate);
    cmd->add_option("--lr", args->lr,
                    std::string("Adam learning rate (cosine-decayed to 1% over the run; ") + fineTuneLr
                        + " when fine-tuning with --init)")
        ->capture_default_str();
    cmd->add_option("--warmup", args->warmup,
                    "Linear learning-rate warm-up over this fraction of the steps, then the cosine (0: none)")
        ->check(CLI::Range(0.0, 0.99))
        ->capture_default_str();
    cmd->add_option("--init", args->init,
                    "Fine-tune: start from this model file's weights and batch-norm; the architecture comes from it "
                    "(docs/training.md)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--init-latent", args->initLatent,
                    "Fine-tuning: latent weights start at sign(w) * this / sqrt(fan-in)")
        ->check(CLI::Range(1e-3, 64.0))
        ->capture_default_str();
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
    cmd->add_option("--error-model", args->errorModels,
                    "Inject the errors of this error-model file (docs/error-model.md; axbnn error-model); a comma-"
                    "separated list (with 'exact' for the exact level) trains one model at every level")
        ->delimiter(',');
    // The circuit options that describe the approximate popcount (the error
    // model is abstracted in process); --seed is shared with training.
    CircuitOptions& c = args->circuit;
    addStructureOptions(cmd, c);
    // The knobs take a list here: several values train one model at every level.
    for (const KnobInfo& knob : knobTable()) {
        if (knob.knob != Knob::LsbColumns && knob.knob != Knob::Levels) // one value, not a list of levels
            continue;
        cmd->remove_option(cmd->get_option(knob.option));
        std::vector<int>& values = knob.knob == Knob::LsbColumns ? args->lsbValues : args->levelValues;
        const std::string what = knob.knob == Knob::LsbColumns
            ? "Approximate the cells in the K least significant columns of every adder"
            : "Approximate the cells on the first L tree levels (nearest the inputs)";
        cmd->add_option(
               knob.option, values,
               what + "; a comma-separated list (e.g. 0,1,2,3) trains one model at every level (0: exact; --level-mix)")
            ->check(CLI::Range(0, knob.max))
            ->delimiter(',');
    }
    cmd->add_option("--p", c.p, "XNOR-output statistic for the error model's summary numbers")
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--unit-width", args->unitWidth, "Inputs per popcount unit (0: whole fan-in)")
        ->check(CLI::Range(0, kMaxUnitWidth));
    cmd->add_flag("--include-scores", args->includeScores, "Also approximate the last (scores) layer");
    cmd->add_flag("--hardware-in-the-loop", args->hardwareInTheLoop,
                  "Count every popcount of the forward pass through the bit-exact circuit of the circuit options "
                  "(straight-through gradients) instead of injecting errors from its abstracted error model");
    cmd->add_option("--samples", args->samplesPerSum, "Error model: random patterns per exact count s")
        ->check(CLI::Range(uint64_t{64}, uint64_t{1} << 20))
        ->capture_default_str();
    cmd->add_option("--out,-o", args->out, "Model file to write (HDF5, docs/model-format.md)")->required();
    cmd->add_option("--level-mix", args->levelMix,
                    "Multi-level training: a level per image within every batch (image) or one per batch (batch)")
        ->capture_default_str();
    cmd->add_flag("--json", args->json, "Print one JSON object (accuracy, epochs with seconds, levels) at the end");
    cmd->callback([args, cmd]() {
        for (const char* option : {"--arch", "--kernel", "--channels", "--hidden", "--lr"})
            if (cmd->count(option) > 0)
                args->given.push_back(option);
        runTrain(*args);
    });
}

} // namespace axbnn::cli
