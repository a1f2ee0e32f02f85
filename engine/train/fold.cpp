// Folding: exact integer thresholds from the float batch-norm condition.
#include "train/fold.h"

#include <stdexcept>

namespace axbnn::train {

namespace {

// The float pre-activation of integer value v.
float preActivation(const TrainLayer& l, int64_t v)
{
    return static_cast<float>(l.pixels ? v : 2 * v - l.fanIn);
}

} // namespace

FoldedThreshold foldThreshold(const BnEval& bn, const TrainLayer& l)
{
    const int64_t lo = l.pixels ? -255 * int64_t{l.fanIn} : 0;
    const int64_t hi = l.pixels ? 255 * int64_t{l.fanIn} : l.fanIn;
    auto on = [&](int64_t v) { return bn(preActivation(l, v)) >= 0.0f; };
    FoldedThreshold f;
    if (bn.scale > 0.0f) { // non-decreasing: smallest v that fires
        f.direction = 1;
        if (!on(hi)) {
            f.threshold = static_cast<int32_t>(hi + 1);
            return f;
        }
        int64_t a = lo, b = hi; // on(b)
        while (a < b) {
            const int64_t m = a + (b - a) / 2;
            if (on(m))
                b = m;
            else
                a = m + 1;
        }
        f.threshold = static_cast<int32_t>(a);
    } else if (bn.scale < 0.0f) { // non-increasing: largest v that fires
        f.direction = -1;
        if (!on(lo)) {
            f.threshold = static_cast<int32_t>(lo - 1);
            return f;
        }
        int64_t a = lo, b = hi; // on(a)
        while (a < b) {
            const int64_t m = b - (b - a) / 2;
            if (on(m))
                a = m;
            else
                b = m - 1;
        }
        f.threshold = static_cast<int32_t>(a);
    } else { // constant neuron
        f.direction = 1;
        f.threshold = static_cast<int32_t>(on(lo) ? lo : hi + 1);
    }
    return f;
}

Model foldNetwork(const Network& net, ModelMetadata meta)
{
    Model m;
    m.input = net.spec.input;
    m.meta = std::move(meta);
    for (const TrainLayer& l : net.layers) {
        Layer layer;
        layer.kind = l.kind;
        layer.name = l.name;
        layer.in = l.in;
        layer.out = l.conv;
        if (l.kind == LayerKind::InputConv || l.kind == LayerKind::Conv) {
            layer.kernel = l.kernel;
            layer.padding = l.padding;
            layer.stride = 1;
        }
        layer.weights.resize(l.weights.size());
        for (size_t i = 0; i < l.weights.size(); ++i)
            layer.weights[i] = l.weights[i] >= 0.0f ? 1 : -1;
        const int c = l.channels();
        for (int ch = 0; ch < c; ++ch) {
            const BnEval bn = bnEval(l, ch, net.bnEpsilon);
            if (l.scores) {
                layer.scoreScale.push_back(bn.scale);
                layer.scoreOffset.push_back(scoreOffset(bn));
            } else {
                const FoldedThreshold f = foldThreshold(bn, l);
                layer.thresholds.threshold.push_back(f.threshold);
                layer.thresholds.direction.push_back(f.direction);
            }
        }
        layer.floatParams["bn_gamma"] = l.gamma;
        layer.floatParams["bn_beta"] = l.beta;
        layer.floatParams["bn_mean"] = l.runningMean;
        layer.floatParams["bn_var"] = l.runningVar;
        m.layers.push_back(std::move(layer));
        if (l.pool > 1) {
            Layer pool;
            pool.kind = LayerKind::MaxPool;
            pool.name = "pool" + l.name.substr(l.name.size() - 1);
            pool.in = l.conv;
            pool.out = l.out;
            pool.pool = l.pool;
            m.layers.push_back(std::move(pool));
        }
    }
    validateModel(m);
    return m;
}

} // namespace axbnn::train
