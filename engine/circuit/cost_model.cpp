// Cell counts, area, transistors, static timing and switching energy.
#include "circuit/cost_model.h"

#include "circuit/live_logic.h"
#include "circuit/simulator.h"
#include "circuit/tech_map.h"
#include "util/cpu_dispatch.h"
#include "util/random_bits.h"

#include <algorithm>
#include <bit>
#include <future>
#include <stdexcept>

namespace axbnn {
namespace {

// Adds the toggles of every watched signal in one simulated chunk: lane i
// against lane i+1 of a word, and lane 63 against lane 0 of the next word
// (the previous chunk's last word is kept in `last`).
[[gnu::always_inline]] inline void countToggles(const std::vector<Signal>& watched, const uint64_t* slots,
                                                size_t stride, int n, int w0, uint64_t* last, double* toggles)
{
    for (Signal s : watched) {
        const uint64_t* w = slots + s * stride;
        uint64_t count = 0;
        if (w0 > 0)
            count += (last[s] >> 63) ^ (w[0] & 1);
        // Lane 63 of word k against lane 0 of word k+1 inside the chunk; the
        // chunk's last word has no lane 64.
        for (int k = 0; k + 1 < n; ++k)
            count += static_cast<uint64_t>(std::popcount(w[k] ^ ((w[k] >> 1) | (w[k + 1] << 63))));
        count += static_cast<uint64_t>(std::popcount((w[n - 1] ^ (w[n - 1] >> 1)) & (~0ull >> 1)));
        last[s] = w[n - 1];
        toggles[s] += static_cast<double>(count);
    }
}

using CountTogglesFn = void (*)(const std::vector<Signal>&, const uint64_t*, size_t, int, int, uint64_t*, double*);

void countTogglesPortable(const std::vector<Signal>& watched, const uint64_t* slots, size_t stride, int n, int w0,
                          uint64_t* last, double* toggles)
{
    countToggles(watched, slots, stride, n, w0, last, toggles);
}

#if defined(__x86_64__) || defined(__i386__)
// The same loop with the POPCNT instruction instead of libgcc's bit-twiddling
// fallback: identical counts, several times faster on large netlists.
__attribute__((target("popcnt"))) void countTogglesPopcnt(const std::vector<Signal>& watched, const uint64_t* slots,
                                                          size_t stride, int n, int w0, uint64_t* last, double* toggles)
{
    countToggles(watched, slots, stride, n, w0, last, toggles);
}
#endif

CountTogglesFn countTogglesFunction()
{
#if defined(__x86_64__) || defined(__i386__)
    if (detectedIsa() == Isa::Avx2) // AVX2 implies POPCNT here (cpu_dispatch)
        return countTogglesPopcnt;
#endif
    return countTogglesPortable;
}

// Arrival of each output: latest arrival at the inputs it depends on plus
// its delay as costed (zero for constant, unobserved or copied outputs).
double criticalPathPs(const Netlist& netlist, const LiveLogic& live)
{
    std::vector<double> arrival(netlist.signalCount, 0.0);
    for (size_t k = 0; k < netlist.cells.size(); ++k) {
        const CellInstance& c = netlist.cells[k];
        const LiveCell& cell = live.cells[k];
        for (int o = 0; o < 2; ++o) {
            const Signal out = o == 0 ? c.sum : c.carry;
            if (out == kNoSignal)
                continue;
            double in = 0.0;
            for (int i = 0; i < netlist.typeOf(c).inputs; ++i)
                if ((cell.dependsOn[o] >> i) & 1)
                    in = std::max(in, arrival[c.in[i]]);
            arrival[out] = in + cell.delayPs[o];
        }
    }
    double worst = 0.0;
    for (Signal s : netlist.outputs)
        worst = std::max(worst, arrival[s]);
    return worst;
}

double switchingEnergyFj(const Netlist& netlist, const LiveLogic& live, const CostOptions& options)
{
    if (netlist.cells.empty())
        return 0.0;
    if (options.energyVectors < 128)
        throw std::invalid_argument("energy estimate needs at least 128 vectors");
    const int words = options.energyVectors / 64;
    std::vector<uint64_t> inputs(static_cast<size_t>(netlist.inputs) * words);
    Rng rng(options.seed);
    BernoulliWords(options.p).fill(inputs, rng);
    const Simulator sim(netlist);
    std::vector<Signal> watched; // primary inputs (for input-pin energy) and cell outputs
    for (int i = 0; i < netlist.inputs; ++i)
        watched.push_back(kFirstInput + static_cast<Signal>(i));
    for (const auto& c : netlist.cells) {
        watched.push_back(c.sum);
        if (c.carry != kNoSignal)
            watched.push_back(c.carry);
    }
    const CountTogglesFn count = countTogglesFunction();

    // Toggles between consecutive vectors t and t+1 (countToggles), over
    // contiguous blocks of words, one per thread. A block also keeps its first
    // word per signal, for the toggle across the boundary with the block
    // before. Toggle counts are integers, so their sum is the same whatever
    // the split.
    const int blocks = std::clamp(options.threads, 1, words);
    struct Block {
        int w0 = 0, w1 = 0;
        std::vector<double> toggles;
        std::vector<uint64_t> first, last;
    };
    std::vector<Block> part(static_cast<size_t>(blocks));
    const auto simulate = [&](Block& b) {
        b.toggles.assign(netlist.signalCount, 0.0);
        b.last.assign(netlist.signalCount, 0);
        b.first.assign(netlist.signalCount, 0);
        const int n = b.w1 - b.w0;
        std::vector<uint64_t> own; // this block's words, input-major
        std::span<const uint64_t> in = inputs;
        if (blocks > 1) {
            own.resize(static_cast<size_t>(netlist.inputs) * n);
            for (int i = 0; i < netlist.inputs; ++i)
                std::copy_n(inputs.data() + static_cast<size_t>(i) * words + b.w0, n,
                            own.data() + static_cast<size_t>(i) * n);
            in = own;
        }
        std::vector<uint64_t> scratch;
        sim.forEachChunk(in, n, scratch, [&](const uint64_t* slots, size_t stride, int k, int w0) {
            if (w0 == 0)
                for (Signal s : watched)
                    b.first[s] = slots[s * stride];
            count(watched, slots, stride, k, w0, b.last.data(), b.toggles.data());
        });
    };
    for (int i = 0; i < blocks; ++i) {
        part[static_cast<size_t>(i)].w0 = static_cast<int>(static_cast<int64_t>(words) * i / blocks);
        part[static_cast<size_t>(i)].w1 = static_cast<int>(static_cast<int64_t>(words) * (i + 1) / blocks);
    }
    if (blocks == 1) {
        simulate(part[0]);
    } else {
        std::vector<std::future<void>> pool;
        for (size_t i = 1; i < part.size(); ++i)
            pool.push_back(std::async(std::launch::async, [&, i] { simulate(part[i]); }));
        simulate(part[0]);
        for (auto& f : pool)
            f.get(); // rethrows
    }
    std::vector<double>& toggles = part[0].toggles;
    for (size_t i = 1; i < part.size(); ++i)
        for (Signal s : watched)
            toggles[s] +=
                part[i].toggles[s] + static_cast<double>((part[i - 1].last[s] >> 63) ^ (part[i].first[s] & 1));

    const double pairs = static_cast<double>(words) * 64 - 1;
    double energy = 0.0;
    for (size_t k = 0; k < netlist.cells.size(); ++k) {
        const CellInstance& c = netlist.cells[k];
        energy += toggles[c.sum] / pairs * live.cells[k].energyFj[0];
        if (c.carry != kNoSignal)
            energy += toggles[c.carry] / pairs * live.cells[k].energyFj[1];
        for (int i = 0; i < netlist.typeOf(c).inputs; ++i)
            if (live.cells[k].inputEnergyFj[i] > 0 && c.in[i] >= kFirstInput)
                energy += toggles[c.in[i]] / pairs * live.cells[k].inputEnergyFj[i];
    }
    return energy;
}

} // namespace

double criticalPathPs(const Netlist& netlist)
{
    return criticalPathPs(netlist, liveLogic(netlist));
}

double switchingEnergyFj(const Netlist& netlist, const CostOptions& options)
{
    return switchingEnergyFj(netlist, liveLogic(netlist), options);
}

CircuitCost computeCost(const Netlist& netlist, const CostOptions& options)
{
    CircuitCost cost;
    const LiveLogic live = liveLogic(netlist);
    for (const auto& t : netlist.types)
        cost.counts[t.name] = 0;
    for (size_t k = 0; k < netlist.cells.size(); ++k) {
        const CellType& t = netlist.typeOf(netlist.cells[k]);
        ++cost.counts[t.name];
        cost.areaUm2 += live.cells[k].areaUm2;
        if (!t.isExact())
            ++cost.approximateCells;
    }
    cost.cells = static_cast<int>(netlist.cells.size());
    if (options.transistors)
        cost.transistors = mapTransistors(netlist, live).transistors;
    cost.delayPs = criticalPathPs(netlist, live);
    cost.energyFj = switchingEnergyFj(netlist, live, options);
    cost.outputBits = netlist.outputBits();
    return cost;
}

} // namespace axbnn
