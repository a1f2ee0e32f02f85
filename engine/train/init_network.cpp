// Fine-tuning's starting point: architecture, latent weights and batch-norm
// from a model file.
//
// Batch-norm of a hidden layer rebuilt from its thresholds: neuron c fires
// iff value >= T (direction +1) or value <= T (direction -1). In the
// pre-activation x (pixel dot product, or 2 * popcount - N) the cut t lies
// half a step beyond T (T - 1/2 or T + 1/2 for pixels, 2T - N -+ 1 for
// popcounts), where no reachable value is. With the channel's mean mu and
// biased variance var over the calibration images (the statistics a
// training batch sees), gamma = d, beta = d (mu - t) / sigma with
// sigma = sqrt(var + eps) and running statistics mu, var give
// bn(x) = d (x - t) / sigma: the same decision in eval mode, and about the
// same in training mode, with the spread of an ordinary batch-norm output.
// The scores layer keeps score = scale * x + offset: gamma = scale * sigma,
// beta = offset + mu * scale.
#include "train/init_network.h"

#include "train/batch_pass.h"
#include "train/fold.h"
#include "train/task_pool.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace axbnn::train {

namespace {

std::string shapeText(const Shape& s)
{
    return std::to_string(s.height) + "x" + std::to_string(s.width) + "x" + std::to_string(s.channels);
}

// Does layer `l` of `net`, folded, give exactly the model layer's thresholds
// (or score scales and offsets)?
bool foldsTo(const TrainLayer& l, const Layer& ml, float eps)
{
    for (int c = 0; c < l.channels(); ++c) {
        const BnEval bn = bnEval(l, c, eps);
        if (l.scores) {
            const float scale = ml.scoreScale.empty() ? 1.0f : ml.scoreScale[c];
            const float offset = ml.scoreOffset.empty() ? 0.0f : ml.scoreOffset[c];
            if (bn.scale != scale || scoreOffset(bn) != offset)
                return false;
        } else {
            const FoldedThreshold f = foldThreshold(bn, l);
            if (f.threshold != ml.thresholds.threshold[c] || f.direction != ml.thresholds.direction[c])
                return false;
        }
    }
    return true;
}

bool copyFloatParams(TrainLayer& l, const Layer& ml)
{
    const char* keys[] = {"bn_gamma", "bn_beta", "bn_mean", "bn_var"};
    std::vector<float>* dest[] = {&l.gamma, &l.beta, &l.runningMean, &l.runningVar};
    for (int k = 0; k < 4; ++k) {
        const auto it = ml.floatParams.find(keys[k]);
        if (it == ml.floatParams.end() || it->second.size() != static_cast<size_t>(l.channels()))
            return false;
    }
    for (int k = 0; k < 4; ++k)
        *dest[k] = ml.floatParams.at(keys[k]);
    return std::all_of(l.runningVar.begin(), l.runningVar.end(), [](float v) { return v >= 0.0f; });
}

void rebuildFromThresholds(TrainLayer& l, const Layer& ml, const float* pre, int64_t rows, float eps)
{
    const int c = l.channels();
    for (int ch = 0; ch < c; ++ch) {
        double sum = 0, sq = 0;
        for (int64_t r = 0; r < rows; ++r) {
            const double v = pre[r * c + ch];
            sum += v;
            sq += v * v;
        }
        const double mean = rows > 0 ? sum / rows : 0.0;
        const double var = rows > 0 ? std::max(0.0, sq / rows - mean * mean) : 1.0;
        l.runningMean[ch] = static_cast<float>(mean);
        l.runningVar[ch] = static_cast<float>(var);
        const double sigma = std::sqrt(l.runningVar[ch] + eps);
        if (l.scores) {
            const double scale = ml.scoreScale.empty() ? 1.0 : ml.scoreScale[ch];
            const double offset = ml.scoreOffset.empty() ? 0.0 : ml.scoreOffset[ch];
            l.gamma[ch] = static_cast<float>(scale * sigma);
            l.beta[ch] = static_cast<float>(offset + l.runningMean[ch] * scale);
            continue;
        }
        const int64_t t = ml.thresholds.threshold[ch];
        const int d = ml.thresholds.direction[ch] < 0 ? -1 : 1;
        const double cut = l.pixels ? t - 0.5 * d : 2.0 * t - l.fanIn - d;
        l.gamma[ch] = static_cast<float>(d);
        l.beta[ch] = static_cast<float>(d * (l.runningMean[ch] - cut) / sigma);
    }
}

} // namespace

NetworkSpec specOfModel(const Model& m, const std::string& what)
{
    NetworkSpec s;
    s.input = m.input;
    s.classes = m.classes();
    const std::string prefix = what + " is not an fc or vgg3 network of this trainer: ";
    if (m.layers.size() == 3) {
        s.arch = Arch::Mlp;
        s.hidden = m.layers[0].out.channels;
    } else if (m.layers.size() == 6) {
        s.arch = Arch::Vgg3;
        s.kernel = m.layers[0].kernel;
        s.channels = m.layers[0].out.channels;
        s.hidden = m.layers[4].out.channels;
    } else {
        throw std::invalid_argument(prefix + "it has " + std::to_string(m.layers.size())
                                    + " layers (fc has 3, vgg3 6)");
    }
    TrainConfig probe;
    probe.net = s;
    try {
        validateTrainConfig(probe);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(prefix + e.what());
    }
    const Model skeleton = foldNetwork(makeNetwork(s, 1));
    for (size_t i = 0; i < m.layers.size(); ++i) {
        const Layer &a = m.layers[i], &b = skeleton.layers[i];
        std::string why;
        if (a.kind != b.kind)
            why = "is a " + layerKindName(a.kind) + " layer where " + archName(s.arch) + " has a "
                + layerKindName(b.kind) + " layer";
        else if (a.in != b.in || a.out != b.out)
            why = "maps " + shapeText(a.in) + " to " + shapeText(a.out) + " where " + archName(s.arch) + " maps "
                + shapeText(b.in) + " to " + shapeText(b.out);
        else if ((a.kind == LayerKind::InputConv || a.kind == LayerKind::Conv)
                 && (a.kernel != b.kernel || a.padding != b.padding || a.stride != b.stride))
            why = "has kernel " + std::to_string(a.kernel) + ", padding " + std::to_string(a.padding) + ", stride "
                + std::to_string(a.stride) + " where " + archName(s.arch) + " has kernel " + std::to_string(b.kernel)
                + ", padding " + std::to_string(b.padding) + ", stride 1";
        else if (a.kind == LayerKind::MaxPool && a.pool != b.pool)
            why = "pools " + std::to_string(a.pool) + "x" + std::to_string(a.pool) + " where " + archName(s.arch)
                + " pools 2x2";
        if (!why.empty())
            throw std::invalid_argument(prefix + "layer " + std::to_string(i) + " '" + a.name + "' " + why);
    }
    return s;
}

float bnEpsilonOfModel(const Model& model, float fallback)
{
    const auto it = model.meta.extra.find("bn_epsilon");
    if (it == model.meta.extra.end())
        return fallback;
    try {
        const float eps = std::stof(it->second);
        return eps > 0.0f ? eps : fallback;
    } catch (const std::exception&) {
        return fallback;
    }
}

std::string architectureMismatch(const NetworkSpec& asked, const NetworkSpec& found,
                                 const std::vector<std::string>& given)
{
    auto isGiven = [&](const char* option) { return std::find(given.begin(), given.end(), option) != given.end(); };
    if (isGiven("--arch") && asked.arch != found.arch)
        return "--arch " + archName(asked.arch) + " but the init model is " + archName(found.arch);
    const bool vgg = found.arch == Arch::Vgg3;
    if (vgg && isGiven("--kernel") && asked.kernel != found.kernel)
        return "--kernel " + std::to_string(asked.kernel) + " but the init model has kernel "
            + std::to_string(found.kernel);
    if (vgg && isGiven("--channels") && asked.channels != found.channels)
        return "--channels " + std::to_string(asked.channels) + " but the init model has "
            + std::to_string(found.channels) + " channels";
    if (isGiven("--hidden") && asked.hidden != found.hidden)
        return "--hidden " + std::to_string(asked.hidden) + " but the init model has hidden width "
            + std::to_string(found.hidden);
    return {};
}

Network networkFromModel(const Model& model, float latentScale, float bnEpsilon, const Dataset& calibration,
                         int calibrationImages, int threads, InitReport* report)
{
    const NetworkSpec spec = specOfModel(model);
    Network net = makeNetwork(spec, 0, bnEpsilon);
    std::vector<int> rebuild;
    InitReport r;
    for (size_t t = 0; t < net.layers.size(); ++t) {
        TrainLayer& l = net.layers[t];
        const Layer& ml = model.layers[l.modelLayer];
        const float magnitude = std::min(1.0f, latentScale / std::sqrt(static_cast<float>(l.fanIn)));
        for (size_t i = 0; i < l.weights.size(); ++i)
            l.weights[i] = ml.weights[i] > 0 ? magnitude : -magnitude;
        if (copyFloatParams(l, ml) && foldsTo(l, ml, bnEpsilon))
            ++r.layersFromBatchNorm;
        else
            rebuild.push_back(static_cast<int>(t));
    }
    if (!rebuild.empty()) {
        const int n = std::min(calibrationImages, calibration.count);
        if (n < 1 || calibration.shape != spec.input)
            throw std::invalid_argument("rebuilding the init model's batch-norm from its thresholds needs "
                                        "calibration images of size "
                                        + shapeText(spec.input));
        const int pixels = spec.input.size();
        std::vector<float> input(static_cast<size_t>(n) * pixels), scores(static_cast<size_t>(n) * spec.classes);
        for (int i = 0; i < n; ++i) {
            const uint8_t* img = calibration.image(i).data();
            std::copy(img, img + pixels, input.begin() + static_cast<size_t>(i) * pixels);
        }
        TaskPool pool(threads);
        BatchPass pass(net, pool, nullptr);
        for (int t : rebuild) { // in layer order: each sees the layers below as already rebuilt
            TrainLayer& l = net.layers[t];
            pass.forwardEval(input.data(), n, scores.data());
            const int64_t rows = static_cast<int64_t>(n) * l.out.height * l.out.width;
            rebuildFromThresholds(l, model.layers[l.modelLayer], pass.preActivations(t), rows, bnEpsilon);
            ++r.layersFromThresholds;
        }
    }
    if (report)
        *report = r;
    return net;
}

} // namespace axbnn::train
