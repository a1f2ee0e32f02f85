// Random model construction (see random_model.h).
#include "bnn/random_model.h"

#include "bnn/inference.h"

#include "util/random_bits.h"

#include <algorithm>
#include <cmath>

namespace axbnn {

namespace {

int uniformInt(Rng& rng, int lo, int hi) // inclusive
{
    return lo + static_cast<int>(rng.next() % static_cast<uint64_t>(hi - lo + 1));
}

void randomThresholds(Layer& l, Rng& rng)
{
    const int n = l.fanIn();
    const int spread = std::max(1, static_cast<int>(std::sqrt(static_cast<double>(n))));
    // Random weights on random inputs: popcount ~ n/2 +- sqrt(n)/2, the
    // integer dot of pixels ~ 0 +- 128 sqrt(n / 3).
    const int centre = l.kind == LayerKind::InputConv ? 0 : n / 2;
    const int reach = l.kind == LayerKind::InputConv ? 64 * spread : spread;
    for (int o = 0; o < l.out.channels; ++o) {
        l.thresholds.threshold.push_back(centre + uniformInt(rng, -reach, reach));
        l.thresholds.direction.push_back(rng.next() & 1 ? 1 : -1);
    }
}

} // namespace

Model randomModel(Shape input, const std::vector<RandomLayerSpec>& specs, uint64_t seed)
{
    Rng rng(seed);
    Model m;
    m.input = input;
    Shape in = input;
    for (size_t i = 0; i < specs.size(); ++i) {
        const RandomLayerSpec& s = specs[i];
        Layer l;
        l.kind = s.kind;
        l.name = layerKindName(s.kind) + std::to_string(i);
        l.in = in;
        switch (s.kind) {
        case LayerKind::InputConv:
        case LayerKind::Conv:
            l.kernel = s.kernel;
            l.stride = s.stride;
            l.padding = s.padding;
            l.out = {(in.height + 2 * s.padding - s.kernel) / s.stride + 1,
                     (in.width + 2 * s.padding - s.kernel) / s.stride + 1, s.outputs};
            break;
        case LayerKind::MaxPool:
            l.pool = s.pool;
            l.out = {in.height / s.pool, in.width / s.pool, in.channels};
            break;
        case LayerKind::Dense:
        case LayerKind::Scores: l.out = {1, 1, s.outputs}; break;
        }
        if (s.kind != LayerKind::MaxPool) {
            l.weights.resize(static_cast<size_t>(l.out.channels) * l.fanIn());
            for (int8_t& w : l.weights)
                w = rng.next() & 1 ? 1 : -1;
        }
        if (s.kind == LayerKind::InputConv || s.kind == LayerKind::Conv || s.kind == LayerKind::Dense)
            randomThresholds(l, rng);
        if (s.kind == LayerKind::Scores)
            for (int o = 0; o < l.out.channels; ++o) {
                l.scoreScale.push_back(0.5f + static_cast<float>(rng.uniform()));
                l.scoreOffset.push_back(static_cast<float>(rng.uniform()) * 4.0f - 2.0f);
            }
        in = l.out;
        m.layers.push_back(std::move(l));
    }
    m.meta.classNames.clear();
    validateModel(m);
    return m;
}

Model randomVgg3(uint64_t seed, int kernel)
{
    const int pad = kernel / 2;
    return randomModel({28, 28, 1},
                       {{LayerKind::InputConv, 64, kernel, 1, pad},
                        {LayerKind::MaxPool, 0, 0, 1, 0, 2},
                        {LayerKind::Conv, 64, kernel, 1, pad},
                        {LayerKind::MaxPool, 0, 0, 1, 0, 2},
                        {LayerKind::Dense, 2048},
                        {LayerKind::Scores, 10}},
                       seed);
}

std::vector<uint8_t> randomImages(Shape shape, int count, uint64_t seed)
{
    Rng rng(seed);
    std::vector<uint8_t> pixels(static_cast<size_t>(shape.size()) * count);
    for (uint8_t& p : pixels)
        p = static_cast<uint8_t>(rng.next() >> 56);
    return pixels;
}

Model smallRandomModel(uint64_t seed)
{
    using L = LayerKind;
    return randomModel({8, 8, 1},
                       {{L::InputConv, 8, 3, 1, 1},
                        {L::MaxPool, 0, 0, 1, 0, 2},
                        {L::Conv, 8, 3, 1, 1},
                        {L::Dense, 24},
                        {L::Scores, 10}},
                       seed);
}

Dataset randomLabelledDataset(const Model& model, int count, uint64_t seed, const std::string& source)
{
    Dataset d;
    d.shape = model.input;
    d.count = count;
    d.classNames.assign(10, "c");
    d.source = source;
    d.images = randomImages(d.shape, count, seed);
    d.labels.assign(static_cast<size_t>(count), 0);
    const std::vector<int> p = InferenceEngine(model).predict(d, 0, count);
    for (int i = 0; i < count; ++i)
        d.labels[static_cast<size_t>(i)] = static_cast<uint8_t>(p[static_cast<size_t>(i)]);
    return d;
}

} // namespace axbnn
