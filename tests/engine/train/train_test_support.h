// Small networks and data for the trainer tests.
#pragma once

#include "bnn/error_model.h"
#include "io/dataset.h"
#include "train/trainer.h"

#include <cstdint>
#include <vector>

namespace axbnn::test {

// The first `count` images of a Fashion-MNIST split (the Debian package).
inline Dataset fashionSubset(bool test, int count)
{
    Dataset d = loadFashionMnist(kFashionMnistDir, test);
    d.count = std::min(count, d.count);
    d.images.resize(static_cast<size_t>(d.count) * d.shape.size());
    d.labels.resize(d.count);
    return d;
}

inline train::TrainConfig tinyConfig(train::Arch arch, int kernel = 3)
{
    train::TrainConfig c;
    c.net.arch = arch;
    c.net.kernel = kernel;
    c.net.channels = 8;
    c.net.hidden = arch == train::Arch::Mlp ? 128 : 64;
    c.epochs = 1;
    c.batch = 32;
    c.learningRate = 3e-3f;
    c.threads = 2;
    return c;
}

// An error model for one layer whose every row is P(e | s) = probs over
// e = eMin .. eMin + probs.size() - 1.
inline LayerErrorModel uniformRows(int layer, const char* kind, int fanIn, int eMin, std::vector<double> probs)
{
    LayerErrorModel l;
    l.layer = layer;
    l.kind = kind;
    l.fanIn = fanIn;
    l.unitWidth = fanIn;
    l.method = "sampled";
    for (int s = 0; s <= fanIn; ++s) {
        l.eMin.push_back(eMin);
        l.probs.push_back(probs);
    }
    setErrorSummary(l, 0.5);
    return l;
}

} // namespace axbnn::test
