// The training loop: shuffling and augmentation from counter-based random
// streams, Adam with a cosine schedule, latent-weight clipping, progress and
// cancellation, per-epoch test accuracy of the folded model.
#include "train/trainer.h"
#include "io/error_model_json.h"

#include "bnn/inference.h"
#include "bnn/training_record.h"
#include "train/batch_pass.h"
#include "train/error_injection.h"
#include "train/fold.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace axbnn::train {

namespace {

constexpr float kAdamBeta1 = 0.9f, kAdamBeta2 = 0.999f, kAdamEps = 1e-8f;

struct AdamState {
    std::vector<float> m, v;
};

// One Adam step on p (element-wise, so any partition gives the same result).
void adamStep(TaskPool& pool, std::vector<float>& p, const std::vector<float>& g, AdamState& s, float lr, int64_t step,
              bool clip)
{
    if (s.m.empty()) {
        s.m.assign(p.size(), 0.0f);
        s.v.assign(p.size(), 0.0f);
    }
    const float c1 = 1.0f - std::pow(kAdamBeta1, static_cast<float>(step));
    const float c2 = 1.0f - std::pow(kAdamBeta2, static_cast<float>(step));
    const float stepSize = lr * std::sqrt(c2) / c1;
    constexpr size_t kBlock = 1 << 16;
    pool.run(static_cast<int>((p.size() + kBlock - 1) / kBlock), [&](int t, int) {
        for (size_t i = t * kBlock; i < std::min(p.size(), (t + 1) * kBlock); ++i) {
            s.m[i] = kAdamBeta1 * s.m[i] + (1.0f - kAdamBeta1) * g[i];
            s.v[i] = kAdamBeta2 * s.v[i] + (1.0f - kAdamBeta2) * g[i] * g[i];
            p[i] -= stepSize * s.m[i] / (std::sqrt(s.v[i]) + kAdamEps);
            if (clip)
                p[i] = std::clamp(p[i], -1.0f, 1.0f);
        }
    });
}

// Pixels of image `index` as float, shifted by (dx, dy) with zero fill.
void loadPixels(const Dataset& data, int index, int dx, int dy, float* out)
{
    const Shape& s = data.shape;
    const uint8_t* img = data.image(index).data();
    if (dx == 0 && dy == 0) {
        for (int i = 0; i < s.size(); ++i)
            out[i] = img[i];
        return;
    }
    for (int y = 0; y < s.height; ++y)
        for (int x = 0; x < s.width; ++x)
            for (int c = 0; c < s.channels; ++c) {
                const int sy = y - dy, sx = x - dx;
                const bool inside = sy >= 0 && sy < s.height && sx >= 0 && sx < s.width;
                out[(y * s.width + x) * s.channels + c] = inside ? img[(sy * s.width + sx) * s.channels + c] : 0.0f;
            }
}

void checkData(const NetworkSpec& spec, const Dataset& data, const char* what)
{
    validateDataset(data);
    if (data.shape != spec.input)
        throw std::invalid_argument(std::string(what) + " images are " + std::to_string(data.shape.height) + "x"
                                    + std::to_string(data.shape.width) + "x" + std::to_string(data.shape.channels)
                                    + " but the network expects " + std::to_string(spec.input.height) + "x"
                                    + std::to_string(spec.input.width) + "x" + std::to_string(spec.input.channels));
    if (data.classes() > spec.classes)
        throw std::invalid_argument(std::string(what) + " has " + std::to_string(data.classes())
                                    + " classes but the network has " + std::to_string(spec.classes));
}

double testAccuracy(const Model& model, const Dataset& test, int threads, const InferenceConfig* circuits = nullptr)
{
    InferenceConfig config = circuits ? *circuits : InferenceConfig();
    config.threads = threads;
    const InferenceEngine engine(model, config);
    const std::vector<int> predicted = engine.predict(test, 0, test.count);
    int correct = 0;
    for (int i = 0; i < test.count; ++i)
        correct += predicted[i] == test.labels[i];
    return test.count > 0 ? static_cast<double>(correct) / test.count : -1.0;
}

// The summary of an error model for the metadata: the P(e | s) rows are
// megabytes for a 3136-wide layer and follow from the circuit
// (axbnn error-model).
std::string errorModelSummary(const ErrorModel& model)
{
    nlohmann::json summary = errorModelJson(model);
    for (auto& layer : summary["layers"]) {
        layer.erase("conditional");
        layer.erase("neuron_shift");
    }
    return summary.dump();
}

ModelMetadata metadataFor(const TrainConfig& config, const Dataset& train, const Network& net)
{
    ModelMetadata meta;
    meta.dataset = train.source.find("fashion") != std::string::npos ? "fashion-mnist" : train.source;
    meta.classNames = train.classNames;
    meta.trainingRecipe = recipeText(config);
    // One error source: its circuit. Several levels: the last approximate
    // one in the order given (the record lists them all).
    const ErrorModel* errors = config.errorModel ? &*config.errorModel : nullptr;
    const InferenceConfig* circuits = config.circuit ? &*config.circuit : nullptr;
    for (const TrainLevel& level : config.levels)
        if (!level.exact()) {
            errors = level.errors ? &*level.errors : nullptr;
            circuits = level.circuit ? &*level.circuit : nullptr;
        }
    const Model skeleton = circuits || !config.levels.empty() ? foldNetwork(net) : Model();
    auto circuitOf = [&](const ErrorModel* e, const InferenceConfig* c) {
        return e ? e->circuit : c ? layerConfigDocument(skeleton, *c) : nlohmann::json();
    };
    const nlohmann::json circuit = circuitOf(errors, circuits);
    if (errors || circuits)
        meta.approximationConfig = circuit.is_null() ? "{}" : circuit.dump();
    meta.extra["trainer"] = "axbnn native trainer";
    meta.extra["bn_epsilon"] = std::to_string(net.bnEpsilon);
    if (errors)
        meta.extra["error_model"] = errorModelSummary(*errors);
    {
        TrainingRecord record;
        record.mode = !config.levels.empty()      ? TrainingMode::MultiLevel
            : config.errorModel || config.circuit ? TrainingMode::Aware
                                                  : TrainingMode::Exact;
        record.init = config.init ? (config.initName.empty() ? std::string("(unnamed)") : config.initName) : "";
        for (const TrainLevel& level : config.levels)
            record.levels.push_back(
                {level.label,
                 circuitOf(level.errors ? &*level.errors : nullptr, level.circuit ? &*level.circuit : nullptr)});
        if (!config.levels.empty())
            record.levelMix = levelMixName(config.levelMix);
        record.hardwareInTheLoop = hardwareInTheLoop(config);
        meta.extra[kTrainingRecordKey] = trainingRecordText(record);
    }
    return meta;
}

// The error source of one level (or of the whole run).
ErrorInjector injectorFor(const std::optional<ErrorModel>& errors, const std::optional<InferenceConfig>& circuit,
                          const Network& net)
{
    return errors ? ErrorInjector(*errors, net) : circuit ? ErrorInjector(*circuit, net) : ErrorInjector();
}

} // namespace

TrainResult trainNetwork(const TrainConfig& config, const Dataset& train, const Dataset* test, int limit,
                         const TrainProgressFn& progress)
{
    validateTrainConfig(config);
    checkData(config.net, train, "the training data");
    if (test)
        checkData(config.net, *test, "the test data");
    const int count = limit > 0 ? std::min(limit, train.count) : train.count;
    if (count < 2)
        throw std::invalid_argument("training needs at least 2 images, the data has " + std::to_string(count));
    const int batch = std::min(config.batch, count);
    const int batches = count / batch; // the incomplete last batch is dropped (reshuffled every epoch)

    TrainResult result;
    if (config.init) {
        const NetworkSpec spec = specOfModel(*config.init);
        if (!(spec == config.net))
            throw std::invalid_argument("the network to train is not the init model's architecture (take it from "
                                        "specOfModel)");
        result.network =
            networkFromModel(*config.init, config.initLatent, bnEpsilonOfModel(*config.init, config.bnEpsilon), train,
                             kInitCalibrationImages, config.threads, &result.init);
    } else {
        result.network = makeNetwork(config.net, config.seed, config.bnEpsilon);
    }
    Network& net = result.network;
    // Kinds and fan-ins of every error model, before any work.
    std::vector<const ErrorModel*> models;
    if (config.errorModel)
        models.push_back(&*config.errorModel);
    for (const TrainLevel& level : config.levels)
        if (level.errors)
            models.push_back(&*level.errors);
    if (!models.empty()) {
        const Model skeleton = foldNetwork(net);
        for (const ErrorModel* m : models)
            checkErrorModelFits(*m, skeleton);
    }
    const ErrorInjector injector = injectorFor(config.errorModel, config.circuit, net);
    std::vector<ErrorInjector> levelInjectors;
    for (const TrainLevel& level : config.levels)
        levelInjectors.push_back(injectorFor(level.errors, level.circuit, net));
    result.levelBatches.assign(config.levels.size(), 0);
    result.levelImages.assign(config.levels.size(), 0);
    TaskPool pool(config.threads);
    BatchPass pass(net, pool, &injector);
    std::vector<AdamState> adamW(net.layers.size()), adamG(net.layers.size()), adamB(net.layers.size());

    const int pixels = config.net.input.size();
    std::vector<float> input(static_cast<size_t>(batch) * pixels);
    std::vector<uint8_t> labels(batch);
    std::vector<int> order(count);
    const int64_t totalSteps = int64_t{batches} * config.epochs;
    int64_t step = 0;
    const auto start = std::chrono::steady_clock::now();
    auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };

    for (int epoch = 1; epoch <= config.epochs; ++epoch) {
        const double epochStart = seconds();
        for (int i = 0; i < count; ++i)
            order[i] = i;
        const uint64_t shuffleKey = streamKey(config.seed, 0x5b0ff1e, epoch);
        for (int i = count - 1; i > 0; --i)
            std::swap(order[i], order[mix64(shuffleKey + i) % static_cast<uint64_t>(i + 1)]);
        double lossSum = 0;
        int correctSum = 0;
        for (int b = 0; b < batches; ++b) {
            for (int i = 0; i < batch; ++i) {
                const int index = order[b * batch + i];
                int dx = 0, dy = 0;
                if (config.augment && config.augmentShift > 0) {
                    const uint64_t r = mix64(streamKey(config.seed, 0xa0a0, epoch) + index);
                    const int span = 2 * config.augmentShift + 1;
                    dx = static_cast<int>(r % span) - config.augmentShift;
                    dy = static_cast<int>((r >> 32) % span) - config.augmentShift;
                }
                loadPixels(train, index, dx, dy, input.data() + static_cast<size_t>(i) * pixels);
                labels[i] = train.labels[index];
            }
            ++step;
            if (!config.levels.empty() && config.levelMix == LevelMix::Image) {
                std::vector<const ErrorInjector*> perImage(batch);
                const std::vector<int> levels = levelsOfImages(config, step, batch);
                for (int i = 0; i < batch; ++i) {
                    perImage[i] = &levelInjectors[levels[i]];
                    ++result.levelImages[levels[i]];
                }
                pass.setImageInjectors(std::move(perImage));
            } else if (!config.levels.empty()) {
                const int level = levelOfStep(config, step);
                pass.setInjector(&levelInjectors[level]);
                ++result.levelBatches[level];
                result.levelImages[level] += batch;
            }
            int correct = 0;
            const float loss = pass.forwardTrain(input.data(), labels.data(), batch, config.bnMomentum,
                                                 streamKey(config.seed, 0xe770, step), correct);
            pass.backward();
            const float lr = learningRateAt(config, step, totalSteps);
            const std::vector<LayerGrads>& g = pass.grads();
            for (size_t l = 0; l < net.layers.size(); ++l) {
                adamStep(pool, net.layers[l].weights, g[l].weights, adamW[l], lr, step, true);
                adamStep(pool, net.layers[l].gamma, g[l].gamma, adamG[l], lr, step, false);
                adamStep(pool, net.layers[l].beta, g[l].beta, adamB[l], lr, step, false);
            }
            lossSum += loss;
            correctSum += correct;
            if (progress) {
                TrainProgress p;
                p.epoch = epoch;
                p.epochs = config.epochs;
                p.batch = b + 1;
                p.batchesPerEpoch = batches;
                p.loss = lossSum / (b + 1);
                p.accuracy = static_cast<double>(correctSum) / ((b + 1) * batch);
                p.elapsedSeconds = seconds();
                p.remainingSeconds = p.elapsedSeconds / step * (totalSteps - step);
                if (!progress(p))
                    throw TrainingCancelled();
            }
        }
        EpochSummary summary;
        summary.loss = lossSum / batches;
        summary.trainAccuracy = static_cast<double>(correctSum) / (int64_t{batches} * batch);
        result.model = foldNetwork(net, metadataFor(config, train, net));
        if (test)
            summary.testAccuracy = testAccuracy(result.model, *test, pool.threads());
        if (test && config.circuit)
            summary.circuitTestAccuracy = testAccuracy(result.model, *test, pool.threads(), &*config.circuit);
        summary.seconds = seconds() - epochStart;
        result.epochs.push_back(summary);
        if (progress) {
            TrainProgress p;
            p.epoch = epoch;
            p.epochs = config.epochs;
            p.batch = p.batchesPerEpoch = batches;
            p.loss = summary.loss;
            p.accuracy = summary.trainAccuracy;
            p.elapsedSeconds = seconds();
            p.remainingSeconds = p.elapsedSeconds / epoch * (config.epochs - epoch);
            p.epochEnd = true;
            p.testAccuracy = summary.testAccuracy;
            p.circuitTestAccuracy = summary.circuitTestAccuracy;
            if (!progress(p))
                throw TrainingCancelled();
        }
    }
    if (config.epochs == 0) { // fine-tuning for no epoch: the init model as the trainer rebuilt it
        result.model = foldNetwork(net, metadataFor(config, train, net));
        result.testAccuracy = test ? testAccuracy(result.model, *test, pool.threads()) : -1;
        if (test && config.circuit)
            result.circuitTestAccuracy = testAccuracy(result.model, *test, pool.threads(), &*config.circuit);
    } else {
        result.testAccuracy = result.epochs.back().testAccuracy;
        result.circuitTestAccuracy = result.epochs.back().circuitTestAccuracy;
    }
    result.model.meta.accuracyAtSave = result.testAccuracy;
    return result;
}

namespace {

std::vector<int> predictWith(const Network& net, const Dataset& data, int first, int count, int threads,
                             const ErrorInjector& injector, uint64_t seed)
{
    checkData(net.spec, data, "the data");
    if (first < 0 || count < 0 || first > data.count || count > data.count - first)
        throw std::invalid_argument("images outside the dataset");
    constexpr int kEvalBatch = 256;
    Network copy = net; // BatchPass keeps a mutable reference; eval mode changes nothing
    TaskPool pool(threads);
    BatchPass pass(copy, pool, &injector);
    const int pixels = net.spec.input.size(), classes = net.spec.classes;
    std::vector<float> input(static_cast<size_t>(kEvalBatch) * pixels),
        scores(static_cast<size_t>(kEvalBatch) * classes);
    std::vector<int> predicted(count);
    for (int b = 0; b < count; b += kEvalBatch) {
        const int n = std::min(kEvalBatch, count - b);
        for (int i = 0; i < n; ++i)
            loadPixels(data, first + b + i, 0, 0, input.data() + static_cast<size_t>(i) * pixels);
        pass.forwardEval(input.data(), n, scores.data(), injector.active(), streamKey(seed, static_cast<uint64_t>(b)));
        for (int i = 0; i < n; ++i) {
            const float* s = scores.data() + static_cast<size_t>(i) * classes;
            predicted[b + i] = static_cast<int>(std::max_element(s, s + classes) - s);
        }
    }
    return predicted;
}

} // namespace

std::vector<int> predictWithNetwork(const Network& net, const Dataset& data, int first, int count, int threads,
                                    const ErrorModel* errors, uint64_t seed)
{
    return predictWith(net, data, first, count, threads, errors ? ErrorInjector(*errors, net) : ErrorInjector(), seed);
}

std::vector<int> predictWithCircuits(const Network& net, const Dataset& data, int first, int count,
                                     const InferenceConfig& circuits, int threads)
{
    return predictWith(net, data, first, count, threads, ErrorInjector(circuits, net), 0);
}

BatchGradients batchGradients(Network& net, const float* pixels, const uint8_t* labels, int count,
                              const ErrorModel* errors, uint64_t key, int threads)
{
    const ErrorInjector injector = errors ? ErrorInjector(*errors, net) : ErrorInjector();
    TaskPool pool(threads);
    BatchPass pass(net, pool, &injector);
    BatchGradients g;
    int correct = 0;
    // Momentum 1 leaves the running statistics as they are.
    g.loss = pass.forwardTrain(pixels, labels, count, 1.0f, key, correct);
    pass.backward();
    for (const LayerGrads& l : pass.grads()) {
        g.weights.push_back(l.weights);
        g.gamma.push_back(l.gamma);
        g.beta.push_back(l.beta);
    }
    return g;
}

} // namespace axbnn::train
