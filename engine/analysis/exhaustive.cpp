// Exact error statistics by simulating all 2^N input vectors, 64 per word,
// in chunks of words so memory stays small.
#include "analysis/error_accumulator.h"
#include "circuit/simulator.h"

#include <algorithm>
#include <array>
#include <bit>
#include <stdexcept>

namespace axbnn {
namespace {

constexpr int kChunkWords = 64;

// kSpread[b]: byte j is bit j of b, so eight lanes' bits transpose at once.
constexpr auto kSpread = [] {
    std::array<uint64_t, 256> t{};
    for (unsigned b = 0; b < 256; ++b)
        for (int j = 0; j < 8; ++j)
            t[b] |= static_cast<uint64_t>((b >> j) & 1) << (8 * j);
    return t;
}();

} // namespace

ErrorStats analyzeExhaustive(const Netlist& netlist, const ErrorOptions& options)
{
    detail::checkOptions(netlist, options);
    const int n = netlist.inputs;
    if (n > kMaxExhaustiveInputs)
        throw std::invalid_argument("exhaustive enumeration handles at most " + std::to_string(kMaxExhaustiveInputs)
                                    + " inputs; this circuit has " + std::to_string(n)
                                    + " (use propagation or Monte Carlo)");
    const Simulator sim(netlist);
    const int outBits = sim.outputBits();
    if (outBits > kMaxExhaustiveOutputBits)
        throw std::invalid_argument("exhaustive enumeration handles at most " + std::to_string(kMaxExhaustiveOutputBits)
                                    + " output bits; this circuit has " + std::to_string(outBits)
                                    + " (use Monte Carlo: --method monte-carlo)");

    const uint64_t words = n >= 6 ? uint64_t{1} << (n - 6) : 1;
    const int lanes = n >= 6 ? 64 : 1 << n;
    const size_t values = size_t{1} << outBits;
    // counts[s * values + v]: vectors with s ones whose approximate popcount is v.
    std::vector<uint64_t> counts(static_cast<size_t>(n + 1) * values, 0);
    size_t laneOffset[64]; // a lane's own ones, as an offset into counts
    for (int l = 0; l < 64; ++l)
        laneOffset[l] = static_cast<size_t>(std::popcount(static_cast<unsigned>(l))) * values;

    std::vector<uint64_t> in(static_cast<size_t>(n) * kChunkWords);
    std::vector<uint64_t> out(static_cast<size_t>(outBits) * kChunkWords);
    std::vector<uint64_t> scratch;
    for (uint64_t w0 = 0; w0 < words; w0 += kChunkWords) {
        const int k = static_cast<int>(std::min<uint64_t>(kChunkWords, words - w0));
        // Vector v = 64 * word + lane sets input i to bit i of v.
        for (int i = 0; i < n; ++i)
            for (int w = 0; w < k; ++w)
                in[static_cast<size_t>(i) * k + w] =
                    i < 6 ? detail::kLanePattern[i] : (((w0 + w) >> (i - 6)) & 1 ? ~0ull : 0ull);
        sim.run(std::span(in.data(), static_cast<size_t>(n) * k), k,
                std::span(out.data(), static_cast<size_t>(outBits) * k), scratch);
        for (int w = 0; w < k; ++w) {
            uint64_t* row = counts.data() + static_cast<size_t>(std::popcount(w0 + w)) * values;
            // Eight lanes at a time: byte j of `v8` is the value of lane 8 g + j.
            for (int g = 0; g < lanes; g += 8) {
                uint64_t v8 = 0;
                for (int o = 0; o < outBits; ++o)
                    v8 |= kSpread[(out[static_cast<size_t>(o) * k + w] >> g) & 0xFF] << o;
                for (int j = 0; j < std::min(8, lanes - g); ++j)
                    ++row[laneOffset[g + j] + ((v8 >> (8 * j)) & 0xFF)];
            }
        }
    }

    detail::SumErrorCounts hist(n);
    for (int s = 0; s <= n; ++s)
        for (size_t v = 0; v < values; ++v)
            if (const uint64_t c = counts[static_cast<size_t>(s) * values + v])
                hist.add(s, static_cast<int>(v) - s, c);
    ErrorStats stats = detail::exactStatsFromCounts(hist, options.p, options.conditional);
    stats.method = ErrorMethod::Exhaustive;
    stats.precision = "exact: all 2^" + std::to_string(n) + " input vectors enumerated";
    return stats;
}

} // namespace axbnn
