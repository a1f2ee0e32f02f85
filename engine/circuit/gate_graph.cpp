// Gate graph checks (drivers, loops) and its translation to a gate Netlist.
#include "circuit/gate_graph.h"

#include "circuit/design_limits.h"
#include "util/input_limits.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace axbnn {

GateGraph::GateGraph(std::string origin, int inputs) : origin_(std::move(origin)), inputs_(inputs)
{
    if (inputs < 1)
        throw std::runtime_error(origin_ + ": the circuit has no inputs");
    if (inputs > kMaxPopcountInputs)
        throw std::runtime_error(origin_ + ": the circuit has " + std::to_string(inputs) + " inputs, more than the "
                                 + std::to_string(kMaxPopcountInputs) + " a popcount may have");
    items_.resize(2 + static_cast<size_t>(inputs));
    for (int i = 0; i < inputs; ++i)
        items_[2 + i].kind = Kind::Input;
}

void GateGraph::fail(const std::string& where, const std::string& what) const
{
    throw std::runtime_error(origin_ + (where.empty() ? "" : ": " + where) + ": " + what);
}

void GateGraph::reserve(size_t nodes)
{
    items_.reserve(2 + std::min(nodes, static_cast<size_t>(kMaxNetlistNodes)));
}

void GateGraph::checkRoom(const std::string& where) const
{
    if (static_cast<long long>(items_.size()) - 2 >= kMaxNetlistNodes)
        fail(where,
             "the netlist has more than " + std::to_string(kMaxNetlistNodes)
                 + " gates and wire bits, the most an imported netlist may have");
}

GateGraph::Node GateGraph::wire(std::string name, std::string where)
{
    checkRoom(where);
    Item w;
    w.kind = Kind::Wire;
    w.name = std::move(name);
    w.where = std::move(where);
    items_.push_back(std::move(w));
    return static_cast<Node>(items_.size() - 1);
}

void GateGraph::drive(Node wire, Node driver, const std::string& where)
{
    Item& w = items_.at(static_cast<size_t>(wire));
    if (w.kind != Kind::Wire)
        fail(where, "cannot assign to an input or a constant");
    if (w.driven)
        fail(where, "'" + w.name + "' has more than one driver (also driven at " + w.drivenWhere + ")");
    w.driven = true;
    w.in[0] = driver;
    w.drivenWhere = where;
}

bool GateGraph::isDriven(Node wire) const
{
    return items_.at(static_cast<size_t>(wire)).driven;
}

GateGraph::Node GateGraph::undefined(const std::string& where)
{
    return wire("", where); // an unnamed wire that is never driven
}

GateGraph::Node GateGraph::gate(Gate kind, Node a, Node b, Node c, const std::string& where)
{
    checkRoom(where);
    Item g;
    g.kind = Kind::Gate;
    g.gate = kind;
    g.in[0] = a;
    g.in[1] = gateArity(kind) >= 2 ? b : kZero;
    g.in[2] = gateArity(kind) >= 3 ? c : kZero;
    g.where = where;
    items_.push_back(std::move(g));
    return static_cast<Node>(items_.size() - 1);
}

// Follows wires to the gate, input or constant they carry and remembers the
// answer for every wire on the way, so that a long chain of assignments is
// walked once, not once for each of its readers.
class GateGraph::Resolver {
public:
    explicit Resolver(const GateGraph& g) : g_(g), root_(g.items_.size(), kUnknown) {}

    Node operator()(Node n)
    {
        path_.clear();
        while (g_.items_[n].kind == Kind::Wire && root_[n] == kUnknown) {
            const Item& w = g_.items_[n];
            if (!w.driven && w.name.empty())
                g_.fail(w.where, "an x or z constant reaches an output (only 0 and 1 can be simulated)");
            if (!w.driven)
                g_.fail(w.where, "'" + w.name + "' is read but never assigned");
            root_[n] = kOnPath;
            path_.push_back(n);
            n = w.in[0];
            if (g_.items_[n].kind == Kind::Wire && root_[n] == kOnPath)
                g_.fail(g_.items_[n].drivenWhere,
                        "combinational loop: '" + g_.items_[n].name + "' is assigned from itself");
        }
        const Node r = g_.items_[n].kind == Kind::Wire ? root_[n] : n;
        for (Node p : path_)
            root_[p] = r;
        return r;
    }

private:
    static constexpr Node kUnknown = -1, kOnPath = -2;
    const GateGraph& g_;
    std::vector<Node> root_, path_;
};

Netlist GateGraph::build(const std::vector<Node>& outputs, const CellLibrary* overrides) const
{
    if (outputs.empty())
        fail("", "the circuit has no outputs");
    // Gates with wires resolved away (a compact copy: names stay in items_).
    std::vector<Slot> g(items_.size());
    for (size_t i = 0; i < items_.size(); ++i)
        g[i] = {items_[i].kind, items_[i].gate, {items_[i].in[0], items_[i].in[1], items_[i].in[2]}};
    Resolver resolve(*this);
    std::vector<Node> outs;
    std::vector<char> reachable(g.size(), 0);
    // Iterative DFS from the outputs: 1 = on the stack, 2 = done. A node met
    // again while on the stack closes a loop.
    std::vector<char> state(g.size(), 0);
    std::vector<std::pair<Node, int>> stack;
    for (Node o : outputs) {
        const Node r = resolve(o);
        outs.push_back(r);
        if (state[r])
            continue;
        stack.push_back({r, 0});
        state[r] = 1;
        while (!stack.empty()) {
            auto& [n, k] = stack.back();
            Slot& it = g[n];
            if (it.kind != Kind::Gate || k == 3) {
                state[n] = 2;
                stack.pop_back();
                continue;
            }
            const int at = k++;
            if (at >= gateArity(it.gate))
                continue;
            const Node child = resolve(it.in[at]);
            it.in[at] = child;
            if (state[child] == 1)
                fail(items_[child].where, "combinational loop: this assignment depends on its own output");
            if (state[child] == 0) {
                state[child] = 1;
                stack.push_back({child, 0});
            }
        }
    }
    for (size_t i = 0; i < g.size(); ++i)
        reachable[i] = state[i] == 2;

    // Fan-out of every reachable node (outputs count as readers).
    std::vector<int> fanout(g.size(), 0);
    for (size_t i = 0; i < g.size(); ++i)
        if (reachable[i] && g[i].kind == Kind::Gate)
            for (int k = 0; k < gateArity(g[i].gate); ++k)
                ++fanout[g[i].in[k]];
    for (Node o : outs)
        ++fanout[o];
    auto single = [&](Node n, std::initializer_list<Gate> kinds) {
        return g[n].kind == Kind::Gate && fanout[n] == 1
            && std::find(kinds.begin(), kinds.end(), g[n].gate) != kinds.end();
    };
    for (size_t i = 0; i < g.size(); ++i) {
        Slot& it = g[i];
        if (!reachable[i] || it.kind != Kind::Gate)
            continue;
        if (it.gate == Gate::Inv && single(it.in[0], {Gate::And2, Gate::Or2, Gate::Xor2})) {
            const Slot inner = g[it.in[0]];
            it.gate = inner.gate == Gate::And2 ? Gate::Nand2 : inner.gate == Gate::Or2 ? Gate::Nor2 : Gate::Xnor2;
            it.in[0] = inner.in[0];
            it.in[1] = inner.in[1];
        } else if (it.gate == Gate::And2 || it.gate == Gate::Or2) {
            for (int k = 0; k < 2; ++k) {
                if (single(it.in[k], {Gate::Inv})) {
                    const Node other = it.in[1 - k];
                    it.in[1] = g[it.in[k]].in[0];
                    it.in[0] = other;
                    it.gate = it.gate == Gate::And2 ? Gate::AndNot : Gate::OrNot;
                    break;
                }
            }
        }
    }

    // Emit in post-order from the outputs, so only what they read is built.
    Netlist net;
    net.inputs = inputs_;
    net.topology = Topology::Imported;
    net.signalCount = kFirstInput + static_cast<Signal>(inputs_);
    std::vector<Signal> signal(g.size(), kNoSignal);
    std::vector<int> level(g.size(), 0);
    signal[kZero] = kConst0;
    signal[kOne] = kConst1;
    for (int i = 0; i < inputs_; ++i)
        signal[input(i)] = kFirstInput + static_cast<Signal>(i);
    std::array<int, kGateKinds> typeOf;
    typeOf.fill(-1);
    std::vector<char> levelUsed;
    for (Node r : outs) {
        stack.push_back({r, 0});
        while (!stack.empty()) {
            auto& [n, k] = stack.back();
            if (signal[n] != kNoSignal) {
                stack.pop_back();
                continue;
            }
            const Slot& it = g[n];
            const int arity = gateArity(it.gate);
            if (k < arity) {
                stack.push_back({it.in[k++], 0});
                continue;
            }
            CellInstance c;
            int& t = typeOf[static_cast<int>(it.gate)];
            if (t < 0) {
                net.types.push_back(gateCell(it.gate, overrides));
                t = static_cast<int>(net.types.size() - 1);
            }
            c.type = t;
            int lv = 0;
            for (int i = 0; i < arity; ++i) {
                c.in[static_cast<size_t>(i)] = signal[it.in[i]];
                if (g[it.in[i]].kind == Kind::Gate)
                    lv = std::max(lv, level[it.in[i]] + 1);
            }
            if (arity == 1)
                c.in[1] = kConst0; // one-input gates are 2-input cells ignoring b
            c.sum = net.signalCount++;
            c.level = lv;
            level[n] = lv;
            if (static_cast<size_t>(lv) >= levelUsed.size())
                levelUsed.resize(static_cast<size_t>(lv) + 1, 0);
            levelUsed[static_cast<size_t>(lv)] = 1;
            signal[n] = c.sum;
            net.cells.push_back(c);
            stack.pop_back();
        }
    }
    for (Node r : outs)
        net.outputs.push_back(signal[r]);
    net.levels = static_cast<int>(std::count(levelUsed.begin(), levelUsed.end(), 1));
    return net;
}

} // namespace axbnn
