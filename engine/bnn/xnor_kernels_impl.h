// Internals shared by the portable and the AVX2 kernel files.
#pragma once

#include "bnn/xnor_kernels.h"

#include <cstdint>
#include <vector>

namespace axbnn::detail {

// The zero-padded image of `w.g` as int16 in scratch (paddedSize values),
// followed by `extra` zeros.
const int16_t* padImage(const InputConvWeights& w, const uint8_t* pixels, std::vector<int16_t>& scratch,
                        size_t extra = 0);
// Offset of output position (y, x)'s first tap in the padded image.
inline int32_t positionBase(const InputConvWeights& w, int y, int x)
{
    return (y * w.g.stride * w.paddedWidth + x * w.g.stride) * w.g.in.channels;
}

void thresholdPackScalar(const int32_t* values, const int32_t* gt, const uint64_t* invert, int n, uint64_t* out);

// Rows in blocks of kRowBlock: [block][word][kRowBlock], zero rows at the end.
constexpr int kRowBlock = 16;
std::vector<uint64_t> layoutRowsBlocked(const uint64_t* rows, int count, int words);

#if defined(__x86_64__)
void xnorGemmAvx2(const uint64_t* x, size_t xStride, int count, const uint64_t* w, int words, int rows, int fanIn,
                  int32_t* out, size_t outStride);
void inputConvAvx2(const InputConvWeights& w, const uint8_t* pixels, const int32_t* gt, const uint64_t* invert,
                   int32_t* values, uint64_t* packed, std::vector<int16_t>& scratch);
void thresholdPackAvx2(const int32_t* values, const int32_t* gt, const uint64_t* invert, int n, uint64_t* out);
#endif

} // namespace axbnn::detail
