// BatchPass: im2col + Eigen float GEMM (row-major, no copies of the
// activations), max-pool with argmax, batch-norm, sign with the straight-
// through estimator. Integer dot products (pixels times +-1, or +-1 times
// +-1) are exact in float, so the eval-mode pass sees the same integers as
// the inference engine.
#include "train/batch_pass.h"

#include "bnn/inference_types.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace axbnn::train {

namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Map = Eigen::Map<RowMat>;
using CMap = Eigen::Map<const RowMat>;
using SMap = Eigen::Map<RowMat, 0, Eigen::OuterStride<>>;
using CSMap = Eigen::Map<const RowMat, 0, Eigen::OuterStride<>>;

// Fixed partitions (independent of the thread count).
constexpr int kConvImages = 4; // images per convolution task
constexpr int kDenseBlock = 128; // output columns per dense task
constexpr int kRowBlock = 512; // rows per batch-norm reduction block
constexpr int64_t kElemBlock = 1 << 16;

int blocks(int64_t n, int64_t size)
{
    return static_cast<int>((n + size - 1) / size);
}

void im2col(const TrainLayer& l, const float* image, float* cols)
{
    const int cin = l.in.channels, k = l.kernel;
    const float padValue = l.pixels ? 0.0f : -1.0f; // padding reads pixel 0 or activation -1
    for (int oy = 0; oy < l.conv.height; ++oy)
        for (int ox = 0; ox < l.conv.width; ++ox)
            for (int ky = 0; ky < k; ++ky) {
                const int iy = oy + ky - l.padding;
                for (int kx = 0; kx < k; ++kx, cols += cin) {
                    const int ix = ox + kx - l.padding;
                    if (iy < 0 || iy >= l.in.height || ix < 0 || ix >= l.in.width)
                        std::fill(cols, cols + cin, padValue);
                    else
                        std::copy_n(image + (static_cast<size_t>(iy) * l.in.width + ix) * cin, cin, cols);
                }
            }
}

void col2imAdd(const TrainLayer& l, const float* cols, float* image)
{
    const int cin = l.in.channels, k = l.kernel;
    for (int oy = 0; oy < l.conv.height; ++oy)
        for (int ox = 0; ox < l.conv.width; ++ox)
            for (int ky = 0; ky < k; ++ky) {
                const int iy = oy + ky - l.padding;
                for (int kx = 0; kx < k; ++kx, cols += cin) {
                    const int ix = ox + kx - l.padding;
                    if (iy < 0 || iy >= l.in.height || ix < 0 || ix >= l.in.width)
                        continue;
                    float* d = image + (static_cast<size_t>(iy) * l.in.width + ix) * cin;
                    for (int c = 0; c < cin; ++c)
                        d[c] += cols[c];
                }
            }
}

} // namespace

struct BatchPass::LayerState {
    std::vector<float> wb; // sign(latent) as +-1, [C, K]
    std::vector<float> z; // convolution outputs (+ injected errors), [count * conv positions, C]
    std::vector<float> pooled; // after max-pool, [count * out positions, C] (unused without pooling)
    std::vector<int32_t> argmax; // index into z of each pooled value
    std::vector<float> xhat, y; // batch-normalised, and after the affine map
    std::vector<float> a; // sign(y): the next layer's input
    std::vector<float> dA; // gradient with respect to a (or the scores)
    std::vector<float> mean, invStd;
    std::vector<float> partial; // per-task partial weight gradients
    const float* pre() const { return pooled.empty() ? z.data() : pooled.data(); }
};

BatchPass::BatchPass(Network& net, TaskPool& pool, const ErrorInjector* injector)
    : net_(net), pool_(pool), injector_(injector && injector->active() ? injector : nullptr), state_(net.layers.size()),
      grads_(net.layers.size()), cols_(pool.threads()), dcols_(pool.threads())
{}

BatchPass::~BatchPass() = default;

const float* BatchPass::preActivations(int layer) const
{
    return state_[layer].pre();
}

void BatchPass::convForward(int li, const float* in, int count)
{
    const TrainLayer& l = net_.layers[li];
    LayerState& s = state_[li];
    const int c = l.channels(), k = l.fanIn;
    s.wb.resize(l.weights.size());
    for (size_t i = 0; i < l.weights.size(); ++i)
        s.wb[i] = !net_.binarize ? l.weights[i] : l.weights[i] >= 0.0f ? 1.0f : -1.0f;
    const int positions = l.conv.height * l.conv.width;
    s.z.resize(static_cast<size_t>(count) * positions * c);
    const CMap wb(s.wb.data(), c, k);
    if (l.identityIm2col()) {
        const CMap x(in, count, k);
        pool_.run(blocks(c, kDenseBlock), [&](int t, int) {
            const int j0 = t * kDenseBlock, n = std::min(kDenseBlock, c - j0);
            SMap z(s.z.data() + j0, count, n, Eigen::OuterStride<>(c));
            z.noalias() = x * wb.middleRows(j0, n).transpose();
        });
    } else {
        const size_t inSize = l.in.size();
        pool_.run(blocks(count, kConvImages), [&](int t, int w) {
            const int i0 = t * kConvImages, n = std::min(kConvImages, count - i0);
            std::vector<float>& cols = cols_[w];
            cols.resize(static_cast<size_t>(n) * positions * k);
            for (int i = 0; i < n; ++i)
                im2col(l, in + (i0 + i) * inSize, cols.data() + static_cast<size_t>(i) * positions * k);
            Map z(s.z.data() + static_cast<size_t>(i0) * positions * c, static_cast<int64_t>(n) * positions, c);
            z.noalias() = CMap(cols.data(), static_cast<int64_t>(n) * positions, k) * wb.transpose();
        });
    }
}

void BatchPass::poolForward(int li, int count, bool keepArgmax)
{
    const TrainLayer& l = net_.layers[li];
    LayerState& s = state_[li];
    if (l.pool <= 1) {
        s.pooled.clear();
        return;
    }
    const int c = l.channels(), p = l.pool;
    const size_t convSize = static_cast<size_t>(l.conv.size()), outSize = static_cast<size_t>(l.out.size());
    s.pooled.resize(count * outSize);
    if (keepArgmax)
        s.argmax.resize(count * outSize);
    pool_.run(blocks(count, kConvImages), [&](int t, int) {
        for (int i = t * kConvImages; i < std::min(count, (t + 1) * kConvImages); ++i)
            for (int oy = 0; oy < l.out.height; ++oy)
                for (int ox = 0; ox < l.out.width; ++ox)
                    for (int ch = 0; ch < c; ++ch) {
                        size_t best = i * convSize + (static_cast<size_t>(oy * p) * l.conv.width + ox * p) * c + ch;
                        for (int dy = 0; dy < p; ++dy)
                            for (int dx = 0; dx < p; ++dx) {
                                const size_t at = i * convSize
                                    + (static_cast<size_t>(oy * p + dy) * l.conv.width + ox * p + dx) * c + ch;
                                if (s.z[at] > s.z[best])
                                    best = at;
                            }
                        const size_t o = i * outSize + (static_cast<size_t>(oy) * l.out.width + ox) * c + ch;
                        s.pooled[o] = s.z[best];
                        if (keepArgmax)
                            s.argmax[o] = static_cast<int32_t>(best);
                    }
    });
}

void BatchPass::bnTrain(int li, int count, float momentum)
{
    TrainLayer& l = net_.layers[li];
    LayerState& s = state_[li];
    const int c = l.channels();
    const int64_t rows = static_cast<int64_t>(count) * l.out.height * l.out.width;
    const float* x = s.pre();
    const int nb = blocks(rows, kRowBlock);
    std::vector<double> sums(static_cast<size_t>(nb) * 2 * c, 0.0);
    pool_.run(nb, [&](int t, int) {
        double* sum = sums.data() + static_cast<size_t>(t) * 2 * c;
        double* sq = sum + c;
        for (int64_t r = int64_t{t} * kRowBlock; r < std::min(rows, int64_t{t + 1} * kRowBlock); ++r)
            for (int ch = 0; ch < c; ++ch) {
                const double v = x[r * c + ch];
                sum[ch] += v;
                sq[ch] += v * v;
            }
    });
    s.mean.resize(c);
    s.invStd.resize(c);
    for (int ch = 0; ch < c; ++ch) {
        double sum = 0, sq = 0;
        for (int t = 0; t < nb; ++t) {
            sum += sums[static_cast<size_t>(t) * 2 * c + ch];
            sq += sums[static_cast<size_t>(t) * 2 * c + c + ch];
        }
        const double mean = sum / rows;
        const double var = std::max(0.0, sq / rows - mean * mean);
        s.mean[ch] = static_cast<float>(mean);
        s.invStd[ch] = static_cast<float>(1.0 / std::sqrt(var + net_.bnEpsilon));
        l.runningMean[ch] = momentum * l.runningMean[ch] + (1.0f - momentum) * static_cast<float>(mean);
        const double unbiased = rows > 1 ? var * rows / (rows - 1) : var;
        l.runningVar[ch] = momentum * l.runningVar[ch] + (1.0f - momentum) * static_cast<float>(unbiased);
    }
    s.xhat.resize(rows * c);
    s.y.resize(rows * c);
    if (!l.scores)
        s.a.resize(rows * c);
    pool_.run(blocks(rows, kRowBlock), [&](int t, int) {
        for (int64_t r = int64_t{t} * kRowBlock; r < std::min(rows, int64_t{t + 1} * kRowBlock); ++r)
            for (int ch = 0; ch < c; ++ch) {
                const int64_t i = r * c + ch;
                const float xh = (x[i] - s.mean[ch]) * s.invStd[ch];
                const float y = l.gamma[ch] * xh + l.beta[ch];
                s.xhat[i] = xh;
                s.y[i] = y;
                if (!l.scores)
                    s.a[i] = !net_.binarize ? y : y >= 0.0f ? 1.0f : -1.0f;
            }
    });
}

void BatchPass::bnEvalSign(int li, int count)
{
    const TrainLayer& l = net_.layers[li];
    LayerState& s = state_[li];
    const int c = l.channels();
    const int64_t rows = static_cast<int64_t>(count) * l.out.height * l.out.width;
    const float* x = s.pre();
    std::vector<BnEval> bn(c);
    for (int ch = 0; ch < c; ++ch)
        bn[ch] = bnEval(l, ch, net_.bnEpsilon);
    s.a.resize(rows * c);
    pool_.run(blocks(rows, kRowBlock), [&](int t, int) {
        for (int64_t r = int64_t{t} * kRowBlock; r < std::min(rows, int64_t{t + 1} * kRowBlock); ++r)
            for (int ch = 0; ch < c; ++ch)
                s.a[r * c + ch] = bn[ch](x[r * c + ch]) >= 0.0f ? 1.0f : -1.0f;
    });
}

void BatchPass::injectErrors(int l, const float* in, int count, uint64_t key)
{
    LayerState& s = state_[static_cast<size_t>(l)];
    std::vector<float>& z = s.z;
    const uint64_t layerKey = streamKey(key, static_cast<uint64_t>(l));
    auto countThrough = [&](const ErrorInjector& injector, const std::vector<int>& images) {
        injector.circuit(l).apply(net_.layers[static_cast<size_t>(l)], in, s.wb.data(), z.data(), images, pool_);
    };
    if (!imageInjectors_.empty()) { // a level per image
        // Hardware in the loop: each level's circuit counts its images together.
        std::vector<std::pair<const ErrorInjector*, std::vector<int>>> circuitImages;
        for (int i = 0; i < count; ++i) {
            const ErrorInjector* injector = imageInjectors_[static_cast<size_t>(i)];
            if (!injector || !injector->usesCircuit(l))
                continue;
            auto it = std::find_if(circuitImages.begin(), circuitImages.end(),
                                   [&](const auto& entry) { return entry.first == injector; });
            if (it == circuitImages.end())
                it = circuitImages.insert(circuitImages.end(), {injector, {}});
            it->second.push_back(i);
        }
        for (const auto& [injector, images] : circuitImages)
            countThrough(*injector, images);
        const int64_t per = static_cast<int64_t>(z.size()) / count; // image-major
        pool_.run(count, [&](int i, int) {
            const ErrorInjector* injector = imageInjectors_[static_cast<size_t>(i)];
            if (injector && injector->injects(l) && !injector->usesCircuit(l))
                injector->inject(l, z.data() + i * per, per, i * per, layerKey);
        });
        return;
    }
    if (!injector_ || !injector_->injects(l))
        return;
    if (injector_->usesCircuit(l)) {
        std::vector<int> images(static_cast<size_t>(count));
        std::iota(images.begin(), images.end(), 0);
        countThrough(*injector_, images);
        return;
    }
    const int64_t n = static_cast<int64_t>(z.size());
    pool_.run(blocks(n, kElemBlock), [&](int t, int) {
        const int64_t first = int64_t{t} * kElemBlock;
        injector_->inject(l, z.data() + first, std::min(kElemBlock, n - first), first, layerKey);
    });
}

float BatchPass::forwardTrain(const float* pixels, const uint8_t* labels, int count, float momentum, uint64_t key,
                              int& correct)
{
    input_ = pixels;
    count_ = count;
    const float* in = pixels;
    for (size_t li = 0; li < net_.layers.size(); ++li) {
        const int l = static_cast<int>(li);
        convForward(l, in, count);
        injectErrors(l, in, count, key);
        poolForward(l, count, true);
        bnTrain(l, count, momentum);
        in = state_[li].a.data();
    }
    // Softmax cross-entropy on the last layer's batch-normalised scores.
    const LayerState& last = state_.back();
    const int classes = net_.layers.back().channels();
    dScores_.assign(static_cast<size_t>(count) * classes, 0.0f);
    double loss = 0;
    correct = 0;
    for (int i = 0; i < count; ++i) {
        const float* y = last.y.data() + static_cast<size_t>(i) * classes;
        float* d = dScores_.data() + static_cast<size_t>(i) * classes;
        const int best = static_cast<int>(std::max_element(y, y + classes) - y);
        double total = 0;
        for (int j = 0; j < classes; ++j)
            total += std::exp(static_cast<double>(y[j] - y[best]));
        const double logTotal = std::log(total);
        for (int j = 0; j < classes; ++j) {
            const double p = std::exp(static_cast<double>(y[j] - y[best]) - logTotal);
            d[j] = static_cast<float>((p - (j == labels[i] ? 1.0 : 0.0)) / count);
        }
        loss += logTotal - static_cast<double>(y[labels[i]] - y[best]);
        correct += best == labels[i];
    }
    return static_cast<float>(loss / count);
}

void BatchPass::bnBackward(int li, int count)
{
    const TrainLayer& l = net_.layers[li];
    LayerState& s = state_[li];
    LayerGrads& g = grads_[li];
    const int c = l.channels();
    const int64_t rows = static_cast<int64_t>(count) * l.out.height * l.out.width;
    float* dy = s.dA.data(); // becomes dY in place: STE of sign, zero where |y| > 1
    const int nb = blocks(rows, kRowBlock);
    std::vector<double> sums(static_cast<size_t>(nb) * 2 * c, 0.0);
    pool_.run(nb, [&](int t, int) {
        double* sdy = sums.data() + static_cast<size_t>(t) * 2 * c;
        double* sdx = sdy + c;
        for (int64_t r = int64_t{t} * kRowBlock; r < std::min(rows, int64_t{t + 1} * kRowBlock); ++r)
            for (int ch = 0; ch < c; ++ch) {
                const int64_t i = r * c + ch;
                if (!l.scores && net_.binarize && std::fabs(s.y[i]) > 1.0f)
                    dy[i] = 0.0f;
                sdy[ch] += dy[i];
                sdx[ch] += static_cast<double>(dy[i]) * s.xhat[i];
            }
    });
    g.gamma.assign(c, 0.0f);
    g.beta.assign(c, 0.0f);
    std::vector<float> meanDy(c), meanDyX(c), k(c);
    for (int ch = 0; ch < c; ++ch) {
        double sdy = 0, sdx = 0;
        for (int t = 0; t < nb; ++t) {
            sdy += sums[static_cast<size_t>(t) * 2 * c + ch];
            sdx += sums[static_cast<size_t>(t) * 2 * c + c + ch];
        }
        g.beta[ch] = static_cast<float>(sdy);
        g.gamma[ch] = static_cast<float>(sdx);
        meanDy[ch] = static_cast<float>(sdy / rows);
        meanDyX[ch] = static_cast<float>(sdx / rows);
        k[ch] = l.gamma[ch] * s.invStd[ch];
    }
    // dx = gamma * invStd * (dy - mean(dy) - xhat * mean(dy * xhat)), in place.
    pool_.run(nb, [&](int t, int) {
        for (int64_t r = int64_t{t} * kRowBlock; r < std::min(rows, int64_t{t + 1} * kRowBlock); ++r)
            for (int ch = 0; ch < c; ++ch) {
                const int64_t i = r * c + ch;
                dy[i] = k[ch] * (dy[i] - meanDy[ch] - s.xhat[i] * meanDyX[ch]);
            }
    });
}

void BatchPass::convBackward(int li, const float* in, float* dIn, int count)
{
    const TrainLayer& l = net_.layers[li];
    LayerState& s = state_[li];
    LayerGrads& g = grads_[li];
    const int c = l.channels(), k = l.fanIn;
    const int positions = l.conv.height * l.conv.width;
    // Gradient with respect to the convolution outputs: through the max-pool.
    const float* dz = s.dA.data();
    std::vector<float> dzPooled;
    if (l.pool > 1) {
        dzPooled.assign(s.z.size(), 0.0f);
        const size_t outSize = l.out.size();
        pool_.run(blocks(count, kConvImages), [&](int t, int) {
            for (size_t o = t * kConvImages * outSize; o < std::min<size_t>(count, (t + 1) * kConvImages) * outSize;
                 ++o)
                dzPooled[s.argmax[o]] += s.dA[o];
        });
        dz = dzPooled.data();
    }
    g.weights.resize(static_cast<size_t>(c) * k);
    const CMap wb(s.wb.data(), c, k);
    if (l.identityIm2col()) {
        const CMap x(in, count, k);
        const CMap dZ(dz, count, c);
        pool_.run(blocks(c, kDenseBlock), [&](int t, int) {
            const int j0 = t * kDenseBlock, n = std::min(kDenseBlock, c - j0);
            Map dw(g.weights.data() + static_cast<size_t>(j0) * k, n, k);
            dw.noalias() = dZ.middleCols(j0, n).transpose() * x;
        });
        if (dIn) {
            constexpr int kInBlock = 256;
            pool_.run(blocks(k, kInBlock), [&](int t, int) {
                const int j0 = t * kInBlock, n = std::min(kInBlock, k - j0);
                SMap dx(dIn + j0, count, n, Eigen::OuterStride<>(k));
                dx.noalias() = dZ * wb.middleCols(j0, n);
            });
        }
        return;
    }
    const int tasks = blocks(count, kConvImages);
    s.partial.resize(static_cast<size_t>(tasks) * c * k);
    const size_t inSize = l.in.size();
    if (dIn)
        std::fill(dIn, dIn + count * inSize, 0.0f);
    pool_.run(tasks, [&](int t, int w) {
        const int i0 = t * kConvImages, n = std::min(kConvImages, count - i0);
        const int64_t rows = static_cast<int64_t>(n) * positions;
        std::vector<float>& cols = cols_[w];
        cols.resize(rows * k);
        for (int i = 0; i < n; ++i)
            im2col(l, in + (i0 + i) * inSize, cols.data() + static_cast<size_t>(i) * positions * k);
        const CMap dZ(dz + static_cast<size_t>(i0) * positions * c, rows, c);
        Map part(s.partial.data() + static_cast<size_t>(t) * c * k, c, k);
        part.noalias() = dZ.transpose() * CMap(cols.data(), rows, k);
        if (dIn) {
            std::vector<float>& dcols = dcols_[w];
            dcols.resize(rows * k);
            Map(dcols.data(), rows, k).noalias() = dZ * wb;
            for (int i = 0; i < n; ++i)
                col2imAdd(l, dcols.data() + static_cast<size_t>(i) * positions * k, dIn + (i0 + i) * inSize);
        }
    });
    // Sum the partial gradients in task order.
    const int64_t total = static_cast<int64_t>(c) * k;
    pool_.run(blocks(total, kElemBlock), [&](int b, int) {
        for (int64_t e = int64_t{b} * kElemBlock; e < std::min(total, int64_t{b + 1} * kElemBlock); ++e) {
            float sum = 0;
            for (int t = 0; t < tasks; ++t)
                sum += s.partial[static_cast<size_t>(t) * total + e];
            g.weights[e] = sum;
        }
    });
}

void BatchPass::backward()
{
    const int count = count_;
    state_.back().dA = dScores_;
    for (int li = static_cast<int>(net_.layers.size()) - 1; li >= 0; --li) {
        bnBackward(li, count);
        const float* in = li == 0 ? input_ : state_[li - 1].a.data();
        float* dIn = nullptr;
        if (li > 0) {
            std::vector<float>& d = state_[li - 1].dA;
            d.resize(state_[li - 1].a.size());
            dIn = d.data();
        }
        convBackward(li, in, dIn, count);
    }
}

void BatchPass::forwardEval(const float* pixels, int count, float* scores, bool inject, uint64_t key)
{
    const float* in = pixels;
    const size_t last = net_.layers.size() - 1;
    for (size_t li = 0; li < net_.layers.size(); ++li) {
        const int l = static_cast<int>(li);
        convForward(l, in, count);
        if (inject)
            injectErrors(l, in, count, key);
        poolForward(l, count, false);
        if (li == last)
            break;
        bnEvalSign(l, count);
        in = state_[li].a.data();
    }
    const TrainLayer& l = net_.layers[last];
    const int classes = l.channels();
    const float* z = state_[last].pre();
    for (int j = 0; j < classes; ++j) {
        const BnEval bn = bnEval(l, j, net_.bnEpsilon);
        const float offset = scoreOffset(bn); // as saved in score_offset
        for (int i = 0; i < count; ++i) {
            const int dot = static_cast<int>(z[static_cast<size_t>(i) * classes + j]);
            scores[static_cast<size_t>(i) * classes + j] = scoreOf(bn.scale, offset, (dot + l.fanIn) / 2, l.fanIn);
        }
    }
}

} // namespace axbnn::train
