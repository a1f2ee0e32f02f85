// Popcount netlist generators: adder tree of ripple-carry adders, Wallace and
// Dadda compressor trees with a final ripple adder, and the accumulator chain.
#include "circuit/popcount_builder.h"

#include <algorithm>
#include <stdexcept>

namespace axbnn {
namespace {

// A value being summed: the output of an adder node or one raw input bit.
struct Operand {
    int node = -1;
    std::vector<Signal> bits;
    uint32_t maxValue = 0;
    int inputCount = 0;
};

class Builder {
public:
    Builder(int inputs, Topology topology, const CellLibrary& library) : library_(library)
    {
        net_.inputs = inputs;
        net_.topology = topology;
        net_.signalCount = kFirstInput + static_cast<uint32_t>(inputs);
        fa_ = net_.typeIndex(library, "fa");
        ha_ = net_.typeIndex(library, "ha");
    }

    Operand raw(int i) const { return {-1, {kFirstInput + static_cast<Signal>(i)}, 1, 1}; }

    // One cell over 2 or 3 input signals; returns {sum, carry}.
    std::pair<Signal, Signal> cell(const std::vector<Signal>& in, int column, int level, int node)
    {
        CellInstance c;
        c.type = in.size() == 3 ? fa_ : ha_;
        for (size_t i = 0; i < in.size(); ++i)
            c.in[i] = in[i];
        c.sum = net_.signalCount++;
        c.carry = net_.signalCount++;
        c.column = column;
        c.level = level;
        c.node = node;
        net_.cells.push_back(c);
        return {c.sum, c.carry};
    }

    // Ripple-carry adder node: A + B (+ cin), result as wide as its exact range.
    Operand adder(const Operand& a, const Operand& b, Signal cin, int level)
    {
        const int id = static_cast<int>(net_.nodes.size());
        AdderNode node;
        node.childA = a.node;
        node.childB = b.node;
        node.a = a.bits;
        node.b = b.bits;
        node.cin = cin;
        node.maxValue = a.maxValue + b.maxValue + (cin != kNoSignal ? 1 : 0);
        node.inputCount = a.inputCount + b.inputCount + (cin != kNoSignal ? 1 : 0);
        node.level = level;
        const int width = bitsFor(node.maxValue);
        Signal carry = cin;
        for (int j = 0; j < width; ++j) {
            const std::vector<Signal> in = rippleColumn(a.bits, b.bits, j, carry);
            if (in.size() >= 2) {
                auto [s, c] = cell(in, j, level, id);
                node.out.push_back(s);
                carry = c;
            } else {
                node.out.push_back(in.empty() ? kConst0 : in[0]);
                carry = kNoSignal;
            }
        }
        // A carry out of the top column is zero in exact arithmetic; prune() drops it.
        net_.nodes.push_back(node);
        return {id, net_.nodes.back().out, node.maxValue, node.inputCount};
    }

    void adderTree()
    {
        const int n = net_.inputs;
        std::vector<Operand> ops;
        std::vector<Operand> spares;
        int i = 0;
        for (; i + 3 <= n; i += 3)
            ops.push_back(adder(raw(i), raw(i + 1), kFirstInput + static_cast<Signal>(i + 2), 0));
        for (; i < n; ++i)
            spares.push_back(raw(i));
        if (ops.empty()) {
            if (n == 1) {
                net_.outputs = spares[0].bits;
                return;
            }
            ops.push_back(adder(spares[0], spares[1], kNoSignal, 0));
            spares.clear();
        }
        // Spare raw bits enter as carry-ins of the next level's adders.
        auto takeSpare = [&]() {
            Signal s = kNoSignal;
            if (!spares.empty()) {
                s = spares.back().bits[0];
                spares.pop_back();
            }
            return s;
        };
        int level = 1;
        while (ops.size() > 1 || !spares.empty()) {
            std::vector<Operand> next;
            size_t k = 0;
            for (; k + 1 < ops.size(); k += 2) {
                const Signal cin = takeSpare();
                next.push_back(adder(ops[k], ops[k + 1], cin, level));
            }
            if (k < ops.size()) {
                if (!spares.empty()) {
                    Operand b = spares.back();
                    spares.pop_back();
                    const Signal cin = takeSpare();
                    next.push_back(adder(ops[k], b, cin, level));
                } else {
                    next.push_back(ops[k]);
                }
            }
            ops = std::move(next);
            ++level;
        }
        net_.outputs = ops[0].bits;
    }

    void chain()
    {
        Operand acc = raw(0);
        for (int i = 1; i < net_.inputs; ++i)
            acc = adder(acc, raw(i), kNoSignal, i - 1);
        net_.outputs = acc.bits;
    }

    // Column compression (Wallace or Dadda) followed by a ripple-carry adder.
    void compressor(bool dadda)
    {
        std::vector<std::vector<Signal>> cols(1);
        for (int i = 0; i < net_.inputs; ++i)
            cols[0].push_back(kFirstInput + static_cast<Signal>(i));
        auto height = [&]() {
            size_t h = 0;
            for (const auto& c : cols)
                h = std::max(h, c.size());
            return h;
        };
        std::vector<size_t> targets; // Dadda's d_j sequence, largest first
        if (dadda) {
            for (size_t d = 2; d < height(); d = d * 3 / 2)
                targets.insert(targets.begin(), d);
        }
        int stage = 0;
        size_t t = 0;
        while (height() > 2) {
            const size_t target = dadda && t < targets.size() ? targets[t++] : 2;
            std::vector<std::vector<Signal>> next(cols.size() + 1);
            for (size_t j = 0; j < cols.size(); ++j) {
                std::vector<Signal>& bits = cols[j];
                size_t pos = 0;
                if (dadda) {
                    // Reduce column j (with the carries already sent into it) to `target`.
                    size_t h = bits.size() + next[j].size();
                    while (h > target && bits.size() - pos >= 2) {
                        const bool full = h - target >= 2 && bits.size() - pos >= 3;
                        std::vector<Signal> in(bits.begin() + pos, bits.begin() + pos + (full ? 3 : 2));
                        pos += in.size();
                        auto [s, c] = cell(in, static_cast<int>(j), stage, -1);
                        next[j].push_back(s);
                        next[j + 1].push_back(c);
                        h -= full ? 2 : 1;
                    }
                } else if (bits.size() > 2) {
                    while (bits.size() - pos >= 2) {
                        const size_t take = bits.size() - pos >= 3 ? 3 : 2;
                        std::vector<Signal> in(bits.begin() + pos, bits.begin() + pos + take);
                        pos += take;
                        auto [s, c] = cell(in, static_cast<int>(j), stage, -1);
                        next[j].push_back(s);
                        next[j + 1].push_back(c);
                    }
                }
                next[j].insert(next[j].end(), bits.begin() + pos, bits.end());
            }
            while (!next.empty() && next.back().empty())
                next.pop_back();
            cols = std::move(next);
            ++stage;
        }
        // Final carry-propagate adder over columns of height <= 2.
        const int width = bitsFor(static_cast<uint64_t>(net_.inputs));
        Signal carry = kNoSignal;
        for (int j = 0; j < width; ++j) {
            std::vector<Signal> in = j < static_cast<int>(cols.size()) ? cols[j] : std::vector<Signal>{};
            if (carry != kNoSignal)
                in.push_back(carry);
            if (in.size() >= 2) {
                auto [s, c] = cell(in, j, stage, -1);
                net_.outputs.push_back(s);
                carry = c;
            } else {
                net_.outputs.push_back(in.empty() ? kConst0 : in[0]);
                carry = kNoSignal;
            }
        }
    }

    // Drops logic whose result is zero in exact arithmetic or unused: a cell
    // whose carry nobody reads becomes its sum-only twin (fa -> xor3,
    // ha -> xor2); a cell with no used output disappears. Then renumbers
    // signals densely in topological order.
    void prune()
    {
        std::vector<int> uses(net_.signalCount, 0);
        for (Signal s : net_.outputs)
            ++uses[s];
        for (const auto& c : net_.cells)
            for (Signal s : c.in)
                if (s != kNoSignal)
                    ++uses[s];
        const int xor2 = net_.typeIndex(library_, "xor2");
        const int xor3 = net_.typeIndex(library_, "xor3");
        std::vector<bool> keep(net_.cells.size(), true);
        for (size_t i = net_.cells.size(); i-- > 0;) {
            CellInstance& c = net_.cells[i];
            const bool carryUsed = c.carry != kNoSignal && uses[c.carry] > 0;
            if (uses[c.sum] == 0 && !carryUsed) {
                keep[i] = false;
                for (Signal s : c.in)
                    if (s != kNoSignal)
                        --uses[s];
            } else if (!carryUsed && c.carry != kNoSignal) {
                c.type = c.type == fa_ ? xor3 : xor2;
                c.carry = kNoSignal;
            }
        }
        std::vector<Signal> remap(net_.signalCount, kNoSignal);
        Signal next = kFirstInput + static_cast<Signal>(net_.inputs);
        for (Signal s = 0; s < next; ++s)
            remap[s] = s;
        std::vector<CellInstance> cells;
        std::vector<int> newIndex(net_.cells.size(), -1);
        for (size_t i = 0; i < net_.cells.size(); ++i) {
            if (!keep[i])
                continue;
            CellInstance c = net_.cells[i];
            for (Signal& s : c.in)
                if (s != kNoSignal)
                    s = remap[s];
            remap[c.sum] = next++;
            c.sum = remap[c.sum];
            if (c.carry != kNoSignal) {
                remap[c.carry] = next++;
                c.carry = remap[c.carry];
            }
            cells.push_back(c);
        }
        auto fix = [&](std::vector<Signal>& v) {
            for (Signal& s : v)
                s = remap[s];
        };
        for (auto& node : net_.nodes) {
            fix(node.a);
            fix(node.b);
            fix(node.out);
            if (node.cin != kNoSignal)
                node.cin = remap[node.cin];
        }
        fix(net_.outputs);
        net_.cells = std::move(cells);
        net_.signalCount = next;
        int levels = 0;
        for (const auto& c : net_.cells)
            levels = std::max(levels, c.level + 1);
        net_.levels = levels;
        net_.dropUnusedTypes();
    }

    Netlist take() { return std::move(net_); }

private:
    const CellLibrary& library_;
    Netlist net_;
    int fa_ = 0, ha_ = 0;
};

} // namespace

std::vector<Signal> rippleColumn(const std::vector<Signal>& a, const std::vector<Signal>& b, int j, Signal carry)
{
    std::vector<Signal> in;
    if (j < static_cast<int>(a.size()))
        in.push_back(a[j]);
    if (j < static_cast<int>(b.size()))
        in.push_back(b[j]);
    if (carry != kNoSignal)
        in.push_back(carry);
    return in;
}

Netlist buildPopcount(int inputs, Topology topology, const CellLibrary& library)
{
    if (inputs < 1 || inputs > kMaxPopcountInputs)
        throw std::invalid_argument("number of inputs must be between 1 and " + std::to_string(kMaxPopcountInputs)
                                    + ", got " + std::to_string(inputs));
    Builder b(inputs, topology, library);
    switch (topology) {
    case Topology::AdderTree: b.adderTree(); break;
    case Topology::Chain: b.chain(); break;
    case Topology::Wallace: b.compressor(false); break;
    case Topology::Dadda: b.compressor(true); break;
    case Topology::Imported: throw std::invalid_argument("an imported circuit is read from a file, not built");
    }
    b.prune();
    return b.take();
}

} // namespace axbnn
