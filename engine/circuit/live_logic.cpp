// Constant propagation, unobserved outputs and the reduced cost of each cell.
#include "circuit/live_logic.h"

#include "circuit/gate_cells.h"

#include <map>
#include <optional>
#include <tuple>

namespace axbnn {
namespace {

// The known values of a cell's inputs (kUnknown where not constant).
using InputStates = std::array<int8_t, 3>;

int outputTable(const CellType& t, int output)
{
    return output == 0 ? t.sumTable : (t.hasCarry ? t.carryTable : 0);
}

bool consistent(unsigned combination, const InputStates& states, int inputs)
{
    for (int j = 0; j < inputs; ++j)
        if (states[j] != kUnknown && static_cast<int>((combination >> j) & 1) != states[j])
            return false;
    return true;
}

// The output's constant value under the constant inputs, or kUnknown.
int8_t constantOutput(const CellType& t, int output, const InputStates& states)
{
    const int table = outputTable(t, output);
    int8_t seen = kUnknown;
    for (unsigned i = 0; i < (1u << t.inputs); ++i) {
        if (!consistent(i, states, t.inputs))
            continue;
        const auto bit = static_cast<int8_t>((table >> i) & 1);
        if (seen == kUnknown)
            seen = bit;
        else if (seen != bit)
            return kUnknown;
    }
    return seen;
}

// Inputs whose value changes the output for some allowed combination.
uint8_t dependence(const CellType& t, int output, const InputStates& states)
{
    const int table = outputTable(t, output);
    uint8_t mask = 0;
    for (int j = 0; j < t.inputs; ++j)
        for (unsigned i = 0; i < (1u << t.inputs) && states[j] == kUnknown; ++i)
            if (!((i >> j) & 1) && consistent(i, states, t.inputs)
                && ((table >> i) & 1) != ((table >> (i | (1u << j))) & 1))
                mask |= static_cast<uint8_t>(1u << j);
    return mask;
}

// A function of the r relevant inputs: bit k is the value when relevant input
// q (in ascending cell-input order) is bit q of k.
struct Reduced {
    std::vector<int> relevant; // cell input indices
    unsigned table = 0;
};

Reduced reduce(const CellType& t, int output, const InputStates& states, uint8_t relevantMask)
{
    Reduced r;
    for (int j = 0; j < t.inputs; ++j)
        if ((relevantMask >> j) & 1)
            r.relevant.push_back(j);
    unsigned fixed = 0; // constant inputs; irrelevant unknown inputs at 0
    for (int j = 0; j < t.inputs; ++j)
        if (states[j] == 1)
            fixed |= 1u << j;
    const int table = outputTable(t, output);
    for (unsigned k = 0; k < (1u << r.relevant.size()); ++k) {
        unsigned i = fixed;
        for (size_t q = 0; q < r.relevant.size(); ++q)
            if ((k >> q) & 1)
                i |= 1u << r.relevant[q];
        r.table |= static_cast<unsigned>((table >> i) & 1) << k;
    }
    return r;
}

// What a candidate cell computes over the r relevant inputs when relevant
// input q drives candidate input place[q] and the others are tied to the
// bits of `tied`.
unsigned candidateTable(const CellType& c, int output, const std::array<int, 3>& place, size_t r, unsigned tied)
{
    const int table = outputTable(c, output);
    unsigned out = 0;
    for (unsigned k = 0; k < (1u << r); ++k) {
        unsigned i = tied;
        for (size_t q = 0; q < r; ++q)
            if ((k >> q) & 1)
                i |= 1u << place[q];
        out |= static_cast<unsigned>((table >> i) & 1) << k;
    }
    return out;
}

// One way of computing some live outputs: a cell kind and, per output, which
// of its outputs (-1: not covered).
struct Cover {
    const CellType* cell = nullptr;
    std::array<int, 2> from{-1, -1};

    bool cheaperThan(const CellType& other) const
    {
        return std::tie(cell->transistors, cell->areaUm2) < std::tie(other.transistors, other.areaUm2);
    }
};

// Which outputs of `c` compute each wanted function (all over the same
// relevant inputs), for the first input placement that covers all of them.
std::optional<Cover> covers(const CellType& c, const std::array<std::optional<Reduced>, 2>& wanted, size_t r)
{
    if (c.inputs < static_cast<int>(r))
        return std::nullopt;
    const int outputs = c.hasCarry ? 2 : 1;
    std::array<int, 3> place{0, 1, 2};
    // Every injective placement of the r relevant inputs on the candidate's
    // inputs: permutations of all its inputs, the first r taken.
    std::array<int, 3> perm{0, 1, 2};
    do {
        for (size_t q = 0; q < r; ++q)
            place[q] = perm[q];
        unsigned freeMask = (1u << c.inputs) - 1;
        for (size_t q = 0; q < r; ++q)
            freeMask &= ~(1u << place[q]);
        // Every constant assignment of the remaining inputs (subsets of freeMask).
        for (unsigned tied = freeMask;; tied = (tied - 1) & freeMask) {
            Cover cover{&c, {-1, -1}};
            bool all = true;
            for (int o = 0; o < 2 && all; ++o) {
                if (!wanted[o])
                    continue;
                for (int co = 0; co < outputs && cover.from[o] < 0; ++co)
                    if (candidateTable(c, co, place, r, tied) == wanted[o]->table)
                        cover.from[o] = co;
                all = cover.from[o] >= 0;
            }
            if (all)
                return cover;
            if (tied == 0)
                break;
        }
    } while (std::next_permutation(perm.begin(), perm.begin() + c.inputs));
    return std::nullopt;
}

// Which output of a part drives a cell output: 0 sum, 1 carry, -1 none,
// kFromInverter: an inverter on the cell's other output.
constexpr int kFromInverter = -2;
struct Part {
    const CellType* cell;
    std::array<int, 2> from;
};

class Coster {
public:
    explicit Coster(const Netlist& net)
    {
        for (const auto& t : net.types)
            candidates_.push_back(t);
        for (int g = 0; g < kGateKinds; ++g) {
            const CellType gate = gateCell(static_cast<Gate>(g));
            bool overridden = false;
            for (const auto& t : net.types)
                overridden = overridden || t.name == gate.name;
            if (!overridden)
                candidates_.push_back(gate);
        }
        for (const auto& c : candidates_)
            if (c.name == gateName(Gate::Inv))
                inverter_ = &c;
    }

    LiveCell cost(int typeIndex, const CellType& t, const InputStates& states, std::array<bool, 2> live)
    {
        const auto key = std::tuple(typeIndex, states, live);
        if (const auto it = memo_.find(key); it != memo_.end())
            return it->second;
        return memo_[key] = compute(t, states, live);
    }

private:
    LiveCell compute(const CellType& t, const InputStates& states, std::array<bool, 2> live) const
    {
        LiveCell cell;
        cell.live = live;
        std::array<std::optional<Reduced>, 2> wanted; // live outputs that need logic
        uint8_t relevant = 0;
        bool reduced = false;
        for (int j = 0; j < t.inputs; ++j)
            reduced = reduced || states[j] != kUnknown;
        for (int o = 0; o < 2; ++o) {
            const bool exists = o == 0 || t.hasCarry;
            if (!exists)
                continue;
            if (!live[o]) {
                reduced = true;
                continue;
            }
            cell.dependsOn[o] = dependence(t, o, states);
            Reduced r = reduce(t, o, states, cell.dependsOn[o]);
            if (r.relevant.size() == 1 && r.table == 0b10) {
                reduced = true; // a copy of its one input: a wire
                continue;
            }
            wanted[o] = std::move(r);
            relevant |= cell.dependsOn[o];
        }
        if (relevant != (1u << t.inputs) - 1)
            reduced = true;
        if (!wanted[0] && !wanted[1])
            return cell;
        std::vector<Part> chosen{{&t, {wanted[0] ? 0 : -1, wanted[1] ? 1 : -1}}};
        if (reduced)
            chosen = cheapestParts(t, states, wanted, relevant, cell.dependsOn, chosen);
        for (const auto& part : chosen) {
            cell.areaUm2 += part.cell->areaUm2;
            cell.transistors += part.cell->transistors;
            for (int o = 0; o < 2; ++o)
                if (part.from[o] >= 0) {
                    cell.delayPs[o] = part.from[o] == 0 ? part.cell->delaySumPs : part.cell->delayCarryPs;
                    cell.energyFj[o] = part.from[o] == 0 ? part.cell->energySumFj : part.cell->energyCarryFj;
                }
        }
        if (chosen.size() == 1 && chosen[0].cell == &t)
            cell.inputEnergyFj = t.energyInputFj;
        for (const auto& part : chosen)
            for (int o = 0; o < 2; ++o)
                if (part.from[o] == kFromInverter) {
                    cell.delayPs[o] = cell.delayPs[1 - o] + part.cell->delaySumPs;
                    cell.energyFj[o] = part.cell->energySumFj;
                }
        return cell;
    }

    // The cell kinds that compute the wanted outputs of a reduced cell.
    std::vector<Part> cheapestParts(const CellType& t, const InputStates& states,
                                    const std::array<std::optional<Reduced>, 2>& wanted, uint8_t relevant,
                                    const std::array<uint8_t, 2>& dependsOn, std::vector<Part> chosen) const
    {
        // Both wanted functions over their common relevant inputs.
        std::array<std::optional<Reduced>, 2> common;
        for (int o = 0; o < 2; ++o)
            if (wanted[o])
                common[o] = reduce(t, o, states, relevant);
        const size_t r = common[0] ? common[0]->relevant.size() : common[1]->relevant.size();

        // The full cell, one candidate for all, one candidate per output, or
        // for complementary outputs (S = NOT C) one of them and an inverter:
        // the cheapest (transistors, then area); the full cell on a tie.
        const auto price = [](const std::vector<Part>& parts) {
            int tr = 0;
            double area = 0.0;
            for (const auto& p : parts) {
                tr += p.cell->transistors;
                area += p.cell->areaUm2;
            }
            return std::tuple(tr, area);
        };
        const auto consider = [&](std::vector<Part> parts) {
            if (price(parts) < price(chosen))
                chosen = std::move(parts);
        };
        const auto cheapest = [&](const std::array<std::optional<Reduced>, 2>& target, size_t inputs) {
            std::optional<Cover> found;
            for (const auto& c : candidates_)
                if (auto cover = covers(c, target, inputs); cover && (!found || cover->cheaperThan(*found->cell)))
                    found = cover;
            return found;
        };
        if (const auto all = cheapest(common, r))
            consider({{all->cell, all->from}});
        std::array<std::optional<Cover>, 2> each;
        for (int o = 0; o < 2; ++o)
            if (wanted[o]) {
                std::array<std::optional<Reduced>, 2> one;
                one[o] = reduce(t, o, states, dependsOn[o]);
                each[o] = cheapest(one, one[o]->relevant.size());
            }
        if (each[0] && each[1]) {
            consider({{each[0]->cell, {each[0]->from[0], -1}}, {each[1]->cell, {-1, each[1]->from[1]}}});
            const unsigned ones = (1u << (1u << r)) - 1;
            if ((common[0]->table ^ common[1]->table) == ones)
                for (int o = 0; o < 2; ++o) {
                    std::array<int, 2> from{-1, -1};
                    from[o] = each[o]->from[o];
                    std::array<int, 2> inverted{-1, -1};
                    inverted[1 - o] = kFromInverter;
                    consider({{each[o]->cell, from}, {inverter_, inverted}});
                }
        }
        return chosen;
    }

    std::vector<CellType> candidates_;
    const CellType* inverter_ = nullptr;
    std::map<std::tuple<int, InputStates, std::array<bool, 2>>, LiveCell> memo_;
};

InputStates statesOf(const Netlist& net, const CellInstance& c, const std::vector<int8_t>& value)
{
    InputStates states{kUnknown, kUnknown, kUnknown};
    for (int j = 0; j < net.typeOf(c).inputs; ++j)
        states[j] = value[c.in[j]];
    return states;
}

} // namespace

LiveLogic liveLogic(const Netlist& net)
{
    LiveLogic result;
    result.value.assign(net.signalCount, kUnknown);
    result.value[kConst0] = 0;
    result.value[kConst1] = 1;
    for (const auto& c : net.cells) {
        const CellType& t = net.typeOf(c);
        const InputStates states = statesOf(net, c, result.value);
        result.value[c.sum] = constantOutput(t, 0, states);
        if (c.carry != kNoSignal)
            result.value[c.carry] = constantOutput(t, 1, states);
    }

    std::vector<bool> observed(net.signalCount, false);
    for (Signal s : net.outputs)
        observed[s] = result.value[s] == kUnknown;
    Coster coster(net);
    result.cells.resize(net.cells.size());
    for (size_t k = net.cells.size(); k-- > 0;) {
        const CellInstance& c = net.cells[k];
        const CellType& t = net.typeOf(c);
        const InputStates states = statesOf(net, c, result.value);
        std::array<bool, 2> live{observed[c.sum] && result.value[c.sum] == kUnknown,
                                 c.carry != kNoSignal && observed[c.carry] && result.value[c.carry] == kUnknown};
        LiveCell& cell = result.cells[k] = coster.cost(c.type, t, states, live);
        for (int o = 0; o < 2; ++o)
            for (int j = 0; j < t.inputs; ++j)
                if ((cell.dependsOn[o] >> j) & 1)
                    observed[c.in[j]] = true;
    }
    return result;
}

} // namespace axbnn
