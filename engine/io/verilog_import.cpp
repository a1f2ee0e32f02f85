// Elaboration of parsed gate-level Verilog into a gate graph: nets become
// wires bit by bit, expressions gates, instances are flattened.
#include "io/verilog_import.h"

#include "circuit/design_limits.h"
#include "circuit/gate_graph.h"
#include "io/verilog_hierarchy.h"
#include "io/verilog_parser.h"
#include "util/input_limits.h"
#include "util/shown_text.h"

#include <cstdlib>
#include <map>
#include <stdexcept>

namespace axbnn {

namespace {

using namespace verilog;
using Node = GateGraph::Node;
using Bits = std::vector<Node>; // least significant first

std::string at(int line)
{
    return "line " + std::to_string(line);
}
int width(const Net& n)
{
    return std::abs(n.msb - n.lsb) + 1;
}

struct Scope {
    const Module* module = nullptr;
    std::map<std::string, Bits> bits;
};

// The hierarchical prefix of an instance's wires ("u1.u7."), for messages:
// names are cut to 40 characters and a deep path keeps its last 40, so that
// long names in a deep hierarchy do not multiply into gigabytes of names.
std::string subPrefix(const std::string& prefix, const std::string& instance)
{
    std::string p = prefix + shownText(instance) + ".";
    return p.size() > 40 ? "..." + p.substr(p.size() - 37) : p;
}

class Elaborator {
public:
    Elaborator(GateGraph& g, const Hierarchy& modules) : g_(g), modules_(modules) {}

    Scope scope(const Module& m, const std::string& prefix, bool top)
    {
        Scope s;
        s.module = &m;
        for (const auto& [name, net] : m.nets) {
            Bits& b = s.bits[name];
            const int w = width(net);
            const int step = net.msb >= net.lsb ? 1 : -1;
            const std::string base = prefix + shownText(name);
            b.reserve(static_cast<size_t>(w));
            for (int k = 0; k < w; ++k) {
                if (top && net.dir == Net::Input) {
                    b.push_back(g_.input(k));
                } else {
                    std::string n = base;
                    if (w > 1 || net.msb != 0)
                        n.append("[").append(std::to_string(net.lsb + step * k)).append("]");
                    b.push_back(g_.wire(n, at(net.line)));
                }
            }
        }
        return s;
    }

    // Recurses once per module level: Hierarchy::check has bounded the levels
    // (kMaxNetlistHierarchyDepth) and refused cycles before.
    void elaborate(const Scope& s, const std::string& prefix, int depth)
    {
        if (depth >= kMaxNetlistHierarchyDepth)
            g_.fail(at(s.module->line),
                    "the module hierarchy is more than " + std::to_string(kMaxNetlistHierarchyDepth) + " levels deep");
        for (const Assign& a : s.module->assigns)
            connect(lvalue(*a.lhs, s), eval(*a.rhs, s), a.line);
        for (const Instance& inst : s.module->instances) {
            if (const auto gate = yosysGate(inst.module)) {
                primitive(*gate, inst, s);
                continue;
            }
            const Module* sub = modules_.find(inst.module);
            if (!sub)
                g_.fail(at(inst.line),
                        "unknown module '" + shownText(inst.module)
                            + "' (not defined in this file and not a Yosys gate primitive)");
            const std::string subName = subPrefix(prefix, inst.name);
            Scope inner = scope(*sub, subName, false);
            for (const Connection& c : inst.connections) {
                auto port = sub->nets.find(c.port);
                if (port == sub->nets.end() || port->second.dir == Net::Wire)
                    g_.fail(at(c.line),
                            "module '" + shownText(inst.module) + "' has no port '" + shownText(c.port) + "'");
                if (!c.expr)
                    continue;
                const Bits& portBits = inner.bits.at(c.port);
                if (port->second.dir == Net::Input)
                    connect(portBits, eval(*c.expr, s), c.line);
                else
                    connect(lvalue(*c.expr, s), portBits, c.line);
            }
            elaborate(inner, subName, depth + 1);
        }
    }

private:
    // A Yosys gate primitive: every port of the gate (A, B, S as its arity
    // asks, and Y) connected once, to one bit.
    void primitive(Gate gate, const Instance& inst, const Scope& s)
    {
        const char* names[4] = {"A", "B", "S", "Y"};
        const int arity = gateArity(gate);
        const std::string what = "instance '" + shownText(inst.name) + "' of '" + inst.module + "': ";
        Node pin[4] = {GateGraph::kZero, GateGraph::kZero, GateGraph::kZero, GateGraph::kZero};
        bool seen[4] = {false, false, false, false};
        for (const Connection& c : inst.connections) {
            int k = c.port == "Y" ? 3 : -1;
            for (int i = 0; i < arity; ++i)
                if (c.port == names[i])
                    k = i;
            if (k < 0)
                g_.fail(at(c.line), "'" + inst.module + "' has no port '" + shownText(c.port) + "'");
            if (seen[k])
                g_.fail(at(c.line), what + "port " + names[k] + " is connected twice");
            seen[k] = true;
            if (!c.expr)
                g_.fail(at(c.line), what + "port " + names[k] + " is left empty");
            const Bits b = k == 3 ? lvalue(*c.expr, s) : eval(*c.expr, s);
            if (b.size() != 1)
                g_.fail(at(c.line),
                        what + "port " + names[k] + " must connect one bit, it connects " + std::to_string(b.size()));
            pin[k] = b[0];
        }
        for (int k : {0, 1, 2, 3})
            if ((k < arity || k == 3) && !seen[k])
                g_.fail(at(inst.line), what + "port " + names[k] + " is not connected");
        g_.drive(pin[3], g_.gate(gate, pin[0], pin[1], pin[2], at(inst.line)), at(inst.line));
    }

    void connect(const Bits& lhs, Bits rhs, int line)
    {
        rhs.resize(lhs.size(), GateGraph::kZero); // Verilog: zero-extend or truncate
        for (size_t k = 0; k < lhs.size(); ++k)
            g_.drive(lhs[k], rhs[k], at(line));
    }

    Bits ref(const Expr& e, const Scope& s)
    {
        auto it = s.module->nets.find(e.name);
        if (it == s.module->nets.end())
            g_.fail(at(e.line), "'" + e.name + "' is not declared");
        const Bits& all = s.bits.at(e.name);
        if (!e.select)
            return all;
        const Net& n = it->second;
        auto position = [&](int index) {
            const int p = n.msb >= n.lsb ? index - n.lsb : n.lsb - index;
            if (p < 0 || p >= width(n))
                g_.fail(at(e.line),
                        "index " + std::to_string(index) + " is outside '" + e.name + "' [" + std::to_string(n.msb)
                            + ":" + std::to_string(n.lsb) + "]");
            return p;
        };
        const int hi = position(e.msb), lo = position(e.lsb);
        if (hi < lo)
            g_.fail(at(e.line), "part select of '" + e.name + "' runs the wrong way");
        return Bits(all.begin() + lo, all.begin() + hi + 1);
    }

    // Hierarchy::check has refused wider expressions already; the backstop.
    void checkWidth(size_t bits, int line) const
    {
        if (bits > static_cast<size_t>(kMaxNetlistVectorWidth))
            g_.fail(at(line),
                    "expression is more than " + std::to_string(kMaxNetlistVectorWidth)
                        + " bits wide, the most a netlist vector may have");
    }

    Bits lvalue(const Expr& e, const Scope& s)
    {
        if (e.op == Expr::Ref)
            return ref(e, s);
        if (e.op == Expr::Concat) {
            Bits out;
            for (auto it = e.args.rbegin(); it != e.args.rend(); ++it) {
                const Bits b = lvalue(**it, s);
                checkWidth(out.size() + b.size(), e.line);
                out.insert(out.end(), b.begin(), b.end());
            }
            return out;
        }
        g_.fail(at(e.line), "only signals, bit/part selects and {concatenations} can be assigned");
    }

    Bits eval(const Expr& e, const Scope& s)
    {
        switch (e.op) {
        case Expr::Ref: return ref(e, s);
        case Expr::Const: {
            Bits out;
            for (int b : e.bits)
                out.push_back(b < 0 ? g_.undefined(at(e.line)) : b ? GateGraph::kOne : GateGraph::kZero);
            return out;
        }
        case Expr::Not: {
            Bits out = eval(*e.args[0], s);
            for (Node& n : out)
                n = g_.gate(Gate::Inv, n, at(e.line));
            return out;
        }
        case Expr::And:
        case Expr::Or:
        case Expr::Xor:
        case Expr::Xnor: {
            Bits a = eval(*e.args[0], s), b = eval(*e.args[1], s);
            const size_t w = std::max(a.size(), b.size());
            a.resize(w, GateGraph::kZero);
            b.resize(w, GateGraph::kZero);
            const Gate gate = e.op == Expr::And ? Gate::And2
                : e.op == Expr::Or              ? Gate::Or2
                : e.op == Expr::Xor             ? Gate::Xor2
                                                : Gate::Xnor2;
            for (size_t k = 0; k < w; ++k)
                a[k] = g_.gate(gate, a[k], b[k], at(e.line));
            return a;
        }
        case Expr::Ternary: {
            const Bits c = eval(*e.args[0], s);
            if (c.size() != 1)
                g_.fail(at(e.line), "the condition of ?: must be one bit");
            Bits t = eval(*e.args[1], s), f = eval(*e.args[2], s);
            const size_t w = std::max(t.size(), f.size());
            t.resize(w, GateGraph::kZero);
            f.resize(w, GateGraph::kZero);
            for (size_t k = 0; k < w; ++k)
                t[k] = g_.gate(Gate::Mux2, f[k], t[k], c[0], at(e.line));
            return t;
        }
        case Expr::Concat: {
            Bits out;
            for (auto it = e.args.rbegin(); it != e.args.rend(); ++it) {
                const Bits b = eval(**it, s);
                checkWidth(out.size() + b.size(), e.line);
                out.insert(out.end(), b.begin(), b.end());
            }
            return out;
        }
        case Expr::Repeat: {
            const Bits b = eval(*e.args[0], s);
            checkWidth(b.size() * static_cast<size_t>(std::max(e.count, 0)), e.line);
            Bits out;
            for (int i = 0; i < e.count; ++i)
                out.insert(out.end(), b.begin(), b.end());
            return out;
        }
        }
        return {};
    }

    GateGraph& g_;
    const Hierarchy& modules_;
};

} // namespace

Netlist importVerilog(std::string_view text, const std::string& origin, const CellLibrary* library,
                      const std::string& top)
{
    const std::vector<Module> modules = parseModules(tokenize(text, origin), origin);
    Hierarchy hierarchy(modules, origin);
    const Module& m = hierarchy.top(top);
    std::vector<std::pair<std::string, const Net*>> ins, outs;
    for (const auto& [name, net] : m.nets) {
        if (net.dir == Net::Input)
            ins.push_back({name, &net});
        if (net.dir == Net::Output)
            outs.push_back({name, &net});
    }
    if (ins.size() != 1 || outs.size() != 1)
        throw std::runtime_error(origin + ": line " + std::to_string(m.line) + ": module '" + m.name
                                 + "' must have exactly one input vector (the popcount inputs) and one "
                                   "output vector (the count), it has "
                                 + std::to_string(ins.size()) + " inputs and " + std::to_string(outs.size())
                                 + " outputs");
    const Net& in = *ins[0].second;
    if (width(in) > kMaxPopcountInputs)
        throw std::runtime_error(origin + ": line " + std::to_string(in.line) + ": input '" + shownText(ins[0].first)
                                 + "' has " + std::to_string(width(in)) + " bits, more popcount inputs than the "
                                 + std::to_string(kMaxPopcountInputs) + " a circuit may have");
    const uint64_t nodes = hierarchy.check(m);
    GateGraph g(origin, width(in));
    g.reserve(static_cast<size_t>(nodes)); // no doubling of a graph near the limit
    Elaborator e(g, hierarchy);
    Scope s = e.scope(m, "", true);
    e.elaborate(s, "", 0);
    const Bits& y = s.bits.at(outs[0].first);
    for (size_t k = 0; k < y.size(); ++k)
        if (!g.isDriven(y[k]))
            g.fail(at(outs[0].second->line),
                   "output bit " + std::to_string(k) + " of '" + outs[0].first + "' is never assigned");
    return g.build(y, library);
}

} // namespace axbnn
