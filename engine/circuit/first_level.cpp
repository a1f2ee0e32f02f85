// Splitting a netlist's first-level full adders off into fill items.
#include "circuit/first_level.h"

#include "circuit/cell_eval.h"

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace axbnn {

namespace {

using detail::CellCode;

bool isPrimaryInput(const Netlist& net, Signal s)
{
    return s >= kFirstInput && s < kFirstInput + static_cast<Signal>(net.inputs);
}

CellCode codeOf(const Netlist& net, const CellInstance& c)
{
    const CellType& t = net.typeOf(c);
    return detail::makeCellOp(t.sumTable, t.carryTable, c.carry != kNoSignal, t.inputs).code;
}

// Whether the cell reads exactly these signals (in any order) with one of the codes.
bool reads(const Netlist& net, const CellInstance& c, std::vector<Signal> want, bool threeInput)
{
    const CellCode code = codeOf(net, c);
    if (threeInput ? code != CellCode::FullAdder && code != CellCode::MajFa : code != CellCode::HalfAdder)
        return false;
    if (net.typeOf(c).inputs != static_cast<int>(want.size()) || c.carry == kNoSignal)
        return false;
    std::vector<Signal> got(c.in.begin(), c.in.begin() + static_cast<ptrdiff_t>(want.size()));
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    return got == want;
}

struct Tree3Match {
    FirstLevelItem item;
    std::vector<int> cells;
    std::vector<Signal> outputs;
};

// The three-level subtree under adder node `root` as one Tree3 item, if it
// has exactly the shape Tree3 describes and its inner signals have no other
// readers.
std::optional<Tree3Match> tree3At(const Netlist& net, int root, const std::vector<std::vector<int>>& cellsOf,
                                  const std::vector<int>& readers)
{
    const AdderNode& r = net.nodes[root];
    if (r.childA < 0 || r.childB < 0 || r.cin != kNoSignal)
        return std::nullopt;
    Tree3Match m;
    std::vector<Signal> inner; // signals that only the subtree may read
    uint8_t mask = 0;
    int three = 0; // 3-input cells so far, in fullMask order
    auto full = [&](int cell) {
        if (codeOf(net, net.cells[cell]) == CellCode::FullAdder)
            mask = static_cast<uint8_t>(mask | 1u << three);
        ++three;
    };
    const int children[2] = {r.childA, r.childB};
    // The four first cells come before the adders' cells in fullMask order.
    std::vector<int> grand;
    for (int child : children) {
        const AdderNode& c = net.nodes[child];
        if (c.childA < 0 || c.childB < 0 || c.cin != kNoSignal)
            return std::nullopt;
        grand.push_back(c.childA);
        grand.push_back(c.childB);
    }
    int input = 0;
    for (int g : grand) {
        const AdderNode& n = net.nodes[g];
        if (n.childA >= 0 || n.childB >= 0 || n.cin == kNoSignal || n.a.size() != 1 || n.b.size() != 1
            || cellsOf[g].size() != 1 || n.out.size() != 2)
            return std::nullopt;
        const CellInstance& c = net.cells[cellsOf[g][0]];
        if (!reads(net, c, {n.a[0], n.b[0], n.cin}, true) || n.out[0] != c.sum || n.out[1] != c.carry)
            return std::nullopt;
        for (int k = 0; k < 3; ++k) {
            if (!isPrimaryInput(net, c.in[k]) || readers[c.in[k]] != 1)
                return std::nullopt;
            m.item.in[input++] = c.in[k] - kFirstInput;
        }
        full(cellsOf[g][0]);
        m.cells.push_back(cellsOf[g][0]);
        inner.insert(inner.end(), {c.sum, c.carry});
    }
    // An adder of two operands without carry-in: a half adder in column 0, then
    // one 3-input cell per column; its result bits are the sums and the last carry.
    auto adder = [&](int node, int width) {
        const AdderNode& n = net.nodes[node];
        const std::vector<int>& cells = cellsOf[node];
        if (static_cast<int>(cells.size()) != width || static_cast<int>(n.out.size()) != width + 1)
            return false;
        const AdderNode& a = net.nodes[n.childA];
        const AdderNode& b = net.nodes[n.childB];
        Signal carry = kNoSignal;
        for (int j = 0; j < width; ++j) {
            const CellInstance& c = net.cells[cells[j]];
            if (c.column != j || j >= static_cast<int>(a.out.size()) || j >= static_cast<int>(b.out.size()))
                return false;
            if (j == 0 ? !reads(net, c, {a.out[0], b.out[0]}, false)
                       : !reads(net, c, {a.out[j], b.out[j], carry}, true))
                return false;
            if (n.out[j] != c.sum)
                return false;
            if (j > 0)
                full(cells[j]);
            carry = c.carry;
            m.cells.push_back(cells[j]);
        }
        if (n.out[width] != carry)
            return false;
        for (int j = 0; j + 1 < width; ++j) // the last carry is a result bit
            inner.push_back(net.cells[cells[j]].carry);
        return true;
    };
    for (int child : children) {
        if (!adder(child, 2))
            return std::nullopt;
        inner.insert(inner.end(), net.nodes[child].out.begin(), net.nodes[child].out.end());
    }
    if (!adder(root, 3))
        return std::nullopt;
    for (Signal s : inner)
        if (readers[s] != 1)
            return std::nullopt;
    m.outputs = r.out;
    m.item.kind = FirstLevelItem::Kind::Tree3;
    m.item.fullMask = mask;
    return m;
}

} // namespace

std::optional<FirstLevelNetlist> fuseFirstLevel(const Netlist& net)
{
    // An output counts as two readers, so it is never fused.
    const SignalReaders signalReaders = readersOf(net);
    const std::vector<int>& readers = signalReaders.count;
    std::vector<int> firstReader = signalReaders.first;
    for (int& f : firstReader)
        if (f < 0)
            f = INT_MAX; // outputs only: read after every cell
    std::vector<FirstLevelItem> items;
    std::vector<int> itemKey; // where the derived netlist first reads the item
    std::vector<char> fusedCell(net.cells.size(), 0), inputTaken(net.signalCount, 0);
    std::vector<std::vector<Signal>> itemOutputs; // the original signals each item drives
    // Whole three-level subtrees first (adder trees only: other netlists have no nodes).
    std::vector<std::vector<int>> cellsOf(net.nodes.size());
    for (size_t i = 0; i < net.cells.size(); ++i)
        if (net.cells[i].node >= 0 && static_cast<size_t>(net.cells[i].node) < net.nodes.size())
            cellsOf[static_cast<size_t>(net.cells[i].node)].push_back(static_cast<int>(i));
    for (auto& cells : cellsOf)
        std::stable_sort(cells.begin(), cells.end(),
                         [&](int x, int y) { return net.cells[x].column < net.cells[y].column; });
    for (size_t n = 0; n < net.nodes.size(); ++n) {
        std::optional<Tree3Match> t = tree3At(net, static_cast<int>(n), cellsOf, readers);
        if (!t)
            continue;
        for (int c : t->cells)
            fusedCell[c] = 1;
        for (int k = 0; k < FirstLevelItem::kTree3Inputs; ++k)
            inputTaken[kFirstInput + t->item.in[k]] = 1;
        int key = INT_MAX;
        for (Signal s : t->outputs)
            key = std::min(key, firstReader[s]);
        items.push_back(t->item);
        itemKey.push_back(key);
        itemOutputs.push_back(t->outputs);
    }
    for (size_t i = 0; i < net.cells.size(); ++i) {
        if (fusedCell[i])
            continue;
        const CellInstance& c = net.cells[i];
        if (net.typeOf(c).inputs != 3 || c.carry == kNoSignal)
            continue;
        const CellCode code = codeOf(net, c);
        if (code != CellCode::FullAdder && code != CellCode::MajFa)
            continue;
        bool ok = c.in[0] != c.in[1] && c.in[0] != c.in[2] && c.in[1] != c.in[2];
        for (int k = 0; k < 3 && ok; ++k)
            ok = isPrimaryInput(net, c.in[k]) && readers[c.in[k]] == 1;
        if (!ok)
            continue;
        FirstLevelItem item;
        item.kind = code == CellCode::FullAdder ? FirstLevelItem::Kind::FullAdder : FirstLevelItem::Kind::MajFa;
        for (int k = 0; k < 3; ++k) {
            item.in[k] = c.in[k] - kFirstInput;
            inputTaken[c.in[k]] = 1;
        }
        fusedCell[i] = 1;
        items.push_back(item);
        itemKey.push_back(std::min(firstReader[c.sum], firstReader[c.carry]));
        itemOutputs.push_back({c.sum, c.carry});
    }
    if (items.empty())
        return std::nullopt;
    // Primary inputs still read by the remaining cells or the outputs.
    for (int i = 0; i < net.inputs; ++i) {
        const Signal s = kFirstInput + static_cast<Signal>(i);
        if (inputTaken[s] || readers[s] == 0)
            continue;
        FirstLevelItem item;
        item.in[0] = static_cast<uint32_t>(i);
        items.push_back(item);
        itemKey.push_back(firstReader[s]);
        itemOutputs.push_back({s});
    }

    // Derived inputs in the order the remaining cells read them: that keeps
    // the derived netlist streamable wherever the original was.
    std::vector<size_t> order(items.size());
    for (size_t k = 0; k < order.size(); ++k)
        order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return itemKey[x] < itemKey[y]; });

    FirstLevelNetlist fused;
    Netlist& d = fused.derived;
    d.topology = net.topology;
    d.types = net.types;
    d.levels = net.levels;
    std::vector<Signal> newOf(net.signalCount, kNoSignal);
    newOf[kConst0] = kConst0;
    newOf[kConst1] = kConst1;
    uint32_t next = 0;
    for (size_t k : order) {
        FirstLevelItem item = items[k];
        item.out = next;
        for (Signal s : itemOutputs[k])
            newOf[s] = kFirstInput + next++;
        fused.items.push_back(item);
    }
    d.inputs = static_cast<int>(next);
    Signal fresh = kFirstInput + next;
    auto mapped = [&](Signal s) {
        if (s == kNoSignal)
            return kNoSignal;
        if (newOf.at(s) == kNoSignal)
            throw std::logic_error("first-level fusion: a cell reads a signal before it is driven");
        return newOf[s];
    };
    for (size_t i = 0; i < net.cells.size(); ++i) {
        if (fusedCell[i])
            continue;
        CellInstance c = net.cells[i];
        c.node = -1; // the derived netlist keeps no adder nodes
        for (Signal& s : c.in)
            s = mapped(s);
        newOf.at(c.sum) = fresh++;
        c.sum = newOf[c.sum];
        if (c.carry != kNoSignal) {
            newOf.at(c.carry) = fresh++;
            c.carry = newOf[c.carry];
        }
        d.cells.push_back(c);
    }
    for (Signal s : net.outputs)
        d.outputs.push_back(mapped(s));
    d.signalCount = fresh;
    return fused;
}

std::vector<uint64_t> derivedInputs(const FirstLevelNetlist& fused, std::span<const uint64_t> inputs, int words)
{
    using Kind = FirstLevelItem::Kind;
    std::vector<uint64_t> out(static_cast<size_t>(fused.derived.inputs) * words);
    auto cell3 = [](bool fullAdder, uint64_t a, uint64_t b, uint64_t c, uint64_t& sum, uint64_t& carry) {
        carry = (a & b) | (c & (a | b));
        sum = fullAdder ? a ^ b ^ c : ~carry;
    };
    for (const FirstLevelItem& item : fused.items)
        for (int w = 0; w < words; ++w) {
            uint64_t x[FirstLevelItem::kTree3Inputs];
            for (int i = 0; i < item.inputs(); ++i)
                x[i] = inputs[static_cast<size_t>(item.in[i]) * words + w];
            uint64_t r[4] = {};
            switch (item.kind) {
            case Kind::Copy: r[0] = x[0]; break;
            case Kind::FullAdder:
            case Kind::MajFa: cell3(item.kind == Kind::FullAdder, x[0], x[1], x[2], r[0], r[1]); break;
            case Kind::Tree3: {
                const auto full = [&](int j) { return ((item.fullMask >> j) & 1) != 0; };
                uint64_t s[4], k[4], o[2][3];
                for (int g = 0; g < 4; ++g)
                    cell3(full(g), x[3 * g], x[3 * g + 1], x[3 * g + 2], s[g], k[g]);
                for (int q = 0; q < 2; ++q) {
                    o[q][0] = s[2 * q] ^ s[2 * q + 1];
                    cell3(full(4 + q), k[2 * q], k[2 * q + 1], s[2 * q] & s[2 * q + 1], o[q][1], o[q][2]);
                }
                uint64_t carry = 0;
                r[0] = o[0][0] ^ o[1][0];
                cell3(full(6), o[0][1], o[1][1], o[0][0] & o[1][0], r[1], carry);
                cell3(full(7), o[0][2], o[1][2], carry, r[2], r[3]);
                break;
            }
            }
            for (int j = 0; j < item.outputs(); ++j)
                out[(static_cast<size_t>(item.out) + j) * words + w] = r[j];
        }
    return out;
}

} // namespace axbnn
