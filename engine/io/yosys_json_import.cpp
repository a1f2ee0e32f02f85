// Yosys JSON netlists (write_json) of simple gate cells into a gate graph.
#include "io/yosys_json_import.h"
#include "util/json_depth.h"

#include "circuit/gate_graph.h"

#include <nlohmann/json.hpp>

#include <map>
#include <stdexcept>

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

} // namespace

Netlist importYosysJson(std::string_view text, const std::string& origin, const CellLibrary* library,
                        const std::string& top)
{
    checkJsonDepth(text, origin);
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        fail(origin, std::string("not valid JSON: ") + e.what());
    }
    if (!doc.is_object() || !doc.contains("modules") || !doc["modules"].is_object() || doc["modules"].empty())
        fail(origin, "not a Yosys netlist: expected an object with \"modules\"");
    try {
        const json& m = topModule(doc["modules"], top, origin);
        const json& ports = m.at("ports");
        const json* in = nullptr;
        const json* out = nullptr;
        std::string outName;
        int inputs = 0, outputs = 0;
        for (const auto& [name, p] : ports.items()) {
            const std::string dir = p.at("direction").get<std::string>();
            if (dir == "input") {
                in = &p.at("bits");
                ++inputs;
            } else if (dir == "output") {
                out = &p.at("bits");
                outName = name;
                ++outputs;
            } else {
                fail(origin, "port '" + name + "': only input and output ports are supported");
            }
        }
        if (inputs != 1 || outputs != 1)
            fail(origin,
                 "the top module must have exactly one input port (the popcount inputs) and one "
                 "output port (the count), it has "
                     + std::to_string(inputs) + " inputs and " + std::to_string(outputs) + " outputs");
        GateGraph g(origin, static_cast<int>(in->size()));
        // Readable names for messages: netname of every bit.
        std::map<long, std::string> names;
        if (m.contains("netnames"))
            for (const auto& [name, n] : m["netnames"].items()) {
                const json& bits = n.at("bits");
                for (size_t k = 0; k < bits.size(); ++k)
                    if (bits[k].is_number_integer())
                        names.emplace(bits[k].get<long>(),
                                      bits.size() > 1 ? name + "[" + std::to_string(k) + "]" : name);
            }
        std::map<long, Node> net;
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
        if (m.contains("cells"))
            for (const auto& [name, c] : m["cells"].items()) {
                const std::string where = "cell '" + name + "'";
                const std::string type = c.at("type").get<std::string>();
                const auto gate = yosysGate(type);
                if (!gate)
                    fail(origin,
                         where + ": unsupported cell type '" + type
                             + "' (run Yosys 'synth' so only simple gates remain: $_AND_, $_OR_, "
                               "$_XOR_, $_NOT_, $_NAND_, $_NOR_, $_XNOR_, $_ANDNOT_, $_ORNOT_, "
                               "$_MUX_, $_BUF_)");
                const json& conn = c.at("connections");
                const char* pins[3] = {"A", "B", "S"};
                Node args[3] = {GateGraph::kZero, GateGraph::kZero, GateGraph::kZero};
                for (int i = 0; i < gateArity(*gate); ++i) {
                    if (!conn.contains(pins[i]) || conn[pins[i]].size() != 1)
                        fail(origin, where + ": port " + pins[i] + " must connect one bit");
                    args[i] = node(conn[pins[i]][0], where);
                }
                if (!conn.contains("Y") || conn["Y"].size() != 1 || !conn["Y"][0].is_number_integer())
                    fail(origin, where + ": port Y must connect one net");
                const Node y = node(conn["Y"][0], where);
                g.drive(y, g.gate(*gate, args[0], args[1], args[2], where), where);
            }
        std::vector<Node> outs;
        for (size_t k = 0; k < out->size(); ++k) {
            const Node n = node((*out)[k], "output '" + outName + "'");
            outs.push_back(n);
        }
        return g.build(outs, library);
    } catch (const json::exception& e) {
        fail(origin, std::string("malformed Yosys netlist: ") + e.what());
    }
}

} // namespace axbnn
