// The float side of a binarized network under training: latent weights
// (binarized by sign in every forward pass), batch-norm parameters and
// running statistics, per trained layer. Qt- and Eigen-free.
#pragma once

#include "bnn/model.h"
#include "train/train_config.h"

#include <cstdint>
#include <vector>

namespace axbnn::train {

// One trained layer: convolution (dense = a convolution whose kernel covers
// the whole input, without padding) -> optional max-pool -> batch-norm ->
// sign, or -> scores for the last layer.
struct TrainLayer {
    LayerKind kind = LayerKind::Conv; // InputConv, Conv, Dense or Scores as saved
    std::string name;
    Shape in; // input activations (pixels for the first layer)
    Shape conv; // convolution output, before pooling
    Shape out; // after pooling (= conv without pooling)
    int kernel = 1, padding = 0, pool = 1;
    int fanIn = 0; // kernel * kernel * in.channels
    int modelLayer = 0; // index in the saved model's layer list
    bool pixels = false; // first layer: integer pixel inputs, padding reads 0
    bool scores = false; // last layer: BN output is the class score
    std::vector<float> weights; // latent, [out channel][ky][kx][in channel]
    std::vector<float> gamma, beta, runningMean, runningVar;

    int channels() const { return out.channels; }
    // The convolution is a plain matrix product (im2col is the identity).
    bool identityIm2col() const { return padding == 0 && kernel == in.height && kernel == in.width; }
};

struct Network {
    NetworkSpec spec;
    float bnEpsilon = 1e-5f;
    std::vector<TrainLayer> layers;
    // false only in gradient checks: weights and activations stay float
    // (no sign, no straight-through mask), so the loss is differentiable.
    bool binarize = true;
};

// Layers shaped by the spec, latent weights uniform in +-1/sqrt(fan-in)
// (deterministic in `seed`), gamma 1, beta 0, running mean 0 and variance 1.
Network makeNetwork(const NetworkSpec& spec, uint64_t seed, float bnEpsilon = 1e-5f);

// Eval-mode batch-norm of a pre-activation (the integer dot product as
// float), with running statistics: (x - mean) * scale + beta where
// scale = gamma / sqrt(var + eps). Monotone in x, so the sign folds exactly
// into an integer threshold (foldThresholds).
struct BnEval {
    float mean = 0, scale = 1, beta = 0;
    float operator()(float x) const { return (x - mean) * scale + beta; }
};
BnEval bnEval(const TrainLayer& layer, int channel, float epsilon);
// The last layer's score is bn(x) = scale * x + offset with this offset (the
// model file's score_offset; score_scale is bn.scale).
inline float scoreOffset(const BnEval& bn)
{
    return bn.beta - bn.mean * bn.scale;
}

} // namespace axbnn::train
