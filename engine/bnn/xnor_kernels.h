// XNOR-popcount kernels (docs/domain.md section 1): popcount(XNOR(x, w)) over a
// fan-in of N bits = N - popcount(x XOR w), padding bits being 0 in both.
// Each fast kernel has a plain reference twin over +1/-1 int8 values
// (xnor_kernels_reference.cpp); tests/engine/bnn/test_xnor_kernels.cpp pits
// them against each other. The instruction set follows detectedIsa().
#pragma once

#include "bnn/model.h"
#include "util/cpu_dispatch.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace axbnn {

// A convolution's shapes (Conv or InputConv; model.h semantics).
struct ConvGeometry {
    Shape in;
    int outChannels = 1, kernel = 3, stride = 1, padding = 0;

    Shape out() const
    {
        return {(in.height + 2 * padding - kernel) / stride + 1, (in.width + 2 * padding - kernel) / stride + 1,
                outChannels};
    }
    int taps() const { return kernel * kernel; }
    int fanIn() const { return taps() * in.channels; }
    static ConvGeometry of(const Layer& l) { return {l.in, l.out.channels, l.kernel, l.stride, l.padding}; }
};

// InputConv weights in the form the kernels use: fan-in elements in pairs
// (int16 weight pairs, eight outputs per 16 lanes, so one multiply-add step
// covers two taps of eight outputs) and, per element, its offset in the
// zero-padded image. Built by prepareInputConv.
struct InputConvWeights {
    ConvGeometry g;
    int pairs = 0; // ceil(fanIn / 2)
    int blocks = 0; // ceil(outputs / 8)
    int paddedWidth = 0, paddedHeight = 0;
    int paddedSize = 0; // values of the padded image
    std::vector<int16_t> pairWeights; // [pairs][blocks * 8][2]: weights of elements 2j, 2j + 1
    // [2 * pairs]: element -> offset from the position's base (an odd
    // fan-in's last partner reads offset 0 with weight 0)
    std::vector<int32_t> offsets;
    // Fan-ins up to 128 (255 * fanIn fits int16), for 16-bit accumulation:
    // the same weights as bytes, [pairs][roundUp(outputs, 32)][2], output o
    // at lane kernelLaneOfOutput(o) (empty otherwise).
    std::vector<int8_t> pairTaps8;
};
InputConvWeights prepareInputConv(const ConvGeometry& g, std::span<const int8_t> weights);
// pairTaps8 keeps each 32 outputs in the order 0-7, 16-23, 8-15, 24-31 (its
// own inverse): the AVX2 kernel packs the comparisons of two accumulators,
// which interleaves their 128-bit halves, and this order undoes that.
constexpr int kernelLaneOfOutput(int o)
{
    const int block = o & 24;
    return (o & ~24) | (block == 8 ? 16 : block == 16 ? 8 : block);
}

// The primitives, one table per instruction set.
struct XnorKernels {
    Isa isa = Isa::Portable;
    // Weight rows (packWeightRows layout, `rows` x `words`) rearranged into
    // the layout this table's xnorGemm reads.
    std::vector<uint64_t> (*layoutRows)(const uint64_t* rows, int count, int words) = nullptr;
    // out[i * outStride + r] = fanIn - sum_k popcount(x_i[k] ^ w_r[k]) for
    // i < count, r < rows, where x_i = x + i * xStride and w_r is row r of
    // `w`, given in layoutRows form.
    void (*xnorGemm)(const uint64_t* x, size_t xStride, int count, const uint64_t* w, int words, int rows, int fanIn,
                     int32_t* out, size_t outStride) = nullptr;
    // Integer convolution of 8-bit pixels with +1/-1 weights (padding 0),
    // thresholded like thresholdPack per output position: values[pos *
    // outputs + o] (skipped when null) and packed[pos * wordsFor(outputs) +
    // o / 64] (skipped when null). `scratch` holds the padded image.
    void (*inputConv)(const InputConvWeights& w, const uint8_t* pixels, const int32_t* gt, const uint64_t* invert,
                      int32_t* values, uint64_t* packed, std::vector<int16_t>& scratch) = nullptr;
    // Bit r of out[r / 64] = (values[r] > gt[r]) XOR bit r of invert, r < n;
    // bits >= n of the last word are 0.
    void (*thresholdPack)(const int32_t* values, const int32_t* gt, const uint64_t* invert, int n,
                          uint64_t* out) = nullptr;
};

// Kernels for `isa`; throws std::invalid_argument if this CPU lacks it.
const XnorKernels& xnorKernels(Isa isa = detectedIsa());

// --- Layer-level fast paths -------------------------------------------------

// Binary convolution on a packed H x W x C tensor (PackedTensor layout) with
// weight rows from packWeightRows(weights, C_out, k*k, C_in): out[pos * C_out
// + o] = popcount of the XNOR outputs. `patches` is scratch (im2col buffer).
void binaryConv(const ConvGeometry& g, const uint64_t* in, const uint64_t* weightRows, int32_t* out,
                std::vector<uint64_t>& patches, const XnorKernels& k = xnorKernels());

// Binary dense layer on a packed input of `words` words (any H x W x C
// tensor, rows from packWeightRows(weights, outputs, H*W, C)).
void binaryDense(const uint64_t* in, int words, int fanIn, const uint64_t* weightRows, int outputs, int32_t* out,
                 const XnorKernels& k = xnorKernels());

// Integer convolution of 8-bit pixels (H x W x C) with +1/-1 weights;
// padded pixels are 0. out[pos * C_out + o]. `scratch` is scratch.
void inputConv(const InputConvWeights& w, const uint8_t* pixels, int32_t* out, std::vector<int16_t>& scratch,
               const XnorKernels& k = xnorKernels());

// --- Reference twins: +1/-1 values, nested loops, no packing ----------------

// in: H x W x C_in +1/-1; weights [C_out][ky][kx][C_in]; out [pos][C_out]
// popcounts of XNOR, padded taps reading -1.
void referenceBinaryConv(const ConvGeometry& g, std::span<const int8_t> in, std::span<const int8_t> weights,
                         std::span<int32_t> out);
// weights [outputs][inputs]; out[o] = number of i with in[i] == weight.
void referenceBinaryDense(std::span<const int8_t> in, std::span<const int8_t> weights, int outputs,
                          std::span<int32_t> out);
// pixels H x W x C; out [pos][C_out] = sum of pixel * weight, padding 0.
void referenceInputConv(const ConvGeometry& g, std::span<const uint8_t> pixels, std::span<const int8_t> weights,
                        std::span<int32_t> out);
// The thresholdPack contract, one bit at a time.
void referenceThresholdPack(std::span<const int32_t> values, std::span<const int32_t> gt,
                            std::span<const uint64_t> invert, std::span<uint64_t> out);

} // namespace axbnn
