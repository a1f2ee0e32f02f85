// In-memory binarized neural network (docs/domain.md sections 1 and 8): a layer
// list whose weights are +1/-1 and whose batch-norm + sign are folded into
// one integer threshold per output neuron. docs/model-format.md is the file form.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace axbnn {

enum class LayerKind {
    InputConv, // first layer: 8-bit integer pixels times binary weights
    Conv, // binary 2-D convolution: XNOR + popcount
    Dense, // binary fully connected: XNOR + popcount
    MaxPool, // on binary activations: OR (AND for reversed neurons)
    Scores // last layer: binary dense producing integer class scores
};

// Whether a layer counts XNOR outputs with a popcount circuit (conv, dense,
// scores).
inline bool hasPopcount(LayerKind kind)
{
    return kind == LayerKind::Conv || kind == LayerKind::Dense || kind == LayerKind::Scores;
}

// "inputconv", "conv", "dense", "maxpool", "scores" (also the file form).
std::string layerKindName(LayerKind kind);
std::optional<LayerKind> layerKindFromName(std::string_view name);

struct Shape {
    int height = 1, width = 1, channels = 1;
    int size() const { return height * width * channels; }
    bool operator==(const Shape&) const = default;
};

// Per output neuron: activation a = +1 iff value >= threshold (direction +1)
// or value <= threshold (direction -1), where value is the popcount of the
// XNOR outputs (binary layers) or the integer dot product (InputConv).
struct Thresholds {
    std::vector<int32_t> threshold;
    std::vector<int8_t> direction; // +1 or -1
};

struct Layer {
    LayerKind kind = LayerKind::Conv;
    std::string name;
    Shape in, out;
    // Conv / InputConv: kernel x kernel, stride, padding. Padded positions
    // read pixel 0 (InputConv) or activation -1, i.e. bit 0 (Conv), so every
    // output neuron of a layer has the same fan-in.
    int kernel = 0, stride = 1, padding = 0;
    // Pooling window (MaxPool), stride = window. Channel c pools with OR if
    // the producing layer's neuron c has direction +1, with AND if -1.
    int pool = 2;
    // Weights as +1/-1, layout [out][ky][kx][in_channel] for convolutions
    // and [out][in] for dense layers (input in H, W, C order).
    std::vector<int8_t> weights;
    Thresholds thresholds; // Conv, Dense, InputConv
    // Scores: score_j = scale_j * (2 * popcount_j - fanIn) + offset_j in
    // float32; the predicted class is the first index of the largest score.
    // Empty vectors mean scale 1 and offset 0.
    std::vector<float> scoreScale;
    std::vector<float> scoreOffset;
    // Optional float parameters kept for retraining (e.g. "bn_gamma",
    // "bn_beta", "bn_mean", "bn_var"), one value per output channel.
    std::map<std::string, std::vector<float>> floatParams;

    int outputs() const { return out.size(); }
    // XNOR inputs per output neuron (popcount width): kernel*kernel*C_in or inputs.
    int fanIn() const;
};

struct ModelMetadata {
    std::string dataset = "fashion-mnist";
    std::vector<std::string> classNames;
    std::string trainingRecipe;
    double accuracyAtSave = -1.0; // test accuracy measured when saved, -1 unknown
    std::string approximationConfig; // JSON text of the circuit it was trained for, or ""
    std::map<std::string, std::string> extra;
};

struct Model {
    Shape input; // e.g. 28 x 28 x 1 pixels 0..255
    std::vector<Layer> layers;
    ModelMetadata meta;
    int classes() const { return layers.empty() ? 0 : layers.back().outputs(); }
};

// Thresholds validateModel accepts for a layer with thresholds: one beyond
// the reachable value range on each side, so that a neuron that is constantly
// on or off can be written with either direction. Binary layers: -1..fanIn+1;
// InputConv (pixels 0..255): -(255*fanIn+1)..255*fanIn+1.
struct ThresholdRange {
    int64_t min = 0, max = 0;
};
ThresholdRange thresholdRange(const Layer& layer);

// What is wrong with a model: the layer index (-1: the model as a whole, e.g.
// its input shape or class names) and the problem, without the layer prefix.
struct ModelProblem {
    int layer = -1;
    std::string message;
};
std::optional<ModelProblem> findModelProblem(const Model& model);

// Checks shapes, weight values, thresholds and directions; throws
// std::invalid_argument naming the layer and the problem
// ("layer 2 'conv2': ..."; layers count from 0 as in the file's group names).
void validateModel(const Model& model);

} // namespace axbnn
