// Per-neuron threshold tuning (docs/domain.md section 6): layer by layer, each
// approximate neuron's threshold is re-fitted on calibration images so that
// its activation, computed from its circuit's value on the approximate
// network's own inputs, agrees with the exact network's activation as often
// as possible.
#include "bnn/mitigation.h"

#include "bnn/inference.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>

namespace axbnn {

namespace {

// fn(image) for images 0 .. count - 1 on `threads` threads.
template <class Fn>
void parallelImages(int count, int threads, Fn fn)
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

std::span<const uint8_t> imageOf(const Dataset& data, int i)
{
    const size_t size = static_cast<size_t>(data.shape.size());
    return {data.images.data() + static_cast<size_t>(i) * size, size};
}

bool isThresholdedBinary(LayerKind k)
{
    return k == LayerKind::Conv || k == LayerKind::Dense;
}

// Kernel form of a neuron: active = (value > gt) XOR invert (layer_plan.h).
int32_t kernelThreshold(const Layer& l, int o, int shift)
{
    return l.thresholds.threshold[o] + shift - (l.thresholds.direction[o] > 0 ? 1 : 0);
}

// Agreements of gt = -1 .. values - 1 with the targets, from per-value
// counts of target-on and target-off samples.
struct BestThreshold {
    int32_t gt = 0;
    uint64_t agreeing = 0;
};

BestThreshold bestThreshold(const uint64_t* on, const uint64_t* off, int values, bool invert, int32_t preferred)
{
    uint64_t onTotal = 0;
    for (int v = 0; v < values; ++v)
        onTotal += on[v];
    // gt = -1: every value is above. Agreement without inversion = on
    // samples above + off samples at or below.
    uint64_t onAbove = onTotal, offAtOrBelow = 0, offTotal = 0;
    for (int v = 0; v < values; ++v)
        offTotal += off[v];
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

MitigationReport thresholdTuning(const Model& model, InferenceConfig& config, const Dataset& calibration, int count)
{
    if (count < 1 || count > calibration.count)
        throw std::invalid_argument("threshold tuning needs 1 to " + std::to_string(calibration.count)
                                    + " calibration images, not " + std::to_string(count));
    MitigationReport report;
    report.method = Mitigation::Tune;
    report.calibrationImages = count;
    config.neuronShift.assign(model.layers.size(), {});

    InferenceConfig exactConfig;
    exactConfig.threads = config.threads;
    const InferenceEngine exact(model, exactConfig);
    const int threads = exact.threads();
    std::vector<int> tuned;
    {
        const InferenceEngine approximate(model, config);
        for (size_t i = 0; i < model.layers.size(); ++i)
            if (isThresholdedBinary(model.layers[i].kind) && !approximate.unit(static_cast<int>(i)).isExact())
                tuned.push_back(static_cast<int>(i));
    }
    if (tuned.empty())
        return report;

    // The exact network's activations of the tuned layers: the targets.
    std::vector<std::vector<int8_t>> targets(tuned.size());
    for (size_t t = 0; t < tuned.size(); ++t)
        targets[t].resize(static_cast<size_t>(count) * model.layers[tuned[t]].out.size());
    parallelImages(count, threads, [&](int img) {
        const ForwardTrace trace = exact.trace(imageOf(calibration, img));
        for (size_t t = 0; t < tuned.size(); ++t) {
            const auto& a = trace.layers[tuned[t]].activations;
            std::copy(a.begin(), a.end(), targets[t].begin() + static_cast<ptrdiff_t>(img) * a.size());
        }
    });

    for (size_t t = 0; t < tuned.size(); ++t) {
        const int li = tuned[t];
        const Layer& l = model.layers[li];
        const InferenceEngine approximate(model, config); // earlier layers already tuned
        const int outputs = l.out.channels, perImage = static_cast<int>(l.out.size());
        const int values = 1 << approximate.unit(li).valueBits();
        std::vector<int32_t> circuitValues(static_cast<size_t>(count) * perImage);
        parallelImages(count, threads, [&](int img) {
            const ForwardTrace trace = approximate.trace(imageOf(calibration, img));
            const auto& v = trace.layers[li].values;
            std::copy(v.begin(), v.end(), circuitValues.begin() + static_cast<ptrdiff_t>(img) * perImage);
        });
        std::vector<uint64_t> on(static_cast<size_t>(outputs) * values, 0), off(on.size(), 0);
        for (size_t n = 0; n < circuitValues.size(); ++n) {
            const size_t at = static_cast<size_t>(n % outputs) * values + circuitValues[n];
            (targets[t][n] > 0 ? on : off)[at] += 1;
        }
        LayerMitigation m;
        m.layer = li;
        m.thresholdBits = approximate.unit(li).valueBits();
        config.neuronShift[li].assign(static_cast<size_t>(outputs), 0);
        uint64_t before = 0, after = 0;
        for (int o = 0; o < outputs; ++o) {
            const bool invert = l.thresholds.direction[o] < 0;
            const int32_t current = kernelThreshold(l, o, config.shiftFor(li, o));
            const uint64_t* on0 = on.data() + static_cast<size_t>(o) * values;
            const uint64_t* off0 = off.data() + static_cast<size_t>(o) * values;
            for (int v = 0; v < values; ++v) {
                const bool active = (v > current) != invert;
                before += active ? on0[v] : off0[v];
            }
            const BestThreshold best = bestThreshold(on0, off0, values, invert, current);
            after += best.agreeing;
            const int shift = best.gt - kernelThreshold(l, o, 0) - config.shiftFor(li);
            config.neuronShift[li][o] = shift;
            m.tunedNeurons += best.gt != std::clamp<int32_t>(current, -1, values - 1);
            m.shift = o == 0 ? shift : m.shift;
            m.minShift = o == 0 ? shift : std::min(m.minShift, shift);
            m.maxShift = o == 0 ? shift : std::max(m.maxShift, shift);
        }
        const double samples = static_cast<double>(circuitValues.size());
        m.agreementBefore = static_cast<double>(before) / samples;
        m.agreementAfter = static_cast<double>(after) / samples;
        report.layers.push_back(m);
    }
    return report;
}

} // namespace axbnn
