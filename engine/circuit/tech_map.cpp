// Cut-based static-CMOS mapping of a netlist's logic for its transistor count.
#include "circuit/tech_map.h"

#include "circuit/aig.h"
#include "circuit/cmos_gates.h"
#include "circuit/gate_cells.h"

#include <algorithm>
#include <array>
#include <limits>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace axbnn {
namespace {

using aig::Aig;
using aig::kFalse;
using aig::kTrue;
using aig::Lit;
using aig::negated;
using aig::nodeOf;
using cmos::constantMatch;
using cmos::kCutSize;
using cmos::kNotCost;
using cmos::Match;

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

// Whether a cell kind's transistor figure is the built-in static-CMOS figure
// of its function (SKY130 table or logic gate), so its logic may be mapped.
bool staticCmosFigure(const CellType& t)
{
    using Key = std::tuple<int, bool, int, int, int, double>;
    static const std::vector<Key> known = [] {
        std::vector<Key> k;
        const CellLibrary library = CellLibrary::defaults();
        for (const CellType& c : library.cells())
            k.emplace_back(c.inputs, c.hasCarry, c.sumTable, c.hasCarry ? c.carryTable : 0, c.transistors, c.areaUm2);
        for (int g = 0; g < kGateKinds; ++g) {
            const CellType c = gateCell(static_cast<Gate>(g));
            k.emplace_back(c.inputs, c.hasCarry, c.sumTable, 0, c.transistors, c.areaUm2);
        }
        return k;
    }();
    const Key key{t.inputs, t.hasCarry, t.sumTable, t.hasCarry ? t.carryTable : 0, t.transistors, t.areaUm2};
    return std::find(known.begin(), known.end(), key) != known.end();
}

// The order in which windows take the cells: for a netlist with adder nodes
// (adder and hierarchical trees), node by node in post-order of the node
// tree, so that a window holds whole subtrees and few signals cross its
// boundary (the builders emit level by level, which a window would cut at
// every signal of a level); other cells follow the cells they read. Falls
// back to the netlist's order when that is not topological.
std::vector<int> windowOrder(const Netlist& net)
{
    const size_t cells = net.cells.size();
    std::vector<int> identity(cells);
    for (size_t k = 0; k < cells; ++k)
        identity[k] = static_cast<int>(k);
    if (net.nodes.empty())
        return identity;
    // Post-order of the node tree from its roots (iterative).
    std::vector<char> isChild(net.nodes.size(), 0);
    for (const AdderNode& n : net.nodes)
        for (int child : {n.childA, n.childB})
            if (child >= 0 && static_cast<size_t>(child) < net.nodes.size())
                isChild[static_cast<size_t>(child)] = 1;
    std::vector<int> nodeRank(net.nodes.size(), -1);
    int rank = 0;
    std::vector<std::pair<int, int>> stack; // node, children visited
    for (size_t root = 0; root < net.nodes.size(); ++root) {
        if (isChild[root])
            continue;
        stack.emplace_back(static_cast<int>(root), 0);
        while (!stack.empty()) {
            auto& [n, visited] = stack.back();
            const AdderNode& node = net.nodes[static_cast<size_t>(n)];
            const int child = visited == 0 ? node.childA : visited == 1 ? node.childB : -2;
            if (child == -2) {
                nodeRank[static_cast<size_t>(n)] = rank++;
                stack.pop_back();
                continue;
            }
            ++visited;
            if (child >= 0 && static_cast<size_t>(child) < net.nodes.size() && nodeRank[static_cast<size_t>(child)] < 0)
                stack.emplace_back(child, 0);
        }
    }
    std::vector<int> driver(net.signalCount, -1), cellRank(cells, -1);
    for (size_t k = 0; k < cells; ++k) {
        const CellInstance& c = net.cells[k];
        int r =
            c.node >= 0 && static_cast<size_t>(c.node) < net.nodes.size() ? nodeRank[static_cast<size_t>(c.node)] : -1;
        if (r < 0)
            for (int i = 0; i < net.typeOf(c).inputs; ++i)
                if (const int d = driver[c.in[static_cast<size_t>(i)]]; d >= 0)
                    r = std::max(r, cellRank[static_cast<size_t>(d)]);
        cellRank[k] = r;
        for (Signal out : {c.sum, c.carry})
            if (out != kNoSignal)
                driver[out] = static_cast<int>(k);
    }
    std::vector<int> order = identity;
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return cellRank[static_cast<size_t>(a)] < cellRank[static_cast<size_t>(b)]; });
    std::vector<char> placed(cells, 0);
    for (int k : order) {
        const CellInstance& c = net.cells[static_cast<size_t>(k)];
        for (int i = 0; i < net.typeOf(c).inputs; ++i)
            if (const int d = driver[c.in[static_cast<size_t>(i)]]; d >= 0 && !placed[static_cast<size_t>(d)])
                return identity;
        placed[static_cast<size_t>(k)] = 1;
    }
    return order;
}

} // namespace

std::string mappedGateName(int shape)
{
    if (shape == kMappedInverter)
        return "not";
    if (shape == kMappedConstant)
        return "constant";
    return cmos::gateName(shape);
}

bool mappedGateOutput(const MappedGate& gate, unsigned inputBits)
{
    if (gate.shape == kMappedInverter)
        return (inputBits & 1u) == 0;
    if (gate.shape == kMappedConstant)
        return gate.constantValue;
    return cmos::gateOutput(gate.shape, inputBits);
}

MappedTransistors mapTransistors(const Netlist& net, const LiveLogic& live, MappedCover* cover, int windowCells)
{
    MappedTransistors result;
    const int cells = static_cast<int>(net.cells.size());
    const int window = std::max(1, windowCells);
    const std::vector<int> order = windowOrder(net);
    // The last position (in `order`) whose live outputs read each signal;
    // netlist outputs are read after the last cell.
    std::vector<int> lastRead(net.signalCount, -1);
    for (int at = 0; at < cells; ++at) {
        const CellInstance& c = net.cells[static_cast<size_t>(order[static_cast<size_t>(at)])];
        const LiveCell& lc = live.cells[static_cast<size_t>(order[static_cast<size_t>(at)])];
        const uint8_t reads = (lc.live[0] ? lc.dependsOn[0] : 0) | (lc.live[1] ? lc.dependsOn[1] : 0);
        for (int i = 0; i < net.typeOf(c).inputs; ++i)
            if ((reads >> i) & 1u)
                lastRead[c.in[static_cast<size_t>(i)]] = at;
    }
    for (Signal s : net.outputs)
        lastRead[s] = cells;

    std::vector<Lit> lit(net.signalCount, kFalse);
    std::vector<int> litWindow(net.signalCount, -1); // which window lit[s] belongs to
    // The node (global id, 0: constant) and phase a mapped cell's output has
    // in the window that made it.
    constexpr uint32_t kNotMade = 0xffffffffu;
    std::vector<uint32_t> madeNode(net.signalCount, kNotMade);
    std::vector<uint8_t> madePhase(net.signalCount, 0);
    uint32_t nodeBase = 0; // cover node ids: the windows' nodes one after the other
    for (int k0 = 0, w = 0; k0 < cells; k0 += window, ++w) {
        const int k1 = std::min(cells, k0 + window);
        Aig g;
        // Outputs of one node of an earlier window (C and NOT C of a MAJ-FA)
        // stay one input here: earlier node -> that node's literal here.
        std::unordered_map<uint32_t, Lit> carried;
        // A signal made outside this window's mapped logic (a primary input,
        // an earlier window's output, a black box's output) is an input.
        const auto input = [&](Signal s) {
            Lit l;
            if (madeNode[s] == 0) {
                l = madePhase[s] ? kTrue : kFalse;
            } else if (madeNode[s] != kNotMade) {
                const auto [it, added] = carried.try_emplace(madeNode[s], kFalse);
                if (added) {
                    const Lit pi = g.input();
                    it->second = pi ^ madePhase[s];
                    if (cover)
                        cover->inputs.emplace_back(nodeBase + nodeOf(pi), s);
                }
                l = it->second ^ madePhase[s];
            } else {
                l = g.input();
                if (cover)
                    cover->inputs.emplace_back(nodeBase + nodeOf(l), s);
            }
            lit[s] = l;
            litWindow[s] = w;
            return l;
        };
        const auto signal = [&](Signal s) {
            if (s == kConst0 || s == kConst1 || (s < live.value.size() && live.value[s] != kUnknown))
                return (s == kConst1 || (s != kConst0 && live.value[s] == 1)) ? kTrue : kFalse;
            return litWindow[s] == w ? lit[s] : input(s);
        };
        const auto made = [&](Signal s, Lit l) {
            lit[s] = l;
            litWindow[s] = w;
            madeNode[s] = nodeOf(l) == 0 ? 0 : nodeBase + nodeOf(l);
            madePhase[s] = negated(l) ? 1 : 0;
        };
        std::vector<Lit> required;
        for (int at = k0; at < k1; ++at) {
            const int k = order[static_cast<size_t>(at)];
            const CellInstance& c = net.cells[static_cast<size_t>(k)];
            const CellType& t = net.typeOf(c);
            if (staticCmosFigure(t)) {
                ++result.mappedCells;
                std::array<Lit, 3> in{kFalse, kFalse, kFalse};
                for (int i = 0; i < t.inputs; ++i)
                    in[static_cast<size_t>(i)] = signal(c.in[static_cast<size_t>(i)]);
                made(c.sum, aig::buildFunction(g, t.sumTable, t.inputs, in));
                if (c.carry != kNoSignal)
                    made(c.carry, t.hasCarry ? aig::buildFunction(g, t.carryTable, t.inputs, in) : kFalse);
                continue;
            }
            ++result.blackBoxCells;
            const LiveCell& lc = live.cells[static_cast<size_t>(k)];
            result.blackBoxTransistors += lc.transistors;
            const uint8_t reads = (lc.live[0] ? lc.dependsOn[0] : 0) | (lc.live[1] ? lc.dependsOn[1] : 0);
            for (int i = 0; i < t.inputs; ++i)
                if ((reads >> i) & 1u)
                    required.push_back(signal(c.in[static_cast<size_t>(i)]));
            for (Signal out : {c.sum, c.carry})
                if (out != kNoSignal)
                    input(out);
        }
        // What later windows and the netlist's outputs read.
        for (int at = k0; at < k1; ++at) {
            const CellInstance& c = net.cells[static_cast<size_t>(order[static_cast<size_t>(at)])];
            if (!staticCmosFigure(net.typeOf(c)))
                continue;
            for (Signal out : {c.sum, c.carry})
                if (out != kNoSignal && lastRead[out] >= k1) {
                    const Lit l = signal(out);
                    required.push_back(l);
                    if (cover && nodeOf(l) != 0)
                        cover->outputs.push_back({nodeBase + nodeOf(l), negated(l) ? 1 : 0, out});
                }
        }
        Mapper mapper(g);
        mapper.run();
        std::vector<MappedGate> gates;
        result.transistors += mapper.cover(required, cover ? &gates : nullptr);
        if (cover)
            for (MappedGate& gate : gates) {
                gate.node += nodeBase;
                for (int i = 0; i < gate.inputs; ++i)
                    gate.inNode[static_cast<size_t>(i)] += nodeBase;
                cover->gates.push_back(gate);
            }
        nodeBase += static_cast<uint32_t>(g.size());
    }
    result.transistors += result.blackBoxTransistors;
    return result;
}

} // namespace axbnn
