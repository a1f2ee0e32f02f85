// Yosys JSON netlists (write_json) of simple gate cells into a gate graph.
#include "io/yosys_json_import.h"

#include "circuit/design_limits.h"
#include "circuit/gate_graph.h"
#include "util/input_limits.h"
#include "util/json_text.h"
#include "util/shown_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace axbnn {

namespace {

using nlohmann::json;
using Node = GateGraph::Node;

[[noreturn]] void fail(const std::string& origin, const std::string& what)
{
    throw std::runtime_error(origin + ": " + what);
}

const json& topModule(const json& modules, const std::string& top, const std::string& origin)
{
    if (!top.empty()) {
        if (!modules.contains(top))
            fail(origin, "no module named '" + top + "'");
        return modules[top];
    }
    const json* only = nullptr;
    for (const auto& [name, m] : modules.items()) {
        if (m.contains("attributes") && m["attributes"].contains("top"))
            return m;
        only = &m;
    }
    if (modules.size() != 1 || !only)
        fail(origin,
             "several modules and none has the attribute top: run 'hierarchy -top NAME' "
             "and 'flatten' in Yosys before write_json");
    return *only;
}

// The bits of a port: a list of at most kMaxNetlistVectorWidth net numbers
// or constants.
const json& portBits(const json& port, const std::string& name, const std::string& origin)
{
    const json& bits = port.at("bits");
    if (!bits.is_array())
        fail(origin, "port '" + shownText(name) + "': \"bits\" must be a list");
    if (bits.size() > static_cast<size_t>(kMaxNetlistVectorWidth))
        fail(origin,
             "port '" + shownText(name) + "' has " + std::to_string(bits.size()) + " bits, more than the "
                 + std::to_string(kMaxNetlistVectorWidth) + " a netlist vector may have");
    return bits;
}

// The one bit a gate cell's port connects; every port the gate has must be
// there, with exactly one bit.
const json& pinBit(const json& conn, const char* pin, const std::string& where, const std::string& origin)
{
    if (!conn.is_object() || !conn.contains(pin))
        fail(origin, where + ": port " + pin + " is not connected");
    const json& bits = conn[pin];
    if (!bits.is_array())
        fail(origin, where + ": port " + pin + " must be a list of bits");
    if (bits.size() != 1)
        fail(origin, where + ": port " + pin + " must connect one bit, it connects " + std::to_string(bits.size()));
    return bits[0];
}

} // namespace

Netlist importYosysJson(std::string_view text, const std::string& origin, const CellLibrary* library,
                        const std::string& top)
{
    const json doc = parseJsonText(text, origin); // checks the depth, names the place of a bad number
    if (!doc.is_object() || !doc.contains("modules") || !doc["modules"].is_object() || doc["modules"].empty())
        fail(origin, "not a Yosys netlist: expected an object with \"modules\"");
    try {
        const json& m = topModule(doc["modules"], top, origin);
        const json& ports = m.at("ports");
        const json* in = nullptr;
        const json* out = nullptr;
        std::string inName, outName;
        int inputs = 0, outputs = 0;
        for (const auto& [name, p] : ports.items()) {
            const std::string dir = p.at("direction").get<std::string>();
            if (dir == "input") {
                in = &portBits(p, name, origin);
                inName = name;
                ++inputs;
            } else if (dir == "output") {
                out = &portBits(p, name, origin);
                outName = name;
                ++outputs;
            } else {
                fail(origin, "port '" + shownText(name) + "': only input and output ports are supported");
            }
        }
        if (inputs != 1 || outputs != 1)
            fail(origin,
                 "the top module must have exactly one input port (the popcount inputs) and one "
                 "output port (the count), it has "
                     + std::to_string(inputs) + " inputs and " + std::to_string(outputs) + " outputs");
        if (in->size() > static_cast<size_t>(kMaxPopcountInputs))
            fail(origin,
                 "input port '" + shownText(inName) + "' has " + std::to_string(in->size())
                     + " bits, more popcount inputs than the " + std::to_string(kMaxPopcountInputs)
                     + " a circuit may have");
        const json* cells = m.contains("cells") ? &m["cells"] : nullptr;
        const size_t cellCount = cells ? cells->size() : 0;
        if (cellCount > static_cast<size_t>(kMaxNetlistInstances))
            fail(origin,
                 std::to_string(cellCount) + " cells, more than the " + std::to_string(kMaxNetlistInstances)
                     + " an imported netlist may have");
        GateGraph g(origin, static_cast<int>(in->size()));
        g.reserve(in->size() + 2 * cellCount); // a gate and the net it drives per cell
        // Readable names for messages: netname of every bit (cut to 40 characters).
        std::unordered_map<long, std::string> names;
        if (m.contains("netnames")) {
            size_t bitCount = 0;
            for (const auto& [name, n] : m["netnames"].items()) {
                const json& bits = n.at("bits");
                bitCount += bits.size();
                if (bitCount > static_cast<size_t>(kMaxNetlistNodes))
                    fail(origin,
                         "netnames list more than " + std::to_string(kMaxNetlistNodes)
                             + " bits, the most an imported netlist may have");
                const std::string shown = shownText(name);
                for (size_t k = 0; k < bits.size(); ++k)
                    if (bits[k].is_number_integer())
                        names.emplace(bits[k].get<long>(),
                                      bits.size() > 1 ? shown + "[" + std::to_string(k) + "]" : shown);
            }
        }
        std::unordered_map<long, Node> net;
        net.reserve(in->size() + cellCount);
        for (size_t k = 0; k < in->size(); ++k) {
            if (!(*in)[k].is_number_integer())
                fail(origin, "an input port bit is a constant");
            net[(*in)[k].get<long>()] = g.input(static_cast<int>(k));
        }
        auto node = [&](const json& bit, const std::string& where) -> Node {
            if (bit.is_string()) {
                const std::string v = bit.get<std::string>();
                if (v == "0" || v == "1")
                    return v == "1" ? GateGraph::kOne : GateGraph::kZero;
                return g.undefined(where); // x or z: an error only if an output reads it
            }
            if (!bit.is_number_integer())
                fail(origin, where + ": a bit must be a net number or a constant \"0\", \"1\", \"x\", \"z\"");
            const long id = bit.get<long>();
            auto it = net.find(id);
            if (it == net.end()) {
                const auto n = names.find(id);
                it = net.emplace(id,
                                 g.wire(n != names.end() ? n->second : "net " + std::to_string(id),
                                        "net " + std::to_string(id)))
                         .first;
            }
            return it->second;
        };
        if (cells)
            for (const auto& [name, c] : cells->items()) {
                const std::string where = "cell '" + shownText(name) + "'";
                const std::string type = c.at("type").get<std::string>();
                const auto gate = yosysGate(type);
                if (!gate)
                    fail(origin,
                         where + ": unsupported cell type '" + shownText(type)
                             + "' (run Yosys 'synth' so only simple gates remain: $_AND_, $_OR_, "
                               "$_XOR_, $_NOT_, $_NAND_, $_NOR_, $_XNOR_, $_ANDNOT_, $_ORNOT_, "
                               "$_MUX_, $_BUF_)");
                const json& conn = c.at("connections");
                const std::string cell = where + " (" + type + ")";
                const char* pins[3] = {"A", "B", "S"};
                const json* bits[3] = {nullptr, nullptr, nullptr};
                for (int i = 0; i < gateArity(*gate); ++i)
                    bits[i] = &pinBit(conn, pins[i], cell, origin);
                const json& yBit = pinBit(conn, "Y", cell, origin);
                if (!yBit.is_number_integer())
                    fail(origin, cell + ": port Y must connect a net, not a constant");
                Node args[3] = {GateGraph::kZero, GateGraph::kZero, GateGraph::kZero};
                for (int i = 0; i < gateArity(*gate); ++i)
                    args[i] = node(*bits[i], where);
                const Node y = node(yBit, where);
                g.drive(y, g.gate(*gate, args[0], args[1], args[2], where), where);
            }
        std::vector<Node> outs;
        for (size_t k = 0; k < out->size(); ++k) {
            const Node n = node((*out)[k], "output '" + shownText(outName) + "'");
            outs.push_back(n);
        }
        return g.build(outs, library);
    } catch (const json::exception& e) {
        fail(origin, "malformed Yosys netlist: " + jsonLibraryProblem(e));
    }
}

} // namespace axbnn
