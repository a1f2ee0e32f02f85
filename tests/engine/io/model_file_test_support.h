// Shared by the model-file suites: a small VGG-like model and the message of
// an exception.
#pragma once

#include "bnn/model.h"

#include <QString>
#include <QtTest>

#include <exception>
#include <random>
#include <vector>

namespace axbnn::testing {

// A small VGG-like network on 12x12x1 pixels. The dense layer has 13 outputs
// so that the scores weights (130) do not fill whole bytes when packed.
inline Model vggModel()
{
    std::mt19937 rng(7);
    auto weights = [&](size_t n) {
        std::vector<int8_t> w(n);
        for (auto& x : w)
            x = rng() & 1 ? 1 : -1;
        return w;
    };
    auto thresholds = [&](int n, int lo, int hi) {
        Thresholds t;
        for (int i = 0; i < n; ++i) {
            t.threshold.push_back(lo + int(rng() % unsigned(hi - lo + 1)));
            t.direction.push_back(rng() & 1 ? 1 : -1);
        }
        return t;
    };
    Model m;
    m.input = {12, 12, 1};
    Layer l;
    l = {};
    l.kind = LayerKind::InputConv, l.name = "inputconv", l.in = {12, 12, 1}, l.out = {12, 12, 8};
    l.kernel = 3, l.padding = 1, l.weights = weights(8 * 9), l.thresholds = thresholds(8, -2296, 2296);
    m.layers.push_back(l);
    l = {};
    l.kind = LayerKind::MaxPool, l.name = "maxpool", l.in = {12, 12, 8}, l.out = {6, 6, 8}, l.pool = 2;
    m.layers.push_back(l);
    l = {};
    l.kind = LayerKind::Conv, l.name = "conv", l.in = {6, 6, 8}, l.out = {4, 4, 8}, l.kernel = 3;
    l.weights = weights(8 * 9 * 8), l.thresholds = thresholds(8, -1, 73);
    l.floatParams = {{"bn_gamma", {1, 2, 3, 4, 5, 6, 7, 8}}, {"bn_beta", {0.5f, -1, 0, 0, 0, 0, 0, 1e-3f}}};
    m.layers.push_back(l);
    l = {};
    l.kind = LayerKind::MaxPool, l.name = "maxpool2", l.in = {4, 4, 8}, l.out = {2, 2, 8}, l.pool = 2;
    m.layers.push_back(l);
    l = {};
    l.kind = LayerKind::Dense, l.name = "dense", l.in = {2, 2, 8}, l.out = {1, 1, 13};
    l.weights = weights(13 * 32), l.thresholds = thresholds(13, 0, 32);
    m.layers.push_back(l);
    l = {};
    l.kind = LayerKind::Scores, l.name = "scores", l.in = {1, 1, 13}, l.out = {1, 1, 10};
    l.weights = weights(10 * 13);
    l.scoreScale = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0.25f};
    l.scoreOffset = {0, -1, 1, 0, 0, 0, 0, 0, 0, 3.5f};
    m.layers.push_back(l);
    m.meta.dataset = "fashion-mnist";
    m.meta.classNames = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
    m.meta.trainingRecipe = "adam lr=1e-3, 20 epochs; \"quoted\" and ünïcödé";
    m.meta.accuracyAtSave = 0.8875;
    m.meta.approximationConfig = R"({"cell":"maj-fa","approx_lsb":3})";
    m.meta.extra = {{"author", "test"}, {"commit", "abc123"}};
    return m;
}

inline void compareModels(const Model& a, const Model& b)
{
    QCOMPARE(a.input, b.input);
    QCOMPARE(a.layers.size(), b.layers.size());
    for (size_t i = 0; i < a.layers.size(); ++i) {
        const Layer &x = a.layers[i], &y = b.layers[i];
        QCOMPARE(x.kind, y.kind);
        QCOMPARE(x.name, y.name);
        QCOMPARE(x.in, y.in);
        QCOMPARE(x.out, y.out);
        QCOMPARE(x.kernel, y.kernel);
        QCOMPARE(x.stride, y.stride);
        QCOMPARE(x.padding, y.padding);
        QCOMPARE(x.pool, y.pool);
        QCOMPARE(x.weights, y.weights);
        QCOMPARE(x.thresholds.threshold, y.thresholds.threshold);
        QCOMPARE(x.thresholds.direction, y.thresholds.direction);
        QCOMPARE(x.scoreScale, y.scoreScale);
        QCOMPARE(x.scoreOffset, y.scoreOffset);
        QVERIFY(x.floatParams == y.floatParams);
    }
    QCOMPARE(a.meta.dataset, b.meta.dataset);
    QCOMPARE(a.meta.classNames, b.meta.classNames);
    QCOMPARE(a.meta.trainingRecipe, b.meta.trainingRecipe);
    QCOMPARE(a.meta.accuracyAtSave, b.meta.accuracyAtSave);
    QCOMPARE(a.meta.approximationConfig, b.meta.approximationConfig);
    QVERIFY(a.meta.extra == b.meta.extra);
}

template <class F>
QString errorOf(F&& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace axbnn::testing
