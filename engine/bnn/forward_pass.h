// One thread's forward pass over a small batch of images, layer by layer on
// bit-packed activations (docs/inference.md). Owns all scratch; no allocation
// once the first batch has sized the buffers.
#pragma once

#include "bnn/circuit_pass.h"
#include "bnn/layer_plan.h"

#include <cstdint>
#include <vector>

namespace axbnn {

class ForwardPass {
public:
    static constexpr int kBatch = 8; // images per pass: weight rows are reused across them

    explicit ForwardPass(const std::vector<LayerPlan>& plan);

    // Runs count <= kBatch images (images[i]: H*W*C pixels). scores receives
    // count x classes floats. With `stats`, per-layer statistics are added
    // (and circuit layers skip nothing); with `trace` (count must be 1) each
    // layer's values and activations are recorded.
    void run(const uint8_t* const* images, int count, float* scores, InferenceStats* stats = nullptr,
             ForwardTrace* trace = nullptr);

    // With statistics: also fill LayerStats::errorBySum of circuit layers.
    void countErrorsBySum(bool on) { errorBySum_ = on; }

    uint64_t circuitGroups() const { return circuitGroups_; }
    uint64_t skippedGroups() const { return skippedGroups_; }
    uint64_t zeroImagePatches() const { return zeroImagePatches_; }

private:
    void inputConvLayer(const LayerPlan& p, const uint8_t* const* images);
    void binaryLayer(const LayerPlan& p, float* scores);
    // An exact convolution without detail: only the positions whose patch
    // differs from the zero image's are counted; the others copy its output.
    void exactConvBesideZeroImage(const LayerPlan& p);
    // Marks the positions of image img whose patch is the zero image's
    // (same_, p.positions flags); returns how many.
    int markZeroImagePatches(const LayerPlan& p, int img);
    void maxPoolLayer(const LayerPlan& p);
    // repeat_[f] for every (image, position) f = image * positions + position
    // of a convolution: the first f with the same patch (f itself if none),
    // or kZeroImage where the patch is the zero image's. Returns how many
    // patches are distinct, those not counted.
    static constexpr int kZeroImage = -1;
    int findRepeats(const LayerPlan& p);
    uint64_t* activationsAt(const LayerPlan& p, int f)
    {
        return out_.data() + (f / p.positions) * actStride_ + static_cast<size_t>(f % p.positions) * p.outWords;
    }
    void copyRepeats(const LayerPlan& p);
    void collectStats(const LayerPlan& p, LayerStats& s) const;
    void addErrorsBySum(const LayerPlan& p, LayerStats& s) const;
    void recordTrace(const LayerPlan& p, LayerTrace& t) const;

    const std::vector<LayerPlan>& plan_;
    const XnorKernels& kernels_;
    CircuitRunner circuits_;
    int count_ = 0;
    bool detail_ = false; // stats or trace: circuit values of every neuron wanted
    bool errorBySum_ = false;
    size_t actStride_ = 0, valueStride_ = 0, patchStride_ = 0;
    std::vector<uint64_t> in_, out_; // activations, image i at i * actStride_
    std::vector<int32_t> exact_, circuit_; // per-neuron values, image i at i * valueStride_
    std::vector<uint64_t> patches_; // im2col of a Conv layer, image i at i * patchStride_
    std::vector<int16_t> pixelPatch_;
    std::vector<int> repeat_, slotOfHash_; // findRepeats: representatives and its hash table
    std::vector<uint8_t> same_; // markZeroImagePatches
    std::vector<int> kept_; // exactConvBesideZeroImage: the positions counted
    std::vector<uint64_t> sameRows_; // markSamePatches scratch
    std::vector<CircuitTask> tasks_;
    uint64_t circuitGroups_ = 0, skippedGroups_ = 0, zeroImagePatches_ = 0;
    std::vector<char> skipOff_; // per layer: Auto skipping found not to pay in this pass
};

// Fills zeroIn and zeroOut of every Conv layer of a plan by running the
// all-zero image through it.
void addZeroImageMaps(std::vector<LayerPlan>& plan);

} // namespace axbnn
