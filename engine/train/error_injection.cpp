// ErrorInjector: matches the error model's layers to the trained layers.
#include "train/error_injection.h"

#include "bnn/layer_plan.h"
#include "train/fold.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace axbnn::train {

ErrorInjector::ErrorInjector(const ErrorModel& model, const Network& net)
{
    samplers_.resize(net.layers.size());
    bool any = false;
    for (const LayerErrorModel& lm : model.layers) {
        int found = -1;
        for (size_t t = 0; t < net.layers.size(); ++t)
            if (net.layers[t].modelLayer == lm.layer)
                found = static_cast<int>(t);
        const std::string where = "error model layer " + std::to_string(lm.layer);
        if (found < 0)
            throw std::invalid_argument(where + " is not a trained layer of this " + archName(net.spec.arch)
                                        + " network (its binary layers are " +
                                        [&] {
                                            std::string s;
                                            for (const TrainLayer& l : net.layers)
                                                if (!l.pixels)
                                                    s += (s.empty() ? "" : ", ") + std::to_string(l.modelLayer);
                                            return s;
                                        }()
                                        + ")");
        const TrainLayer& l = net.layers[found];
        if (l.pixels)
            throw std::invalid_argument(where + " is the input layer, which has no popcount");
        if (lm.fanIn != l.fanIn)
            throw std::invalid_argument(where + " ('" + l.name + "') has fan-in " + std::to_string(lm.fanIn)
                                        + " but the network being trained has fan-in " + std::to_string(l.fanIn)
                                        + " there; build the error model for this architecture and kernel");
        if (!lm.neuronShift.empty() && lm.neurons() != l.channels())
            throw std::invalid_argument(where + " ('" + l.name + "') has per-neuron shifts for "
                                        + std::to_string(lm.neurons()) + " neurons but the layer has "
                                        + std::to_string(l.channels()));
        samplers_[found].emplace(lm);
        if (!lm.neuronShift.empty()) {
            shifts_.resize(net.layers.size());
            shifts_[found] = {l.channels(), lm.neuronBins, lm.neuronShift};
        }
        any = true;
    }
    if (!any)
        samplers_.clear();
}

ErrorInjector::ErrorInjector(const InferenceConfig& circuits, const Network& net)
{
    const std::vector<LayerPlan> plans = planLayers(foldNetwork(net), circuits);
    circuits_.resize(net.layers.size());
    bool any = false;
    for (size_t t = 0; t < net.layers.size(); ++t) {
        const LayerPlan& plan = plans[static_cast<size_t>(net.layers[t].modelLayer)];
        if (!net.layers[t].pixels && plan.usesCircuit()) {
            circuits_[t] = std::make_shared<const CircuitLayer>(plan);
            any = true;
        }
    }
    if (!any)
        circuits_.clear();
}

bool ErrorInjector::injects(int trainLayer) const
{
    return (trainLayer >= 0 && static_cast<size_t>(trainLayer) < samplers_.size() && samplers_[trainLayer].has_value())
        || usesCircuit(trainLayer);
}

bool ErrorInjector::usesCircuit(int trainLayer) const
{
    return trainLayer >= 0 && static_cast<size_t>(trainLayer) < circuits_.size() && circuits_[trainLayer];
}

void ErrorInjector::inject(int trainLayer, float* dots, int64_t count, int64_t first, uint64_t key) const
{
    const ErrorSampler& sampler = *samplers_[trainLayer];
    const int n = sampler.fanIn();
    const NeuronShifts* shifts = static_cast<size_t>(trainLayer) < shifts_.size() && !shifts_[trainLayer].shift.empty()
        ? &shifts_[trainLayer]
        : nullptr;
    for (int64_t i = 0; i < count; ++i) {
        const int s = (static_cast<int>(dots[i]) + n) / 2;
        const uint64_t random = mix64(key + static_cast<uint64_t>(first + i));
        int e = sampler.sample(s, random);
        if (shifts) { // the neuron's own shift: its floor, plus 1 with the probability of its fraction
            const int64_t neuron = (first + i) % shifts->outputs; // elements are [position][neuron]
            const double shift = shifts->shift[static_cast<size_t>(neuron) * shifts->bins
                                               + static_cast<size_t>(int64_t{s} * shifts->bins / (n + 1))];
            const double whole = std::floor(shift);
            const double u = static_cast<double>(mix64(random ^ 0x5e1f5e1f5e1f5e1full) >> 11) * 0x1.0p-53;
            e += static_cast<int>(whole) + (u < shift - whole ? 1 : 0);
            e = std::max(e, -s); // a count is never negative
        }
        dots[i] += static_cast<float>(2 * e);
    }
}

} // namespace axbnn::train
