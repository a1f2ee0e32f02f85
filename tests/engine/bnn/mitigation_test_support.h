// Labelled data and approximation-aware-like models for the mitigation tests:
// a random model's task is what its exact network predicts, and an "aware"
// model is one whose thresholds already absorbed its circuit's error, as
// approximation-aware training makes them.
#pragma once

#include "bnn/mitigation.h"
#include "inference_test_support.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace axbnn::test {

inline int correctCount(const Model& m, const InferenceConfig& config, const Dataset& d, int first, int count)
{
    const std::vector<int> p = InferenceEngine(m, config).predict(d, first, count);
    int correct = 0;
    for (int i = 0; i < count; ++i)
        correct += p[i] == d.labels[static_cast<size_t>(first + i)];
    return correct;
}

// `count` random images labelled with what `teacher` predicts exactly.
inline Dataset labelledData(const Model& teacher, int count, uint64_t seed)
{
    Dataset d = makeDataset(teacher.input, count, seed);
    const std::vector<int> p = InferenceEngine(teacher).predict(d, 0, count);
    d.labels.assign(p.begin(), p.end());
    d.classNames.clear();
    for (int c = 0; c < teacher.classes(); ++c)
        d.classNames.push_back("class " + std::to_string(c));
    return d;
}

inline double meanErrorOf(const LayerStats& s)
{
    double sum = 0.0;
    uint64_t n = 0;
    for (size_t k = 0; k < s.errorHistogram.size(); ++k) {
        sum += static_cast<double>(s.errorHistogram[k]) * (static_cast<int>(k) + s.errorOffset);
        n += s.errorHistogram[k];
    }
    return n ? sum / static_cast<double>(n) : 0.0;
}

// `m` "trained on the circuit": every approximate Conv and Dense layer's
// thresholds re-fitted (layer after layer, on `train`) so that on `approx`
// its activations agree as often as possible with `m`'s exact ones, as
// approximation-aware training makes them absorb the circuit's error. Its
// metadata says so, with the mean errors as the error model summary `axbnn
// train` writes. Its own exact activations are no longer the right ones.
inline Model trainedOnCircuit(Model m, const InferenceConfig& approx, const Dataset& train)
{
    InferenceConfig config = approx;
    config.neuronShift.assign(m.layers.size(), {});
    nlohmann::json layers = nlohmann::json::array();
    for (size_t i = 0; i < m.layers.size(); ++i) {
        const int li = static_cast<int>(i);
        if ((m.layers[i].kind != LayerKind::Conv && m.layers[i].kind != LayerKind::Dense)
            || InferenceEngine(m, approx).unit(li).isExact())
            continue;
        const double mean = meanErrorOf(InferenceEngine(m, config).run(train, 0, train.count, true).stats.layers[i]);
        layers.push_back({{"layer", i}, {"mean_error", mean}});
        config.neuronShift[i] =
            fitNeuronThresholds(m, config, InferenceConfig{}, li, train, 0, train.count).neuronShift;
    }
    for (size_t i = 0; i < m.layers.size(); ++i) {
        Layer& l = m.layers[i];
        const ThresholdRange range = thresholdRange(l);
        for (size_t o = 0; o < config.neuronShift[i].size(); ++o)
            l.thresholds.threshold[o] = static_cast<int32_t>(
                std::clamp<int64_t>(l.thresholds.threshold[o] + config.neuronShift[i][o], range.min, range.max));
    }
    m.meta.approximationConfig = R"({"default": {"popcount": "circuit"}})";
    m.meta.extra["error_model"] = nlohmann::json{{"layers", layers}}.dump();
    validateModel(m);
    return m;
}

} // namespace axbnn::test
