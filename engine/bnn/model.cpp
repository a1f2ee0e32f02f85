// Layer arithmetic (fan-in, threshold range) and the structural check every
// model passes before it is used or saved (docs/domain.md sections 1 and 8).
#include "bnn/model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace axbnn {

namespace {

// Sizes are bounded so that counts fit an int (Layer::fanIn, Shape::size)
// and a hostile file cannot make us allocate absurd amounts.
constexpr int64_t kMaxDim = 1 << 16;
constexpr int64_t kMaxCount = std::numeric_limits<int32_t>::max();

// Product that saturates just above kMaxCount instead of overflowing.
int64_t boundedProduct(std::initializer_list<int64_t> factors)
{
    int64_t p = 1;
    for (int64_t f : factors) {
        if (f < 0)
            return -1;
        p *= f;
        if (p > kMaxCount)
            return kMaxCount + 1;
    }
    return p;
}

std::string shapeText(const Shape& s)
{
    return std::to_string(s.height) + "x" + std::to_string(s.width) + "x" + std::to_string(s.channels);
}

std::string checkShape(const Shape& s, const char* what)
{
    if (s.height < 1 || s.width < 1 || s.channels < 1 || s.height > kMaxDim || s.width > kMaxDim
        || s.channels > kMaxDim)
        return std::string(what) + " shape " + shapeText(s) + " must have dimensions 1.." + std::to_string(kMaxDim);
    if (boundedProduct({s.height, s.width, s.channels}) > kMaxCount)
        return std::string(what) + " shape " + shapeText(s) + " is too large";
    return {};
}

bool hasThresholds(LayerKind k)
{
    return k == LayerKind::InputConv || k == LayerKind::Conv || k == LayerKind::Dense;
}

bool isConv(LayerKind k)
{
    return k == LayerKind::InputConv || k == LayerKind::Conv;
}

std::string checkName(const std::string& name)
{
    if (name.empty())
        return "layer has no name";
    for (unsigned char c : name)
        if (c == '/' || c < 0x20 || c == 0x7f)
            return "layer name must not contain '/' or control characters";
    return {};
}

std::string checkGeometry(const Layer& l)
{
    if (isConv(l.kind)) {
        if (l.kernel < 1 || l.kernel > kMaxDim)
            return "kernel " + std::to_string(l.kernel) + " must be 1.." + std::to_string(kMaxDim);
        if (l.stride < 1 || l.stride > kMaxDim)
            return "stride " + std::to_string(l.stride) + " must be 1.." + std::to_string(kMaxDim);
        if (l.padding < 0 || l.padding >= l.kernel)
            return "padding " + std::to_string(l.padding) + " must be 0.." + std::to_string(l.kernel - 1)
                + " (less than the kernel)";
        if (l.in.height + 2 * l.padding < l.kernel || l.in.width + 2 * l.padding < l.kernel)
            return "kernel " + std::to_string(l.kernel) + " does not fit the padded input " + shapeText(l.in);
        // Output size = floor((H + 2 * padding - kernel) / stride) + 1.
        const Shape expect{(l.in.height + 2 * l.padding - l.kernel) / l.stride + 1,
                           (l.in.width + 2 * l.padding - l.kernel) / l.stride + 1, l.out.channels};
        if (l.out != expect)
            return "out shape " + shapeText(l.out) + " does not match kernel " + std::to_string(l.kernel) + ", stride "
                + std::to_string(l.stride) + ", padding " + std::to_string(l.padding) + " on input " + shapeText(l.in)
                + " (expected " + shapeText(expect) + ")";
        if (boundedProduct({l.kernel, l.kernel, l.in.channels}) > kMaxCount)
            return "fan-in is too large";
    } else if (l.kind == LayerKind::MaxPool) {
        if (l.pool < 1 || l.pool > l.in.height || l.pool > l.in.width)
            return "pool " + std::to_string(l.pool) + " must be 1.."
                + std::to_string(std::min(l.in.height, l.in.width));
        // Window = stride = pool; a partial window at the border is dropped.
        const Shape expect{l.in.height / l.pool, l.in.width / l.pool, l.in.channels};
        if (l.out != expect)
            return "out shape " + shapeText(l.out) + " does not match pool " + std::to_string(l.pool) + " on input "
                + shapeText(l.in) + " (expected " + shapeText(expect) + ")";
    } else if (l.out.height != 1 || l.out.width != 1) {
        return "out shape " + shapeText(l.out) + " of a " + layerKindName(l.kind) + " layer must be 1x1xN (N outputs)";
    }
    return {};
}

int64_t expectedWeights(const Layer& l)
{
    if (isConv(l.kind))
        return boundedProduct({l.out.channels, l.kernel, l.kernel, l.in.channels});
    if (l.kind == LayerKind::Dense || l.kind == LayerKind::Scores)
        return boundedProduct({l.out.channels, l.in.height, l.in.width, l.in.channels});
    return 0;
}

std::string checkParameters(const Layer& l)
{
    const int64_t nWeights = expectedWeights(l);
    if (nWeights > kMaxCount)
        return "too many weights";
    if (static_cast<int64_t>(l.weights.size()) != nWeights)
        return "has " + std::to_string(l.weights.size()) + " weights, expected " + std::to_string(nWeights);
    for (size_t i = 0; i < l.weights.size(); ++i)
        if (l.weights[i] != 1 && l.weights[i] != -1)
            return "weight " + std::to_string(i) + " is " + std::to_string(l.weights[i]) + ", expected +1 or -1";

    const auto nOut = static_cast<size_t>(l.out.channels);
    const Thresholds& t = l.thresholds;
    if (hasThresholds(l.kind)) {
        if (t.threshold.size() != nOut || t.direction.size() != nOut)
            return "has " + std::to_string(t.threshold.size()) + " thresholds and " + std::to_string(t.direction.size())
                + " directions, expected " + std::to_string(nOut) + " (one per output channel)";
        const ThresholdRange range = thresholdRange(l);
        for (size_t i = 0; i < nOut; ++i) {
            if (t.direction[i] != 1 && t.direction[i] != -1)
                return "direction " + std::to_string(i) + " is " + std::to_string(t.direction[i])
                    + ", expected +1 or -1";
            if (t.threshold[i] < range.min || t.threshold[i] > range.max)
                return "threshold " + std::to_string(i) + " is " + std::to_string(t.threshold[i]) + ", out of range "
                    + std::to_string(range.min) + ".." + std::to_string(range.max) + " (fan-in "
                    + std::to_string(l.fanIn()) + ")";
        }
    } else if (!t.threshold.empty() || !t.direction.empty()) {
        return "a " + layerKindName(l.kind) + " layer has no thresholds or directions";
    }

    if (l.kind == LayerKind::Scores) {
        const std::pair<const char*, const std::vector<float>*> parts[] = {{"score scale", &l.scoreScale},
                                                                           {"score offset", &l.scoreOffset}};
        for (const auto& [what, values] : parts) {
            if (!values->empty() && values->size() != nOut)
                return "has " + std::to_string(values->size()) + " " + what + " values, expected 0 or "
                    + std::to_string(nOut) + " (one per class)";
            for (size_t i = 0; i < values->size(); ++i)
                if (!std::isfinite((*values)[i]))
                    return std::string(what) + " " + std::to_string(i) + " is not finite";
        }
    } else if (!l.scoreScale.empty() || !l.scoreOffset.empty()) {
        return "only a scores layer has score scales and offsets";
    }

    for (const auto& [key, values] : l.floatParams) {
        if (key.empty() || key.find('/') != std::string::npos)
            return "float parameter name '" + key + "' must be non-empty and contain no '/'";
        if (values.size() != nOut)
            return "float parameter '" + key + "' has " + std::to_string(values.size()) + " values, expected "
                + std::to_string(nOut) + " (one per output channel)";
    }
    return {};
}

std::string checkLayer(const Model& m, size_t i)
{
    const Layer& l = m.layers[i];
    std::string problem = checkName(l.name);
    if (problem.empty())
        problem = checkShape(l.in, "in");
    if (problem.empty())
        problem = checkShape(l.out, "out");
    if (!problem.empty())
        return problem;
    const Shape prev = i == 0 ? m.input : m.layers[i - 1].out;
    if (l.in != prev)
        return "in shape " + shapeText(l.in) + " does not match "
            + (i == 0 ? std::string("the model input ") : "the previous layer's output ") + shapeText(prev);
    if (l.kind == LayerKind::InputConv && i != 0)
        return "an inputconv layer (integer pixel inputs) must be the first layer";
    if (l.kind == LayerKind::MaxPool && (i == 0 || !hasThresholds(m.layers[i - 1].kind)))
        return "a maxpool layer must follow a layer with thresholds (inputconv, conv or dense)";
    // Only an inputconv reads the image: a model that starts otherwise would
    // compute from no input at all.
    if (i == 0 && l.kind != LayerKind::InputConv)
        return "the first layer must be an inputconv layer (it reads the image's integer pixels), not "
            + layerKindName(l.kind);
    if (l.kind == LayerKind::Scores && i + 1 != m.layers.size())
        return "a scores layer must be the last layer";
    if (l.kind != LayerKind::Scores && i + 1 == m.layers.size())
        return "the last layer must be a scores layer, not " + layerKindName(l.kind);
    problem = checkGeometry(l);
    return problem.empty() ? checkParameters(l) : problem;
}

} // namespace

std::string layerKindName(LayerKind kind)
{
    switch (kind) {
    case LayerKind::InputConv: return "inputconv";
    case LayerKind::Conv: return "conv";
    case LayerKind::Dense: return "dense";
    case LayerKind::MaxPool: return "maxpool";
    case LayerKind::Scores: return "scores";
    }
    return "unknown";
}

std::optional<LayerKind> layerKindFromName(std::string_view name)
{
    for (LayerKind k : {LayerKind::InputConv, LayerKind::Conv, LayerKind::Dense, LayerKind::MaxPool, LayerKind::Scores})
        if (name == layerKindName(k))
            return k;
    return std::nullopt;
}

int Layer::fanIn() const
{
    switch (kind) {
    case LayerKind::InputConv:
    case LayerKind::Conv: return kernel * kernel * in.channels;
    case LayerKind::Dense:
    case LayerKind::Scores: return in.size();
    case LayerKind::MaxPool: return 0;
    }
    return 0;
}

ThresholdRange thresholdRange(const Layer& layer)
{
    const int64_t n = layer.fanIn();
    switch (layer.kind) {
    case LayerKind::InputConv: return {-(255 * n + 1), 255 * n + 1};
    case LayerKind::Conv:
    case LayerKind::Dense: return {-1, n + 1};
    default: return {0, 0};
    }
}

std::optional<ModelProblem> findModelProblem(const Model& model)
{
    if (std::string p = checkShape(model.input, "input"); !p.empty())
        return ModelProblem{-1, p};
    if (model.layers.empty())
        return ModelProblem{-1, "no layers"};
    for (size_t i = 0; i < model.layers.size(); ++i)
        if (std::string p = checkLayer(model, i); !p.empty())
            return ModelProblem{static_cast<int>(i), p};
    const auto& names = model.meta.classNames;
    if (!names.empty() && static_cast<int>(names.size()) != model.classes())
        return ModelProblem{
            -1, std::to_string(names.size()) + " class names for " + std::to_string(model.classes()) + " classes"};
    return std::nullopt;
}

void validateModel(const Model& model)
{
    const std::optional<ModelProblem> p = findModelProblem(model);
    if (!p)
        return;
    if (p->layer < 0)
        throw std::invalid_argument("model: " + p->message);
    const Layer& l = model.layers[static_cast<size_t>(p->layer)];
    throw std::invalid_argument("layer " + std::to_string(p->layer) + " '" + l.name + "': " + p->message);
}

} // namespace axbnn
