// The common back end of the netlist importers: a graph of constants, primary
// inputs, named wires and logic gates, built in any order, then checked
// (undriven wires, multiple drivers, combinational loops) and turned into a
// Netlist of gate cells (circuit/gate_cells.h).
#pragma once

#include "circuit/gate_cells.h"
#include "circuit/netlist.h"

#include <string>
#include <vector>

namespace axbnn {

class GateGraph {
public:
    using Node = int;
    static constexpr Node kZero = 0, kOne = 1;

    // `origin` (a file name) starts every error message. At most
    // kMaxPopcountInputs inputs (circuit/design_limits.h); the graph holds at
    // most kMaxNetlistNodes inputs, wires and gates (util/input_limits.h): the
    // importers check both before they build, these checks are the backstop.
    GateGraph(std::string origin, int inputs);

    int inputs() const { return inputs_; }
    // Room for `nodes` inputs, wires and gates in all (at most kMaxNetlistNodes).
    void reserve(size_t nodes);
    Node input(int i) const { return 2 + i; }
    // A named wire whose driver is given later by drive(). `where` locates it
    // in the source for messages ("line 12", "netname \"w\"").
    Node wire(std::string name, std::string where);
    // Makes `driver` the value of `wire`; a second driver is an error naming
    // both places. `where` locates the assignment.
    void drive(Node wire, Node driver, const std::string& where);
    bool isDriven(Node wire) const;
    // An x or z constant: fine where nothing reads it (synthesis leaves them
    // on unused wires), an error when an output depends on it.
    Node undefined(const std::string& where);
    Node gate(Gate kind, Node a, Node b, Node c, const std::string& where);
    Node gate(Gate kind, Node a, const std::string& where) { return gate(kind, a, kZero, kZero, where); }
    Node gate(Gate kind, Node a, Node b, const std::string& where) { return gate(kind, a, b, kZero, where); }

    // The netlist computing `outputs` (least significant first) from the
    // inputs. Logic no output depends on is dropped (synthesis leaves unused
    // wires behind); an inverter of a single-use AND/OR/XOR becomes
    // NAND/NOR/XNOR and AND/OR of a single-use inverter ANDNOT/ORNOT. Gate
    // figures come from gateCell(kind, overrides). Throws std::runtime_error
    // "origin: where: ..." for a wire read but never driven and for loops.
    Netlist build(const std::vector<Node>& outputs, const CellLibrary* overrides = nullptr) const;

    [[noreturn]] void fail(const std::string& where, const std::string& what) const;

private:
    enum class Kind { Const, Input, Wire, Gate };
    struct Item {
        Kind kind = Kind::Const;
        Gate gate = Gate::Buf;
        Node in[3] = {kZero, kZero, kZero};
        bool driven = false;
        std::string name; // wires
        std::string where; // declaration (wire) or assignment (gate)
        std::string drivenWhere;
    };
    // Compact copy of a node for build(): kind, gate and inputs.
    struct Slot {
        Kind kind = Kind::Const;
        Gate gate = Gate::Buf;
        Node in[3] = {kZero, kZero, kZero};
    };
    class Resolver;
    void checkRoom(const std::string& where) const;

    std::string origin_;
    int inputs_ = 0;
    std::vector<Item> items_;
};

} // namespace axbnn
