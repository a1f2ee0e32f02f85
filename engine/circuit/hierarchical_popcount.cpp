// Hierarchical popcounts: leaf copies over the fan-in, summed by an adder tree.
#include "circuit/hierarchical_popcount.h"

#include "circuit/design_limits.h"
#include "circuit/popcount_builder.h"
#include "circuit/simulator.h"

#include <algorithm>
#include <stdexcept>

namespace axbnn {
namespace {

// Largest leaf we enumerate to find its largest output (2^20 vectors).
constexpr int kMaxEnumeratedLeafInputs = 20;

// A value the tree sums: a leaf's count or an adder's result.
struct TreeOperand {
    std::vector<Signal> bits;
    uint32_t maxValue = 0;
};

int typeByName(Netlist& net, const CellType& type)
{
    for (size_t i = 0; i < net.types.size(); ++i)
        if (net.types[i].name == type.name)
            return static_cast<int>(i);
    net.types.push_back(type);
    return static_cast<int>(net.types.size() - 1);
}

// `cell` with its inputs read through `map` and fresh output signals of
// `net`, recorded in `map`.
CellInstance remapped(const CellInstance& cell, std::vector<Signal>& map, Netlist& net)
{
    CellInstance c = cell;
    for (Signal& s : c.in)
        if (s != kNoSignal)
            s = map[s];
    c.sum = map[cell.sum] = net.signalCount++;
    if (cell.carry != kNoSignal)
        c.carry = map[cell.carry] = net.signalCount++;
    return c;
}

int levelCount(const Netlist& net)
{
    int levels = 0;
    for (const CellInstance& c : net.cells)
        levels = std::max(levels, c.level + 1);
    return levels;
}

class HierarchyBuilder {
public:
    HierarchyBuilder(int inputs, Topology topology, const CellLibrary& library) : library_(library)
    {
        h_.netlist.inputs = inputs;
        h_.netlist.topology = topology;
        h_.netlist.signalCount = kFirstInput + static_cast<uint32_t>(inputs);
    }

    // Copies `leaf` onto primary inputs [first, first + width); its inputs
    // beyond `width` read constant 0 (and its largest output is then that of
    // the padded block). `maxValue` is the leaf's largest output.
    TreeOperand place(const Netlist& leaf, int first, int width, uint32_t maxValue)
    {
        Netlist& net = h_.netlist;
        std::vector<Signal> map(leaf.signalCount, kNoSignal);
        map[kConst0] = kConst0;
        map[kConst1] = kConst1;
        for (int i = 0; i < leaf.inputs; ++i)
            map[kFirstInput + i] = i < width ? kFirstInput + static_cast<Signal>(first + i) : kConst0;
        LeafPlacement p;
        p.firstInput = first;
        p.width = width;
        p.leafInputs = leaf.inputs;
        p.firstCell = static_cast<int>(net.cells.size());
        for (const CellInstance& cell : leaf.cells) {
            CellInstance c = remapped(cell, map, net);
            c.type = typeByName(net, leaf.typeOf(cell));
            c.node = -1;
            net.cells.push_back(c);
        }
        p.endCell = static_cast<int>(net.cells.size());
        for (Signal s : leaf.outputs)
            p.outputs.push_back(map[s]);
        h_.leaves.push_back(p);
        LeafPlacement& placed = h_.leaves.back();
        placed.maxValue =
            width < leaf.inputs ? largestOutput(leafNetlist(h_, static_cast<int>(h_.leaves.size()) - 1)) : maxValue;
        placed.outputs.resize(std::min(placed.outputs.size(), static_cast<size_t>(bitsFor(placed.maxValue))));
        return {placed.outputs, placed.maxValue};
    }

    // Ripple-carry adder as wide as a.maxValue + b.maxValue; the top column's
    // carry is zero, so its cell is the sum-only twin.
    TreeOperand adder(const TreeOperand& a, const TreeOperand& b, int level)
    {
        Netlist& net = h_.netlist;
        TreeOperand r;
        r.maxValue = a.maxValue + b.maxValue;
        const int width = bitsFor(r.maxValue);
        Signal carry = kNoSignal;
        for (int j = 0; j < width; ++j) {
            const std::vector<Signal> in = rippleColumn(a.bits, b.bits, j, carry);
            if (in.size() < 2) {
                r.bits.push_back(in.empty() ? kConst0 : in[0]);
                carry = kNoSignal;
                continue;
            }
            const bool top = j == width - 1;
            CellInstance c;
            c.type = net.typeIndex(library_, top ? (in.size() == 3 ? "xor3" : "xor2") : (in.size() == 3 ? "fa" : "ha"));
            std::copy(in.begin(), in.end(), c.in.begin());
            c.sum = net.signalCount++;
            c.carry = top ? kNoSignal : net.signalCount++;
            c.column = j;
            c.level = level;
            net.cells.push_back(c);
            r.bits.push_back(c.sum);
            carry = c.carry;
        }
        return r;
    }

    HierarchicalPopcount finish(std::vector<TreeOperand> ops, int leafLevels)
    {
        h_.leafLevels = leafLevels;
        h_.treeFirstCell = static_cast<int>(h_.netlist.cells.size());
        for (int t = 0; ops.size() > 1; ++t) {
            std::vector<TreeOperand> next;
            for (size_t k = 0; k + 1 < ops.size(); k += 2)
                next.push_back(adder(ops[k], ops[k + 1], leafLevels + t));
            if (ops.size() % 2 == 1)
                next.push_back(ops.back());
            ops = std::move(next);
        }
        h_.netlist.outputs = ops[0].bits;
        h_.netlist.levels = levelCount(h_.netlist);
        h_.netlist.dropUnusedTypes();
        return std::move(h_);
    }

private:
    const CellLibrary& library_;
    HierarchicalPopcount h_;
};

void checkInputs(int inputs)
{
    if (inputs < 1 || inputs > kMaxPopcountInputs)
        throw std::invalid_argument("number of inputs must be between 1 and " + std::to_string(kMaxPopcountInputs)
                                    + ", got " + std::to_string(inputs));
}

} // namespace

uint32_t largestOutput(const Netlist& net)
{
    const int bits = net.outputBits();
    if (net.inputs > kMaxEnumeratedLeafInputs || bits > 31)
        return bits >= 32 ? 0xffffffffu : (uint32_t{1} << bits) - 1;
    const int words = net.inputs <= 6 ? 1 : 1 << (net.inputs - 6);
    std::vector<uint64_t> in(static_cast<size_t>(net.inputs) * words), out(static_cast<size_t>(bits) * words);
    static constexpr uint64_t kLaneBit[6] = {0xAAAAAAAAAAAAAAAAull, 0xCCCCCCCCCCCCCCCCull, 0xF0F0F0F0F0F0F0F0ull,
                                             0xFF00FF00FF00FF00ull, 0xFFFF0000FFFF0000ull, 0xFFFFFFFF00000000ull};
    for (int i = 0; i < net.inputs; ++i)
        for (int w = 0; w < words; ++w)
            in[static_cast<size_t>(i) * words + w] = i < 6 ? kLaneBit[i] : ((w >> (i - 6)) & 1 ? ~uint64_t{0} : 0);
    std::vector<uint64_t> scratch;
    Simulator(net).run(in, words, out, scratch);
    uint32_t best = 0;
    for (int w = 0; w < words; ++w)
        for (int lane = 0; lane < 64; ++lane) {
            uint32_t v = 0;
            for (int b = 0; b < bits; ++b)
                v |= static_cast<uint32_t>((out[static_cast<size_t>(b) * words + w] >> lane) & 1) << b;
            best = std::max(best, v);
        }
    return best;
}

HierarchicalPopcount buildHierarchical(int inputs, const Netlist& leaf, const Netlist* lastLeaf,
                                       const CellLibrary& library)
{
    checkInputs(inputs);
    if (leaf.inputs < 1)
        throw std::invalid_argument("a hierarchical popcount's leaf needs at least one input");
    const int w = leaf.inputs;
    const int rest = inputs % w;
    if (lastLeaf && rest != 0 && lastLeaf->inputs != rest)
        throw std::invalid_argument("the last leaf has " + std::to_string(lastLeaf->inputs) + " inputs, the "
                                    + std::to_string(rest) + " remaining inputs need one of that width");
    HierarchyBuilder b(inputs, leaf.topology, library);
    const uint32_t leafMax = largestOutput(leaf);
    int leafLevels = levelCount(leaf);
    std::vector<TreeOperand> ops;
    for (int first = 0; first < inputs; first += w) {
        const int width = std::min(w, inputs - first);
        if (width < w && lastLeaf) {
            ops.push_back(b.place(*lastLeaf, first, width, largestOutput(*lastLeaf)));
            leafLevels = std::max(leafLevels, levelCount(*lastLeaf));
        } else {
            ops.push_back(b.place(leaf, first, width, leafMax));
        }
    }
    return b.finish(std::move(ops), leafLevels);
}

HierarchicalPopcount makeHierarchicalPopcount(int inputs, const LeafSpec& spec, Topology topology,
                                              const ApproxConfig& approx, const CellLibrary& library, Netlist* exact)
{
    checkInputs(inputs);
    HierarchicalPopcount h;
    if (spec.imported) {
        if (spec.imported->inputs < 1 || spec.imported->outputs.empty())
            throw std::invalid_argument("leaf netlist '" + spec.importedPath + "' has no inputs or no outputs");
        h = buildHierarchical(inputs, *spec.imported, nullptr, library);
    } else {
        if (spec.width < 1 || spec.width > kMaxPopcountInputs)
            throw std::invalid_argument("leaf width must be between 1 and " + std::to_string(kMaxPopcountInputs)
                                        + ", got " + std::to_string(spec.width));
        const int w = std::min(spec.width, inputs);
        const Netlist leaf = buildPopcount(w, topology, library);
        const int rest = inputs % w;
        if (rest != 0) {
            const Netlist last = buildPopcount(rest, topology, library);
            h = buildHierarchical(inputs, leaf, &last, library);
        } else {
            h = buildHierarchical(inputs, leaf, nullptr, library);
        }
    }
    if (exact)
        *exact = h.netlist;
    h.netlist = applyApproximation(h.netlist, library, approx);
    return h;
}

Netlist leafNetlist(const HierarchicalPopcount& h, int leaf)
{
    const LeafPlacement& p = h.leaves.at(static_cast<size_t>(leaf));
    const Netlist& net = h.netlist;
    Netlist out;
    out.inputs = p.width;
    out.topology = net.topology;
    out.types = net.types;
    std::vector<Signal> map(net.signalCount, kNoSignal);
    map[kConst0] = kConst0;
    map[kConst1] = kConst1;
    for (int i = 0; i < p.width; ++i)
        map[kFirstInput + p.firstInput + i] = kFirstInput + static_cast<Signal>(i);
    out.signalCount = kFirstInput + static_cast<uint32_t>(p.width);
    for (int k = p.firstCell; k < p.endCell; ++k)
        out.cells.push_back(remapped(net.cells[static_cast<size_t>(k)], map, out));
    for (Signal s : p.outputs)
        out.outputs.push_back(map[s]);
    out.levels = levelCount(out);
    out.dropUnusedTypes();
    return out;
}

bool treeIsExact(const HierarchicalPopcount& h)
{
    const Netlist& net = h.netlist;
    for (size_t k = static_cast<size_t>(h.treeFirstCell); k < net.cells.size(); ++k)
        if (net.isApproximate(net.cells[k]))
            return false;
    return true;
}

} // namespace axbnn
