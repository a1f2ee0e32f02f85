// Popcount netlist generators: adder tree of ripple-carry adders, Wallace and
// Dadda compressor trees with a final ripple adder, and the accumulator chain.
#include "circuit/popcount_builder.h"
#include "circuit/compressors.h"
#include "circuit/knobs.h"

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
    Builder(int inputs, Topology topology, const CellLibrary& library, const BuildOptions& options)
        : library_(library), pairs_(options.pairs), compressorColumns_(options.compressorColumns),
          compressor_(options.compressorColumns > 0 ? &compressorNamed(options.compressor) : nullptr)
    {
        net_.inputs = inputs;
        net_.topology = topology;
        net_.signalCount = kFirstInput + static_cast<uint32_t>(inputs);
        fa_ = net_.typeIndex(library, "fa");
        ha_ = net_.typeIndex(library, "ha");
    }

    static Operand bit(Signal s) { return {-1, {s}, 1, 1}; }

    // The inputs no pair cell reads, one bit each.
    std::vector<Signal> singleInputs() const
    {
        std::vector<Signal> bits;
        for (int i = 2 * pairs_; i < net_.inputs; ++i)
            bits.push_back(kFirstInput + static_cast<Signal>(i));
        return bits;
    }

    // The pair cells (column 0, level 0): input pair k becomes one weight-2
    // bit, AND for even k, OR for odd k (a + b = AND + OR, so alternating
    // pairs err by -1 and +1 alike). Returns those bits.
    std::vector<Signal> pairBits()
    {
        std::vector<Signal> bits;
        if (pairs_ == 0)
            return bits;
        const int andPair = net_.typeIndex(library_, "and-pair");
        const int orPair = net_.typeIndex(library_, "or-pair");
        for (int k = 0; k < pairs_; ++k) {
            const Signal a = kFirstInput + static_cast<Signal>(2 * k);
            bits.push_back(cell({a, a + 1}, 0, 0, -1).second);
            net_.cells.back().type = k % 2 == 0 ? andPair : orPair;
        }
        return bits;
    }

    // A weight-2 operand: the bits of `q` one column up.
    static Operand shifted(Operand q)
    {
        q.bits.insert(q.bits.begin(), kConst0);
        q.maxValue *= 2;
        return q;
    }

    int nextLevel() const
    {
        int level = 0;
        for (const CellInstance& c : net_.cells)
            level = std::max(level, c.level + 1);
        return level;
    }

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

    // The type of a compressor's logic-gate part (circuit/compressors.h).
    int partType(const std::string& gate)
    {
        const CellType part = compressorPartCell(gate);
        for (size_t i = 0; i < net_.types.size(); ++i)
            if (net_.types[i].name == part.name)
                return static_cast<int>(i);
        net_.types.push_back(part);
        return static_cast<int>(net_.types.size() - 1);
    }

    // One approximate 4:2 compressor over `in` (column j, stage): its parts
    // as cells; returns {sum, carry}.
    std::pair<Signal, Signal> compress42(const Signal* in, int column, int stage)
    {
        std::vector<Signal> values(in, in + 4);
        for (int k = 0; k < compressor_->partCount; ++k) {
            const CompressorPart& p = compressor_->parts[k];
            const int col = column + p.weight;
            if (std::string_view(p.cell) == "ha") {
                auto [s, c] = cell({values[p.a], values[p.b]}, col, stage, -1);
                values.push_back(s);
                values.push_back(c);
                continue;
            }
            CellInstance c;
            c.type = partType(p.cell);
            c.in[0] = values[p.a];
            c.in[1] = values[p.b];
            c.sum = net_.signalCount++;
            c.column = col;
            c.level = stage;
            net_.cells.push_back(c);
            values.push_back(c.sum);
        }
        return {values[compressor_->sum], values[compressor_->carry]};
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

    // The pair bits' tree, shifted, plus the other inputs' tree.
    void adderTree()
    {
        const std::vector<Signal> pairs = pairBits();
        const std::vector<Signal> singles = singleInputs();
        if (pairs.empty()) {
            net_.outputs = adderTree(singles).bits;
            return;
        }
        const Operand q = shifted(adderTree(pairs));
        if (singles.empty()) {
            net_.outputs = q.bits;
            return;
        }
        const Operand x = adderTree(singles);
        net_.outputs = adder(x, q, kNoSignal, nextLevel()).bits;
    }

    // An adder tree over one-bit leaves (at least one).
    Operand adderTree(const std::vector<Signal>& leaves)
    {
        const size_t n = leaves.size();
        std::vector<Operand> ops;
        std::vector<Operand> spares;
        size_t i = 0;
        for (; i + 3 <= n; i += 3)
            ops.push_back(adder(bit(leaves[i]), bit(leaves[i + 1]), leaves[i + 2], 0));
        for (; i < n; ++i)
            spares.push_back(bit(leaves[i]));
        if (ops.empty()) {
            if (n == 1)
                return spares[0];
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
        return ops[0];
    }

    // The single inputs, then the pair bits one column up.
    void chain()
    {
        std::vector<Operand> leaves;
        for (Signal s : singleInputs())
            leaves.push_back(bit(s));
        for (Signal s : pairBits())
            leaves.push_back(shifted(bit(s)));
        Operand acc = leaves[0];
        for (size_t i = 1; i < leaves.size(); ++i)
            acc = adder(acc, leaves[i], kNoSignal, static_cast<int>(i) - 1);
        net_.outputs = acc.bits;
    }

    // Column compression (Wallace or Dadda) followed by a ripple-carry adder.
    void compressor(bool dadda)
    {
        std::vector<std::vector<Signal>> cols{singleInputs()};
        if (pairs_ > 0)
            cols.push_back(pairBits()); // weight 2: column 1
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
                    // A compressor takes 4 bits to 1 (a full adder 3 to 1).
                    while (static_cast<int>(j) < compressorColumns_ && h >= target + 3 && bits.size() - pos >= 4) {
                        auto [s, c] = compress42(bits.data() + pos, static_cast<int>(j), stage);
                        pos += 4;
                        next[j].push_back(s);
                        next[j + 1].push_back(c);
                        h -= 3;
                    }
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
                    for (; static_cast<int>(j) < compressorColumns_ && bits.size() - pos >= 4; pos += 4) {
                        auto [s, c] = compress42(bits.data() + pos, static_cast<int>(j), stage);
                        next[j].push_back(s);
                        next[j + 1].push_back(c);
                    }
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
            } else if (!carryUsed && c.carry != kNoSignal && (c.type == fa_ || c.type == ha_)) {
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

    // Adder nodes describe sums of primary inputs; pair bits are not.
    void dropNodes()
    {
        net_.nodes.clear();
        for (CellInstance& c : net_.cells)
            c.node = -1;
    }

    Netlist take() { return std::move(net_); }

private:
    const CellLibrary& library_;
    Netlist net_;
    int pairs_ = 0;
    int compressorColumns_ = 0;
    const Compressor* compressor_ = nullptr;
    int fa_ = 0, ha_ = 0;
};

} // namespace

std::vector<Signal> rippleColumn(const std::vector<Signal>& a, const std::vector<Signal>& b, int j, Signal carry)
{
    std::vector<Signal> in;
    // A constant-0 bit (the empty column 0 of a shifted operand) needs no cell.
    if (j < static_cast<int>(a.size()) && a[j] != kConst0)
        in.push_back(a[j]);
    if (j < static_cast<int>(b.size()) && b[j] != kConst0)
        in.push_back(b[j]);
    if (carry != kNoSignal)
        in.push_back(carry);
    return in;
}

Netlist buildPopcount(int inputs, Topology topology, const CellLibrary& library)
{
    return buildPopcount(inputs, topology, library, 0);
}

Netlist buildPopcount(int inputs, Topology topology, const CellLibrary& library, int pairs)
{
    BuildOptions options;
    options.pairs = pairs;
    return buildPopcount(inputs, topology, library, options);
}

Netlist buildPopcount(int inputs, Topology topology, const CellLibrary& library, const BuildOptions& options)
{
    const int pairs = options.pairs;
    if (inputs < 1 || inputs > kMaxPopcountInputs)
        throw std::invalid_argument("number of inputs must be between 1 and " + std::to_string(kMaxPopcountInputs)
                                    + ", got " + std::to_string(inputs));
    if (pairs < 0 || pairs > inputs / 2)
        throw std::invalid_argument("approximate input pairs must be between 0 and " + std::to_string(inputs / 2)
                                    + " (half the " + std::to_string(inputs) + " inputs), got "
                                    + std::to_string(pairs));
    if (options.compressorColumns > 0 && topology != Topology::Wallace && topology != Topology::Dadda) {
        const KnobInfo& info = knobInfo(Knob::Compressors);
        throw std::invalid_argument(std::string(info.option) + " / " + info.key
                                    + ": 4:2 compressors reduce the columns of wallace and dadda trees only, not of "
                                    + topologyName(topology));
    }
    if (options.compressorColumns < 0)
        throw std::invalid_argument("4:2 compressor columns must be >= 0");
    Builder b(inputs, topology, library, options);
    switch (topology) {
    case Topology::AdderTree: b.adderTree(); break;
    case Topology::Chain: b.chain(); break;
    case Topology::Wallace: b.compressor(false); break;
    case Topology::Dadda: b.compressor(true); break;
    case Topology::Imported: throw std::invalid_argument("an imported circuit is read from a file, not built");
    }
    b.prune();
    if (pairs > 0)
        b.dropNodes();
    return b.take();
}

} // namespace axbnn
