// Reference forward pass: every neuron computed on its own from +1/-1 values.
#include "bnn/reference_forward.h"

#include "bnn/xnor_kernels.h"

#include <algorithm>
#include <stdexcept>

namespace axbnn {

namespace {

int8_t activation(const Layer& l, int neuron, int32_t value, int shift)
{
    const int64_t v = int64_t{value} - shift;
    const int64_t t = l.thresholds.threshold[neuron];
    const bool on = l.thresholds.direction[neuron] > 0 ? v >= t : v <= t;
    return on ? 1 : -1;
}

} // namespace

ReferenceForward::ReferenceForward(const Model& model, const InferenceConfig& config) : model_(model), config_(config)
{
    validateModel(model_);
    for (size_t i = 0; i < model_.layers.size(); ++i) {
        const Layer& l = model_.layers[i];
        units_.push_back(hasPopcount(l.kind) ? PopcountUnit(l.fanIn(), config_.unitFor(static_cast<int>(i)))
                                             : PopcountUnit());
    }
}

ForwardTrace ReferenceForward::run(std::span<const uint8_t> image) const
{
    if (image.size() != static_cast<size_t>(model_.input.size()))
        throw std::invalid_argument("reference forward: image size does not match the model input");
    ForwardTrace trace;
    std::vector<int8_t> act; // the previous layer's activations, H, W, C order
    for (size_t li = 0; li < model_.layers.size(); ++li) {
        const Layer& l = model_.layers[li];
        const int shift = config_.shiftFor(static_cast<int>(li));
        const int cout = l.out.channels;
        LayerTrace lt;
        if (l.kind == LayerKind::InputConv) {
            lt.values.resize(static_cast<size_t>(l.out.size()));
            referenceInputConv(ConvGeometry::of(l), image, l.weights, lt.values);
        } else if (l.kind == LayerKind::Conv) {
            const int cin = l.in.channels;
            std::vector<uint8_t> bits(static_cast<size_t>(l.fanIn()));
            for (int y = 0; y < l.out.height; ++y)
                for (int x = 0; x < l.out.width; ++x)
                    for (int o = 0; o < cout; ++o) {
                        size_t e = 0;
                        for (int ky = 0; ky < l.kernel; ++ky)
                            for (int kx = 0; kx < l.kernel; ++kx)
                                for (int c = 0; c < cin; ++c, ++e) {
                                    const int iy = y * l.stride + ky - l.padding;
                                    const int ix = x * l.stride + kx - l.padding;
                                    const bool inside = iy >= 0 && iy < l.in.height && ix >= 0 && ix < l.in.width;
                                    const size_t at = (static_cast<size_t>(iy) * l.in.width + ix) * cin + c;
                                    const int a = inside ? act[at] : -1; // padding reads -1
                                    bits[e] = a == l.weights[static_cast<size_t>(o) * l.fanIn() + e];
                                }
                        lt.values.push_back(units_[li].evaluate(bits));
                    }
        } else if (l.kind == LayerKind::Dense || l.kind == LayerKind::Scores) {
            std::vector<uint8_t> bits(act.size());
            for (int o = 0; o < cout; ++o) {
                for (size_t i = 0; i < act.size(); ++i)
                    bits[i] = act[i] == l.weights[o * act.size() + i];
                lt.values.push_back(units_[li].evaluate(bits));
            }
        } else { // MaxPool: OR for direction +1 channels, AND for -1
            const Layer& producer = model_.layers[li - 1];
            for (int y = 0; y < l.out.height; ++y)
                for (int x = 0; x < l.out.width; ++x)
                    for (int c = 0; c < cout; ++c) {
                        const bool orPool = producer.thresholds.direction[c] > 0;
                        int8_t r = orPool ? -1 : 1;
                        for (int dy = 0; dy < l.pool; ++dy)
                            for (int dx = 0; dx < l.pool; ++dx) {
                                const int8_t a =
                                    act[(static_cast<size_t>(y * l.pool + dy) * l.in.width + x * l.pool + dx) * cout
                                        + c];
                                r = orPool ? std::max(r, a) : std::min(r, a);
                            }
                        lt.activations.push_back(r);
                    }
        }
        if (l.kind == LayerKind::Scores) {
            for (int o = 0; o < cout; ++o) {
                const float scale = l.scoreScale.empty() ? 1.0f : l.scoreScale[o];
                const float offset = l.scoreOffset.empty() ? 0.0f : l.scoreOffset[o];
                trace.scores.push_back(scoreOf(scale, offset, lt.values[o] - shift, l.fanIn()));
            }
            trace.prediction =
                static_cast<int>(std::max_element(trace.scores.begin(), trace.scores.end()) - trace.scores.begin());
        } else if (l.kind != LayerKind::MaxPool) {
            for (size_t n = 0; n < lt.values.size(); ++n)
                lt.activations.push_back(
                    activation(l, static_cast<int>(n % cout), lt.values[n],
                               config_.shiftFor(static_cast<int>(li), static_cast<int>(n % cout))));
        }
        act = lt.activations;
        trace.layers.push_back(std::move(lt));
    }
    return trace;
}

} // namespace axbnn
