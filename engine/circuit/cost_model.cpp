// Cell counts, area, transistors, static timing and switching energy.
#include "circuit/cost_model.h"

#include "circuit/simulator.h"
#include "util/cpu_dispatch.h"
#include "util/random_bits.h"

#include <algorithm>
#include <bit>
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
        for (int k = 0; k < n; ++k) {
            uint64_t shifted = w[k] >> 1;
            uint64_t valid = ~0ull >> 1;
            if (k + 1 < n) {
                shifted |= w[k + 1] << 63;
                valid = ~0ull;
            }
            count += std::popcount((w[k] ^ shifted) & valid);
        }
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
                                                         size_t stride, int n, int w0, uint64_t* last,
                                                         double* toggles)
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

} // namespace

double criticalPathPs(const Netlist& netlist)
{
    std::vector<double> arrival(netlist.signalCount, 0.0);
    for (const auto& c : netlist.cells) {
        const CellType& t = netlist.typeOf(c);
        double in = 0.0;
        for (int i = 0; i < t.inputs; ++i)
            in = std::max(in, arrival[c.in[i]]);
        arrival[c.sum] = in + t.delaySumPs;
        if (c.carry != kNoSignal)
            arrival[c.carry] = in + t.delayCarryPs;
    }
    double worst = 0.0;
    for (Signal s : netlist.outputs)
        worst = std::max(worst, arrival[s]);
    return worst;
}

double switchingEnergyFj(const Netlist& netlist, const CostOptions& options)
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
    // Toggles between consecutive vectors t and t+1 (countToggles).
    std::vector<double> toggles(netlist.signalCount, 0.0);
    std::vector<uint64_t> last(netlist.signalCount, 0);
    std::vector<Signal> watched;
    for (const auto& c : netlist.cells) {
        watched.push_back(c.sum);
        if (c.carry != kNoSignal)
            watched.push_back(c.carry);
    }
    std::vector<uint64_t> scratch;
    const CountTogglesFn count = countTogglesFunction();
    sim.forEachChunk(inputs, words, scratch, [&](const uint64_t* slots, size_t stride, int n, int w0) {
        count(watched, slots, stride, n, w0, last.data(), toggles.data());
    });
    const double pairs = static_cast<double>(words) * 64 - 1;
    double energy = 0.0;
    for (const auto& c : netlist.cells) {
        const CellType& t = netlist.typeOf(c);
        energy += toggles[c.sum] / pairs * t.energySumFj;
        if (c.carry != kNoSignal)
            energy += toggles[c.carry] / pairs * t.energyCarryFj;
    }
    return energy;
}

CircuitCost computeCost(const Netlist& netlist, const CostOptions& options)
{
    CircuitCost cost;
    for (const auto& t : netlist.types)
        cost.counts[t.name] = 0;
    for (const auto& c : netlist.cells) {
        const CellType& t = netlist.typeOf(c);
        ++cost.counts[t.name];
        cost.areaUm2 += t.areaUm2;
        cost.transistors += t.transistors;
        if (!t.isExact())
            ++cost.approximateCells;
    }
    cost.cells = static_cast<int>(netlist.cells.size());
    cost.delayPs = criticalPathPs(netlist);
    cost.energyFj = switchingEnergyFj(netlist, options);
    cost.outputBits = netlist.outputBits();
    return cost;
}

} // namespace axbnn
