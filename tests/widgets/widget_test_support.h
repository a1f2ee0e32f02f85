// Small models and datasets for the widget tests: fast to load and to run.
#pragma once

#include "bnn/random_model.h"
#include "explore/model_analysis.h"
#include "io/dataset.h"
#include "io/model_file.h"

#include <QString>

#include <memory>
#include <string>

namespace axbnn::gui::test {

// bnn/random_model.h's smallRandomModel.
inline Model smallModel(uint64_t seed = 5)
{
    return smallRandomModel(seed);
}

// `model` as the workbench holds a loaded file (no XNOR statistics measured).
inline std::shared_ptr<const LoadedModel> loadedModel(Model model, std::string path = "memory")
{
    auto m = std::make_shared<LoadedModel>();
    m->path = std::move(path);
    m->model = std::move(model);
    m->xnorP.assign(m->model.layers.size(), -1.0);
    return m;
}

// `count` random 8x8 images with random labels 0..9.
inline std::shared_ptr<const Dataset> smallDataset(int count = 300, uint64_t seed = 9)
{
    Dataset d;
    d.shape = {8, 8, 1};
    d.count = count;
    d.images = randomImages(d.shape, count, seed);
    for (int i = 0; i < count; ++i)
        d.labels.push_back(static_cast<uint8_t>((d.images[static_cast<size_t>(i) * 64] + i) % 10));
    d.classNames = fashionMnistClassNames();
    d.source = "random";
    return std::make_shared<const Dataset>(std::move(d));
}

inline QString writeModel(const QString& dir, const QString& name, const Model& model)
{
    const QString path = dir + u'/' + name;
    saveModel(model, path.toStdString());
    return path;
}

} // namespace axbnn::gui::test
