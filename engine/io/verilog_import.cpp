// Elaboration of parsed gate-level Verilog into a gate graph: nets become
// wires bit by bit, expressions gates, instances are flattened.
#include "io/verilog_import.h"

#include "circuit/gate_graph.h"
#include "io/verilog_parser.h"

#include <cstdlib>
#include <map>
#include <set>
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

class Elaborator {
public:
    Elaborator(GateGraph& g, const std::map<std::string, const Module*>& modules) : g_(g), modules_(modules) {}

    Scope scope(const Module& m, const std::string& prefix, bool top)
    {
        Scope s;
        s.module = &m;
        for (const auto& [name, net] : m.nets) {
            Bits& b = s.bits[name];
            const int w = width(net);
            const int step = net.msb >= net.lsb ? 1 : -1;
            for (int k = 0; k < w; ++k) {
                if (top && net.dir == Net::Input) {
                    b.push_back(g_.input(k));
                } else {
                    std::string n = prefix + name;
                    if (w > 1 || net.msb != 0)
                        n += "[" + std::to_string(net.lsb + step * k) + "]";
                    b.push_back(g_.wire(n, at(net.line)));
                }
            }
        }
        return s;
    }

    void elaborate(const Scope& s, const std::string& prefix, int depth)
    {
        if (depth > 64)
            g_.fail(at(s.module->line), "module '" + s.module->name + "' instantiates itself");
        for (const Assign& a : s.module->assigns)
            connect(lvalue(*a.lhs, s), eval(*a.rhs, s), a.line);
        for (const Instance& inst : s.module->instances) {
            if (const auto gate = yosysGate(inst.module)) {
                primitive(*gate, inst, s);
                continue;
            }
            auto it = modules_.find(inst.module);
            if (it == modules_.end())
                g_.fail(at(inst.line),
                        "unknown module '" + inst.module
                            + "' (not defined in this file and not a Yosys gate primitive)");
            const std::string sub = prefix + inst.name + ".";
            Scope inner = scope(*it->second, sub, false);
            for (const Connection& c : inst.connections) {
                auto port = it->second->nets.find(c.port);
                if (port == it->second->nets.end() || port->second.dir == Net::Wire)
                    g_.fail(at(c.line), "module '" + inst.module + "' has no port '" + c.port + "'");
                if (!c.expr)
                    continue;
                const Bits& portBits = inner.bits.at(c.port);
                if (port->second.dir == Net::Input)
                    connect(portBits, eval(*c.expr, s), c.line);
                else
                    connect(lvalue(*c.expr, s), portBits, c.line);
            }
            elaborate(inner, sub, depth + 1);
        }
    }

private:
    void primitive(Gate gate, const Instance& inst, const Scope& s)
    {
        Node in[3] = {GateGraph::kZero, GateGraph::kZero, GateGraph::kZero};
        const Bits* y = nullptr;
        Bits out;
        const char* names[3] = {"A", "B", "S"};
        for (const Connection& c : inst.connections) {
            int k = -1;
            for (int i = 0; i < gateArity(gate); ++i)
                if (c.port == names[i])
                    k = i;
            if (c.port == "Y") {
                out = c.expr ? lvalue(*c.expr, s) : Bits{};
                y = &out;
            } else if (k >= 0 && c.expr) {
                const Bits b = eval(*c.expr, s);
                in[k] = b.empty() ? GateGraph::kZero : b[0];
            } else {
                g_.fail(at(c.line), "'" + inst.module + "' has no port '" + c.port + "'");
            }
        }
        if (!y || y->size() != 1)
            g_.fail(at(inst.line), "instance '" + inst.name + "' must connect port Y to one bit");
        g_.drive((*y)[0], g_.gate(gate, in[0], in[1], in[2], at(inst.line)), at(inst.line));
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

    Bits lvalue(const Expr& e, const Scope& s)
    {
        if (e.op == Expr::Ref)
            return ref(e, s);
        if (e.op == Expr::Concat) {
            Bits out;
            for (auto it = e.args.rbegin(); it != e.args.rend(); ++it) {
                const Bits b = lvalue(**it, s);
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
                out.insert(out.end(), b.begin(), b.end());
            }
            return out;
        }
        case Expr::Repeat: {
            const Bits b = eval(*e.args[0], s);
            Bits out;
            for (int i = 0; i < e.count; ++i)
                out.insert(out.end(), b.begin(), b.end());
            return out;
        }
        }
        return {};
    }

    GateGraph& g_;
    const std::map<std::string, const Module*>& modules_;
};

const Module& topModule(const std::vector<Module>& modules, const std::string& top, const std::string& origin)
{
    std::set<std::string> instantiated;
    for (const Module& m : modules)
        for (const Instance& i : m.instances)
            instantiated.insert(i.module);
    std::vector<const Module*> roots;
    for (const Module& m : modules) {
        if (!top.empty() && m.name == top)
            return m;
        if (!instantiated.count(m.name))
            roots.push_back(&m);
    }
    if (!top.empty())
        throw std::runtime_error(origin + ": no module named '" + top + "'");
    if (roots.size() != 1) {
        std::string names;
        for (const Module* m : roots)
            names += (names.empty() ? "" : ", ") + m->name;
        throw std::runtime_error(origin + ": cannot tell the top module (candidates: " + names + ")");
    }
    return *roots[0];
}

} // namespace

Netlist importVerilog(std::string_view text, const std::string& origin, const CellLibrary* library,
                      const std::string& top)
{
    const std::vector<Module> modules = parseModules(tokenize(text, origin), origin);
    std::map<std::string, const Module*> byName;
    for (const Module& m : modules)
        if (!byName.emplace(m.name, &m).second)
            throw std::runtime_error(origin + ": line " + std::to_string(m.line) + ": module '" + m.name
                                     + "' is defined twice");
    const Module& m = topModule(modules, top, origin);
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
    GateGraph g(origin, width(*ins[0].second));
    Elaborator e(g, byName);
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
