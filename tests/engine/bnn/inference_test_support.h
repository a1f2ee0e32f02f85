// Small random models, datasets and trace comparison for the inference tests.
#pragma once

#include "bnn/inference.h"
#include "bnn/random_model.h"
#include "bnn/reference_forward.h"
#include "io/inference_json.h"
#include "util/random_bits.h"

#include <QString>

#include <algorithm>

namespace axbnn::test {

using L = LayerKind;

// Channels that are not multiples of 64, odd kernels, stride 2, padding 0
// and 1, a dense layer of more than 8 groups, pooling windows 2 and 3.
inline Model makeRandomModel(int which)
{
    switch (which) {
    case 0:
        return randomModel({10, 9, 1},
                           {{L::InputConv, 70, 3, 1, 1},
                            {L::MaxPool, 0, 0, 1, 0, 2},
                            {L::Conv, 65, 3, 1, 1},
                            {L::Conv, 130, 3, 2, 0},
                            {L::Dense, 600},
                            {L::Dense, 37},
                            {L::Scores, 10}},
                           11);
    case 1:
        return randomModel({9, 9, 2},
                           {{L::InputConv, 33, 5, 2, 2},
                            {L::MaxPool, 0, 0, 1, 0, 2},
                            {L::Dense, 127},
                            {L::Dense, 70}, // fan-in 2^7 - 1: threshold n + 1 lies beyond 7-bit values
                            {L::Scores, 5}},
                           12);
    default:
        return randomModel({12, 12, 1},
                           {{L::InputConv, 64, 3, 1, 1},
                            {L::MaxPool, 0, 0, 1, 0, 2},
                            {L::Conv, 64, 3, 1, 1},
                            {L::MaxPool, 0, 0, 1, 0, 3},
                            {L::Dense, 128},
                            {L::Scores, 10}},
                           13);
    }
}

// Every 7th neuron of a binary layer gets a threshold at an end of its
// range (always or never active, or nearly), where kernel-form thresholds
// have their special cases.
inline Model withExtremeThresholds(Model m)
{
    for (Layer& l : m.layers) {
        if (l.kind != L::Conv && l.kind != L::Dense)
            continue;
        const int n = l.fanIn();
        const int ends[] = {-1, 0, 1, n - 1, n, n + 1};
        for (size_t o = 3, k = 0; o < l.thresholds.threshold.size(); o += 7, ++k)
            l.thresholds.threshold[o] = ends[k % 6];
    }
    validateModel(m);
    return m;
}

inline Model makeModel(int which)
{
    return withExtremeThresholds(makeRandomModel(which));
}

inline Dataset makeDataset(Shape shape, int count, uint64_t seed)
{
    Dataset d;
    d.shape = shape;
    d.count = count;
    d.images = randomImages(shape, count, seed);
    Rng rng(seed + 1);
    for (uint8_t& p : d.images)
        if (rng.next() % 3 == 0)
            p = 0; // real images have dark backgrounds
    d.labels.assign(static_cast<size_t>(count), 0);
    d.classNames = {"only"};
    return d;
}

inline QString traceDifference(const ForwardTrace& a, const ForwardTrace& b)
{
    if (a.layers.size() != b.layers.size())
        return "layer counts differ";
    for (size_t l = 0; l < a.layers.size(); ++l) {
        const auto& x = a.layers[l];
        const auto& y = b.layers[l];
        if (x.values.size() != y.values.size() || x.activations.size() != y.activations.size())
            return QString("layer %1: sizes differ").arg(l);
        for (size_t i = 0; i < x.values.size(); ++i)
            if (x.values[i] != y.values[i])
                return QString("layer %1 neuron %2: value %3 vs %4").arg(l).arg(i).arg(x.values[i]).arg(y.values[i]);
        for (size_t i = 0; i < x.activations.size(); ++i)
            if (x.activations[i] != y.activations[i])
                return QString("layer %1 neuron %2: activation differs").arg(l).arg(i);
    }
    if (a.scores != b.scores)
        return "scores differ";
    if (a.prediction != b.prediction)
        return QString("prediction %1 vs %2").arg(a.prediction).arg(b.prediction);
    return {};
}

// The engine with `config` against the gate-level reference on every neuron
// of every image of `data`: the first difference ("" if none), and whether
// the approximation changed any trace from the exact engine's (so that the
// comparison means something).
struct ReferenceCheck {
    QString difference;
    bool changed = false;
};
inline ReferenceCheck compareWithReference(const Model& m, const InferenceConfig& config, const Dataset& data)
{
    const InferenceEngine engine(m, config), exact(m);
    const ReferenceForward reference(m, config);
    ReferenceCheck r;
    for (int i = 0; i < data.count && r.difference.isEmpty(); ++i) {
        const ForwardTrace got = engine.trace(data.image(i));
        if (const QString diff = traceDifference(got, reference.run(data.image(i))); !diff.isEmpty())
            r.difference = QString("image %1: %2").arg(i).arg(diff);
        r.changed = r.changed || !traceDifference(got, exact.trace(data.image(i))).isEmpty();
    }
    return r;
}

// The message parseLayerConfig throws for `text` ("no error" if it accepts it).
inline QString layerConfigError(std::string_view text, const std::string& origin, const Model& m,
                                const CellLibrary& library)
{
    try {
        parseLayerConfig(text, origin, m, library);
    } catch (const std::runtime_error& e) {
        return QString::fromStdString(e.what());
    }
    return "no error";
}

// Every thresholded layer has both activations somewhere: the test means something.
inline bool activationsAreMixed(const ForwardTrace& t)
{
    for (const LayerTrace& l : t.layers)
        if (!l.activations.empty()) {
            const auto plus = std::count(l.activations.begin(), l.activations.end(), 1);
            if (plus == 0 || plus == static_cast<ptrdiff_t>(l.activations.size()))
                return false;
        }
    return true;
}

inline PopcountUnitConfig circuit(Topology t, int lsb, int levels = 0, int width = 0)
{
    ApproxConfig a;
    a.lsbColumns = lsb;
    a.levels = levels;
    return PopcountUnitConfig::makeCircuit(t, a, width);
}

inline bool sameStats(const InferenceStats& a, const InferenceStats& b)
{
    if (a.images != b.images || a.layers.size() != b.layers.size())
        return false;
    for (size_t i = 0; i < a.layers.size(); ++i) {
        const LayerStats &x = a.layers[i], &y = b.layers[i];
        if (x.neurons != y.neurons || x.xnorOnes != y.xnorOnes || x.xnorInputs != y.xnorInputs
            || x.valueChanged != y.valueChanged || x.flipped != y.flipped || x.marginOffset != y.marginOffset
            || x.marginHistogram != y.marginHistogram || x.errorOffset != y.errorOffset
            || x.errorHistogram != y.errorHistogram)
            return false;
    }
    return true;
}

} // namespace axbnn::test
