// Per-cell local error from input-combination counts on the bit-parallel simulation.
#include "analysis/cell_contribution.h"

#include "circuit/simulator.h"
#include "util/cpu_dispatch.h"
#include "util/random_bits.h"
#include "util/shown_text.h"

#include <bit>
#include <cmath>
#include <stdexcept>

namespace axbnn {
namespace {

// The approximate kind a cell is, or would become when toggled; null if none.
const CellType* approximateKind(const Netlist& net, int index, const CellLibrary& library, const ApproxConfig& config)
{
    const CellType& type = net.typeOf(net.cells[index]);
    if (!type.isExact())
        return &type;
    const std::string* name = nullptr;
    if (type.name == "fa")
        name = &fullAdderCellFor(net, index, config);
    else if (type.name == "ha" && !config.haCell.empty())
        name = &config.haCell;
    if (name == nullptr)
        return nullptr;
    const CellType& alt = library.at(*name);
    if (alt.inputs != type.inputs || !alt.hasCarry)
        throw std::invalid_argument("cell '" + shownText(*name) + "' cannot replace '" + shownText(type.name) + "'");
    return alt.isExact() ? nullptr : &alt;
}

struct ErrorCombo {
    unsigned combination;
    int error;
};

using Combos = std::vector<std::vector<ErrorCombo>>;
using Hits = std::vector<std::vector<uint64_t>>;

// hits[i][j] += lanes of one simulated chunk where cell i saw its j-th
// erroneous input combination.
[[gnu::always_inline]] inline void countHits(const std::vector<Simulator::Op>& ops, const Combos& combos,
                                             const uint64_t* slots, size_t stride, int count, Hits& hits)
{
    for (size_t i = 0; i < combos.size(); ++i) {
        if (combos[i].empty())
            continue;
        const auto& op = ops[i];
        for (int k = 0; k < count; ++k) {
            const uint64_t a = slots[op.in[0] * stride + k];
            const uint64_t b = slots[op.in[1] * stride + k];
            const uint64_t c = slots[op.in[2] * stride + k];
            for (size_t j = 0; j < combos[i].size(); ++j) {
                const unsigned m = combos[i][j].combination;
                const uint64_t mask = (m & 1 ? a : ~a) & (m & 2 ? b : ~b) & (m & 4 ? c : ~c);
                hits[i][j] += static_cast<uint64_t>(std::popcount(mask));
            }
        }
    }
}

using CountHitsFn = void (*)(const std::vector<Simulator::Op>&, const Combos&, const uint64_t*, size_t, int, Hits&);

void countHitsPortable(const std::vector<Simulator::Op>& ops, const Combos& combos, const uint64_t* slots,
                       size_t stride, int count, Hits& hits)
{
    countHits(ops, combos, slots, stride, count, hits);
}

#if defined(__x86_64__) || defined(__i386__)
// Same counts with the POPCNT instruction instead of libgcc's fallback.
__attribute__((target("popcnt"))) void countHitsPopcnt(const std::vector<Simulator::Op>& ops, const Combos& combos,
                                                       const uint64_t* slots, size_t stride, int count, Hits& hits)
{
    countHits(ops, combos, slots, stride, count, hits);
}
#endif

CountHitsFn countHitsFunction()
{
#if defined(__x86_64__) || defined(__i386__)
    if (detectedIsa() == Isa::Avx2) // AVX2 implies POPCNT here (cpu_dispatch)
        return countHitsPopcnt;
#endif
    return countHitsPortable;
}

} // namespace

std::vector<CellContribution> cellContributions(const Netlist& netlist, const CellLibrary& library,
                                                const ApproxConfig& config, const ContributionOptions& options)
{
    if (!(options.p >= 0.0 && options.p <= 1.0))
        throw std::invalid_argument("p must be between 0 and 1");
    if (options.samples == 0)
        throw std::invalid_argument("the number of samples must be positive");
    const size_t cellCount = netlist.cells.size();
    std::vector<CellContribution> result(cellCount);
    std::vector<std::vector<ErrorCombo>> combos(cellCount);
    bool any = false;
    for (size_t i = 0; i < cellCount; ++i) {
        const CellInstance& cell = netlist.cells[i];
        const CellType* kind = approximateKind(netlist, static_cast<int>(i), library, config);
        CellContribution& r = result[i];
        r.approximate = netlist.isApproximate(cell);
        if (kind == nullptr)
            continue;
        r.replaceable = true;
        r.alternative = kind->name;
        for (unsigned m = 0; m < (1u << kind->inputs); ++m)
            if (kind->error(m) != 0)
                combos[i].push_back({m, kind->error(m)});
        any = any || !combos[i].empty();
    }
    if (!any || netlist.inputs == 0)
        return result;

    const Simulator sim(netlist);
    const int words = static_cast<int>((options.samples + 63) / 64);
    std::vector<uint64_t> in(static_cast<size_t>(netlist.inputs) * words);
    Rng rng(options.seed);
    BernoulliWords(options.p).fill(in, rng);
    // hits[i][j]: lanes where cell i saw its j-th erroneous combination.
    Hits hits(cellCount);
    for (size_t i = 0; i < cellCount; ++i)
        hits[i].assign(combos[i].size(), 0);
    std::vector<uint64_t> scratch;
    const auto& ops = sim.ops();
    const CountHitsFn countHitsFn = countHitsFunction();
    sim.forEachChunk(in, words, scratch, [&](const uint64_t* slots, size_t stride, int count, int) {
        countHitsFn(ops, combos, slots, stride, count, hits);
    });
    const double total = static_cast<double>(words) * 64.0;
    for (size_t i = 0; i < cellCount; ++i) {
        CellContribution& r = result[i];
        const double weight = std::ldexp(1.0, netlist.cells[i].column);
        for (size_t j = 0; j < combos[i].size(); ++j) {
            const double prob = static_cast<double>(hits[i][j]) / total;
            const int e = combos[i][j].error;
            r.errorRate += prob;
            r.meanError += weight * e * prob;
            r.meanAbsError += weight * std::abs(e) * prob;
        }
    }
    return result;
}

} // namespace axbnn
