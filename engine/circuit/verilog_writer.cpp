// Structural Verilog-2001 export: gate-level cell modules derived from truth
// tables, a top module instantiating one cell per CellInstance, atomic writes.
#include "circuit/verilog_writer.h"

#include "util/atomic_file.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <stdexcept>

namespace axbnn {
namespace {

// IEEE 1364-2005 reserved words (a superset of Verilog-2001's).
// clang-format off
constexpr std::string_view kKeywords[] = {
    "always", "and", "assign", "automatic", "begin", "buf", "bufif0", "bufif1", "case", "casex",
    "casez", "cell", "cmos", "config", "deassign", "default", "defparam", "design", "disable",
    "edge", "else", "end", "endcase", "endconfig", "endfunction", "endgenerate", "endmodule",
    "endprimitive", "endspecify", "endtable", "endtask", "event", "for", "force", "forever",
    "fork", "function", "generate", "genvar", "highz0", "highz1", "if", "ifnone", "incdir",
    "include", "initial", "inout", "input", "instance", "integer", "join", "large", "liblist",
    "library", "localparam", "macromodule", "medium", "module", "nand", "negedge", "nmos", "nor",
    "noshowcancelled", "not", "notif0", "notif1", "or", "output", "parameter", "pmos", "posedge",
    "primitive", "pull0", "pull1", "pulldown", "pullup", "pulsestyle_ondetect",
    "pulsestyle_onevent", "rcmos", "real", "realtime", "reg", "release", "repeat", "rnmos",
    "rpmos", "rtran", "rtranif0", "rtranif1", "scalared", "showcancelled", "signed", "small",
    "specify", "specparam", "strong0", "strong1", "supply0", "supply1", "table", "task", "time",
    "tran", "tranif0", "tranif1", "tri", "tri0", "tri1", "triand", "trior", "trireg", "unsigned",
    "use", "uwire", "vectored", "wait", "wand", "weak0", "weak1", "while", "wire", "wor", "xnor",
    "xor"};
// clang-format on

constexpr std::array<const char*, 3> kVars = {"a", "b", "c"};

// Product term over the cell inputs: variable v is a literal when bit v of
// `care` is set, positive when bit v of `value` is set too.
struct Cube {
    unsigned care = 0;
    unsigned value = 0;
    bool covers(unsigned minterm) const { return (minterm & care) == value; }
};

// Minimal sum of products by prime implicants (at most 3 variables, so all
// 27 cubes are enumerated): essential primes first, then greedy cover.
std::string sumOfProducts(unsigned table, int arity)
{
    const unsigned combos = 1u << arity;
    auto implicant = [&](const Cube& q) {
        for (unsigned m = 0; m < combos; ++m)
            if (q.covers(m) && !((table >> m) & 1))
                return false;
        return true;
    };
    std::vector<Cube> implicants;
    for (unsigned care = 0; care < combos; ++care)
        for (unsigned value = 0; value < combos; ++value)
            if ((value & ~care) == 0 && implicant({care, value}))
                implicants.push_back({care, value});
    std::vector<Cube> primes;
    for (const Cube& q : implicants) {
        const bool dominated = std::any_of(implicants.begin(), implicants.end(), [&](const Cube& r) {
            return r.care != q.care && (r.care & q.care) == r.care && r.value == (q.value & r.care);
        });
        if (!dominated)
            primes.push_back(q);
    }
    std::vector<Cube> cover;
    unsigned uncovered = table & ((1u << combos) - 1);
    auto take = [&](const Cube& q) {
        cover.push_back(q);
        for (unsigned m = 0; m < combos; ++m)
            if (q.covers(m))
                uncovered &= ~(1u << m);
    };
    for (unsigned m = 0; m < combos; ++m) {
        if (!((uncovered >> m) & 1))
            continue;
        int count = 0;
        const Cube* only = nullptr;
        for (const Cube& q : primes)
            if (q.covers(m)) {
                ++count;
                only = &q;
            }
        if (count == 1)
            take(*only);
    }
    while (uncovered != 0) {
        const Cube* best = nullptr;
        int bestGain = 0;
        for (const Cube& q : primes) {
            int gain = 0;
            for (unsigned m = 0; m < combos; ++m)
                gain += q.covers(m) && ((uncovered >> m) & 1) ? 1 : 0;
            if (gain > bestGain) {
                best = &q;
                bestGain = gain;
            }
        }
        take(*best);
    }
    // Terms in reading order: a before ~a before no a, then likewise for b, c.
    auto key = [arity](const Cube& q) {
        std::array<int, 3> k{};
        for (int v = 0; v < arity; ++v)
            k[v] = !((q.care >> v) & 1) ? 2 : ((q.value >> v) & 1) ? 0 : 1;
        return k;
    };
    std::sort(cover.begin(), cover.end(), [&](const Cube& x, const Cube& y) { return key(x) < key(y); });
    std::string out;
    for (const Cube& q : cover) {
        std::string term;
        int literals = 0;
        for (int v = 0; v < arity; ++v) {
            if (!((q.care >> v) & 1))
                continue;
            term += std::string(literals++ ? " & " : "") + ((q.value >> v) & 1 ? "" : "~") + kVars[v];
        }
        if (literals > 1 && cover.size() > 1)
            term = "(" + term + ")";
        out += (out.empty() ? "" : " | ") + term;
    }
    return out;
}

// The familiar gate forms of docs/domain.md section 2, or "" when `table` is none.
std::string knownForm(unsigned table, int arity)
{
    if (arity == 3) {
        switch (table) {
        case 0x96: return "a ^ b ^ c";
        case 0xE8: return "(a & b) | (a & c) | (b & c)";
        case 0x80: return "a & b & c";
        case 0xFE: return "a | b | c";
        default: break;
        }
        // A 3-input table that ignores c is a 2-input one.
        if ((table >> 4) == (table & 0xF))
            return knownForm(table & 0xF, 2);
        return "";
    }
    switch (table) {
    case 0x6: return "a ^ b";
    case 0x8: return "a & b";
    case 0xE: return "a | b";
    default: return "";
    }
}

std::string sanitize(const std::string& name)
{
    std::string out;
    for (char ch : name) {
        const unsigned char u = static_cast<unsigned char>(ch);
        out += (std::isalnum(u) && u < 0x80) || ch == '_' ? ch : '_';
    }
    return out;
}

std::string oneLine(const std::string& text)
{
    std::string out = text;
    std::replace_if(
        out.begin(), out.end(), [](char ch) { return ch == '\n' || ch == '\r'; }, ' ');
    return out;
}

std::string tableBits(uint8_t table, int arity)
{
    std::string out;
    for (int i = 0; i < (1 << arity); ++i)
        out += (table >> i) & 1 ? '1' : '0';
    return out;
}

[[noreturn]] void malformed(const std::string& what)
{
    throw std::invalid_argument("cannot export Verilog: malformed netlist: " + what);
}

// Checks what the Verilog relies on: cell types exist, every signal a cell or
// output reads is a constant, an input or driven by an earlier cell, and no
// signal is driven twice.
void validate(const Netlist& net)
{
    if (net.inputs < 1)
        malformed("it has no inputs");
    if (net.outputs.empty())
        malformed("it has no outputs");
    const Signal firstCellSignal = kFirstInput + static_cast<Signal>(net.inputs);
    if (net.signalCount < firstCellSignal)
        malformed("signal count is smaller than the number of inputs");
    std::vector<char> driven(net.signalCount, 0);
    std::fill(driven.begin(), driven.begin() + firstCellSignal, 1);
    auto drive = [&](Signal s, size_t cell) {
        if (s < firstCellSignal || s >= net.signalCount || driven[s])
            malformed("cell " + std::to_string(cell) + " drives signal " + std::to_string(s)
                      + ", which is a constant, an input, out of range or already driven");
        driven[s] = 1;
    };
    for (size_t i = 0; i < net.cells.size(); ++i) {
        const CellInstance& c = net.cells[i];
        if (c.type < 0 || c.type >= static_cast<int>(net.types.size()))
            malformed("cell " + std::to_string(i) + " has an unknown type");
        const CellType& t = net.typeOf(c);
        if (t.inputs != 2 && t.inputs != 3)
            malformed("cell kind '" + t.name + "' has " + std::to_string(t.inputs) + " inputs");
        for (int k = 0; k < t.inputs; ++k)
            if (c.in[k] >= net.signalCount || !driven[c.in[k]])
                malformed("cell " + std::to_string(i) + " reads an undriven signal");
        if (c.carry != kNoSignal && !t.hasCarry)
            malformed("cell " + std::to_string(i) + " of kind '" + t.name
                      + "' has a carry signal but the kind has no carry output");
        drive(c.sum, i);
        if (c.carry != kNoSignal)
            drive(c.carry, i);
    }
    for (Signal s : net.outputs)
        if (s >= net.signalCount || !driven[s])
            malformed("an output reads an undriven signal");
}

std::string signalName(const Netlist& net, Signal s)
{
    if (s == kConst0)
        return "1'b0";
    if (s == kConst1)
        return "1'b1";
    if (s < kFirstInput + static_cast<Signal>(net.inputs))
        return "x[" + std::to_string(s - kFirstInput) + "]";
    std::string name = "n"; // not "n" + ...: GCC 12 -Wrestrict false positive
    name += std::to_string(s);
    return name;
}

void writeCellModule(std::string& out, const CellType& t, const std::string& module)
{
    const bool c = t.inputs == 3;
    out += "// " + oneLine(t.name) + ": " + oneLine(t.description) + "\n";
    out += "// sum table " + tableBits(t.sumTable, t.inputs);
    if (t.hasCarry)
        out += ", carry table " + tableBits(t.carryTable, t.inputs);
    out += std::string(" (character i: output for a + 2b") + (c ? " + 4c" : "") + " = i)\n";
    out += "module " + module + "(input wire a, input wire b, " + (c ? "input wire c, " : "") + "output wire s"
        + (t.hasCarry ? ", output wire co" : "") + ");\n";
    const unsigned mask = (1u << (1u << t.inputs)) - 1;
    if (t.hasCarry) {
        out += "  assign co = " + verilogExpression(t.carryTable, t.inputs) + ";\n";
        // S = NOT C (the MAJ-FA of docs/domain.md section 3): reuse the carry gate.
        const unsigned carry = t.carryTable & mask;
        if ((t.sumTable & mask) == (~carry & mask) && carry != 0 && carry != mask) {
            out += "  assign s = ~co;\n";
            out += "endmodule\n\n";
            return;
        }
    }
    out += "  assign s = " + verilogExpression(t.sumTable, t.inputs) + ";\n";
    out += "endmodule\n\n";
}

// Module names of the cell kinds: axbnn_<sanitized name>, made unique.
std::vector<std::string> cellModuleNames(const Netlist& net)
{
    std::vector<std::string> names;
    std::set<std::string> used;
    for (size_t i = 0; i < net.types.size(); ++i) {
        std::string name = "axbnn_" + sanitize(net.types[i].name);
        for (int k = 2; used.count(name); ++k)
            name = "axbnn_" + sanitize(net.types[i].name) + "_" + std::to_string(k);
        used.insert(name);
        names.push_back(name);
    }
    return names;
}

} // namespace

bool isVerilogIdentifier(std::string_view name)
{
    if (name.empty() || name.size() > 1024)
        return false;
    auto letter = [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_'; };
    if (!letter(name[0]))
        return false;
    for (char ch : name)
        if (!(letter(ch) || (ch >= '0' && ch <= '9') || ch == '$'))
            return false;
    return std::find(std::begin(kKeywords), std::end(kKeywords), name) == std::end(kKeywords);
}

std::string verilogExpression(uint8_t table, int arity)
{
    if (arity != 2 && arity != 3)
        throw std::invalid_argument("a cell has 2 or 3 inputs, got " + std::to_string(arity));
    const unsigned mask = (1u << (1u << arity)) - 1;
    const unsigned t = table & mask;
    if (t == 0)
        return "1'b0";
    if (t == mask)
        return "1'b1";
    if (std::string e = knownForm(t, arity); !e.empty())
        return e;
    if (std::string e = knownForm(~t & mask, arity); !e.empty())
        return "~(" + e + ")";
    return sumOfProducts(t, arity);
}

std::string writeVerilog(const Netlist& netlist, const std::string& moduleName)
{
    if (!isVerilogIdentifier(moduleName))
        throw std::invalid_argument("'" + moduleName
                                    + "' is not a valid Verilog module name: use a letter or '_' "
                                      "followed by letters, digits, '_' or '$', and no keyword");
    validate(netlist);
    const std::vector<std::string> cellModules = cellModuleNames(netlist);
    if (std::find(cellModules.begin(), cellModules.end(), moduleName) != cellModules.end())
        throw std::invalid_argument("module name '" + moduleName + "' clashes with the cell module of the same name");

    const int n = netlist.inputs;
    const int w = netlist.outputBits();
    std::string out;
    out.reserve(256 + netlist.cells.size() * 96);
    out += "// Generated by AxBNN Workbench: popcount of " + std::to_string(n) + " inputs, "
        + topologyName(netlist.topology) + ", " + std::to_string(netlist.cells.size()) + " cells ("
        + std::to_string(netlist.approximateCellCount()) + " approximate).\n";
    out += "// x[i] is input i; y is the count of ones, y[0] least significant (docs/verilog.md).\n";
    out += "`default_nettype none\n\n";

    std::vector<char> usedType(netlist.types.size(), 0);
    for (const auto& c : netlist.cells)
        usedType[c.type] = 1;
    for (size_t i = 0; i < netlist.types.size(); ++i)
        if (usedType[i])
            writeCellModule(out, netlist.types[i], cellModules[i]);

    out += "module " + moduleName + "(input wire [" + std::to_string(n - 1) + ":0] x, output wire ["
        + std::to_string(w - 1) + ":0] y);\n";
    int onLine = 0;
    for (const auto& c : netlist.cells) {
        for (Signal s : {c.sum, c.carry}) {
            if (s == kNoSignal)
                continue;
            out += onLine == 0 ? "  wire " : ", ";
            out += 'n';
            out += std::to_string(s);
            if (++onLine == 12) {
                out += ";\n";
                onLine = 0;
            }
        }
    }
    if (onLine > 0)
        out += ";\n";
    for (size_t i = 0; i < netlist.cells.size(); ++i) {
        const CellInstance& c = netlist.cells[i];
        const CellType& t = netlist.typeOf(c);
        out += "  " + cellModules[c.type] + " u" + std::to_string(i) + "(";
        for (int k = 0; k < t.inputs; ++k)
            out += std::string(".") + kVars[k] + "(" + signalName(netlist, c.in[k]) + "), ";
        out += ".s(" + signalName(netlist, c.sum) + ")";
        if (t.hasCarry)
            out += ", .co(" + (c.carry == kNoSignal ? std::string() : signalName(netlist, c.carry)) + ")";
        out += "); // cell " + std::to_string(i) + ": " + oneLine(t.name) + ", column " + std::to_string(c.column)
            + ", level " + std::to_string(c.level) + "\n";
    }
    for (int k = 0; k < w; ++k)
        out += "  assign y[" + std::to_string(k) + "] = " + signalName(netlist, netlist.outputs[k]) + ";\n";
    out += "endmodule\n\n`default_nettype wire\n";
    return out;
}

void writeVerilogFile(const Netlist& netlist, const std::string& moduleName, const std::string& path)
{
    writeFileAtomically(path, writeVerilog(netlist, moduleName));
}

} // namespace axbnn
