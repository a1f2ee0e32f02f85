// Error statistics estimated from random input vectors on the bit-parallel
// simulation, with 95% confidence half-widths (DOMAIN.md section 5).
#include "analysis/error_accumulator.h"
#include "circuit/simulator.h"
#include "util/random_bits.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace axbnn {
namespace {

constexpr int kChunkWords = 16;

} // namespace

ErrorStats analyzeMonteCarlo(const Netlist& netlist, const ErrorOptions& options)
{
    detail::checkOptions(netlist, options);
    const int n = netlist.inputs;
    const Simulator sim(netlist);
    const int outBits = sim.outputBits();
    if (outBits > 62)
        throw std::invalid_argument("Monte Carlo supports at most 62 output bits");
    const BernoulliWords bernoulli(options.p);
    Rng rng(options.seed);
    const uint64_t words = options.samples / 64 + (options.samples % 64 != 0);
    const int countBits = bitsFor(static_cast<uint64_t>(n));

    detail::SumErrorCounts hist(n);
    std::vector<uint64_t> in(static_cast<size_t>(n) * kChunkWords);
    std::vector<uint64_t> out(static_cast<size_t>(outBits) * kChunkWords);
    std::vector<uint64_t> counter(static_cast<size_t>(countBits) * kChunkWords);
    std::vector<uint64_t> scratch;
    for (uint64_t w0 = 0; w0 < words; w0 += kChunkWords) {
        const int k = static_cast<int>(std::min<uint64_t>(kChunkWords, words - w0));
        bernoulli.fill(std::span(in.data(), static_cast<size_t>(n) * k), rng);
        sim.run(std::span(in.data(), static_cast<size_t>(n) * k), k,
                std::span(out.data(), static_cast<size_t>(outBits) * k), scratch);
        // Exact count per lane: a bit-sliced ripple counter over the input words.
        std::fill(counter.begin(), counter.end(), 0ull);
        for (int i = 0; i < n; ++i) {
            const uint64_t* x = in.data() + static_cast<size_t>(i) * k;
            for (int w = 0; w < k; ++w) {
                uint64_t carry = x[w];
                for (int b = 0; carry != 0; ++b) {
                    uint64_t& c = counter[static_cast<size_t>(b) * kChunkWords + w];
                    const uint64_t next = c & carry;
                    c ^= carry;
                    carry = next;
                }
            }
        }
        for (int w = 0; w < k; ++w) {
            int64_t value[64] = {};
            int sum[64] = {};
            for (int o = 0; o < outBits; ++o) {
                const uint64_t x = out[static_cast<size_t>(o) * k + w];
                for (int l = 0; l < 64; ++l)
                    value[l] |= static_cast<int64_t>((x >> l) & 1) << o;
            }
            for (int b = 0; b < countBits; ++b) {
                const uint64_t x = counter[static_cast<size_t>(b) * kChunkWords + w];
                for (int l = 0; l < 64; ++l)
                    sum[l] |= static_cast<int>((x >> l) & 1) << b;
            }
            for (int l = 0; l < 64; ++l)
                hist.add(sum[l], static_cast<int>(value[l] - sum[l]));
        }
    }

    ErrorStats stats = detail::sampledStatsFromCounts(hist, options.p, options.conditional);
    stats.method = ErrorMethod::MonteCarlo;
    stats.precision = "Monte Carlo, " + std::to_string(stats.samples) + " random vectors (seed " +
                      std::to_string(options.seed) +
                      "), 95% confidence half-widths given; worst case is the largest observed";
    if (bernoulli.quantisedP() != options.p) {
        char q[40];
        std::snprintf(q, sizeof q, "%.10g", bernoulli.quantisedP());
        stats.precision += std::string("; inputs drawn with p quantised to ") + q + " (a multiple of 2^-24)";
    }
    return stats;
}

} // namespace axbnn
