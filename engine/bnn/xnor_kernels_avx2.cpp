// The AVX2 kernels. XNOR-popcount: weight rows in blocks of 16 (four rows
// per vector, one 64-bit word each), counted with the nibble-table
// (pshufb) popcount into byte counters, summed per row with psadbw; every
// input is XORed against 16 rows at once. InputConv: fan-ins up to 128 (the
// sums fit int16) two taps of sixteen outputs per byte multiply-add
// (pmaddubsw); larger fan-ins two taps of eight outputs per multiply-add
// (pmaddwd); thresholds compared in registers.
#include "bnn/xnor_kernels_impl.h"

#include "bnn/packed_bits.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace axbnn::detail {

namespace {

[[gnu::always_inline, gnu::target("avx2")]] inline __m256i popcountBytes(__m256i v, __m256i table, __m256i low)
{
    const __m256i lo = _mm256_and_si256(v, low);
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
    return _mm256_add_epi8(_mm256_shuffle_epi8(table, lo), _mm256_shuffle_epi8(table, hi));
}

} // namespace

__attribute__((target("avx2"))) void xnorGemmAvx2(const uint64_t* x, size_t xStride, int count, const uint64_t* w,
                                                  int words, int rows, int fanIn, int32_t* out, size_t outStride)
{
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2,
                                           2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f);
    const __m256i zero = _mm256_setzero_si256();
    constexpr int kSpan = 31; // words per byte counter before it could pass 255
    for (int r0 = 0; r0 < rows; r0 += kRowBlock) {
        const uint64_t* block = w + static_cast<size_t>(r0) * words;
        const int n = std::min(kRowBlock, rows - r0);
        for (int i = 0; i < count; ++i) {
            const uint64_t* xi = x + i * xStride;
            __m256i t0 = zero, t1 = zero, t2 = zero, t3 = zero;
            for (int k0 = 0; k0 < words; k0 += kSpan) {
                const int k1 = std::min(words, k0 + kSpan);
                __m256i c0 = zero, c1 = zero, c2 = zero, c3 = zero;
                for (int k = k0; k < k1; ++k) {
                    const __m256i xv = _mm256_set1_epi64x(static_cast<long long>(xi[k]));
                    const __m256i* wk = reinterpret_cast<const __m256i*>(block + static_cast<size_t>(k) * kRowBlock);
                    c0 = _mm256_add_epi8(c0, popcountBytes(_mm256_xor_si256(xv, _mm256_loadu_si256(wk)), table, low));
                    c1 = _mm256_add_epi8(c1,
                                         popcountBytes(_mm256_xor_si256(xv, _mm256_loadu_si256(wk + 1)), table, low));
                    c2 = _mm256_add_epi8(c2,
                                         popcountBytes(_mm256_xor_si256(xv, _mm256_loadu_si256(wk + 2)), table, low));
                    c3 = _mm256_add_epi8(c3,
                                         popcountBytes(_mm256_xor_si256(xv, _mm256_loadu_si256(wk + 3)), table, low));
                }
                t0 = _mm256_add_epi64(t0, _mm256_sad_epu8(c0, zero));
                t1 = _mm256_add_epi64(t1, _mm256_sad_epu8(c1, zero));
                t2 = _mm256_add_epi64(t2, _mm256_sad_epu8(c2, zero));
                t3 = _mm256_add_epi64(t3, _mm256_sad_epu8(c3, zero));
            }
            // Counts fit in 32 bits: keep the low half of each 64-bit lane.
            const __m256i pick = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
            const __m256i lo01 = _mm256_permutevar8x32_epi32(_mm256_or_si256(t0, _mm256_slli_epi64(t1, 32)), pick);
            const __m256i lo23 = _mm256_permutevar8x32_epi32(_mm256_or_si256(t2, _mm256_slli_epi64(t3, 32)), pick);
            const __m256i f = _mm256_set1_epi32(fanIn);
            const __m256i a = _mm256_sub_epi32(f, lo01), b = _mm256_sub_epi32(f, lo23);
            int32_t* oi = out + i * outStride + r0;
            if (n == kRowBlock) {
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(oi), a);
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(oi + 8), b);
            } else {
                alignas(32) int32_t tmp[kRowBlock];
                _mm256_store_si256(reinterpret_cast<__m256i*>(tmp), a);
                _mm256_store_si256(reinterpret_cast<__m256i*>(tmp + 8), b);
                std::copy_n(tmp, n, oi);
            }
        }
    }
}

namespace {

// Outputs 64c .. 64c + n - 1 (eight vectors of eight; Full: n = 64, so the
// compiler keeps all eight accumulators in registers) at every position.
template <bool Full>
[[gnu::always_inline, gnu::target("avx2")]] inline void inputConvChunk(const InputConvWeights& w, const int16_t* img,
                                                                       int c, int n, const int32_t* gt,
                                                                       const uint64_t* invert, int32_t* values,
                                                                       uint64_t* packed)
{
    const ConvGeometry& g = w.g;
    const Shape o = g.out();
    const int outputs = g.outChannels, outWords = wordsFor(outputs);
    const int vecs = Full ? 8 : (n + 7) / 8;
    {
        alignas(32) int32_t limit[64];
        for (int j = 0; j < 64; ++j)
            limit[j] = j < n && gt ? gt[64 * c + j] : INT_MAX; // never exceeded: bits beyond n stay 0
        __m256i thr[8];
        for (int b = 0; b < 8; ++b)
            thr[b] = _mm256_load_si256(reinterpret_cast<const __m256i*>(limit + 8 * b));
        const int16_t* wc = w.pairWeights.data() + static_cast<size_t>(8 * c) * 16;
        const size_t pairStride = static_cast<size_t>(w.blocks) * 16;
        for (int y = 0; y < o.height; ++y)
            for (int x = 0; x < o.width; ++x) {
                const int16_t* at = img + positionBase(w, y, x);
                __m256i acc[8];
                for (int b = 0; b < 8; ++b)
                    acc[b] = _mm256_setzero_si256();
                for (int j = 0; j < w.pairs; ++j) {
                    const uint32_t pair = static_cast<uint16_t>(at[w.offsets[2 * j]])
                        | static_cast<uint32_t>(at[w.offsets[2 * j + 1]]) << 16;
                    if (pair == 0) // dark background: most pairs of a Fashion-MNIST image
                        continue;
                    const __m256i pv = _mm256_set1_epi32(static_cast<int>(pair));
                    const __m256i* wj = reinterpret_cast<const __m256i*>(wc + j * pairStride);
                    for (int b = 0; b < vecs; ++b)
                        acc[b] = _mm256_add_epi32(acc[b], _mm256_madd_epi16(pv, _mm256_loadu_si256(wj + b)));
                }
                const size_t pos = static_cast<size_t>(y) * o.width + x;
                if (values) {
                    alignas(32) int32_t tmp[64];
                    for (int b = 0; b < vecs; ++b)
                        _mm256_store_si256(reinterpret_cast<__m256i*>(tmp + 8 * b), acc[b]);
                    std::memcpy(values + pos * outputs + 64 * c, tmp, sizeof(int32_t) * n);
                }
                if (packed) {
                    uint64_t bits = 0;
                    for (int b = 0; b < vecs; ++b) {
                        const __m256i gtv = _mm256_cmpgt_epi32(acc[b], thr[b]);
                        bits |=
                            static_cast<uint64_t>(static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(gtv))))
                            << (8 * b);
                    }
                    const uint64_t valid = n == 64 ? ~0ull : (uint64_t{1} << n) - 1;
                    packed[pos * outWords + c] = (bits ^ invert[c]) & valid;
                }
            }
    }
}

// The same for fan-ins up to 128 (sums fit int16): two taps of sixteen
// outputs per multiply-add, pixels as unsigned bytes times weights as signed
// bytes (pmaddubsw; |sum of a pair| <= 510, no saturation), four
// accumulators for 64 outputs. Per output row, each pair's two pixels are
// first joined for every position (vectorised where positions are adjacent
// in the padded image); positions whose pixels are all 0 (background) store
// the bits of a zero sum. Outputs sit in the accumulators in the order
// pairTaps8 gives them (kernelLaneOfOutput), so the packs of the comparisons
// come out in output order.
template <bool Full>
[[gnu::always_inline, gnu::target("avx2")]] inline void inputConvChunkPairs(const InputConvWeights& w,
                                                                            const int16_t* img, int c, int n,
                                                                            const int32_t* gt, const uint64_t* invert,
                                                                            int32_t* values, uint64_t* packed,
                                                                            uint16_t* rowPairs)
{
    const ConvGeometry& g = w.g;
    const Shape o = g.out();
    const int outputs = g.outChannels, outWords = wordsFor(outputs);
    const size_t stride32 = static_cast<size_t>(outputs + 31) / 32 * 32;
    const int vecs = Full ? 4 : (n + 31) / 32 * 2;
    alignas(32) int16_t limit[64];
    for (int j = 0; j < 64; ++j) { // value > gt exactly as in int32, since |value| <= 32767
        const int out = kernelLaneOfOutput(j);
        limit[j] = out < n && gt ? static_cast<int16_t>(std::clamp<int32_t>(gt[64 * c + out], -32768, 32767)) : 32767;
    }
    __m256i thr[4], acc[4];
    for (int b = 0; b < 4; ++b)
        thr[b] = _mm256_load_si256(reinterpret_cast<const __m256i*>(limit + 16 * b));
    const int8_t* wp = w.pairTaps8.data() + 64 * c * 2;
    const int pairs = w.pairs;
    const uint64_t valid = n == 64 ? ~0ull : (uint64_t{1} << n) - 1;
    uint64_t zeroBits = 0; // a zero sum against the thresholds
    for (int j = 0; j < n && gt; ++j)
        zeroBits |= uint64_t{0 > gt[64 * c + j]} << j;
    zeroBits = (zeroBits ^ (invert ? invert[c] : 0)) & valid;
    const int step = g.stride * g.in.channels; // between adjacent positions of a row
    const int rowStride = o.width + 16; // pairs of one row, vector stores may run 15 past
    uint16_t* any = rowPairs + static_cast<size_t>(pairs) * rowStride;
    for (int y = 0; y < o.height; ++y) {
        const int16_t* row = img + positionBase(w, y, 0);
        for (int j = 0; j < pairs; ++j) {
            const int16_t* a = row + w.offsets[2 * j];
            const int16_t* b = row + w.offsets[2 * j + 1];
            uint16_t* dst = rowPairs + static_cast<size_t>(j) * rowStride;
            if (step == 1) {
                for (int x = 0; x < o.width; x += 16) {
                    const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + x));
                    const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + x));
                    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + x),
                                        _mm256_or_si256(lo, _mm256_slli_epi16(hi, 8)));
                }
            } else {
                for (int x = 0; x < o.width; ++x)
                    dst[x] = static_cast<uint16_t>(a[x * step] | b[x * step] << 8);
            }
        }
        for (int x = 0; x < o.width; x += 16) {
            __m256i v = _mm256_setzero_si256();
            for (int j = 0; j < pairs; ++j)
                v = _mm256_or_si256(v,
                                    _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rowPairs + j * rowStride + x)));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(any + x), v);
        }
        for (int x = 0; x < o.width; ++x) {
            const size_t pos = static_cast<size_t>(y) * o.width + x;
            if (!any[x] && !values) {
                if (packed)
                    packed[pos * outWords + c] = zeroBits;
                continue;
            }
            for (int b = 0; b < 4; ++b)
                acc[b] = _mm256_setzero_si256();
            for (int j = 0; any[x] && j < pairs; ++j) {
                const __m256i pv = _mm256_set1_epi16(static_cast<int16_t>(rowPairs[j * rowStride + x]));
                const __m256i* wj = reinterpret_cast<const __m256i*>(wp + static_cast<size_t>(j) * stride32 * 2);
                for (int b = 0; b < vecs; ++b)
                    acc[b] = _mm256_add_epi16(acc[b], _mm256_maddubs_epi16(pv, _mm256_loadu_si256(wj + b)));
            }
            if (values) {
                alignas(32) int16_t tmp[64];
                for (int b = 0; b < vecs; ++b)
                    _mm256_store_si256(reinterpret_cast<__m256i*>(tmp + 16 * b), acc[b]);
                for (int j = 0; j < n; ++j)
                    values[pos * outputs + 64 * c + j] = tmp[kernelLaneOfOutput(j)];
            }
            if (packed) {
                // packs interleaves the 128-bit halves of its operands; the
                // lane order undoes that.
                const __m256i lo =
                    _mm256_packs_epi16(_mm256_cmpgt_epi16(acc[0], thr[0]), _mm256_cmpgt_epi16(acc[1], thr[1]));
                const __m256i hi =
                    _mm256_packs_epi16(_mm256_cmpgt_epi16(acc[2], thr[2]), _mm256_cmpgt_epi16(acc[3], thr[3]));
                const uint64_t bits = static_cast<uint32_t>(_mm256_movemask_epi8(lo))
                    | static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(hi))) << 32;
                packed[pos * outWords + c] = (bits ^ invert[c]) & valid;
            }
        }
    }
}

} // namespace

__attribute__((target("avx2"))) void inputConvAvx2(const InputConvWeights& w, const uint8_t* pixels, const int32_t* gt,
                                                   const uint64_t* invert, int32_t* values, uint64_t* packed,
                                                   std::vector<int16_t>& scratch)
{
    // After the image: 32 zeros for the row vectors' overreach, then the
    // joined pairs of one row and their OR.
    const size_t rowPairs = static_cast<size_t>(w.pairs + 1) * (w.g.out().width + 16);
    const int16_t* img = padImage(w, pixels, scratch, 32 + rowPairs);
    uint16_t* pairs = reinterpret_cast<uint16_t*>(scratch.data() + w.paddedSize + 32);
    const int outputs = w.g.outChannels;
    for (int c = 0; c * 64 < outputs; ++c) {
        const int n = std::min(64, outputs - 64 * c);
        if (!w.pairTaps8.empty() && n == 64)
            inputConvChunkPairs<true>(w, img, c, n, gt, invert, values, packed, pairs);
        else if (!w.pairTaps8.empty())
            inputConvChunkPairs<false>(w, img, c, n, gt, invert, values, packed, pairs);
        else if (n == 64)
            inputConvChunk<true>(w, img, c, n, gt, invert, values, packed);
        else
            inputConvChunk<false>(w, img, c, n, gt, invert, values, packed);
    }
}

// Eight comparisons per instruction, their signs gathered by movemask.
__attribute__((target("avx2"))) void thresholdPackAvx2(const int32_t* values, const int32_t* gt, const uint64_t* invert,
                                                       int n, uint64_t* out)
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

} // namespace axbnn::detail

#endif
