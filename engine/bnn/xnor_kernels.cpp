// Fast XNOR-popcount kernels: one template body per primitive, instantiated
// for the portable build and inside target("avx2,popcnt") functions, and the
// one table lookup that picks them (xnorKernels).
#include "bnn/xnor_kernels.h"

#include "bnn/packed_bits.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#define AXBNN_X86 1
#include <immintrin.h>
#endif

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

struct SwarPop {
    [[gnu::always_inline]] static int count(uint64_t v) { return popcountSwar(v); }
};
struct BuiltinPop {
    [[gnu::always_inline]] static int count(uint64_t v) { return __builtin_popcountll(v); }
};

template <class Pop>
[[gnu::always_inline]] inline int mismatches(const uint64_t* x, const uint64_t* w, int words)
{
    int a0 = 0, a1 = 0, a2 = 0, a3 = 0, k = 0;
    for (; k + 4 <= words; k += 4) {
        a0 += Pop::count(x[k] ^ w[k]);
        a1 += Pop::count(x[k + 1] ^ w[k + 1]);
        a2 += Pop::count(x[k + 2] ^ w[k + 2]);
        a3 += Pop::count(x[k + 3] ^ w[k + 3]);
    }
    for (; k < words; ++k)
        a0 += Pop::count(x[k] ^ w[k]);
    return a0 + a1 + a2 + a3;
}

// Short rows (convolution patches) with the word count known at compile
// time: the input patch stays in registers while all rows pass over it.
template <class Pop, int Words>
[[gnu::always_inline]] inline void xnorGemmFixed(const uint64_t* x, size_t xStride, int count, const uint64_t* w,
                                                 int rows, int fanIn, int32_t* out, size_t outStride)
{
    for (int i = 0; i < count; ++i) {
        uint64_t xi[Words];
        for (int k = 0; k < Words; ++k)
            xi[k] = x[i * xStride + k];
        int32_t* oi = out + i * outStride;
        for (int r = 0; r < rows; ++r) {
            const uint64_t* wr = w + static_cast<size_t>(r) * Words;
            int n = 0;
            for (int k = 0; k < Words; ++k)
                n += Pop::count(xi[k] ^ wr[k]);
            oi[r] = fanIn - n;
        }
    }
}

template <class Pop, int... Ws>
[[gnu::always_inline]] inline bool xnorGemmSmall(std::integer_sequence<int, Ws...>, const uint64_t* x,
                                                 size_t xStride, int count, const uint64_t* w, int words, int rows,
                                                 int fanIn, int32_t* out, size_t outStride)
{
    return ((words == Ws + 1 ? (xnorGemmFixed<Pop, Ws + 1>(x, xStride, count, w, rows, fanIn, out, outStride), true)
                             : false)
            || ...);
}

// Rows in blocks of about 16 KiB so a block stays in L1 while every input
// passes over it (dense layers reuse each weight row for all images). With
// POPCNT, short rows use the fixed-width versions (the SWAR count needs the
// registers for itself).
template <class Pop, bool FixedWidths>
[[gnu::always_inline]] inline void xnorGemmBody(const uint64_t* x, size_t xStride, int count, const uint64_t* w,
                                                int words, int rows, int fanIn, int32_t* out, size_t outStride)
{
    if constexpr (FixedWidths)
        if (xnorGemmSmall<Pop>(std::make_integer_sequence<int, 12>(), x, xStride, count, w, words, rows, fanIn,
                               out, outStride))
            return;
    const int block = std::max(1, 2048 / std::max(1, words));
    for (int r0 = 0; r0 < rows; r0 += block) {
        const int r1 = std::min(rows, r0 + block);
        for (int i = 0; i < count; ++i) {
            const uint64_t* xi = x + i * xStride;
            int32_t* oi = out + i * outStride;
            for (int r = r0; r < r1; ++r)
                oi[r] = fanIn - mismatches<Pop>(xi, w + static_cast<size_t>(r) * words, words);
        }
    }
}

// Blocks of B outputs, accumulated in B / 8 vectors of 8 int32 (one ymm each
// with AVX2) that stay in registers.
typedef int32_t I8 __attribute__((vector_size(32)));

template <int B>
[[gnu::always_inline]] inline void intDotBlock(const int32_t* values, const int32_t* elems, int count,
                                               const int32_t* wT, int rowStride, int32_t* out)
{
    I8 acc[B / 8] = {};
    for (int i = 0; i < count; ++i) {
        const int32_t p = values[i];
        const int32_t* wr = wT + static_cast<size_t>(elems[i]) * rowStride;
        for (int j = 0; j < B / 8; ++j) {
            I8 w;
            std::memcpy(&w, wr + 8 * j, sizeof w);
            acc[j] += p * w;
        }
    }
    std::memcpy(out, acc, sizeof acc);
}

[[gnu::always_inline]] inline void intDotBody(const int32_t* values, const int32_t* elems, int count,
                                              const int32_t* wT, int rows, int rowStride, int32_t* out)
{
    int r0 = 0;
    for (; r0 + 64 <= rows; r0 += 64) {
        int32_t acc[64]; // local, so the compiler may keep it in registers
        intDotBlock<64>(values, elems, count, wT + r0, rowStride, acc);
        std::copy_n(acc, 64, out + r0);
    }
    for (; r0 < rows; r0 += 16) {
        int32_t acc[16];
        intDotBlock<16>(values, elems, count, wT + r0, rowStride, acc);
        const int n = std::min(16, rows - r0);
        for (int j = 0; j < n; ++j)
            out[r0 + j] = acc[j];
    }
}

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

void xnorGemmPortable(const uint64_t* x, size_t xStride, int count, const uint64_t* w, int words, int rows,
                      int fanIn, int32_t* out, size_t outStride)
{
    xnorGemmBody<SwarPop, false>(x, xStride, count, w, words, rows, fanIn, out, outStride);
}

void intDotPortable(const int32_t* values, const int32_t* elems, int count, const int32_t* wT, int rows,
                    int rowStride, int32_t* out)
{
    intDotBody(values, elems, count, wT, rows, rowStride, out);
}

#ifdef AXBNN_X86
__attribute__((target("avx2,popcnt"))) void xnorGemmAvx2(const uint64_t* x, size_t xStride, int count,
                                                         const uint64_t* w, int words, int rows, int fanIn,
                                                         int32_t* out, size_t outStride)
{
    xnorGemmBody<BuiltinPop, true>(x, xStride, count, w, words, rows, fanIn, out, outStride);
}

__attribute__((target("avx2"))) void intDotAvx2(const int32_t* values, const int32_t* elems, int count,
                                                const int32_t* wT, int rows, int rowStride, int32_t* out)
{
    intDotBody(values, elems, count, wT, rows, rowStride, out);
}

// Eight comparisons per instruction, their signs gathered by movemask.
__attribute__((target("avx2"))) void thresholdPackAvx2(const int32_t* values, const int32_t* gt,
                                                       const uint64_t* invert, int n, uint64_t* out)
{
    const int full = n / 64;
    for (int w = 0; w < full; ++w) {
        uint64_t bits = 0;
        for (int j = 0; j < 64; j += 8) {
            const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + w * 64 + j));
            const __m256i t = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(gt + w * 64 + j));
            const int m = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(v, t)));
            bits |= static_cast<uint64_t>(static_cast<unsigned>(m)) << j;
        }
        out[w] = bits ^ invert[w];
    }
    if (full * 64 < n)
        thresholdPackScalar(values + full * 64, gt + full * 64, invert + full, n - full * 64, out + full);
}
#endif

XnorKernels makeKernels(Isa isa)
{
    XnorKernels k;
    k.isa = isa;
    k.xnorGemm = xnorGemmPortable;
    k.intDot = intDotPortable;
    k.thresholdPack = thresholdPackScalar;
#ifdef AXBNN_X86
    if (isa == Isa::Avx2) {
        k.xnorGemm = xnorGemmAvx2;
        k.intDot = intDotAvx2;
        k.thresholdPack = thresholdPackAvx2;
    }
#endif
    return k;
}

} // namespace

const XnorKernels& xnorKernels(Isa isa)
{
    static const XnorKernels portable = makeKernels(Isa::Portable);
    static const XnorKernels avx2 = makeKernels(Isa::Avx2);
    if (!isaSupported(isa))
        throw std::invalid_argument("this CPU cannot run the " + isaName(isa) + " XNOR kernels");
    return isa == Isa::Avx2 ? avx2 : portable;
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
    k.xnorGemm(patches.data(), patchWords, o.height * o.width, weightRows, patchWords, g.outChannels, g.fanIn(),
               out, g.outChannels);
}

void binaryDense(const uint64_t* in, int words, int fanIn, const uint64_t* weightRows, int outputs, int32_t* out,
                 const XnorKernels& k)
{
    k.xnorGemm(in, words, 1, weightRows, words, outputs, fanIn, out, outputs);
}

int inputConvRowStride(int outputs)
{
    return (outputs + 15) / 16 * 16;
}

std::vector<int32_t> transposeInputWeights(std::span<const int8_t> weights, int outputs, int fanIn)
{
    if (weights.size() != static_cast<size_t>(outputs) * fanIn)
        throw std::invalid_argument("transposeInputWeights: weight count does not match the shape");
    const int stride = inputConvRowStride(outputs);
    std::vector<int32_t> t(static_cast<size_t>(fanIn) * stride, 0);
    for (int o = 0; o < outputs; ++o)
        for (int e = 0; e < fanIn; ++e)
            t[static_cast<size_t>(e) * stride + o] = weights[static_cast<size_t>(o) * fanIn + e];
    return t;
}

// The patch of each output position as its nonzero pixels only (value and
// fan-in index): dark backgrounds cost nothing, padding neither.
void inputConv(const ConvGeometry& g, const uint8_t* pixels, const int32_t* weightsT, int32_t* out,
               std::vector<int32_t>& patch, const XnorKernels& k)
{
    const Shape o = g.out();
    const int c = g.in.channels, rowElems = g.kernel * c;
    patch.resize(2 * static_cast<size_t>(g.fanIn()));
    int32_t* values = patch.data();
    int32_t* elems = values + g.fanIn();
    const int stride = inputConvRowStride(g.outChannels);
    for (int y = 0; y < o.height; ++y)
        for (int x = 0; x < o.width; ++x) {
            int n = 0;
            const int x0 = x * g.stride - g.padding;
            for (int ky = 0; ky < g.kernel; ++ky) {
                const int iy = y * g.stride + ky - g.padding;
                if (iy < 0 || iy >= g.in.height)
                    continue;
                // Columns x0 .. x0 + k - 1 clipped to the image: one contiguous run.
                const int kx0 = std::max(0, -x0), kx1 = std::min(g.kernel, g.in.width - x0);
                const uint8_t* src = pixels + (static_cast<size_t>(iy) * g.in.width + x0 + kx0) * c;
                for (int e = ky * rowElems + kx0 * c, end = ky * rowElems + kx1 * c; e < end; ++e, ++src) {
                    values[n] = *src;
                    elems[n] = e;
                    n += *src != 0;
                }
            }
            k.intDot(values, elems, n, weightsT, g.outChannels, stride,
                     out + (static_cast<size_t>(y) * o.width + x) * g.outChannels);
        }
}

} // namespace axbnn
