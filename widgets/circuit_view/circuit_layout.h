// Where the circuit view draws each cell, port and wire of a popcount netlist:
// plain data computed off the GUI thread, without Qt, so it can be tested alone.
#pragma once

#include "circuit/netlist.h"

#include <vector>

namespace axbnn::gui {

struct LayoutPoint {
    double x = 0.0, y = 0.0;
};

struct LayoutRect {
    double x = 0.0, y = 0.0, w = 0.0, h = 0.0;
    double right() const { return x + w; }
    double bottom() const { return y + h; }
};

// A wire from a source (primary input port or cell output) to a sink (cell
// input pin or popcount output port), as an orthogonal polyline.
struct LayoutWire {
    int fromCell = -1; // -1: from an input port
    int fromInput = -1; // primary input index when fromCell == -1
    int toCell = -1; // -1: to an output port
    int toPin = 0; // input pin of toCell, or output bit when toCell == -1
    bool carry = false; // driven by a carry output (else a sum output or input port)
    std::vector<LayoutPoint> points;
};

struct LayoutPort {
    int index = 0; // primary input index or output bit
    LayoutPoint at;
};

// Cells that the view draws as one box when zoomed far out.
struct LayoutGroup {
    LayoutRect box;
    int level = 0;
    std::vector<int> cells;
};

struct CircuitLayout {
    // Scene units; one cell is kCellWidth x kCellHeight.
    static constexpr double kCellWidth = 44.0;
    static constexpr double kCellHeight = 30.0;
    static constexpr double kCellGap = 10.0; // between cells of one adder node
    static constexpr double kNodeGap = 24.0; // between adder nodes / column bands
    static constexpr double kChannel = 60.0; // wiring channel between rows
    static constexpr double kRowPitch = kCellHeight + kChannel;

    bool treeLayout = false; // adder nodes (tree, chain) or column bands (Wallace, Dadda)
    std::vector<LayoutRect> cells; // by cell id
    std::vector<LayoutPort> inputs; // one per use of a primary input
    std::vector<LayoutPort> outputs; // one per popcount output bit
    std::vector<LayoutWire> wires;
    std::vector<LayoutGroup> groups; // cover every cell exactly once
    int constantPins = 0; // cell inputs tied to 0/1 (drawn without a wire)
    LayoutRect bounds;

    // Position of input pin `pin` (of `arity`) on top of a cell, and of its outputs.
    static LayoutPoint inputPin(const LayoutRect& cell, int pin, int arity);
    static LayoutPoint sumPin(const LayoutRect& cell);
    static LayoutPoint carryPin(const LayoutRect& cell);
};

// Rows by level (level 0, nearest the inputs, at the top), inside a row the
// cells of one adder node right to left by column like a written sum, nodes
// placed under their children (adder tree, chain); netlists without adder
// nodes get one band per column, right to left. Groups hold about
// `groupSize` cells of one row that sit side by side.
CircuitLayout layoutCircuit(const Netlist& netlist, int groupSize = 32);

} // namespace axbnn::gui
