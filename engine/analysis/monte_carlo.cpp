// Error statistics estimated from random input vectors on the bit-parallel
// simulation, with 95% confidence half-widths (docs/domain.md section 5).
#include "analysis/error_accumulator.h"
#include "circuit/simulator.h"
#include "util/random_bits.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace axbnn {
namespace {

constexpr int kChunkWords = 16;

// Adds the bit-vector `carry` (one lane per bit) to the bit-sliced counter
// words counter[b * kChunkWords], starting at plane `bit`.
inline void rippleAdd(uint64_t* counter, int bit, uint64_t carry)
{
    for (int b = bit; carry != 0; ++b) {
        uint64_t& c = counter[static_cast<size_t>(b) * kChunkWords];
        const uint64_t next = c & carry;
        c ^= carry;
        carry = next;
    }
}

// Carry-save adder: high:low = a + b + c, lane by lane.
inline void csa(uint64_t& high, uint64_t& low, uint64_t a, uint64_t b, uint64_t c)
{
    const uint64_t u = a ^ b;
    high = (a & b) | (u & c);
    low = u ^ c;
}

// Adds the words sixteens[w] (one lane per bit) to the bit-sliced counters
// of the k words at plane 4: plane by plane for all words at once, without
// data-dependent branches per word (it vectorises), stopping when no carry is left.
inline void addSixteens(uint64_t* counter, int countBits, int k, const uint64_t* sixteens)
{
    uint64_t carry[kChunkWords];
    std::copy_n(sixteens, k, carry);
    for (int b = 4; b < countBits; ++b) {
        uint64_t* plane = counter + static_cast<size_t>(b) * kChunkWords;
        uint64_t any = 0;
        for (int w = 0; w < k; ++w) {
            const uint64_t next = plane[w] & carry[w];
            plane[w] ^= carry[w];
            carry[w] = next;
            any |= next;
        }
        if (any == 0)
            return;
    }
}

// Exact count of ones per lane over the n input words x[i * k + w], for all
// k words at once, into the bit-sliced counter (which must be zero): a
// Harley-Seal carry-save tree over blocks of 16 inputs, so that only one word
// per block (the sixteens) ripples through the counter. The inner loops run
// over the k words of one input, contiguous in memory, and vectorise.
void countOnes(const uint64_t* x, int n, int k, int countBits, uint64_t* counter)
{
    uint64_t ones[kChunkWords] = {}, twos[kChunkWords] = {}, fours[kChunkWords] = {}, eights[kChunkWords] = {},
             sixteens[kChunkWords];
    const auto in = [&](int i, int w) { return x[static_cast<size_t>(i) * k + w]; };
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        for (int w = 0; w < k; ++w) {
            uint64_t twosA, twosB, foursA, foursB, eightsA, eightsB;
            csa(twosA, ones[w], ones[w], in(i, w), in(i + 1, w));
            csa(twosB, ones[w], ones[w], in(i + 2, w), in(i + 3, w));
            csa(foursA, twos[w], twos[w], twosA, twosB);
            csa(twosA, ones[w], ones[w], in(i + 4, w), in(i + 5, w));
            csa(twosB, ones[w], ones[w], in(i + 6, w), in(i + 7, w));
            csa(foursB, twos[w], twos[w], twosA, twosB);
            csa(eightsA, fours[w], fours[w], foursA, foursB);
            csa(twosA, ones[w], ones[w], in(i + 8, w), in(i + 9, w));
            csa(twosB, ones[w], ones[w], in(i + 10, w), in(i + 11, w));
            csa(foursA, twos[w], twos[w], twosA, twosB);
            csa(twosA, ones[w], ones[w], in(i + 12, w), in(i + 13, w));
            csa(twosB, ones[w], ones[w], in(i + 14, w), in(i + 15, w));
            csa(foursB, twos[w], twos[w], twosA, twosB);
            csa(eightsB, fours[w], fours[w], foursA, foursB);
            csa(sixteens[w], eights[w], eights[w], eightsA, eightsB);
        }
        addSixteens(counter, countBits, k, sixteens);
    }
    for (; i < n; ++i)
        for (int w = 0; w < k; ++w)
            rippleAdd(counter + w, 0, in(i, w));
    for (int w = 0; w < k; ++w) {
        rippleAdd(counter + w, 0, ones[w]);
        rippleAdd(counter + w, 1, twos[w]);
        rippleAdd(counter + w, 2, fours[w]);
        rippleAdd(counter + w, 3, eights[w]);
    }
}

// Transposes a 64 x 64 bit matrix in place: afterwards bit c of a[r] is what
// bit r of a[c] was (recursive swap of the off-diagonal blocks).
void transpose64(uint64_t a[64])
{
    uint64_t m = 0x00000000FFFFFFFFull;
    for (int j = 32; j != 0; j >>= 1, m ^= m << j)
        for (int k = 0; k < 64; k = ((k | j) + 1) & ~j) {
            const uint64_t t = ((a[k] >> j) ^ a[k | j]) & m;
            a[k] ^= t << j;
            a[k | j] ^= t;
        }
}

// Simulates and counts the words [w0, w1) of the sample stream (w0 a
// multiple of kChunkWords) into `hist`; `rng` is the stream's state at w0.
// Chunk by chunk: every input's words of a chunk are drawn in input order.
void sampleBlock(const Simulator& sim, const BernoulliWords& bernoulli, Rng rng, uint64_t w0, uint64_t w1,
                 detail::SumErrorCounts& hist)
{
    const int n = sim.inputs();
    const int outBits = sim.outputBits();
    const int countBits = bitsFor(static_cast<uint64_t>(n));
    std::vector<uint64_t> in(static_cast<size_t>(n) * kChunkWords);
    std::vector<uint64_t> out(static_cast<size_t>(outBits) * kChunkWords);
    std::vector<uint64_t> counter(static_cast<size_t>(countBits) * kChunkWords);
    std::vector<uint64_t> scratch;
    for (uint64_t c0 = w0; c0 < w1; c0 += kChunkWords) {
        const int k = static_cast<int>(std::min<uint64_t>(kChunkWords, w1 - c0));
        bernoulli.fill(std::span(in.data(), static_cast<size_t>(n) * k), rng);
        sim.run(std::span(in.data(), static_cast<size_t>(n) * k), k,
                std::span(out.data(), static_cast<size_t>(outBits) * k), scratch);
        // Exact count per lane, bit-sliced.
        std::fill(counter.begin(), counter.end(), 0ull);
        countOnes(in.data(), n, k, countBits, counter.data());
        for (int w = 0; w < k; ++w) {
            // Bit-sliced words to one value per lane: bit o of lane l.
            uint64_t value[64] = {}, sum[64] = {};
            for (int o = 0; o < outBits; ++o)
                value[o] = out[static_cast<size_t>(o) * k + w];
            for (int b = 0; b < countBits; ++b)
                sum[b] = counter[static_cast<size_t>(b) * kChunkWords + w];
            transpose64(value);
            transpose64(sum);
            for (int l = 0; l < 64; ++l)
                hist.add(static_cast<int>(sum[l]),
                         static_cast<int>(static_cast<int64_t>(value[l]) - static_cast<int64_t>(sum[l])));
        }
    }
}

} // namespace

ErrorStats analyzeMonteCarlo(const Netlist& netlist, const ErrorOptions& options)
{
    detail::checkOptions(netlist, options);
    const int n = netlist.inputs;
    const Simulator sim(netlist);
    if (sim.outputBits() > 62)
        throw std::invalid_argument("Monte Carlo supports at most 62 output bits");
    const BernoulliWords bernoulli(options.p);
    const Rng rng(options.seed);
    const uint64_t words = options.samples / 64 + (options.samples % 64 != 0);

    // Blocks of whole chunks; block b starts where the single stream would be
    // after the words of the blocks before it, so that the sampled vectors,
    // and hence the counts, are those of one thread whatever the split.
    const uint64_t chunks = (words + kChunkWords - 1) / kChunkWords;
    const int threads =
        static_cast<int>(std::min<uint64_t>(static_cast<uint64_t>(std::max(options.threads, 1)), chunks));
    detail::SumErrorCounts hist(n);
    if (threads == 1) {
        sampleBlock(sim, bernoulli, rng, 0, words, hist);
    } else {
        // A few blocks per thread, taken in turn, so that a thread slowed by
        // other work does not hold up the result.
        const uint64_t blocks = std::min<uint64_t>(chunks, static_cast<uint64_t>(threads) * 4);
        const uint64_t drawsPerWord = static_cast<uint64_t>(bernoulli.drawsPerWord());
        const auto blockStart = [&](uint64_t b) { return std::min(words, chunks * b / blocks * kChunkWords); };
        std::vector<detail::SumErrorCounts> partial(blocks, detail::SumErrorCounts(n));
        std::atomic<uint64_t> next{0};
        std::exception_ptr error;
        std::mutex errorMutex;
        const auto work = [&] {
            try {
                for (uint64_t b = next++; b < blocks; b = next++) {
                    Rng blockRng = rng;
                    blockRng.discard(static_cast<uint64_t>(n) * blockStart(b) * drawsPerWord);
                    sampleBlock(sim, bernoulli, blockRng, blockStart(b), blockStart(b + 1), partial[b]);
                }
            } catch (...) {
                const std::lock_guard lock(errorMutex);
                error = std::current_exception();
            }
        };
        std::vector<std::thread> pool;
        for (int t = 1; t < threads; ++t)
            pool.emplace_back(work);
        work();
        for (std::thread& t : pool)
            t.join();
        if (error)
            std::rethrow_exception(error);
        for (const detail::SumErrorCounts& h : partial)
            hist.merge(h);
    }

    ErrorStats stats = detail::sampledStatsFromCounts(hist, options.p, options.conditional);
    stats.method = ErrorMethod::MonteCarlo;
    stats.precision = "Monte Carlo, " + std::to_string(stats.samples) + " random vectors (seed "
        + std::to_string(options.seed) + "), 95% confidence half-widths given; worst case is the largest observed";
    if (bernoulli.quantisedP() != options.p) {
        char q[40];
        std::snprintf(q, sizeof q, "%.10g", bernoulli.quantisedP());
        stats.precision += std::string("; inputs drawn with p quantised to ") + q + " (a multiple of 2^-24)";
    }
    return stats;
}

} // namespace axbnn
