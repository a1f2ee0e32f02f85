// Bit-packed binary tensors (docs/domain.md section 1: +1 is bit 1, -1 is bit 0)
// and the packed weight layouts the XNOR-popcount kernels read.
#pragma once

#include "bnn/model.h"

#include <cstdint>
#include <span>
#include <vector>

namespace axbnn {

inline int wordsFor(int bits)
{
    return (bits + 63) / 64;
}

// H x W x C activations stored per position as wordsFor(C) words; channel c
// is bit c % 64 of word c / 64. Bits for channels >= C are always 0, so an
// XOR of two packed vectors never counts them.
struct PackedTensor {
    Shape shape;
    int wordsPerPosition = 0;
    std::vector<uint64_t> words;

    PackedTensor() = default;
    explicit PackedTensor(Shape s)
        : shape(s), wordsPerPosition(wordsFor(s.channels)),
          words(static_cast<size_t>(s.height) * s.width * wordsFor(s.channels), 0)
    {}
    const uint64_t* at(int y, int x) const { return words.data() + offset(y, x); }
    uint64_t* at(int y, int x) { return words.data() + offset(y, x); }

private:
    size_t offset(int y, int x) const { return (static_cast<size_t>(y) * shape.width + x) * wordsPerPosition; }
};

// +1/-1 values in H, W, C order to packed form and back.
PackedTensor packSigns(std::span<const int8_t> values, Shape shape);
std::vector<int8_t> unpackSigns(const PackedTensor& tensor);

// Weight rows for the kernels: `weights` is [outputs][taps][channels] (+1/-1;
// a convolution's taps are (ky, kx), a dense layer's are the input positions),
// packed as [outputs][taps * wordsFor(channels)] like a packed patch.
std::vector<uint64_t> packWeightRows(std::span<const int8_t> weights, int outputs, int taps, int channels);

// Weights for bit-sliced evaluation across neurons: [fanIn][groups] with
// groups = wordsFor(outputs); bit o of word (i, g) is 1 iff the weight of
// output 64 g + o at fan-in element i is +1 (lanes >= outputs are 0).
std::vector<uint64_t> transposeWeightBits(std::span<const int8_t> weights, int outputs, int fanIn);

// im2col on packed activations: the k x k patch read by output position
// (oy, ox) as k*k*wordsPerPosition words in (ky, kx) order. Taps outside the
// image read zero words: activation -1 (model.h padding semantics).
void gatherPatch(const uint64_t* in, Shape inShape, int kernel, int stride, int padding, int oy, int ox,
                 uint64_t* patch);
// gatherPatch for every output position of an outHeight x outWidth map, row
// by row: position p's patch at patches + p * k*k*wordsPerPosition.
void gatherPatches(const uint64_t* in, Shape inShape, int kernel, int stride, int padding, int outHeight, int outWidth,
                   uint64_t* patches);
// The same for the positions whose `skip` flag is 0 only, packed one after
// another in position order; their positions go to `kept`. Returns how many.
int gatherPatchesExcept(const uint64_t* in, Shape inShape, int kernel, int stride, int padding, int outHeight,
                        int outWidth, const uint8_t* skip, int* kept, uint64_t* patches);
// same[p] = 1 for each output position p whose patch in `in` equals its
// patch in `ref` (a map of the same shape), else 0: every tap inside the map
// equal word for word (taps outside read zero words in both). Returns how
// many are the same. `rows` is scratch.
int markSamePatches(const uint64_t* in, const uint64_t* ref, Shape inShape, int kernel, int stride, int padding,
                    int outHeight, int outWidth, uint8_t* same, std::vector<uint64_t>& rows);

} // namespace axbnn
