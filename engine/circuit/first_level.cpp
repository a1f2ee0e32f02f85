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

// A Tree3 or Tree4 found in the netlist: its item, cells and result signals.
struct SubtreeMatch {
    FirstLevelItem item;
    std::vector<int> cells;
    std::vector<Signal> outputs;
};

// Whether adder node `node` adds two operands of `width` bits without
// carry-in: a half adder in column 0, then one 3-input cell per column; its
// result bits are the sums and the last carry. Appends its cells to
// m.cells, its inner carries to `inner`, and sets fullMask bits from `bit`
// on for its 3-input cells.
bool adderAt(const Netlist& net, int node, int width, const std::vector<std::vector<int>>& cellsOf, int bit,
             SubtreeMatch& m, std::vector<Signal>& inner)
{
    const AdderNode& n = net.nodes[node];
    const std::vector<int>& cells = cellsOf[node];
    if (n.childA < 0 || n.childB < 0 || n.cin != kNoSignal || static_cast<int>(cells.size()) != width
        || static_cast<int>(n.out.size()) != width + 1)
        return false;
    const AdderNode& a = net.nodes[n.childA];
    const AdderNode& b = net.nodes[n.childB];
    Signal carry = kNoSignal;
    for (int j = 0; j < width; ++j) {
        const CellInstance& c = net.cells[cells[j]];
        if (c.column != j || j >= static_cast<int>(a.out.size()) || j >= static_cast<int>(b.out.size()))
            return false;
        if (j == 0 ? !reads(net, c, {a.out[0], b.out[0]}, false) : !reads(net, c, {a.out[j], b.out[j], carry}, true))
            return false;
        if (n.out[j] != c.sum)
            return false;
        if (j > 0 && codeOf(net, c) == CellCode::FullAdder)
            m.item.fullMask |= 1u << (bit + j - 1);
        carry = c.carry;
        m.cells.push_back(cells[j]);
    }
    if (n.out[width] != carry)
        return false;
    for (int j = 0; j + 1 < width; ++j) // the last carry is a result bit
        inner.push_back(net.cells[cells[j]].carry);
    return true;
}

// The three-level subtree under adder node `root` as one Tree3 item, if it
// has exactly the shape Tree3 describes and its inner signals have no other
// readers.
std::optional<SubtreeMatch> tree3At(const Netlist& net, int root, const std::vector<std::vector<int>>& cellsOf,
                                    const std::vector<int>& readers)
{
    const AdderNode& r = net.nodes[root];
    if (r.childA < 0 || r.childB < 0 || r.cin != kNoSignal)
        return std::nullopt;
    SubtreeMatch m;
    std::vector<Signal> inner; // signals that only the subtree may read
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
        if (codeOf(net, c) == CellCode::FullAdder)
            m.item.fullMask |= 1u << (input / 3 - 1);
        m.cells.push_back(cellsOf[g][0]);
        inner.insert(inner.end(), {c.sum, c.carry});
    }
    for (int q = 0; q < 2; ++q) {
        if (!adderAt(net, children[q], 2, cellsOf, 4 + q, m, inner))
            return std::nullopt;
        inner.insert(inner.end(), net.nodes[children[q]].out.begin(), net.nodes[children[q]].out.end());
    }
    if (!adderAt(net, root, 3, cellsOf, 6, m, inner))
        return std::nullopt;
    for (Signal s : inner)
        if (readers[s] != 1)
            return std::nullopt;
    m.outputs = r.out;
    m.item.kind = FirstLevelItem::Kind::Tree3;
    return m;
}

// Two Tree3 subtrees and the 4-bit adder of their results under `root`.
std::optional<SubtreeMatch> tree4At(const Netlist& net, int root, const std::vector<std::vector<int>>& cellsOf,
                                    const std::vector<int>& readers)
{
    const AdderNode& r = net.nodes[root];
    if (r.childA < 0 || r.childB < 0 || r.cin != kNoSignal)
        return std::nullopt;
    const std::optional<SubtreeMatch> a = tree3At(net, r.childA, cellsOf, readers);
    const std::optional<SubtreeMatch> b = a ? tree3At(net, r.childB, cellsOf, readers) : std::nullopt;
    if (!b)
        return std::nullopt;
    SubtreeMatch m;
    m.item.kind = FirstLevelItem::Kind::Tree4;
    std::copy_n(a->item.in, FirstLevelItem::kTree3Inputs, m.item.in);
    std::copy_n(b->item.in, FirstLevelItem::kTree3Inputs, m.item.in + FirstLevelItem::kTree3Inputs);
    m.item.fullMask = a->item.fullMask | b->item.fullMask << FirstLevelItem::kTree3Cells;
    m.cells = a->cells;
    m.cells.insert(m.cells.end(), b->cells.begin(), b->cells.end());
    std::vector<Signal> inner = a->outputs; // read by the root adder alone
    inner.insert(inner.end(), b->outputs.begin(), b->outputs.end());
    if (!adderAt(net, root, 4, cellsOf, 2 * FirstLevelItem::kTree3Cells, m, inner))
        return std::nullopt;
    for (Signal s : inner)
        if (readers[s] != 1)
            return std::nullopt;
    m.outputs = r.out;
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
    // Four-level subtrees where they fit, then three-level ones among the rest.
    for (int levels : {4, 3})
        for (size_t n = 0; n < net.nodes.size(); ++n) {
            if (!cellsOf[n].empty() && fusedCell[cellsOf[n][0]])
                continue;
            std::optional<SubtreeMatch> t = levels == 4 ? tree4At(net, static_cast<int>(n), cellsOf, readers)
                                                        : tree3At(net, static_cast<int>(n), cellsOf, readers);
            if (!t)
                continue;
            bool taken = false; // a three-level subtree inside a four-level one
            for (int c : t->cells)
                taken = taken || fusedCell[c];
            if (taken)
                continue;
            for (int c : t->cells)
                fusedCell[c] = 1;
            for (int k = 0; k < t->item.inputs(); ++k)
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
    // Three tree levels over x[0..11], fullMask bits from mask's bit 0.
    const auto tree3 = [&](const uint64_t* x, uint32_t mask, uint64_t* r) {
        const auto full = [&](int j) { return ((mask >> j) & 1) != 0; };
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
    };
    for (const FirstLevelItem& item : fused.items)
        for (int w = 0; w < words; ++w) {
            uint64_t x[FirstLevelItem::kMaxInputs];
            for (int i = 0; i < item.inputs(); ++i)
                x[i] = inputs[static_cast<size_t>(item.in[i]) * words + w];
            uint64_t r[5] = {};
            switch (item.kind) {
            case Kind::Copy: r[0] = x[0]; break;
            case Kind::FullAdder:
            case Kind::MajFa: cell3(item.kind == Kind::FullAdder, x[0], x[1], x[2], r[0], r[1]); break;
            case Kind::Tree3: tree3(x, item.fullMask, r); break;
            case Kind::Tree4: {
                uint64_t a[4], b[4];
                tree3(x, item.fullMask, a);
                tree3(x + FirstLevelItem::kTree3Inputs, item.fullMask >> FirstLevelItem::kTree3Cells, b);
                r[0] = a[0] ^ b[0];
                uint64_t carry = a[0] & b[0];
                for (int j = 1; j < 4; ++j)
                    cell3(((item.fullMask >> (2 * FirstLevelItem::kTree3Cells + j - 1)) & 1) != 0, a[j], b[j], carry,
                          r[j], carry);
                r[4] = carry;
                break;
            }
            }
            for (int j = 0; j < item.outputs(); ++j)
                out[(static_cast<size_t>(item.out) + j) * words + w] = r[j];
        }
    return out;
}

} // namespace axbnn
