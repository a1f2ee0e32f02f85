// P(e | s) of a popcount unit (docs/domain.md section 7). For i.i.d. inputs every
// pattern with s ones is equally likely, so P(e | s) is the error
// distribution over those patterns: enumerated exactly for small fan-ins,
// otherwise estimated from random patterns with exactly s ones on the
// 512-lane simulator. Each lane walks through the patterns, turning on one
// more random input per step, so step s is a uniformly random pattern with
// s ones; one walk gives a sample for every s at the cost of about N bit
// flips. The rows of one lane are correlated across s; each row on its own
// is an unbiased estimate.
#include "bnn/error_model_tables.h"

#include "analysis/error_accumulator.h"
#include "util/random_bits.h"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>
#include <thread>

namespace axbnn::detail {
namespace {

constexpr int kWords = LaneSimulator::kWords;
constexpr int kLanes = 64 * kWords;
constexpr uint64_t kMaxPatterns = uint64_t{1} << 34; // samples per s x (fan-in + 1): refuse beyond

// A plain vectorised copy: glibc's memmove (rep movsb) ran at a fraction of
// the cache bandwidth on this loop's 200 kB blocks. GCC would turn the loop
// back into memmove without the attribute; clang spells it no_builtin.
#if defined(__clang__)
#define AXBNN_NO_MEMMOVE_IDIOM __attribute__((no_builtin("memcpy", "memmove")))
#else
#define AXBNN_NO_MEMMOVE_IDIOM __attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif
AXBNN_NO_MEMMOVE_IDIOM void copyWords(const uint64_t* from, size_t count, uint64_t* to)
{
    for (size_t i = 0; i < count; ++i)
        to[i] = from[i];
}

bool errorFree(const PopcountUnit& unit)
{
    for (const auto& c : unit.chunks()) {
        if (c.netlist->approximateCellCount() > 0)
            return false;
        // An imported gate netlist marks no cell approximate: only its
        // analysed error range can show that it counts exactly.
        if (c.netlist->topology == Topology::Imported && !(unit.boundsKnown() && c.minError == 0 && c.maxError == 0))
            return false;
    }
    return true;
}

void mergeInto(SumErrorCounts& total, const SumErrorCounts& part)
{
    for (int s = 0; s <= part.inputs(); ++s) {
        const SumErrorCounts::Row& r = part.row(s);
        for (size_t i = 0; i < r.counts.size(); ++i)
            if (r.counts[i])
                total.add(s, r.offset + static_cast<int>(i), r.counts[i]);
    }
}

// All 2^N patterns: pattern v = 64 w + l sets input i to bit i of v.
SumErrorCounts enumerate(const PopcountUnit& unit)
{
    const int n = unit.fanIn();
    constexpr int kChunkWords = 64;
    const uint64_t words = n >= 6 ? uint64_t{1} << (n - 6) : 1;
    const int lanes = n >= 6 ? 64 : 1 << n;
    SumErrorCounts counts(n);
    std::vector<uint64_t> in, out, scratch;
    std::vector<int64_t> value(static_cast<size_t>(kChunkWords) * 64);
    for (uint64_t w0 = 0; w0 < words; w0 += kChunkWords) {
        const int k = static_cast<int>(std::min<uint64_t>(kChunkWords, words - w0));
        std::fill(value.begin(), value.end(), 0);
        for (const PopcountUnit::Chunk& c : unit.chunks()) {
            in.assign(static_cast<size_t>(c.width) * k, 0);
            for (int i = 0; i < c.width; ++i) {
                const int g = c.begin + i;
                for (int w = 0; w < k; ++w)
                    in[static_cast<size_t>(i) * k + w] =
                        g < 6 ? kLanePattern[g] : (((w0 + w) >> (g - 6)) & 1 ? ~0ull : 0ull);
            }
            const int bits = c.simulator->outputBits();
            out.assign(static_cast<size_t>(bits) * k, 0);
            c.simulator->run(in, k, out, scratch);
            for (int o = 0; o < bits; ++o)
                for (int w = 0; w < k; ++w) {
                    const uint64_t x = out[static_cast<size_t>(o) * k + w];
                    for (int l = 0; l < lanes; ++l)
                        value[static_cast<size_t>(w) * 64 + l] += static_cast<int64_t>((x >> l) & 1) << o;
                }
        }
        for (int w = 0; w < k; ++w)
            for (int l = 0; l < lanes; ++l) {
                const int s = std::popcount(((w0 + w) << 6) | static_cast<uint64_t>(l));
                counts.add(s, static_cast<int>(value[static_cast<size_t>(w) * 64 + l]) - s);
            }
    }
    return counts;
}

// One batch of kLanes random walks (see the file comment): each lane turns
// on one random input per step for s = 0..N/2 (rejecting inputs already on)
// and, from all ones, turns one off per step for s = N..N/2+1, so a draw
// needs at most two tries on average and no permutation is stored.
void sampleBatch(const PopcountUnit& unit, uint64_t seed, uint64_t batch, SumErrorCounts& counts)
{
    const int n = unit.fanIn();
    const int half = n / 2;
    Rng rng(seed ^ (0xd1b54a32d192ed03ull * (batch + 1)));
    std::vector<uint64_t> bits(static_cast<size_t>(n) * kWords, 0);
    const auto& chunks = unit.chunks();
    std::vector<std::vector<uint64_t>> slots(chunks.size());
    for (size_t c = 0; c < chunks.size(); ++c)
        chunks[c].lanes->prepare(slots[c]);
    const int valueBits = unit.valueBits();
    std::vector<uint64_t> values(static_cast<size_t>(valueBits) * kWords);
    auto position = [&] {
        return static_cast<size_t>((static_cast<unsigned __int128>(rng.next()) * static_cast<uint64_t>(n)) >> 64);
    };
    // Lane t's bit of input i is bit t % 64 of bits[i * kWords + t / 64].
    auto step = [&](bool turnOn) {
        for (int t = 0; t < kLanes; ++t) {
            const uint64_t mask = uint64_t{1} << (t % 64);
            for (;;) {
                uint64_t& word = bits[position() * kWords + static_cast<size_t>(t / 64)];
                if (((word & mask) != 0) != turnOn) {
                    word ^= mask;
                    break;
                }
            }
        }
    };
    auto record = [&](int s) {
        std::fill(values.begin(), values.end(), 0);
        for (size_t ci = 0; ci < chunks.size(); ++ci) {
            const PopcountUnit::Chunk& c = chunks[ci];
            const LaneSimulator& sim = *c.lanes;
            uint64_t* sl = slots[ci].data();
            copyWords(bits.data() + static_cast<size_t>(c.begin) * kWords, static_cast<size_t>(c.width) * kWords,
                      LaneSimulator::inputWords(sl, 0));
            sim.run(sl);
            // values += this chunk's output (bit-sliced ripple-carry addition)
            uint64_t carry[kWords] = {};
            for (int j = 0; j < valueBits; ++j) {
                const uint64_t* out = j < sim.outputBits() ? sim.outputWords(sl, j) : nullptr;
                uint64_t* v = values.data() + static_cast<size_t>(j) * kWords;
                for (int w = 0; w < kWords; ++w) {
                    const uint64_t a = v[w], b = out ? out[w] : 0, cin = carry[w];
                    v[w] = a ^ b ^ cin;
                    carry[w] = (a & b) | (cin & (a | b));
                }
            }
        }
        for (int w = 0; w < kWords; ++w)
            for (int l = 0; l < 64; ++l) {
                int v = 0;
                for (int j = 0; j < valueBits; ++j)
                    v |= static_cast<int>((values[static_cast<size_t>(j) * kWords + w] >> l) & 1) << j;
                counts.add(s, v - s);
            }
    };
    for (int s = 0; s <= half; ++s) {
        if (s > 0)
            step(true);
        record(s);
    }
    std::fill(bits.begin(), bits.end(), ~uint64_t{0});
    for (int s = n; s > half; --s) {
        if (s < n)
            step(false);
        record(s);
    }
}

SumErrorCounts sample(const PopcountUnit& unit, uint64_t batches, uint64_t seed, int threads)
{
    const int n = unit.fanIn();
    const int workers = static_cast<int>(std::min<uint64_t>(batches, static_cast<uint64_t>(threads)));
    std::vector<SumErrorCounts> parts(static_cast<size_t>(workers), SumErrorCounts(n));
    std::vector<std::thread> pool;
    std::vector<std::exception_ptr> failures(static_cast<size_t>(workers));
    for (int t = 0; t < workers; ++t)
        pool.emplace_back([&, t] {
            try {
                for (uint64_t b = static_cast<uint64_t>(t); b < batches; b += static_cast<uint64_t>(workers))
                    sampleBatch(unit, seed, b, parts[static_cast<size_t>(t)]);
            } catch (...) {
                failures[static_cast<size_t>(t)] = std::current_exception();
            }
        });
    for (auto& th : pool)
        th.join();
    for (auto& f : failures)
        if (f)
            std::rethrow_exception(f);
    SumErrorCounts total(n);
    for (const auto& p : parts) // integer counts: the merge order does not matter
        mergeInto(total, p);
    return total;
}

} // namespace

void fillConditionalRows(LayerErrorModel& layer, const PopcountUnit& unit, const ErrorModelOptions& options)
{
    const int n = unit.fanIn();
    if (n < 1)
        throw std::invalid_argument("error model: the popcount unit has no inputs");
    layer.fanIn = n;
    layer.unitWidth = unit.isExact() ? n : unit.chunks().front().width;
    layer.eMin.assign(static_cast<size_t>(n) + 1, 0);
    layer.probs.assign(static_cast<size_t>(n) + 1, std::vector<double>{1.0});
    layer.samplesPerSum = 0;
    layer.minError = layer.maxError = 0;
    if (unit.isExact() || errorFree(unit)) {
        layer.method = "error-free";
        return;
    }
    if (options.method != "auto" && options.method != "exhaustive" && options.method != "sampled")
        throw std::invalid_argument("error model method must be auto, exhaustive or sampled, not '" + options.method
                                    + "'");
    const bool exhaustive =
        options.method == "exhaustive" || (options.method == "auto" && n <= kErrorModelExhaustiveFanIn);
    SumErrorCounts counts(n);
    if (exhaustive) {
        if (n > kErrorModelMaxExhaustiveFanIn)
            throw std::invalid_argument("error model: exhaustive enumeration handles fan-ins up to "
                                        + std::to_string(kErrorModelMaxExhaustiveFanIn) + ", not " + std::to_string(n)
                                        + " (use sampling)");
        counts = enumerate(unit);
        layer.method = "exhaustive";
    } else {
        if (options.samplesPerSum < 1)
            throw std::invalid_argument("error model: samples per s must be at least 1");
        const uint64_t batches = (options.samplesPerSum + kLanes - 1) / kLanes;
        if (batches > kMaxPatterns / kLanes / (static_cast<uint64_t>(n) + 1))
            throw std::invalid_argument("error model: " + std::to_string(options.samplesPerSum)
                                        + " samples per s for fan-in " + std::to_string(n)
                                        + " would simulate too many patterns; use fewer samples");
        const int threads =
            options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        counts = sample(unit, batches, options.seed, threads);
        layer.method = "sampled";
        layer.samplesPerSum = batches * kLanes;
    }
    bool first = true;
    for (int s = 0; s <= n; ++s) {
        const SumErrorCounts::Row& r = counts.row(s);
        if (r.total == 0)
            throw std::logic_error("error model: no pattern with s = " + std::to_string(s));
        size_t lo = 0, hi = r.counts.size();
        while (r.counts[lo] == 0)
            ++lo;
        while (r.counts[hi - 1] == 0)
            --hi;
        layer.eMin[s] = r.offset + static_cast<int>(lo);
        std::vector<double>& row = layer.probs[s];
        row.assign(hi - lo, 0.0);
        for (size_t i = lo; i < hi; ++i)
            row[i - lo] = static_cast<double>(r.counts[i]) / static_cast<double>(r.total);
        const int top = layer.eMin[s] + static_cast<int>(row.size()) - 1;
        layer.minError = first ? layer.eMin[s] : std::min(layer.minError, layer.eMin[s]);
        layer.maxError = first ? top : std::max(layer.maxError, top);
        first = false;
    }
}

} // namespace axbnn::detail
