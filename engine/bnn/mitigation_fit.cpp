// The calibration split and the keep-only-what-helps rule shared by bias
// compensation and threshold tuning, and the per-neuron threshold fit.
#include "bnn/mitigation_fit.h"

#include "bnn/inference.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <thread>

namespace axbnn {

int mitigationFitImages(int count)
{
    return count - count / 2;
}

int mitigationRequiredGain(int gained, int lost)
{
    // Three standard deviations: a mitigation judges a dozen or more changes
    // on the same held-out images, and at two a change that only reshuffles
    // them would pass in about one mitigation of four (docs/inference.md).
    return std::max(1, static_cast<int>(std::ceil(3.0 * std::sqrt(static_cast<double>(gained + lost)))));
}

double NeuronFit::agreementBefore() const
{
    return samples ? static_cast<double>(std::accumulate(agreeBefore.begin(), agreeBefore.end(), uint64_t{0}))
            / static_cast<double>(samples)
                   : 1.0;
}

double NeuronFit::agreementAfter() const
{
    return samples ? static_cast<double>(std::accumulate(agreeAfter.begin(), agreeAfter.end(), uint64_t{0}))
            / static_cast<double>(samples)
                   : 1.0;
}

namespace mitigation {

bool isThresholdedBinary(LayerKind kind)
{
    return kind == LayerKind::Conv || kind == LayerKind::Dense;
}

void checkCalibrationCount(const Dataset& calibration, int count, const char* what)
{
    if (count < 1 || count > calibration.count)
        throw std::invalid_argument(std::string(what) + " needs 1 to " + std::to_string(calibration.count)
                                    + " calibration images, not " + std::to_string(count));
}

std::string trainedForText(const Model& model, const InferenceConfig* trainedFor)
{
    if (trainedFor)
        return "approximation-aware: the circuit of its metadata";
    if (!model.meta.approximationConfig.empty())
        return "approximation-aware: circuit not available";
    return "exactly trained";
}

std::string signedText(int value)
{
    std::string text = std::to_string(value);
    if (value >= 0)
        text.insert(text.begin(), '+'); // not "+" + text: GCC 12 warns falsely (-Wrestrict)
    return text;
}

void parallelImages(int count, int threads, const std::function<void(int)>& fn)
{
    std::atomic<int> next{0};
    std::exception_ptr failure;
    std::mutex mutex;
    auto work = [&] {
        try {
            for (int i = next++; i < count; i = next++)
                fn(i);
        } catch (...) {
            std::lock_guard lock(mutex);
            failure = std::current_exception();
            next = count;
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
}

std::vector<LayerSamples> traceLayers(const Model& model, const InferenceConfig& config, const std::vector<int>& layers,
                                      const Dataset& data, int first, int count)
{
    const InferenceEngine engine(model, config);
    std::vector<LayerSamples> out(layers.size());
    for (size_t k = 0; k < layers.size(); ++k) {
        const size_t size = static_cast<size_t>(count) * model.layers[layers[k]].out.size();
        out[k].values.resize(size);
        out[k].activations.resize(size);
    }
    parallelImages(count, engine.threads(), [&](int i) {
        const ForwardTrace trace = engine.trace(data.image(first + i));
        for (size_t k = 0; k < layers.size(); ++k) {
            const LayerTrace& l = trace.layers[layers[k]];
            std::copy(l.values.begin(), l.values.end(),
                      out[k].values.begin() + static_cast<ptrdiff_t>(i) * l.values.size());
            std::copy(l.activations.begin(), l.activations.end(),
                      out[k].activations.begin() + static_cast<ptrdiff_t>(i) * l.activations.size());
        }
    });
    return out;
}

namespace {

// Kernel form of a neuron: active = (value > gt) XOR invert (layer_plan.h).
int32_t kernelThreshold(const Layer& l, int o, int shift)
{
    return l.thresholds.threshold[o] + shift - (l.thresholds.direction[o] > 0 ? 1 : 0);
}

struct BestThreshold {
    int32_t gt = 0;
    uint64_t agreeing = 0;
};

// The gt in -1 .. values - 1 whose activations agree most often with the
// targets, from per-value counts of target-on and target-off samples; ties
// go to the one nearest `preferred`.
BestThreshold bestThreshold(const uint64_t* on, const uint64_t* off, int values, bool invert, int32_t preferred)
{
    uint64_t onTotal = 0, offTotal = 0;
    for (int v = 0; v < values; ++v) {
        onTotal += on[v];
        offTotal += off[v];
    }
    // gt = -1: every value is above. Agreement without inversion = on
    // samples above + off samples at or below.
    uint64_t onAbove = onTotal, offAtOrBelow = 0;
    auto agreement = [&] { return invert ? (onTotal - onAbove) + (offTotal - offAtOrBelow) : onAbove + offAtOrBelow; };
    const int32_t clampedPreferred = std::clamp<int32_t>(preferred, -1, values - 1);
    BestThreshold best{-1, agreement()};
    auto distance = [&](int32_t gt) { return std::abs(int64_t{gt} - clampedPreferred); };
    for (int32_t gt = 0; gt < values; ++gt) {
        onAbove -= on[gt];
        offAtOrBelow += off[gt];
        const uint64_t a = agreement();
        if (a > best.agreeing || (a == best.agreeing && distance(gt) < distance(best.gt)))
            best = {gt, a};
    }
    return best;
}

} // namespace

NeuronFit fitNeurons(const Model& model, const InferenceConfig& config, int layer, int valueBits,
                     const std::vector<int32_t>& values, const std::vector<int8_t>& target)
{
    const Layer& l = model.layers[layer];
    const int outputs = l.out.channels;
    // Circuit values fit the unit's value bits; exact ones 0 .. fan-in.
    const int range = std::max(1 << valueBits, l.fanIn() + 1);
    if (values.size() != target.size())
        throw std::logic_error("fitNeurons: values and targets differ in size");
    std::vector<uint64_t> on(static_cast<size_t>(outputs) * range, 0), off(on.size(), 0);
    for (size_t n = 0; n < values.size(); ++n) {
        if (values[n] < 0 || values[n] >= range)
            throw std::logic_error("fitNeurons: value out of the unit's range");
        const size_t at = static_cast<size_t>(n % outputs) * range + values[n];
        (target[n] > 0 ? on : off)[at] += 1;
    }
    NeuronFit fit;
    fit.samples = values.size();
    fit.agreeBefore.assign(outputs, 0);
    fit.agreeAfter.assign(outputs, 0);
    fit.neuronShift.assign(outputs, 0);
    for (int o = 0; o < outputs; ++o) {
        const bool invert = l.thresholds.direction[o] < 0;
        const int32_t current = kernelThreshold(l, o, config.shiftFor(layer, o));
        const uint64_t* on0 = on.data() + static_cast<size_t>(o) * range;
        const uint64_t* off0 = off.data() + static_cast<size_t>(o) * range;
        for (int v = 0; v < range; ++v)
            fit.agreeBefore[o] += ((v > current) != invert) ? on0[v] : off0[v];
        const BestThreshold best = bestThreshold(on0, off0, range, invert, current);
        const int kept = config.shiftFor(layer, o) - config.shiftFor(layer); // the neuron's own shift now
        if (best.gt == std::clamp<int32_t>(current, -1, range - 1)) {
            fit.neuronShift[o] = kept; // unmoved: keep the constant as it is
            fit.agreeAfter[o] = fit.agreeBefore[o];
            continue;
        }
        fit.neuronShift[o] = best.gt - kernelThreshold(l, o, 0) - config.shiftFor(layer);
        fit.agreeAfter[o] = best.agreeing;
        ++fit.moved;
    }
    return fit;
}

CalibrationFit::CalibrationFit(const Model& model, const Dataset& data, int count, InferenceConfig start)
    : model_(model), data_(data), count_(count), fit_(mitigationFitImages(count)), current_(std::move(start))
{
    const std::vector<char> fit = correct(current_, 0, fit_);
    fitCorrect_ = static_cast<int>(std::count(fit.begin(), fit.end(), 1));
    heldOut_ = correct(current_, fit_, count_ - fit_);
    heldOutCorrect_ = static_cast<int>(std::count(heldOut_.begin(), heldOut_.end(), 1));
}

std::vector<char> CalibrationFit::correct(const InferenceConfig& config, int first, int count) const
{
    std::vector<char> ok(static_cast<size_t>(count), 0);
    if (count == 0)
        return ok;
    const std::vector<int> predicted = InferenceEngine(model_, config).predict(data_, first, count);
    for (int i = 0; i < count; ++i)
        ok[i] = predicted[i] == data_.labels[static_cast<size_t>(first + i)];
    return ok;
}

int CalibrationFit::decide(std::vector<Candidate>& candidates, std::vector<MitigationTrial>& log)
{
    int best = -1;
    for (size_t i = 0; i < candidates.size(); ++i) {
        const std::vector<char> ok = correct(candidates[i].config, 0, fit_);
        candidates[i].trial.fitCorrect = static_cast<int>(std::count(ok.begin(), ok.end(), 1));
        if (best < 0 || candidates[i].trial.fitCorrect > candidates[best].trial.fitCorrect)
            best = static_cast<int>(i);
    }
    int kept = -1;
    for (size_t i = 0; i < candidates.size(); ++i) {
        MitigationTrial& t = candidates[i].trial;
        const std::string fitText = std::to_string(t.fitCorrect) + " of " + std::to_string(fit_) + " fit images right";
        if (static_cast<int>(i) != best) {
            t.reason = fitText + ", another change did better there";
            continue;
        }
        if (t.fitCorrect <= fitCorrect_) {
            t.reason = fitText + ", no gain on the " + std::to_string(fitCorrect_) + " before";
            continue;
        }
        const std::vector<char> held = correct(candidates[i].config, fit_, count_ - fit_);
        for (size_t k = 0; k < held.size(); ++k) {
            t.gained += held[k] && !heldOut_[k];
            t.lost += !held[k] && heldOut_[k];
        }
        t.judged = true;
        t.needed = mitigationRequiredGain(t.gained, t.lost);
        const std::string heldText = "held out: " + std::to_string(t.gained) + " turned right, "
            + std::to_string(t.lost) + " wrong, net " + signedText(t.gained - t.lost) + " (needs "
            + signedText(t.needed) + ")";
        if (t.gained - t.lost < t.needed) {
            t.reason = fitText + " (" + std::to_string(fitCorrect_) + " before); " + heldText;
            continue;
        }
        t.kept = true;
        t.reason = fitText + " (" + std::to_string(fitCorrect_) + " before); " + heldText;
        kept = static_cast<int>(i);
        current_ = candidates[i].config;
        fitCorrect_ = t.fitCorrect;
        heldOut_ = held;
        heldOutCorrect_ += t.gained - t.lost;
    }
    for (const Candidate& c : candidates)
        log.push_back(c.trial);
    return kept;
}

} // namespace mitigation

NeuronFit fitNeuronThresholds(const Model& model, const InferenceConfig& config, const InferenceConfig& target,
                              int layer, const Dataset& data, int first, int count)
{
    if (layer < 0 || layer >= static_cast<int>(model.layers.size())
        || !mitigation::isThresholdedBinary(model.layers[layer].kind))
        throw std::invalid_argument("fitNeuronThresholds: layer " + std::to_string(layer)
                                    + " is not a conv or dense layer");
    if (first < 0 || count < 1 || first + count > data.count)
        throw std::invalid_argument("fitNeuronThresholds: images [" + std::to_string(first) + ", "
                                    + std::to_string(first + count) + ") are not in the " + std::to_string(data.count)
                                    + " images");
    const int valueBits = InferenceEngine(model, config).unit(layer).valueBits();
    const auto values = mitigation::traceLayers(model, config, {layer}, data, first, count);
    const auto targets = mitigation::traceLayers(model, target, {layer}, data, first, count);
    return mitigation::fitNeurons(model, config, layer, valueBits, values[0].values, targets[0].activations);
}

} // namespace axbnn
