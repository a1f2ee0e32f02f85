// Cut-based mapping of an and-inverter graph onto static CMOS gates
// (circuit/cut_mapper.h).
#include "circuit/cut_mapper.h"

#include "circuit/cmos_gates.h"

#include <algorithm>
#include <array>
#include <limits>
#include <tuple>
#include <vector>

namespace axbnn::cmos {
namespace {

using aig::Aig;
using aig::Lit;
using aig::negated;
using aig::nodeOf;

// ---------------------------------------------------------------------------
// Cuts and the area-flow mapping.

struct Cut {
    std::array<uint32_t, kCutSize> leaf{};
    uint8_t size = 0;
    uint16_t tt = 0; // the node's function of the leaves (leaf i = variable i)
    uint64_t sign = 0; // bit (leaf mod 64) of every leaf: quick subset tests
};

uint64_t leafSign(uint32_t leaf)
{
    return uint64_t{1} << (leaf & 63u);
}

// Moves variable `from` of a 4-input truth table to position `to` (> from),
// where the function does not depend on the variable it finds.
uint16_t moveVariable(uint16_t tt, int from, int to)
{
    static constexpr uint16_t kVar[kCutSize] = {0xAAAA, 0xCCCC, 0xF0F0, 0xFF00};
    const int shift = (1 << to) - (1 << from);
    const auto up = static_cast<uint16_t>(kVar[from] & ~kVar[to]); // from = 1, to = 0
    const auto down = static_cast<uint16_t>(up << shift); // from = 0, to = 1
    return static_cast<uint16_t>((tt & ~(up | down)) | ((tt & up) << shift) | ((tt & down) >> shift));
}

// The node's truth table over `merged` given its table over `sub` (a subset).
uint16_t stretch(uint16_t tt, const Cut& sub, const Cut& merged)
{
    std::array<int, kCutSize> pos{};
    for (int i = 0, j = 0; i < sub.size; ++i) {
        while (merged.leaf[j] != sub.leaf[i])
            ++j;
        pos[i] = j;
    }
    for (int i = sub.size - 1; i >= 0; --i)
        if (pos[i] != i)
            tt = moveVariable(tt, i, pos[i]);
    return tt;
}

bool mergeLeaves(const Cut& a, const Cut& b, Cut& out)
{
    out.sign = a.sign | b.sign;
    uint64_t rest = out.sign; // more than kCutSize distinct bits: too many leaves
    for (int i = 0; i < kCutSize && rest; ++i)
        rest &= rest - 1;
    if (rest)
        return false;
    int i = 0, j = 0, k = 0;
    while (i < a.size || j < b.size) {
        uint32_t next;
        if (j >= b.size || (i < a.size && a.leaf[i] < b.leaf[j]))
            next = a.leaf[i++];
        else if (i >= a.size || b.leaf[j] < a.leaf[i])
            next = b.leaf[j++];
        else
            next = a.leaf[i++], ++j;
        if (k == kCutSize)
            return false;
        out.leaf[k++] = next;
    }
    out.size = static_cast<uint8_t>(k);
    return true;
}

bool subset(const Cut& small, const Cut& big)
{
    if (small.size > big.size || (small.sign & ~big.sign) != 0)
        return false;
    int j = 0;
    for (int i = 0; i < small.size; ++i) {
        while (j < big.size && big.leaf[j] < small.leaf[i])
            ++j;
        if (j == big.size || big.leaf[j] != small.leaf[i])
            return false;
    }
    return true;
}

constexpr int kCutsPerNode = 16;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// How a node is made available in one phase.
struct Choice {
    double flow = kInfinity;
    bool viaInverter = false; // the other phase plus a NOT
    Cut cut;
    Match match;
};

class Mapper {
public:
    explicit Mapper(const Aig& g) : g_(g), cuts_(g.size()), refs_(g.size(), 0), choice_(g.size()) {}

    void run()
    {
        for (uint32_t n = 1; n < g_.size(); ++n)
            if (g_.isAnd(n))
                for (Lit l : g_.fanin(n))
                    ++refs_[nodeOf(l)];
        for (uint32_t n = 0; n < g_.size(); ++n) {
            Cut unit;
            unit.leaf[0] = n;
            unit.size = 1;
            unit.tt = 0xAAAA;
            unit.sign = leafSign(n);
            if (!g_.isAnd(n)) {
                cuts_[n] = {unit};
                choice_[n][0].flow = 0.0;
                choice_[n][1].flow = n == 0 ? 0.0 : kNotCost; // constant 1 is free
                choice_[n][1].viaInverter = n != 0;
                continue;
            }
            enumerate(n, unit);
        }
    }

    // Transistors of the cover that makes every required literal available.
    // A node needed in both phases is built once and inverted: the phase
    // whose own implementation costs more becomes a NOT of the other.
    long cover(const std::vector<Lit>& required, std::vector<MappedGate>* gates)
    {
        for (int round = 0; round < 8; ++round) {
            const std::vector<uint8_t> built = traverse(required, nullptr);
            bool changed = false;
            for (uint32_t n = 1; n < g_.size(); ++n) {
                auto& c = choice_[n];
                if (built[n] != 3 || c[0].viaInverter || c[1].viaInverter)
                    continue;
                c[c[0].flow > c[1].flow ? 0 : 1].viaInverter = true;
                changed = true;
            }
            if (!changed)
                break;
        }
        recoverArea(required);
        long total = 0;
        traverse(required, &total, gates);
        return total;
    }

private:
    // Exact-area recovery: with the cover's references counted, each built
    // (node, phase) in turn takes the implementation that adds the fewest
    // transistors to the rest of the cover (its inverter option included).
    void recoverArea(const std::vector<Lit>& required)
    {
        coverRefs_.assign(g_.size() * 2, 0);
        for (Lit l : required)
            acquire(nodeOf(l), negated(l) ? 1 : 0, kUnlimited, nullptr);
        std::vector<std::pair<uint32_t, int>> log;
        for (uint32_t n = 1; n < g_.size(); ++n) {
            if (!g_.isAnd(n))
                continue;
            for (int p = 0; p < 2; ++p) {
                if (ref(n, p) == 0)
                    continue;
                releaseNeeds(n, p, choice_[n][p]);
                Choice best = choice_[n][p];
                long bestArea = 0;
                bool first = true;
                const auto tryChoice = [&](const Choice& c) {
                    log.clear();
                    long area = gateCost(n, c);
                    forNeeds(n, p, c, [&](uint32_t l, int lp) { area += acquire(l, lp, kBudget, &log); });
                    for (const auto& [m, q] : log)
                        --ref(m, q);
                    if (first || area < bestArea)
                        best = c, bestArea = area, first = false;
                };
                tryChoice(choice_[n][p]);
                if (!choice_[n][1 - p].viaInverter) {
                    Choice inv;
                    inv.viaInverter = true;
                    tryChoice(inv);
                }
                for (size_t k = 1; k < cuts_[n].size(); ++k) {
                    const Cut& cut = cuts_[n][k];
                    const uint16_t tt = p ? static_cast<uint16_t>(~cut.tt) : cut.tt;
                    if (tt == 0 || tt == 0xFFFF) {
                        tryChoice(Choice{0.0, false, cut, constantMatch(tt != 0)});
                        continue;
                    }
                    for (const Match& m : cmos::matches(tt))
                        tryChoice(Choice{0.0, false, cut, m});
                }
                best.flow = choice_[n][p].flow;
                choice_[n][p] = best;
                forNeeds(n, p, best, [&](uint32_t l, int lp) { acquire(l, lp, kBudget, nullptr); });
            }
        }
    }

    uint32_t& ref(uint32_t n, int p) { return coverRefs_[n * 2 + static_cast<uint32_t>(p)]; }

    long gateCost(uint32_t n, const Choice& c) const
    {
        if (n == 0)
            return 0;
        if (c.viaInverter)
            return kNotCost;
        return g_.isAnd(n) ? c.match.cost : 0;
    }

    // Calls f(leaf, phase) for what (n, p) reads under choice c.
    template <class F>
    void forNeeds(uint32_t n, int p, const Choice& c, F f) const
    {
        if (n == 0)
            return;
        if (c.viaInverter)
            f(n, 1 - p);
        else if (g_.isAnd(n))
            for (int i = 0; i < c.match.inputs; ++i)
                f(c.cut.leaf[c.match.var[i]], c.match.phase[i]);
    }

    // References (n, p) and, for what this brings into the cover, what it
    // reads, expanding at most `budget` nodes (so a long chain is not walked
    // for every candidate; the references are then estimates, which only
    // steer the choices: the count comes from traverse()). Logs every
    // reference taken when `log` is given; returns the transistors added.
    long acquire(uint32_t n, int p, int budget, std::vector<std::pair<uint32_t, int>>* log)
    {
        long area = 0;
        std::vector<std::pair<uint32_t, int>>& stack = stack_;
        stack.assign(1, {n, p});
        while (!stack.empty()) {
            const auto [m, q] = stack.back();
            stack.pop_back();
            if (log)
                log->emplace_back(m, q);
            if (ref(m, q)++ > 0)
                continue;
            area += gateCost(m, choice_[m][q]);
            if (budget-- > 0)
                forNeeds(m, q, choice_[m][q], [&](uint32_t l, int lp) { stack.emplace_back(l, lp); });
        }
        return area;
    }

    // Drops one reference of what (n, p) reads under c, and of what that
    // frees in turn (at most kBudget nodes).
    void releaseNeeds(uint32_t n, int p, const Choice& c)
    {
        std::vector<std::pair<uint32_t, int>>& stack = stack_;
        stack.clear();
        forNeeds(n, p, c, [&](uint32_t l, int lp) { stack.emplace_back(l, lp); });
        int budget = kBudget;
        while (!stack.empty()) {
            const auto [m, q] = stack.back();
            stack.pop_back();
            if (ref(m, q) == 0 || --ref(m, q) > 0 || budget-- <= 0)
                continue;
            forNeeds(m, q, choice_[m][q], [&](uint32_t l, int lp) { stack.emplace_back(l, lp); });
        }
    }

    static constexpr int kBudget = 32;
    static constexpr int kUnlimited = std::numeric_limits<int>::max();
    std::vector<std::pair<uint32_t, int>> stack_;

    // The phases of each node the cover builds (bit p: phase p), adding the
    // cover's transistors to `total` when given.
    std::vector<uint8_t> traverse(const std::vector<Lit>& required, long* total,
                                  std::vector<MappedGate>* gates = nullptr) const
    {
        std::vector<uint8_t> done(g_.size(), 0);
        std::vector<std::pair<uint32_t, int>> stack;
        for (Lit l : required)
            stack.emplace_back(nodeOf(l), negated(l) ? 1 : 0);
        long sum = 0;
        while (!stack.empty()) {
            const auto [n, p] = stack.back();
            stack.pop_back();
            if (n == 0 || (done[n] >> p) & 1u)
                continue;
            done[n] |= static_cast<uint8_t>(1u << p);
            const Choice& c = choice_[n][p];
            MappedGate gate;
            gate.node = n;
            gate.phase = p;
            if (c.viaInverter) {
                sum += kNotCost;
                stack.emplace_back(n, 1 - p);
                gate.shape = kMappedInverter;
                gate.transistors = kNotCost;
                gate.inputs = 1;
                gate.inNode[0] = n;
                gate.inPhase[0] = 1 - p;
                if (gates)
                    gates->push_back(gate);
                continue;
            }
            if (!g_.isAnd(n))
                continue; // an input in its own phase
            sum += c.match.cost;
            for (int i = 0; i < c.match.inputs; ++i)
                stack.emplace_back(c.cut.leaf[c.match.var[i]], c.match.phase[i]);
            if (!gates)
                continue;
            gate.shape = c.match.constant ? kMappedConstant : c.match.shape;
            gate.constantValue = c.match.constantValue;
            gate.transistors = c.match.cost;
            gate.inputs = c.match.inputs;
            for (int i = 0; i < c.match.inputs; ++i) {
                gate.inNode[i] = c.cut.leaf[c.match.var[i]];
                gate.inPhase[i] = c.match.phase[i];
            }
            gates->push_back(gate);
        }
        if (gates) // leaves are older nodes; a node's inverter reads its other phase
            std::sort(gates->begin(), gates->end(), [](const MappedGate& a, const MappedGate& b) {
                return std::make_pair(a.node, a.shape == kMappedInverter)
                    < std::make_pair(b.node, b.shape == kMappedInverter);
            });
        if (total)
            *total = sum;
        return done;
    }

    double leafFlow(uint32_t leaf, int phase) const
    {
        return choice_[leaf][phase].flow / std::max<uint32_t>(1, refs_[leaf]);
    }

    // The best single gate computing `tt` over the cut: updates the node's
    // choice for `phase` and returns the cut's own best flow.
    double consider(uint32_t n, const Cut& cut, int phase, uint16_t tt)
    {
        Choice& c = choice_[n][phase];
        if (tt == 0 || tt == 0xFFFF) { // redundant logic: a constant
            c = Choice{0.0, false, cut, constantMatch(tt != 0)};
            return 0.0;
        }
        double best = kInfinity;
        for (const Match& m : cmos::matches(tt)) {
            double flow = m.cost;
            for (int i = 0; i < m.inputs; ++i)
                flow += leafFlow(cut.leaf[m.var[i]], m.phase[i]);
            best = std::min(best, flow);
            if (flow < c.flow) {
                c.flow = flow;
                c.viaInverter = false;
                c.cut = cut;
                c.match = m;
            }
        }
        return best;
    }

    void enumerate(uint32_t n, const Cut& unit)
    {
        const auto& [l0, l1] = g_.fanin(n);
        // Leaf sets first (dominated ones dropped), truth tables for the rest.
        std::vector<Cut>& found = found_;
        std::vector<std::pair<const Cut*, const Cut*>>& from = from_;
        found.clear();
        from.clear();
        for (const Cut& a : cuts_[nodeOf(l0)])
            for (const Cut& b : cuts_[nodeOf(l1)]) {
                Cut m;
                if (!mergeLeaves(a, b, m))
                    continue;
                if (std::any_of(found.begin(), found.end(), [&](const Cut& o) { return subset(o, m); }))
                    continue;
                for (size_t i = found.size(); i-- > 0;)
                    if (subset(m, found[i])) {
                        found[i] = found.back(), found.pop_back();
                        from[i] = from.back(), from.pop_back();
                    }
                found.push_back(m);
                from.emplace_back(&a, &b);
            }
        for (size_t i = 0; i < found.size(); ++i) {
            const auto [a, b] = from[i];
            const uint16_t ta = stretch(a->tt, *a, found[i]) ^ (negated(l0) ? 0xFFFF : 0);
            const uint16_t tb = stretch(b->tt, *b, found[i]) ^ (negated(l1) ? 0xFFFF : 0);
            found[i].tt = ta & tb;
        }
        // Cost each cut in both phases and keep the cheapest for the fanouts.
        std::vector<std::pair<double, Cut>> ranked;
        for (const Cut& c : found) {
            const double f0 = consider(n, c, 0, c.tt);
            const double f1 = consider(n, c, 1, static_cast<uint16_t>(~c.tt));
            ranked.emplace_back(std::min(f0, f1), c);
        }
        for (int p = 0; p < 2; ++p) {
            Choice& own = choice_[n][p];
            const Choice& other = choice_[n][1 - p];
            if (!other.viaInverter && other.flow + kNotCost < own.flow) {
                own.flow = other.flow + kNotCost;
                own.viaInverter = true;
            }
        }
        std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
            return std::tie(a.first, a.second.size) < std::tie(b.first, b.second.size);
        });
        std::vector<Cut>& kept = cuts_[n];
        kept.reserve(std::min<size_t>(ranked.size(), kCutsPerNode) + 1);
        kept.push_back(unit);
        for (size_t i = 0; i < ranked.size() && static_cast<int>(kept.size()) <= kCutsPerNode; ++i)
            kept.push_back(ranked[i].second);
    }

    const Aig& g_;
    std::vector<std::vector<Cut>> cuts_;
    std::vector<uint32_t> refs_;
    std::vector<std::array<Choice, 2>> choice_;
    std::vector<uint32_t> coverRefs_; // cover references of (node, phase)
    std::vector<Cut> found_; // enumerate()'s buffers
    std::vector<std::pair<const Cut*, const Cut*>> from_;
};

} // namespace

long mapCover(const aig::Aig& g, const std::vector<aig::Lit>& required, std::vector<MappedGate>* gates)
{
    Mapper mapper(g);
    mapper.run();
    return mapper.cover(required, gates);
}

} // namespace axbnn::cmos
