// Layer by layer over a batch: InputConv (integer dot), binary layers (exact
// XNOR-popcount, circuit lanes, or both with the error-bound skip), max-pool
// as OR/AND on words, and the statistics/trace side channels.
#include "bnn/forward_pass.h"
#include "util/growing_histogram.h"

#include "bnn/packed_bits.h"

#include <algorithm>
#include <cstdlib>

namespace axbnn {

ForwardPass::ForwardPass(const std::vector<LayerPlan>& plan) : plan_(plan), kernels_(xnorKernels())
{
    for (const LayerPlan& p : plan_) {
        actStride_ = std::max(actStride_, static_cast<size_t>(p.positions) * p.outWords);
        valueStride_ = std::max(valueStride_, static_cast<size_t>(p.positions) * p.outputs);
        if (p.kind == LayerKind::Conv)
            patchStride_ = std::max(patchStride_, static_cast<size_t>(p.positions) * p.patchWords);
    }
    in_.assign(actStride_ * kBatch, 0);
    out_.assign(actStride_ * kBatch, 0);
    exact_.assign(valueStride_ * kBatch, 0);
    circuit_.assign(valueStride_ * kBatch, 0);
    patches_.assign(patchStride_ * kBatch, 0);
    skipOff_.assign(plan_.size(), 0);
}

void ForwardPass::run(const uint8_t* const* images, int count, float* scores, InferenceStats* stats,
                      ForwardTrace* trace)
{
    count_ = std::clamp(count, 0, kBatch);
    detail_ = stats || trace;
    if (stats && stats->layers.size() < plan_.size())
        stats->layers.resize(plan_.size());
    if (trace)
        trace->layers.assign(plan_.size(), {});
    for (const LayerPlan& p : plan_) {
        switch (p.kind) {
        case LayerKind::InputConv: inputConvLayer(p, images); break;
        case LayerKind::MaxPool: maxPoolLayer(p); break;
        default: binaryLayer(p, scores); break;
        }
        if (stats)
            collectStats(p, stats->layers[p.index]);
        if (trace)
            recordTrace(p, trace->layers[p.index]);
        if (p.kind != LayerKind::Scores)
            std::swap(in_, out_);
    }
    if (stats)
        stats->images += count_;
    if (trace && count_ > 0) {
        const int classes = plan_.back().outputs;
        trace->scores.assign(scores, scores + classes);
        trace->prediction = static_cast<int>(std::max_element(scores, scores + classes) - scores);
    }
}

void ForwardPass::inputConvLayer(const LayerPlan& p, const uint8_t* const* images)
{
    // Values are only kept for statistics and traces; the kernel thresholds
    // in registers otherwise.
    for (int img = 0; img < count_; ++img)
        kernels_.inputConv(p.inputWeights, images[img], p.gt.data(), p.invert.data(),
                           detail_ ? exact_.data() + img * valueStride_ : nullptr, out_.data() + img * actStride_,
                           pixelPatch_);
}

void ForwardPass::binaryLayer(const LayerPlan& p, float* scores)
{
    const bool conv = p.kind == LayerKind::Conv;
    const bool scoresLayer = p.kind == LayerKind::Scores;
    const bool circuit = p.usesCircuit();
    const bool skip = circuit && p.skip && !detail_ && !skipOff_[p.index];
    const Shape o = p.out;
    if (conv && !circuit && !detail_ && !p.zeroIn.empty()) {
        exactConvBesideZeroImage(p);
        return;
    }
    if (conv)
        for (int img = 0; img < count_; ++img)
            gatherPatches(in_.data() + img * actStride_, p.in, p.conv.kernel, p.conv.stride, p.conv.padding, o.height,
                          o.width, patches_.data() + img * patchStride_);
    auto patchOf = [&](int img, int pos) -> const uint64_t* {
        return conv ? patches_.data() + img * patchStride_ + static_cast<size_t>(pos) * p.patchWords
                    : in_.data() + img * actStride_;
    };

    // Identical patches (uniform background: 17% of conv2's in a Fashion-MNIST
    // batch) give identical activations: the circuits of a convolution run
    // once per distinct patch when no statistics want every neuron. (The
    // exact count gained nothing measurable from the same.)
    const bool dedupe = conv && circuit && !detail_;
    const int distinct = dedupe ? findRepeats(p) : 0;
    if (!circuit || skip || detail_) {
        if (conv)
            for (int img = 0; img < count_; ++img)
                kernels_.xnorGemm(patchOf(img, 0), p.patchWords, p.positions, p.weightRows.data(), p.patchWords,
                                  p.outputs, p.fanIn, exact_.data() + img * valueStride_, p.outputs);
        else // one call for all images: each weight row serves the whole batch
            kernels_.xnorGemm(in_.data(), actStride_, count_, p.weightRows.data(), p.patchWords, p.outputs, p.fanIn,
                              exact_.data(), valueStride_);
    }
    if (!scoresLayer && (!circuit || skip))
        for (int img = 0; img < count_; ++img)
            for (int pos = 0; pos < p.positions; ++pos)
                kernels_.thresholdPack(exact_.data() + img * valueStride_ + static_cast<size_t>(pos) * p.outputs,
                                       p.gt.data(), p.invert.data(), p.outputs,
                                       out_.data() + img * actStride_ + static_cast<size_t>(pos) * p.outWords);

    if (circuit) {
        tasks_.clear();
        auto addTask = [&](int img, int pos, int g) {
            if (dedupe && repeat_[img * p.positions + pos] != img * p.positions + pos)
                return; // copied from its first occurrence below
            const size_t at = img * valueStride_ + static_cast<size_t>(pos) * p.outputs + 64 * g;
            if (skip) {
                const int n = std::min(64, p.outputs - 64 * g);
                bool decided = true;
                for (int j = 0; j < n && decided; ++j)
                    decided = p.decidedByBound(64 * g + j, exact_[at + j]);
                if (decided) {
                    ++skippedGroups_;
                    return;
                }
            }
            ++circuitGroups_;
            CircuitTask t;
            t.patch = patchOf(img, pos);
            t.group = g;
            if (!scoresLayer)
                t.activations = out_.data() + img * actStride_ + static_cast<size_t>(pos) * p.outWords + g;
            if (scoresLayer || detail_)
                t.values = circuit_.data() + at;
            tasks_.push_back(t);
        };
        // Group-major keeps the lanes of a run on the same weights (one word
        // per element); a wide dense layer instead fills them with kLanes
        // consecutive groups of one image (one vector load per element),
        // all images of the batch in turn while those weights are in cache.
        constexpr int kLanes = CircuitRunner::kLanes;
        if (conv || p.groups < kLanes) {
            for (int g = 0; g < p.groups; ++g)
                for (int img = 0; img < count_; ++img)
                    for (int pos = 0; pos < p.positions; ++pos)
                        addTask(img, pos, g);
        } else {
            for (int g0 = 0; g0 < p.groups; g0 += kLanes)
                for (int img = 0; img < count_; ++img)
                    for (int g = g0; g < std::min(g0 + kLanes, p.groups); ++g)
                        addTask(img, 0, g);
        }
        circuits_.run(p, tasks_);
        if (dedupe)
            copyRepeats(p);
        // Auto: the check costs a whole exact pass; it pays only if most
        // groups avoid the circuit (a group skips only when all 64 neurons
        // are safe). The first batch where fewer than half skip turns it off
        // for the rest of this pass; results are the same either way.
        const size_t groups = static_cast<size_t>(dedupe ? distinct : count_ * p.positions) * p.groups;
        if (skip && p.skipAdaptive && (groups - tasks_.size()) * 2 < groups)
            skipOff_[p.index] = 1;
    }

    if (scoresLayer) {
        const std::vector<int32_t>& values = circuit ? circuit_ : exact_;
        for (int img = 0; img < count_; ++img)
            for (int j = 0; j < p.outputs; ++j)
                scores[img * p.outputs + j] =
                    scoreOf(p.scale[j], p.offset[j], values[img * valueStride_ + j] - p.shift, p.fanIn);
    }
}

int ForwardPass::findRepeats(const LayerPlan& p)
{
    const int n = count_ * p.positions;
    const int words = p.patchWords;
    size_t capacity = 16;
    while (capacity < 2 * static_cast<size_t>(n))
        capacity *= 2;
    slotOfHash_.assign(capacity, -1);
    repeat_.resize(static_cast<size_t>(n));
    int distinct = 0;
    const bool zeroImage = !p.zeroIn.empty();
    for (int f = 0; f < n; ++f) {
        if (zeroImage && f % p.positions == 0)
            markZeroImagePatches(p, f / p.positions);
        if (zeroImage && same_[f % p.positions]) {
            repeat_[f] = kZeroImage;
            continue;
        }
        const uint64_t* patch =
            patches_.data() + (f / p.positions) * patchStride_ + static_cast<size_t>(f % p.positions) * words;
        uint64_t h = 0x9e3779b97f4a7c15ull;
        for (int k = 0; k < words; ++k)
            h = (h ^ patch[k]) * 0xff51afd7ed558ccdull;
        for (size_t slot = (h ^ (h >> 29)) & (capacity - 1);; slot = (slot + 1) & (capacity - 1)) {
            const int other = slotOfHash_[slot];
            if (other < 0) {
                slotOfHash_[slot] = f;
                repeat_[f] = f;
                ++distinct;
                break;
            }
            const uint64_t* seen = patches_.data() + (other / p.positions) * patchStride_
                + static_cast<size_t>(other % p.positions) * words;
            if (std::equal(patch, patch + words, seen)) {
                repeat_[f] = other;
                break;
            }
        }
    }
    return distinct;
}

void ForwardPass::copyRepeats(const LayerPlan& p)
{
    for (int f = 0; f < count_ * p.positions; ++f)
        if (repeat_[f] == kZeroImage)
            std::copy_n(p.zeroOut.data() + static_cast<size_t>(f % p.positions) * p.outWords, p.outWords,
                        activationsAt(p, f));
        else if (repeat_[f] != f)
            std::copy_n(activationsAt(p, repeat_[f]), p.outWords, activationsAt(p, f));
}

int ForwardPass::markZeroImagePatches(const LayerPlan& p, int img)
{
    same_.resize(static_cast<size_t>(p.positions));
    const int same = markSamePatches(in_.data() + img * actStride_, p.zeroIn.data(), p.in, p.conv.kernel, p.conv.stride,
                                     p.conv.padding, p.out.height, p.out.width, same_.data(), sameRows_);
    zeroImagePatches_ += static_cast<uint64_t>(same);
    return same;
}

void ForwardPass::exactConvBesideZeroImage(const LayerPlan& p)
{
    kept_.resize(static_cast<size_t>(p.positions));
    for (int img = 0; img < count_; ++img) {
        markZeroImagePatches(p, img);
        uint64_t* patches = patches_.data() + img * patchStride_;
        const int n =
            gatherPatchesExcept(in_.data() + img * actStride_, p.in, p.conv.kernel, p.conv.stride, p.conv.padding,
                                p.out.height, p.out.width, same_.data(), kept_.data(), patches);
        int32_t* values = exact_.data() + img * valueStride_;
        kernels_.xnorGemm(patches, p.patchWords, n, p.weightRows.data(), p.patchWords, p.outputs, p.fanIn, values,
                          p.outputs);
        uint64_t* out = out_.data() + img * actStride_;
        for (int j = 0; j < n; ++j)
            kernels_.thresholdPack(values + static_cast<size_t>(j) * p.outputs, p.gt.data(), p.invert.data(), p.outputs,
                                   out + static_cast<size_t>(kept_[j]) * p.outWords);
        for (int pos = 0; pos < p.positions; ++pos)
            if (same_[pos])
                std::copy_n(p.zeroOut.data() + static_cast<size_t>(pos) * p.outWords, p.outWords,
                            out + static_cast<size_t>(pos) * p.outWords);
    }
}

void ForwardPass::maxPoolLayer(const LayerPlan& p)
{
    const int words = p.outWords;
    for (int img = 0; img < count_; ++img) {
        const uint64_t* in = in_.data() + img * actStride_;
        uint64_t* out = out_.data() + img * actStride_;
        for (int y = 0; y < p.out.height; ++y)
            for (int x = 0; x < p.out.width; ++x)
                for (int w = 0; w < words; ++w) {
                    uint64_t any = 0, all = ~0ull;
                    for (int dy = 0; dy < p.pool; ++dy)
                        for (int dx = 0; dx < p.pool; ++dx) {
                            const uint64_t v =
                                in[(static_cast<size_t>(y * p.pool + dy) * p.in.width + x * p.pool + dx) * words + w];
                            any |= v;
                            all &= v;
                        }
                    out[(static_cast<size_t>(y) * p.out.width + x) * words + w] =
                        (any & p.poolOr[w]) | (all & ~p.poolOr[w]);
                }
    }
}

namespace {

void addToHistogram(std::vector<uint64_t>& h, int offset, int64_t value)
{
    const int64_t i = std::clamp<int64_t>(value - offset, 0, static_cast<int64_t>(h.size()) - 1);
    ++h[static_cast<size_t>(i)];
}

} // namespace

void ForwardPass::collectStats(const LayerPlan& p, LayerStats& s) const
{
    if (p.kind == LayerKind::MaxPool)
        return;
    const bool thresholded = p.kind != LayerKind::Scores;
    const bool circuit = p.usesCircuit();
    if (thresholded && s.marginHistogram.empty()) {
        const int64_t reach = p.kind == LayerKind::InputConv ? 255 * int64_t{p.fanIn} : p.fanIn;
        int widest = 0;
        for (int s : p.neuronShift)
            widest = std::max(widest, std::abs(s));
        const int half = static_cast<int>(std::min<int64_t>(reach + 2 + widest, 1 << 16));
        s.marginOffset = -half;
        s.marginHistogram.assign(static_cast<size_t>(2 * half + 1), 0);
    }
    if (circuit && s.errorHistogram.empty()) {
        s.errorOffset = -p.fanIn;
        s.errorHistogram.assign(static_cast<size_t>(p.fanIn) + (size_t{1} << p.unit.valueBits()), 0);
    }
    for (int img = 0; img < count_; ++img)
        for (int pos = 0; pos < p.positions; ++pos)
            for (int o = 0; o < p.outputs; ++o) {
                const size_t at = img * valueStride_ + static_cast<size_t>(pos) * p.outputs + o;
                const int32_t exact = exact_[at];
                ++s.neurons;
                if (p.isBinary()) {
                    s.xnorOnes += static_cast<uint64_t>(exact);
                    s.xnorInputs += static_cast<uint64_t>(p.fanIn);
                }
                if (thresholded)
                    addToHistogram(s.marginHistogram, s.marginOffset,
                                   p.direction[o] * (int64_t{exact} - p.neuronShift[o] - p.threshold[o]));
                if (!circuit)
                    continue;
                const int32_t approx = circuit_[at];
                s.valueChanged += approx != exact;
                addToHistogram(s.errorHistogram, s.errorOffset, int64_t{approx} - exact);
                if (thresholded)
                    s.flipped += (exact > p.gt[o]) != (approx > p.gt[o]);
            }
    if (circuit && errorBySum_)
        addErrorsBySum(p, s);
}

// A separate loop, so that statistics without it cost what they did.
void ForwardPass::addErrorsBySum(const LayerPlan& p, LayerStats& s) const
{
    if (s.errorBySum.empty())
        s.errorBySum.resize(static_cast<size_t>(p.fanIn) + 1);
    constexpr int kBins = LayerStats::kNeuronBins;
    if (s.errorByNeuron.empty())
        s.errorByNeuron.resize(static_cast<size_t>(p.outputs) * kBins);
    for (int img = 0; img < count_; ++img) {
        const size_t base = img * valueStride_;
        for (size_t at = base; at < base + static_cast<size_t>(p.positions) * p.outputs; ++at) {
            const int32_t exact = std::clamp(exact_[at], 0, p.fanIn);
            LayerStats::ErrorRow& row = s.errorBySum[static_cast<size_t>(exact)];
            const int e = circuit_[at] - exact_[at];
            const size_t neuron = (at - base) % static_cast<size_t>(p.outputs);
            LayerStats::NeuronBin& bin =
                s.errorByNeuron[neuron * kBins + static_cast<size_t>(int64_t{exact} * kBins / (p.fanIn + 1))];
            ++bin.count;
            bin.sumError += e;
            bin.sumSum += exact;
            addToGrowingHistogram(row.counts, row.offset, e);
        }
    }
}

void ForwardPass::recordTrace(const LayerPlan& p, LayerTrace& t) const
{
    if (p.kind != LayerKind::MaxPool) {
        const std::vector<int32_t>& values = p.usesCircuit() ? circuit_ : exact_;
        t.values.assign(values.begin(), values.begin() + static_cast<ptrdiff_t>(p.positions) * p.outputs);
    }
    if (p.kind == LayerKind::Scores)
        return;
    for (int pos = 0; pos < p.positions; ++pos)
        for (int c = 0; c < p.outputs; ++c) {
            const uint64_t w = out_[static_cast<size_t>(pos) * p.outWords + c / 64];
            t.activations.push_back((w >> (c % 64)) & 1 ? 1 : -1);
        }
}

void addZeroImageMaps(std::vector<LayerPlan>& plan)
{
    if (plan.empty())
        return;
    const std::vector<uint8_t> zero(static_cast<size_t>(plan.front().in.size()), 0);
    const uint8_t* images[1] = {zero.data()};
    std::vector<float> scores(static_cast<size_t>(plan.back().outputs));
    ForwardTrace t; // detail: every neuron computed, no map used
    ForwardPass(plan).run(images, 1, scores.data(), nullptr, &t);
    for (size_t i = 1; i < plan.size(); ++i)
        if (plan[i].kind == LayerKind::Conv) {
            plan[i].zeroIn = packSigns(t.layers[i - 1].activations, plan[i].in).words;
            plan[i].zeroOut = packSigns(t.layers[i].activations, plan[i].out).words;
        }
}

} // namespace axbnn
