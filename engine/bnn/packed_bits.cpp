// Packing +1/-1 values into words and the weight layouts built at load time.
#include "bnn/packed_bits.h"

#include <algorithm>
#include <stdexcept>

namespace axbnn {

PackedTensor packSigns(std::span<const int8_t> values, Shape shape)
{
    if (values.size() != static_cast<size_t>(shape.size()))
        throw std::invalid_argument("packSigns: value count does not match the shape");
    PackedTensor t(shape);
    const int c = shape.channels;
    for (int pos = 0; pos < shape.height * shape.width; ++pos)
        for (int ch = 0; ch < c; ++ch)
            if (values[static_cast<size_t>(pos) * c + ch] > 0)
                t.words[static_cast<size_t>(pos) * t.wordsPerPosition + ch / 64] |= uint64_t{1} << (ch % 64);
    return t;
}

std::vector<int8_t> unpackSigns(const PackedTensor& t)
{
    const int c = t.shape.channels;
    std::vector<int8_t> values(static_cast<size_t>(t.shape.size()));
    for (int pos = 0; pos < t.shape.height * t.shape.width; ++pos)
        for (int ch = 0; ch < c; ++ch) {
            const uint64_t w = t.words[static_cast<size_t>(pos) * t.wordsPerPosition + ch / 64];
            values[static_cast<size_t>(pos) * c + ch] = (w >> (ch % 64)) & 1 ? 1 : -1;
        }
    return values;
}

std::vector<uint64_t> packWeightRows(std::span<const int8_t> weights, int outputs, int taps, int channels)
{
    const size_t fanIn = static_cast<size_t>(taps) * channels;
    if (weights.size() != fanIn * outputs)
        throw std::invalid_argument("packWeightRows: weight count does not match the shape");
    const int tapWords = wordsFor(channels);
    const size_t rowWords = static_cast<size_t>(taps) * tapWords;
    std::vector<uint64_t> rows(rowWords * outputs, 0);
    for (int o = 0; o < outputs; ++o)
        for (int t = 0; t < taps; ++t)
            for (int c = 0; c < channels; ++c)
                if (weights[o * fanIn + static_cast<size_t>(t) * channels + c] > 0)
                    rows[o * rowWords + static_cast<size_t>(t) * tapWords + c / 64] |= uint64_t{1} << (c % 64);
    return rows;
}

std::vector<uint64_t> transposeWeightBits(std::span<const int8_t> weights, int outputs, int fanIn)
{
    if (weights.size() != static_cast<size_t>(fanIn) * outputs)
        throw std::invalid_argument("transposeWeightBits: weight count does not match the shape");
    const int groups = wordsFor(outputs);
    std::vector<uint64_t> t(static_cast<size_t>(fanIn) * groups, 0);
    for (int o = 0; o < outputs; ++o)
        for (int i = 0; i < fanIn; ++i)
            if (weights[static_cast<size_t>(o) * fanIn + i] > 0)
                t[static_cast<size_t>(i) * groups + o / 64] |= uint64_t{1} << (o % 64);
    return t;
}

void gatherPatch(const uint64_t* in, Shape inShape, int kernel, int stride, int padding, int oy, int ox,
                 uint64_t* patch)
{
    // Plain loops: the runs are a few words long, too short for memcpy calls.
    const int words = wordsFor(inShape.channels);
    const int x0 = ox * stride - padding;
    const bool rowInside = x0 >= 0 && x0 + kernel <= inShape.width;
    for (int ky = 0; ky < kernel; ++ky) {
        const int y = oy * stride + ky - padding;
        if (y >= 0 && y < inShape.height && rowInside) { // k taps are contiguous in the input
            const uint64_t* src = in + (static_cast<size_t>(y) * inShape.width + x0) * words;
            for (int i = 0; i < kernel * words; ++i)
                patch[i] = src[i];
            patch += kernel * words;
            continue;
        }
        for (int kx = 0; kx < kernel; ++kx, patch += words) {
            const int x = x0 + kx;
            const bool inside = y >= 0 && y < inShape.height && x >= 0 && x < inShape.width;
            const uint64_t* src = in + (static_cast<size_t>(inside ? y : 0) * inShape.width + (inside ? x : 0)) * words;
            for (int i = 0; i < words; ++i)
                patch[i] = inside ? src[i] : 0;
        }
    }
}

namespace {

// Rows of a window that lies inside the image: `kernel` runs of N words.
template <int N>
void copyRows(const uint64_t* src, size_t rowWords, int kernel, uint64_t* patch)
{
    for (int ky = 0; ky < kernel; ++ky, src += rowWords, patch += N)
        for (int i = 0; i < N; ++i)
            patch[i] = src[i];
}

} // namespace

void gatherPatches(const uint64_t* in, Shape inShape, int kernel, int stride, int padding, int outHeight, int outWidth,
                   uint64_t* patches)
{
    gatherPatchesExcept(in, inShape, kernel, stride, padding, outHeight, outWidth, nullptr, nullptr, patches);
}

int gatherPatchesExcept(const uint64_t* in, Shape inShape, int kernel, int stride, int padding, int outHeight,
                        int outWidth, const uint8_t* skip, int* kept, uint64_t* patches)
{
    const int words = wordsFor(inShape.channels);
    const int run = kernel * words;
    const size_t rowWords = static_cast<size_t>(inShape.width) * words;
    int n = 0;
    for (int oy = 0; oy < outHeight; ++oy) {
        const int y0 = oy * stride - padding;
        const bool rowsInside = y0 >= 0 && y0 + kernel <= inShape.height;
        for (int ox = 0; ox < outWidth; ++ox) {
            const int pos = oy * outWidth + ox;
            if (skip && skip[pos])
                continue;
            if (kept)
                kept[n] = pos;
            ++n;
            const int x0 = ox * stride - padding;
            if (!rowsInside || x0 < 0 || x0 + kernel > inShape.width) {
                gatherPatch(in, inShape, kernel, stride, padding, oy, ox, patches);
            } else {
                const uint64_t* src = in + static_cast<size_t>(y0) * rowWords + static_cast<size_t>(x0) * words;
                switch (run) { // the common small kernels with one word per position, unrolled
                case 3: copyRows<3>(src, rowWords, kernel, patches); break;
                case 5: copyRows<5>(src, rowWords, kernel, patches); break;
                case 7: copyRows<7>(src, rowWords, kernel, patches); break;
                default:
                    for (int ky = 0; ky < kernel; ++ky)
                        std::copy_n(src + ky * rowWords, run, patches + static_cast<size_t>(ky) * run);
                }
            }
            patches += static_cast<size_t>(kernel) * run;
        }
    }
    return n;
}

int markSamePatches(const uint64_t* in, const uint64_t* ref, Shape inShape, int kernel, int stride, int padding,
                    int outHeight, int outWidth, uint8_t* same, std::vector<uint64_t>& rows)
{
    // One bit per input position that differs, rows of rowBits words; then
    // per output row the OR of its kernel rows, read over each window.
    const int words = wordsFor(inShape.channels), width = inShape.width;
    const int rowBits = wordsFor(width);
    rows.assign(static_cast<size_t>(inShape.height + 1) * rowBits, 0); // the last row: the OR below
    for (int y = 0; y < inShape.height; ++y)
        for (int x = 0; x < width; ++x) {
            const size_t at = (static_cast<size_t>(y) * width + x) * words;
            uint64_t d = 0;
            for (int i = 0; i < words; ++i)
                d |= in[at + i] ^ ref[at + i];
            rows[static_cast<size_t>(y) * rowBits + x / 64] |= uint64_t{d != 0} << (x % 64);
        }
    uint64_t* any = rows.data() + static_cast<size_t>(inShape.height) * rowBits;
    int count = 0;
    for (int oy = 0; oy < outHeight; ++oy) {
        std::fill_n(any, rowBits, 0);
        for (int ky = 0; ky < kernel; ++ky) {
            const int y = oy * stride - padding + ky;
            if (y >= 0 && y < inShape.height)
                for (int i = 0; i < rowBits; ++i)
                    any[i] |= rows[static_cast<size_t>(y) * rowBits + i];
        }
        for (int ox = 0; ox < outWidth; ++ox) {
            const int a = std::max(0, ox * stride - padding), b = std::min(width, ox * stride - padding + kernel);
            bool differs = false;
            for (int x = a; x < b && !differs; x = (x / 64 + 1) * 64) { // word by word over [a, b)
                const int hi = std::min(b, (x / 64 + 1) * 64);
                const uint64_t bits = any[x / 64] >> (x % 64);
                differs = (hi - x == 64 ? bits : bits & ((uint64_t{1} << (hi - x)) - 1)) != 0;
            }
            same[oy * outWidth + ox] = !differs;
            count += !differs;
        }
    }
    return count;
}

} // namespace axbnn
