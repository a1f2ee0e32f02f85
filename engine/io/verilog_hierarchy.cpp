// Top module, cycles and flattened size of a Verilog module hierarchy,
// bottom-up over the module graph with an explicit stack.
#include "io/verilog_hierarchy.h"

#include "circuit/gate_cells.h"
#include "util/input_limits.h"
#include "util/shown_text.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <unordered_set>

namespace axbnn::verilog {

namespace {

// Counts stop growing here, so that 2^40 instances do not overflow.
constexpr uint64_t kSaturated = uint64_t{1} << 62;

uint64_t add(uint64_t a, uint64_t b)
{
    return std::min(a + b, kSaturated); // both at most kSaturated
}
uint64_t mul(uint64_t a, uint64_t b)
{
    return b != 0 && a > kSaturated / b ? kSaturated : std::min(a * b, kSaturated);
}
std::string count(uint64_t n)
{
    return n >= kSaturated ? "more than " + std::to_string(kSaturated) : std::to_string(n);
}

uint64_t width(const Net& n)
{
    return static_cast<uint64_t>(std::abs(n.msb - n.lsb)) + 1;
}

// Bits of an expression's value and gates its elaboration creates (x and z
// constant bits are wire nodes too), as io/verilog_import.cpp evaluates it.
struct Cost {
    uint64_t width = 0, gates = 0;
};

// Recurses on the expression's depth, which the parser bounds
// (kMaxExpressionDepth). Names the expression's line when one value is wider
// than kMaxNetlistVectorWidth bits.
Cost cost(const Expr& e, const Module& m, const std::string& origin)
{
    Cost c;
    switch (e.op) {
    case Expr::Ref: {
        const auto it = m.nets.find(e.name);
        c.width = e.select       ? static_cast<uint64_t>(std::abs(e.msb - e.lsb)) + 1
            : it != m.nets.end() ? width(it->second)
                                 : 1; // undeclared: the elaborator says so
        break;
    }
    case Expr::Const:
        c.width = e.bits.size();
        c.gates = static_cast<uint64_t>(std::count(e.bits.begin(), e.bits.end(), -1));
        break;
    case Expr::Not:
    case Expr::And:
    case Expr::Or:
    case Expr::Xor:
    case Expr::Xnor:
    case Expr::Ternary:
    case Expr::Concat:
        for (size_t k = 0; k < e.args.size(); ++k) {
            const Cost a = cost(*e.args[k], m, origin);
            c.gates = add(c.gates, a.gates);
            if (e.op == Expr::Concat)
                c.width = add(c.width, a.width);
            else if (e.op != Expr::Ternary || k > 0) // not the condition
                c.width = std::max(c.width, a.width);
        }
        if (e.op != Expr::Concat)
            c.gates = add(c.gates, c.width); // one gate a bit
        break;
    case Expr::Repeat: {
        const Cost a = cost(*e.args[0], m, origin);
        c.width = mul(a.width, static_cast<uint64_t>(std::max(e.count, 0)));
        c.gates = a.gates; // evaluated once, then copied
        break;
    }
    }
    if (c.width > static_cast<uint64_t>(kMaxNetlistVectorWidth))
        throw std::runtime_error(origin + ": line " + std::to_string(e.line) + ": expression is " + count(c.width)
                                 + " bits wide, more than the " + std::to_string(kMaxNetlistVectorWidth)
                                 + " a netlist vector may have");
    return c;
}

} // namespace

Hierarchy::Hierarchy(const std::vector<Module>& modules, const std::string& origin)
    : modules_(modules), origin_(origin), totals_(modules.size()), color_(modules.size(), Unseen)
{
    index_.reserve(modules.size());
    for (size_t i = 0; i < modules.size(); ++i)
        if (!index_.emplace(modules[i].name, i).second)
            fail(modules[i].line, "module '" + shownText(modules[i].name) + "' is defined twice");
}

const Module* Hierarchy::find(const std::string& name) const
{
    const auto it = index_.find(name);
    return it == index_.end() ? nullptr : &modules_[it->second];
}

void Hierarchy::fail(int line, const std::string& what) const
{
    throw std::runtime_error(origin_ + ": line " + std::to_string(line) + ": " + what);
}

const Module& Hierarchy::top(const std::string& name)
{
    if (!name.empty()) {
        if (const Module* m = find(name))
            return *m;
        throw std::runtime_error(origin_ + ": no module named '" + shownText(name) + "'");
    }
    std::unordered_set<std::string> instantiated;
    for (const Module& m : modules_)
        for (const Instance& i : m.instances)
            instantiated.insert(i.module);
    std::vector<const Module*> roots;
    for (const Module& m : modules_)
        if (!instantiated.count(m.name))
            roots.push_back(&m);
    if (roots.size() == 1)
        return *roots[0];
    if (roots.empty()) // every module is instantiated: there is a cycle
        for (size_t i = 0; i < modules_.size(); ++i)
            if (color_[i] == Unseen)
                walk(i); // throws naming the cycle
    std::string names;
    for (size_t i = 0; i < roots.size() && i < 30; ++i)
        names += (names.empty() ? "" : ", ") + shownText(roots[i]->name);
    if (roots.size() > 30)
        names += ", ... (" + std::to_string(roots.size()) + " in all)";
    throw std::runtime_error(origin_ + ": cannot tell the top module (candidates: " + names + ")");
}

std::string Hierarchy::chain(const std::vector<size_t>& path) const
{
    std::string s;
    for (size_t k = 0; k < path.size(); ++k) {
        if (path.size() > 12 && k == 6) {
            s += " -> ... (" + std::to_string(path.size() - 11) + " more)";
            k = path.size() - 5;
        }
        s += (k ? " -> " : "") + shownText(modules_[path[k]].name);
    }
    return s;
}

uint64_t Hierarchy::ownNodes(const Module& m) const
{
    uint64_t n = 0;
    for (const auto& [name, net] : m.nets)
        n = add(n, width(net));
    for (const Assign& a : m.assigns)
        n = add(n, add(cost(*a.lhs, m, origin_).gates, cost(*a.rhs, m, origin_).gates));
    for (const Instance& i : m.instances)
        for (const Connection& c : i.connections)
            if (c.expr)
                n = add(n, cost(*c.expr, m, origin_).gates);
    return n;
}

void Hierarchy::walk(size_t start)
{
    struct Frame {
        size_t module;
        size_t next = 0; // the next instance to look at
    };
    std::vector<Frame> stack{{start}};
    color_[start] = OnStack;
    while (!stack.empty()) {
        Frame& f = stack.back();
        const Module& m = modules_[f.module];
        if (f.next < m.instances.size()) {
            const Instance& inst = m.instances[f.next++];
            if (yosysGate(inst.module))
                continue;
            const auto it = index_.find(inst.module);
            if (it == index_.end())
                continue; // unknown: the elaborator names it
            const size_t c = it->second;
            if (color_[c] == OnStack) {
                std::vector<size_t> path;
                auto from = std::find_if(stack.begin(), stack.end(), [c](const Frame& s) { return s.module == c; });
                for (; from != stack.end(); ++from)
                    path.push_back(from->module);
                path.push_back(c);
                fail(inst.line, "module '" + shownText(modules_[c].name) + "' instantiates itself: " + chain(path));
            }
            if (color_[c] == Unseen) {
                color_[c] = OnStack;
                stack.push_back({c}); // invalidates f
            }
            continue;
        }
        // Every module below is done: this one's totals.
        Totals t;
        t.nodes = ownNodes(m);
        for (const Instance& inst : m.instances) {
            t.instances = add(t.instances, 1);
            const auto it = yosysGate(inst.module) ? index_.end() : index_.find(inst.module);
            if (it == index_.end()) {
                t.nodes = add(t.nodes, 1); // a gate primitive (or unknown)
                continue;
            }
            const Totals& c = totals_[it->second];
            t.instances = add(t.instances, c.instances);
            t.nodes = add(t.nodes, c.nodes);
            if (c.levels + 1 > t.levels) {
                t.levels = c.levels + 1;
                t.deepest = it->second;
            }
        }
        totals_[f.module] = t;
        color_[f.module] = Done;
        stack.pop_back();
    }
}

uint64_t Hierarchy::check(const Module& top)
{
    const size_t i = static_cast<size_t>(&top - modules_.data());
    if (color_[i] == Unseen)
        walk(i);
    const Totals& t = totals_[i];
    const std::string what = "flattening module '" + shownText(top.name) + "' ";
    if (t.levels > kMaxNetlistHierarchyDepth) {
        std::vector<size_t> path{i};
        while (totals_[path.back()].deepest != SIZE_MAX)
            path.push_back(totals_[path.back()].deepest);
        fail(top.line,
             what + "goes " + std::to_string(t.levels) + " module levels deep (" + chain(path) + "), more than the "
                 + std::to_string(kMaxNetlistHierarchyDepth) + " a netlist hierarchy may have");
    }
    if (t.instances > static_cast<uint64_t>(kMaxNetlistInstances))
        fail(top.line,
             what + "makes " + count(t.instances) + " module and gate instances, more than the "
                 + std::to_string(kMaxNetlistInstances) + " an imported netlist may have");
    if (t.nodes > static_cast<uint64_t>(kMaxNetlistNodes))
        fail(top.line,
             what + "makes " + count(t.nodes) + " gates and wire bits, more than the "
                 + std::to_string(kMaxNetlistNodes) + " an imported netlist may have");
    return t.nodes;
}

} // namespace axbnn::verilog
