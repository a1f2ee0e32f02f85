// Planning half of the exact error propagation: see propagation.cpp for the
// method and propagation_plan.h for the pieces.
#include "analysis/propagation_plan.h"

#include "analysis/error_accumulator.h"
#include "circuit/simulator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace axbnn::propagation {

void infeasible(const std::string& why)
{
    throw std::invalid_argument("propagation infeasible: " + why);
}

bool isPrimaryInput(const Netlist& net, Signal s)
{
    return s >= kFirstInput && s < kFirstInput + static_cast<Signal>(net.inputs);
}

// Checks the node structure the method relies on and returns the root node.
int checkStructure(const Netlist& net)
{
    if (net.nodes.empty() || (net.topology != Topology::AdderTree && net.topology != Topology::Chain))
        throw std::invalid_argument("propagation needs an adder tree or chain (" + topologyName(net.topology)
                                    + " circuits have no adder nodes); use Monte Carlo");
    const int count = static_cast<int>(net.nodes.size());
    std::vector<int> parents(count, 0);
    std::vector<char> inputUsed(static_cast<size_t>(net.inputs), 0);
    auto useInput = [&](Signal s) {
        if (!isPrimaryInput(net, s) || inputUsed[s - kFirstInput]++)
            infeasible("adder node operands are not disjoint primary inputs");
    };
    for (int i = 0; i < count; ++i) {
        const AdderNode& node = net.nodes[i];
        for (auto [child, bits] : {std::pair{node.childA, &node.a}, std::pair{node.childB, &node.b}}) {
            if (child < 0) {
                if (bits->size() != 1)
                    infeasible("a raw operand of adder node " + std::to_string(i) + " is not one bit");
                useInput((*bits)[0]);
            } else if (child >= i || net.nodes[child].out != *bits || parents[child]++) {
                infeasible("adder node " + std::to_string(i) + " does not read its child's result");
            }
        }
        if (node.cin != kNoSignal)
            useInput(node.cin);
    }
    int root = -1;
    for (int i = 0; i < count; ++i)
        if (parents[i] == 0)
            root = root < 0 ? i : -2;
    if (root < 0 || net.nodes[root].out != net.outputs)
        infeasible("the adder nodes do not form one tree ending at the outputs");
    return root;
}

std::vector<NodeProgram> buildPrograms(const Netlist& net)
{
    const int count = static_cast<int>(net.nodes.size());
    std::vector<std::vector<int>> cellsOf(count);
    for (size_t c = 0; c < net.cells.size(); ++c) {
        const int node = net.cells[c].node;
        if (node < 0 || node >= count)
            infeasible("cell " + std::to_string(c) + " belongs to no adder node");
        cellsOf[node].push_back(static_cast<int>(c));
    }
    std::vector<int> slot(net.signalCount, -1);
    slot[kConst0] = 0;
    slot[kConst1] = 1;
    std::vector<NodeProgram> programs(count);
    for (int i = 0; i < count; ++i) {
        const AdderNode& node = net.nodes[i];
        NodeProgram& prog = programs[i];
        std::vector<Signal> bound;
        auto bind = [&](Signal s) {
            if (s == kConst0 || s == kConst1)
                return static_cast<int>(s);
            if (s >= net.signalCount || slot[s] >= 0)
                infeasible("adder node " + std::to_string(i) + " drives or reads a signal twice");
            bound.push_back(s);
            return slot[s] = prog.slotCount++;
        };
        for (Signal s : node.a)
            prog.a.push_back(bind(s));
        for (Signal s : node.b)
            prog.b.push_back(bind(s));
        if (node.cin != kNoSignal)
            prog.cin = bind(node.cin);
        for (int c : cellsOf[i]) {
            const CellInstance& cell = net.cells[c];
            const CellType& type = net.typeOf(cell);
            NodeProgram::Op op;
            op.sumTable = type.sumTable;
            op.carryTable = type.hasCarry ? type.carryTable : 0;
            op.arity = type.inputs;
            for (int j = 0; j < type.inputs; ++j) {
                const Signal s = cell.in[j];
                if (s == kNoSignal || s >= net.signalCount || slot[s] < 0)
                    infeasible("a cell of adder node " + std::to_string(i) + " reads a signal from outside the node");
                op.in[j] = slot[s];
            }
            op.sum = bind(cell.sum);
            op.hasCarry = cell.carry != kNoSignal;
            if (op.hasCarry)
                op.carry = bind(cell.carry);
            prog.ops.push_back(op);
            if (!type.isExact())
                prog.k = std::max(prog.k, cell.column + 1);
        }
        for (Signal s : node.out) {
            if (s >= net.signalCount || slot[s] < 0)
                infeasible("a result bit of adder node " + std::to_string(i) + " is not driven inside it");
            prog.out.push_back(slot[s]);
        }
        prog.k = std::min(prog.k, static_cast<int>(node.out.size()));
        for (Signal s : bound)
            slot[s] = -1;
    }
    return programs;
}

// Top-down: each node needs max(K, what its parent needs, floor) low bits of
// its operands. floor > 0 only where wrap-around forced complete operands.
std::vector<NodePlan> planNodes(const Netlist& net, const std::vector<NodeProgram>& programs,
                                const std::vector<int>& floor)
{
    const int count = static_cast<int>(net.nodes.size());
    std::vector<NodePlan> plan(count);
    for (int i = count - 1; i >= 0; --i) {
        const AdderNode& node = net.nodes[i];
        NodePlan& p = plan[i];
        const int need = std::max({programs[i].k, p.rOut, floor[i]});
        p.rA = std::min(need, static_cast<int>(node.a.size()));
        p.rB = std::min(need, static_cast<int>(node.b.size()));
        p.complete = p.rA == static_cast<int>(node.a.size()) && p.rB == static_cast<int>(node.b.size());
        if (std::max({p.rA, p.rB, p.rOut}) > kMaxPropagationClassBits)
            infeasible("adder node " + std::to_string(i) + " would need the low "
                       + std::to_string(std::max({p.rA, p.rB, p.rOut})) + " bits of its values (at most "
                       + std::to_string(kMaxPropagationClassBits) + " are tracked)");
        if (node.childA >= 0)
            plan[node.childA].rOut = p.rA;
        if (node.childB >= 0)
            plan[node.childB].rOut = p.rB;
    }
    return plan;
}

// Evaluates the node's cells for every (rA, rB, cin), operand bits above the
// tracked ones zero: delta = result - (rA + rB + cin), exact including the
// truncation to the node width when the operands are complete. Bit-parallel:
// lane l of word w is table entry 64 w + l, whose bits select cin, rB, rA.
void buildTable(const NodeProgram& prog, const NodePlan& plan, NodeTable& table)
{
    if (table.rA == plan.rA && table.rB == plan.rB && table.rOut == plan.rOut)
        return;
    table.rA = plan.rA;
    table.rB = plan.rB;
    table.rOut = plan.rOut;
    table.cinBits = prog.cin >= 0 ? 1 : 0;
    const int bits = plan.rA + plan.rB + table.cinBits;
    const size_t entries = size_t{1} << bits;
    table.delta.assign(entries, 0);
    table.cls.assign(entries, 0);
    const unsigned clsMask = (1u << plan.rOut) - 1;
    const size_t lanes = std::min<size_t>(64, entries);
    std::vector<uint64_t> slot(static_cast<size_t>(prog.slotCount), 0);
    for (size_t w = 0; w * 64 < entries; ++w) {
        auto indexBit = [&](int t) { return t < 6 ? detail::kLanePattern[t] : ((w >> (t - 6)) & 1 ? ~0ull : 0ull); };
        auto setOperand = [&](const std::vector<int>& slots, int tracked, int firstBit) {
            for (size_t j = 0; j < slots.size(); ++j)
                if (slots[j] > 1) // a constant operand bit keeps its value
                    slot[slots[j]] = static_cast<int>(j) < tracked ? indexBit(firstBit + static_cast<int>(j)) : 0;
        };
        slot[0] = 0;
        slot[1] = ~0ull;
        if (prog.cin >= 0)
            slot[prog.cin] = indexBit(0);
        setOperand(prog.b, plan.rB, table.cinBits);
        setOperand(prog.a, plan.rA, table.cinBits + plan.rB);
        for (const auto& op : prog.ops) {
            const uint64_t x = slot[op.in[0]], y = slot[op.in[1]], z = op.arity == 3 ? slot[op.in[2]] : 0;
            slot[op.sum] = evalTable(op.sumTable, op.arity, x, y, z);
            if (op.hasCarry)
                slot[op.carry] = evalTable(op.carryTable, op.arity, x, y, z);
        }
        for (size_t l = 0; l < lanes; ++l) {
            const size_t at = w * 64 + l;
            Int value = 0;
            for (size_t j = 0; j < prog.out.size(); ++j)
                value |= static_cast<Int>((slot[prog.out[j]] >> l) & 1) << j;
            const Int c = static_cast<Int>(at & ((size_t{1} << table.cinBits) - 1));
            const Int b = static_cast<Int>((at >> table.cinBits) & ((size_t{1} << plan.rB) - 1));
            const Int a = static_cast<Int>(at >> (table.cinBits + plan.rB));
            table.delta[at] = static_cast<int32_t>(value - (a + b + c));
            table.cls[at] = static_cast<uint16_t>(value & clsMask);
        }
    }
}

// Every (rA, rB, cin) costs a table entry and at least one multiply-add, so
// a plan with more entries than the budget cannot finish within it.
void checkTableSizes(const Netlist& net, const std::vector<NodePlan>& plan, long budget)
{
    long double entries = 0;
    for (size_t i = 0; i < plan.size(); ++i) {
        const int bits = plan[i].rA + plan[i].rB + (net.nodes[i].cin != kNoSignal ? 1 : 0);
        if (bits > kMaxTableBits)
            infeasible("adder node " + std::to_string(i) + " would need a table of 2^" + std::to_string(bits)
                       + " entries (at most 2^" + std::to_string(kMaxTableBits) + ")");
        entries += std::ldexp(1.0L, bits);
    }
    if (entries > budget)
        infeasible("its node tables alone would exceed the budget of " + std::to_string(budget) + " multiply-adds");
}

// The carry-in values of a node with their probabilities (zero ones left out).
std::vector<std::pair<unsigned, double>> carryIns(const AdderNode& node, double p)
{
    if (node.cin == kNoSignal)
        return {{0u, 1.0}};
    std::vector<std::pair<unsigned, double>> out;
    if (p < 1.0)
        out.push_back({0u, 1.0 - p});
    if (p > 0.0)
        out.push_back({1u, p});
    return out;
}

std::vector<Range> rawRanges(int bits, double p)
{
    const Int lo = p < 1.0 ? 0 : 1, hi = p > 0.0 ? 1 : 0;
    if (bits == 0)
        return {Range{true, 0, 0, lo, hi}};
    std::vector<Range> r(2);
    if (p < 1.0)
        r[0] = {true, 0, 0, 0, 0};
    if (p > 0.0)
        r[1] = {true, 0, 0, 1, 1};
    return r;
}

std::vector<Dist> rawDists(int bits, double p)
{
    if (bits == 0)
        return {Dist{0, {1.0}}};
    std::vector<Dist> d(2);
    if (p < 1.0)
        d[0] = {0, {1.0 - p}};
    if (p > 0.0)
        d[1] = {0, {p}};
    return d;
}

// Propagates reachable error and value ranges (exact, as A and B are
// independent and both extremes of each are reachable) and finds the nodes
// whose result may wrap around their width. Those marked boundOnly get a
// bound on P(wrap) and conservative ranges; the others are listed to widen.
RangePass propagateRanges(const Netlist& net, const std::vector<NodePlan>& plan, const std::vector<NodeTable>& tables,
                          const std::vector<char>& boundOnly, int root, double p)
{
    RangePass pass;
    std::vector<std::vector<Range>> ranges(net.nodes.size());
    for (size_t i = 0; i < net.nodes.size(); ++i) {
        const AdderNode& node = net.nodes[i];
        const NodePlan& np = plan[i];
        const NodeTable& table = tables[i];
        const auto ra = node.childA >= 0 ? std::move(ranges[node.childA]) : rawRanges(np.rA, p);
        const auto rb = node.childB >= 0 ? std::move(ranges[node.childB]) : rawRanges(np.rB, p);
        std::vector<Range> out(size_t{1} << np.rOut);
        const auto cins = carryIns(node, p);
        for (unsigned a = 0; a < ra.size(); ++a) {
            if (!ra[a].reachable)
                continue;
            for (unsigned b = 0; b < rb.size(); ++b) {
                if (!rb[b].reachable)
                    continue;
                for (auto [c, w] : cins) {
                    const size_t at = table.index(a, b, c);
                    const Int d = table.delta[at];
                    const Range& x = ra[a];
                    const Range& y = rb[b];
                    out[table.cls[at]].merge(x.minE + y.minE + d, x.maxE + y.maxE + d, x.minV + y.minV + c + d,
                                             x.maxV + y.maxV + c + d);
                }
            }
        }
        const int width = static_cast<int>(node.out.size());
        const Int top = (Int{1} << width) - 1;
        Int maxV = 0, maxE = std::numeric_limits<Int>::min();
        for (const Range& r : out)
            if (r.reachable) {
                maxV = std::max(maxV, r.maxV);
                maxE = std::max(maxE, r.maxE);
            }
        if (!np.complete && maxV > top) {
            // The result may wrap: with complete operands the table models it
            // exactly. Otherwise wrapping needs s >= 2^width - max error.
            if (!boundOnly[i]) {
                pass.widen.push_back(static_cast<int>(i));
            } else {
                pass.mayWrap = true;
                const Int threshold = (Int{1} << width) - maxE;
                pass.wrapBound += detail::binomialTailAtLeast(
                    node.inputCount, static_cast<int>(std::clamp<Int>(threshold, 0, node.inputCount + 1)), p);
            }
            for (Range& r : out)
                if (r.reachable && r.maxV > top) {
                    r.minV = 0;
                    r.maxV = top;
                    r.minE = std::min<Int>(r.minE, -static_cast<Int>(node.maxValue));
                }
        }
        ranges[i] = std::move(out);
    }
    pass.root = std::move(ranges[root]);
    return pass;
}

} // namespace axbnn::propagation
