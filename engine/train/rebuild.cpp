// rebuildNetwork: the trainer's spec read off the layer list (specOfModel,
// as fine-tuning reads it), the float parameters copied back, and the fold
// checked against the model.
#include "train/rebuild.h"

#include "train/fold.h"
#include "train/init_network.h"

#include <stdexcept>
#include <string>

namespace axbnn::train {
namespace {

std::string where(const Model& m, int i)
{
    return "layer " + std::to_string(i) + " '" + m.layers[static_cast<size_t>(i)].name + "'";
}

const std::vector<float>& param(const Model& m, int i, const char* key, int channels)
{
    const auto& p = m.layers[static_cast<size_t>(i)].floatParams;
    const auto it = p.find(key);
    if (it == p.end())
        throw std::invalid_argument(where(m, i) + " keeps no " + key
                                    + " (a model written by axbnn train or tools/torch_train.py keeps its batch-norm "
                                      "parameters)");
    if (static_cast<int>(it->second.size()) != channels)
        throw std::invalid_argument(where(m, i) + ": " + key + " has " + std::to_string(it->second.size())
                                    + " values for " + std::to_string(channels) + " channels");
    return it->second;
}

} // namespace

Network rebuildNetwork(const Model& model)
{
    const NetworkSpec spec = specOfModel(model, "the model");
    float epsilon = 1e-5f;
    if (const auto it = model.meta.extra.find("bn_epsilon"); it != model.meta.extra.end()) {
        try {
            epsilon = std::stof(it->second);
        } catch (const std::exception&) {
            throw std::invalid_argument("the model's bn_epsilon '" + it->second + "' is not a number");
        }
    }
    Network net = makeNetwork(spec, 0, epsilon);
    for (TrainLayer& l : net.layers) {
        const int i = l.modelLayer;
        const Layer& src = model.layers[static_cast<size_t>(i)];
        if (src.in != l.in || src.out != l.conv || src.weights.size() != l.weights.size()
            || (l.kind != LayerKind::Dense && l.kind != LayerKind::Scores
                && (src.kernel != l.kernel || src.padding != l.padding || src.stride != 1)))
            throw std::invalid_argument(where(model, i) + " does not have the trainer's shape for this architecture");
        for (size_t k = 0; k < l.weights.size(); ++k)
            l.weights[k] = static_cast<float>(src.weights[k]);
        const int c = l.channels();
        l.gamma = param(model, i, "bn_gamma", c);
        l.beta = param(model, i, "bn_beta", c);
        l.runningMean = param(model, i, "bn_mean", c);
        l.runningVar = param(model, i, "bn_var", c);
    }
    // The eval-mode pass must be the model: the fold gives back its numbers.
    const Model back = foldNetwork(net);
    for (const TrainLayer& l : net.layers) {
        const Layer& a = model.layers[static_cast<size_t>(l.modelLayer)];
        const Layer& b = back.layers[static_cast<size_t>(l.modelLayer)];
        if (a.thresholds.threshold != b.thresholds.threshold || a.thresholds.direction != b.thresholds.direction
            || a.scoreScale != b.scoreScale || a.scoreOffset != b.scoreOffset)
            throw std::invalid_argument(where(model, l.modelLayer)
                                        + ": its batch-norm parameters do not fold into its thresholds or scores "
                                          "(bn_epsilon "
                                        + std::to_string(epsilon) + ")");
    }
    return net;
}

} // namespace axbnn::train
