// The obviously correct twins of the XNOR kernels: +1/-1 values, nested
// loops in the order the model defines (model.h), no packing.
#include "bnn/xnor_kernels.h"

#include <stdexcept>

namespace axbnn {

namespace {

void checkSizes(size_t got, size_t expected, const char* what)
{
    if (got != expected)
        throw std::invalid_argument(std::string("reference kernel: wrong size of ") + what);
}

} // namespace

void referenceBinaryConv(const ConvGeometry& g, std::span<const int8_t> in, std::span<const int8_t> weights,
                         std::span<int32_t> out)
{
    const Shape o = g.out();
    const int cin = g.in.channels;
    checkSizes(in.size(), static_cast<size_t>(g.in.size()), "input");
    checkSizes(weights.size(), static_cast<size_t>(g.outChannels) * g.fanIn(), "weights");
    checkSizes(out.size(), static_cast<size_t>(o.size()), "output");
    for (int y = 0; y < o.height; ++y)
        for (int x = 0; x < o.width; ++x)
            for (int oc = 0; oc < g.outChannels; ++oc) {
                int count = 0;
                for (int ky = 0; ky < g.kernel; ++ky)
                    for (int kx = 0; kx < g.kernel; ++kx)
                        for (int c = 0; c < cin; ++c) {
                            const int iy = y * g.stride + ky - g.padding;
                            const int ix = x * g.stride + kx - g.padding;
                            const bool inside = iy >= 0 && iy < g.in.height && ix >= 0 && ix < g.in.width;
                            const size_t at = (static_cast<size_t>(iy) * g.in.width + ix) * cin + c;
                            const int a = inside ? in[at] : -1;
                            const size_t wAt = ((static_cast<size_t>(oc) * g.kernel + ky) * g.kernel + kx) * cin + c;
                            const int w = weights[wAt];
                            count += a == w; // XNOR of +1/-1 values
                        }
                out[(static_cast<size_t>(y) * o.width + x) * g.outChannels + oc] = count;
            }
}

void referenceBinaryDense(std::span<const int8_t> in, std::span<const int8_t> weights, int outputs,
                          std::span<int32_t> out)
{
    checkSizes(weights.size(), in.size() * outputs, "weights");
    checkSizes(out.size(), static_cast<size_t>(outputs), "output");
    for (int o = 0; o < outputs; ++o) {
        int count = 0;
        for (size_t i = 0; i < in.size(); ++i)
            count += in[i] == weights[o * in.size() + i];
        out[o] = count;
    }
}

void referenceInputConv(const ConvGeometry& g, std::span<const uint8_t> pixels, std::span<const int8_t> weights,
                        std::span<int32_t> out)
{
    const Shape o = g.out();
    const int cin = g.in.channels;
    checkSizes(pixels.size(), static_cast<size_t>(g.in.size()), "input");
    checkSizes(weights.size(), static_cast<size_t>(g.outChannels) * g.fanIn(), "weights");
    checkSizes(out.size(), static_cast<size_t>(o.size()), "output");
    for (int y = 0; y < o.height; ++y)
        for (int x = 0; x < o.width; ++x)
            for (int oc = 0; oc < g.outChannels; ++oc) {
                int sum = 0;
                for (int ky = 0; ky < g.kernel; ++ky)
                    for (int kx = 0; kx < g.kernel; ++kx)
                        for (int c = 0; c < cin; ++c) {
                            const int iy = y * g.stride + ky - g.padding;
                            const int ix = x * g.stride + kx - g.padding;
                            if (iy < 0 || iy >= g.in.height || ix < 0 || ix >= g.in.width)
                                continue; // padded pixel 0
                            sum += pixels[(static_cast<size_t>(iy) * g.in.width + ix) * cin + c]
                                * weights[((static_cast<size_t>(oc) * g.kernel + ky) * g.kernel + kx) * cin + c];
                        }
                out[(static_cast<size_t>(y) * o.width + x) * g.outChannels + oc] = sum;
            }
}

void referenceThresholdPack(std::span<const int32_t> values, std::span<const int32_t> gt,
                            std::span<const uint64_t> invert, std::span<uint64_t> out)
{
    checkSizes(gt.size(), values.size(), "thresholds");
    for (size_t w = 0; w < out.size(); ++w)
        out[w] = 0;
    for (size_t r = 0; r < values.size(); ++r) {
        const bool above = values[r] > gt[r];
        const bool inverted = (invert[r / 64] >> (r % 64)) & 1;
        if (above != inverted)
            out[r / 64] |= uint64_t{1} << (r % 64);
    }
}

} // namespace axbnn
