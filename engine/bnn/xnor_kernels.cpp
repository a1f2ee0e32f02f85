// The portable kernels, the weight layouts both kernel sets read, and the
// one table lookup that picks a set (xnorKernels); the AVX2 kernels are in
// xnor_kernels_avx2.cpp.
#include "bnn/xnor_kernels.h"

#include "bnn/packed_bits.h"
#include "bnn/xnor_kernels_impl.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace axbnn {

namespace {

// Population count without the POPCNT instruction (baseline x86-64 would
// otherwise call libgcc for every word).
[[gnu::always_inline]] inline int popcountSwar(uint64_t v)
{
    v = v - ((v >> 1) & 0x5555555555555555ull);
    v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
    v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return static_cast<int>((v * 0x0101010101010101ull) >> 56);
}

[[gnu::always_inline]] inline int mismatches(const uint64_t* x, const uint64_t* w, int words)
{
    int a0 = 0, a1 = 0, a2 = 0, a3 = 0, k = 0;
    for (; k + 4 <= words; k += 4) {
        a0 += popcountSwar(x[k] ^ w[k]);
        a1 += popcountSwar(x[k + 1] ^ w[k + 1]);
        a2 += popcountSwar(x[k + 2] ^ w[k + 2]);
        a3 += popcountSwar(x[k + 3] ^ w[k + 3]);
    }
    for (; k < words; ++k)
        a0 += popcountSwar(x[k] ^ w[k]);
    return a0 + a1 + a2 + a3;
}

// Rows in blocks of about 16 KiB so a block stays in L1 while every input
// passes over it (dense layers reuse each weight row for all images).
void xnorGemmPortable(const uint64_t* x, size_t xStride, int count, const uint64_t* w, int words, int rows, int fanIn,
                      int32_t* out, size_t outStride)
{
    const int block = std::max(1, 2048 / std::max(1, words));
    for (int r0 = 0; r0 < rows; r0 += block) {
        const int r1 = std::min(rows, r0 + block);
        for (int i = 0; i < count; ++i) {
            const uint64_t* xi = x + i * xStride;
            int32_t* oi = out + i * outStride;
            for (int r = r0; r < r1; ++r)
                oi[r] = fanIn - mismatches(xi, w + static_cast<size_t>(r) * words, words);
        }
    }
}

std::vector<uint64_t> layoutRowsPlain(const uint64_t* rows, int count, int words)
{
    return {rows, rows + static_cast<size_t>(count) * words};
}

void inputConvPortable(const InputConvWeights& w, const uint8_t* pixels, const int32_t* gt, const uint64_t* invert,
                       int32_t* values, uint64_t* packed, std::vector<int16_t>& scratch)
{
    const int16_t* img = detail::padImage(w, pixels, scratch);
    const Shape o = w.g.out();
    const int outputs = w.g.outChannels, stride = w.blocks * 8;
    std::vector<int32_t> acc(static_cast<size_t>(stride));
    for (int y = 0; y < o.height; ++y)
        for (int x = 0; x < o.width; ++x) {
            const int16_t* at = img + detail::positionBase(w, y, x);
            std::fill(acc.begin(), acc.end(), 0);
            for (int j = 0; j < w.pairs; ++j) {
                const int32_t a = at[w.offsets[2 * j]], b = at[w.offsets[2 * j + 1]];
                if ((a | b) == 0)
                    continue;
                const int16_t* wj = w.pairWeights.data() + static_cast<size_t>(j) * stride * 2;
                for (int r = 0; r < stride; ++r)
                    acc[r] += a * wj[2 * r] + b * wj[2 * r + 1];
            }
            const size_t pos = static_cast<size_t>(y) * o.width + x;
            if (values)
                std::copy_n(acc.begin(), outputs, values + pos * outputs);
            if (packed)
                detail::thresholdPackScalar(acc.data(), gt, invert, outputs, packed + pos * wordsFor(outputs));
        }
}

XnorKernels makeKernels(Isa isa)
{
    XnorKernels k;
    k.isa = isa;
    k.layoutRows = layoutRowsPlain;
    k.xnorGemm = xnorGemmPortable;
    k.inputConv = inputConvPortable;
    k.thresholdPack = detail::thresholdPackScalar;
#if defined(__x86_64__)
    if (isa == Isa::Avx2) {
        k.layoutRows = detail::layoutRowsBlocked;
        k.xnorGemm = detail::xnorGemmAvx2;
        k.inputConv = detail::inputConvAvx2;
        k.thresholdPack = detail::thresholdPackAvx2;
    }
#endif
    return k;
}

} // namespace

namespace detail {

void thresholdPackScalar(const int32_t* values, const int32_t* gt, const uint64_t* invert, int n, uint64_t* out)
{
    for (int w = 0; w * 64 < n; ++w) {
        const int m = std::min(64, n - w * 64);
        uint64_t bits = 0;
        for (int j = 0; j < m; ++j)
            bits |= uint64_t{values[w * 64 + j] > gt[w * 64 + j]} << j;
        const uint64_t valid = m == 64 ? ~0ull : (uint64_t{1} << m) - 1;
        out[w] = (bits ^ invert[w]) & valid;
    }
}

std::vector<uint64_t> layoutRowsBlocked(const uint64_t* rows, int count, int words)
{
    const int blocks = (count + kRowBlock - 1) / kRowBlock;
    std::vector<uint64_t> out(static_cast<size_t>(blocks) * words * kRowBlock, 0);
    for (int r = 0; r < count; ++r)
        for (int k = 0; k < words; ++k)
            out[(static_cast<size_t>(r / kRowBlock) * words + k) * kRowBlock + r % kRowBlock] =
                rows[static_cast<size_t>(r) * words + k];
    return out;
}

const int16_t* padImage(const InputConvWeights& w, const uint8_t* pixels, std::vector<int16_t>& scratch, size_t extra)
{
    const ConvGeometry& g = w.g;
    const int c = g.in.channels, p = g.padding;
    scratch.assign(static_cast<size_t>(w.paddedSize) + extra, 0);
    for (int y = 0; y < g.in.height; ++y) {
        const uint8_t* src = pixels + static_cast<size_t>(y) * g.in.width * c;
        int16_t* dst = scratch.data() + (static_cast<size_t>(y + p) * w.paddedWidth + p) * c;
        for (int i = 0; i < g.in.width * c; ++i)
            dst[i] = src[i];
    }
    return scratch.data();
}

} // namespace detail

const XnorKernels& xnorKernels(Isa isa)
{
    static const XnorKernels portable = makeKernels(Isa::Portable);
    static const XnorKernels avx2 = makeKernels(Isa::Avx2);
    if (!isaSupported(isa))
        throw std::invalid_argument("this CPU cannot run the " + isaName(isa) + " XNOR kernels");
    return isa == Isa::Avx2 ? avx2 : portable;
}

InputConvWeights prepareInputConv(const ConvGeometry& g, std::span<const int8_t> weights)
{
    const int fanIn = g.fanIn(), outputs = g.outChannels;
    if (weights.size() != static_cast<size_t>(outputs) * fanIn)
        throw std::invalid_argument("prepareInputConv: weight count does not match the shape");
    InputConvWeights w;
    w.g = g;
    w.pairs = (fanIn + 1) / 2;
    w.blocks = (outputs + 7) / 8;
    w.paddedHeight = g.in.height + 2 * g.padding;
    w.paddedWidth = g.in.width + 2 * g.padding;
    w.paddedSize = w.paddedHeight * w.paddedWidth * g.in.channels;
    const int stride = w.blocks * 8;
    w.pairWeights.assign(static_cast<size_t>(w.pairs) * stride * 2, 0);
    w.offsets.assign(static_cast<size_t>(2 * w.pairs), 0); // an odd fan-in's partner reads any pixel, weight 0
    for (int e = 0; e < fanIn; ++e) {
        const int c = e % g.in.channels, tap = e / g.in.channels;
        w.offsets[e] = ((tap / g.kernel) * w.paddedWidth + tap % g.kernel) * g.in.channels + c;
        for (int o = 0; o < outputs; ++o)
            w.pairWeights[(static_cast<size_t>(e / 2) * stride + o) * 2 + e % 2] =
                weights[static_cast<size_t>(o) * fanIn + e];
    }
    if (255 * fanIn <= 32767) {
        const size_t stride32 = static_cast<size_t>(outputs + 31) / 32 * 32;
        w.pairTaps8.assign(static_cast<size_t>(w.pairs) * stride32 * 2, 0);
        for (int e = 0; e < fanIn; ++e)
            for (int o = 0; o < outputs; ++o)
                w.pairTaps8[(static_cast<size_t>(e / 2) * stride32 + kernelLaneOfOutput(o)) * 2 + e % 2] =
                    weights[static_cast<size_t>(o) * fanIn + e];
    }
    return w;
}

void binaryConv(const ConvGeometry& g, const uint64_t* in, const uint64_t* weightRows, int32_t* out,
                std::vector<uint64_t>& patches, const XnorKernels& k)
{
    const Shape o = g.out();
    const int patchWords = g.taps() * wordsFor(g.in.channels);
    patches.resize(static_cast<size_t>(o.height) * o.width * patchWords);
    uint64_t* p = patches.data();
    for (int y = 0; y < o.height; ++y)
        for (int x = 0; x < o.width; ++x, p += patchWords)
            gatherPatch(in, g.in, g.kernel, g.stride, g.padding, y, x, p);
    const auto rows = k.layoutRows(weightRows, g.outChannels, patchWords);
    k.xnorGemm(patches.data(), patchWords, o.height * o.width, rows.data(), patchWords, g.outChannels, g.fanIn(), out,
               g.outChannels);
}

void binaryDense(const uint64_t* in, int words, int fanIn, const uint64_t* weightRows, int outputs, int32_t* out,
                 const XnorKernels& k)
{
    const auto rows = k.layoutRows(weightRows, outputs, words);
    k.xnorGemm(in, words, 1, rows.data(), words, outputs, fanIn, out, outputs);
}

void inputConv(const InputConvWeights& w, const uint8_t* pixels, int32_t* out, std::vector<int16_t>& scratch,
               const XnorKernels& k)
{
    k.inputConv(w, pixels, nullptr, nullptr, out, nullptr, scratch);
}

} // namespace axbnn
