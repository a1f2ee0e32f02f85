// Cut-based static-CMOS mapping of a netlist's logic for its transistor count.
#include "circuit/tech_map.h"

#include "circuit/aig.h"
#include "circuit/cmos_gates.h"
#include "circuit/cut_mapper.h"
#include "circuit/gate_cells.h"

#include <algorithm>
#include <array>
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

// The cell inputs a cell's live outputs read (bit i: input i).
uint8_t liveReads(const LiveCell& cell)
{
    return static_cast<uint8_t>((cell.live[0] ? cell.dependsOn[0] : 0) | (cell.live[1] ? cell.dependsOn[1] : 0));
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
    std::vector<char> mappable(net.types.size()); // per cell kind
    for (size_t i = 0; i < net.types.size(); ++i)
        mappable[i] = staticCmosFigure(net.types[i]);
    const std::vector<int> order = windowOrder(net);
    // The last position (in `order`) whose live outputs read each signal;
    // netlist outputs are read after the last cell.
    std::vector<int> lastRead(net.signalCount, -1);
    for (int at = 0; at < cells; ++at) {
        const CellInstance& c = net.cells[static_cast<size_t>(order[static_cast<size_t>(at)])];
        const LiveCell& lc = live.cells[static_cast<size_t>(order[static_cast<size_t>(at)])];
        const uint8_t reads = liveReads(lc);
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
            if (mappable[static_cast<size_t>(c.type)]) {
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
            const uint8_t reads = liveReads(lc);
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
            if (!mappable[static_cast<size_t>(c.type)])
                continue;
            for (Signal out : {c.sum, c.carry})
                if (out != kNoSignal && lastRead[out] >= k1) {
                    const Lit l = signal(out);
                    required.push_back(l);
                    if (cover && nodeOf(l) != 0)
                        cover->outputs.push_back({nodeBase + nodeOf(l), negated(l) ? 1 : 0, out});
                }
        }
        std::vector<MappedGate> gates;
        result.transistors += cmos::mapCover(g, required, cover ? &gates : nullptr);
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
