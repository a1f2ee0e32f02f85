// Network construction from a spec.
#include "train/network.h"

#include "train/error_injection.h"

#include <cmath>

namespace axbnn::train {

namespace {

TrainLayer makeLayer(LayerKind kind, std::string name, Shape in, int outChannels, int kernel, int padding, int pool)
{
    TrainLayer l;
    l.kind = kind;
    l.name = std::move(name);
    l.in = in;
    l.kernel = kernel;
    l.padding = padding;
    l.pool = pool;
    l.conv = {in.height + 2 * padding - kernel + 1, in.width + 2 * padding - kernel + 1, outChannels};
    l.out = {l.conv.height / pool, l.conv.width / pool, outChannels};
    l.fanIn = kernel * kernel * in.channels;
    l.pixels = kind == LayerKind::InputConv;
    l.scores = kind == LayerKind::Scores;
    return l;
}

} // namespace

Network makeNetwork(const NetworkSpec& spec, uint64_t seed, float bnEpsilon)
{
    Network net;
    net.spec = spec;
    net.bnEpsilon = bnEpsilon;
    const Shape in = spec.input;
    if (spec.arch == Arch::Mlp) {
        // The first layer is a dense layer on pixels, saved as an inputconv
        // whose kernel covers the image.
        net.layers.push_back(makeLayer(LayerKind::InputConv, "fc1", in, spec.hidden, in.height, 0, 1));
        net.layers.push_back(makeLayer(LayerKind::Dense, "fc2", {1, 1, spec.hidden}, spec.hidden, 1, 0, 1));
        net.layers.push_back(makeLayer(LayerKind::Scores, "scores", {1, 1, spec.hidden}, spec.classes, 1, 0, 1));
    } else {
        const int k = spec.kernel, c = spec.channels;
        net.layers.push_back(makeLayer(LayerKind::InputConv, "conv1", in, c, k, k / 2, 2));
        const Shape s1 = net.layers.back().out;
        net.layers.push_back(makeLayer(LayerKind::Conv, "conv2", s1, c, k, k / 2, 2));
        const Shape s2 = net.layers.back().out;
        net.layers.push_back(makeLayer(LayerKind::Dense, "fc1", s2, spec.hidden, s2.height, 0, 1));
        net.layers.push_back(makeLayer(LayerKind::Scores, "scores", {1, 1, spec.hidden}, spec.classes, 1, 0, 1));
    }
    const std::vector<int> indices = modelLayerIndices(spec);
    uint64_t stream = streamKey(seed, 0x5eed);
    for (size_t i = 0; i < net.layers.size(); ++i) {
        TrainLayer& l = net.layers[i];
        l.modelLayer = indices[i];
        const int c = l.channels();
        const float bound = 1.0f / std::sqrt(static_cast<float>(l.fanIn));
        l.weights.resize(static_cast<size_t>(c) * l.fanIn);
        for (size_t j = 0; j < l.weights.size(); ++j) {
            const double u = static_cast<double>(mix64(stream + j) >> 11) * 0x1.0p-53; // [0, 1)
            l.weights[j] = static_cast<float>((2.0 * u - 1.0) * bound);
        }
        stream = mix64(stream ^ 0xabcdef);
        l.gamma.assign(c, 1.0f);
        l.beta.assign(c, 0.0f);
        l.runningMean.assign(c, 0.0f);
        l.runningVar.assign(c, 1.0f);
    }
    return net;
}

BnEval bnEval(const TrainLayer& l, int c, float epsilon)
{
    BnEval b;
    b.mean = l.runningMean[c];
    b.scale = l.gamma[c] / std::sqrt(l.runningVar[c] + epsilon);
    b.beta = l.beta[c];
    return b;
}

} // namespace axbnn::train
