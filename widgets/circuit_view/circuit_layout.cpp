// Tree and column-band placement of popcount cells, orthogonal wire routes
// and the level-of-detail groups.
#include "circuit_view/circuit_layout.h"

#include <algorithm>
#include <map>

namespace axbnn::gui {
namespace {

using L = CircuitLayout;
constexpr double kPitch = L::kCellWidth + L::kCellGap;

double rowY(int level)
{
    return L::kChannel + level * L::kRowPitch;
}

// Adder tree and chain: each node centred under (below) the span of its children.
void placeTree(const Netlist& net, CircuitLayout& out)
{
    const size_t nodeCount = net.nodes.size();
    std::vector<std::vector<int>> nodeCells(nodeCount);
    for (size_t i = 0; i < net.cells.size(); ++i)
        nodeCells[net.cells[i].node].push_back(static_cast<int>(i));
    std::vector<double> width(nodeCount), span(nodeCount), left(nodeCount, 0.0);
    std::vector<char> isChild(nodeCount, 0);
    auto childSpan = [&](const AdderNode& node) {
        double total = 0.0;
        int n = 0;
        for (int c : {node.childA, node.childB})
            if (c >= 0) {
                total += span[c];
                ++n;
            }
        return total + (n > 1 ? L::kNodeGap : 0.0);
    };
    // Builders create children before parents, so one ascending pass suffices.
    for (size_t n = 0; n < nodeCount; ++n) {
        const AdderNode& node = net.nodes[n];
        width[n] = std::max<size_t>(1, nodeCells[n].size()) * kPitch - L::kCellGap;
        span[n] = std::max(width[n], childSpan(node));
        for (int c : {node.childA, node.childB})
            if (c >= 0)
                isChild[c] = 1;
    }
    double x = 0.0;
    for (size_t n = 0; n < nodeCount; ++n)
        if (!isChild[n]) {
            left[n] = x;
            x += span[n] + L::kNodeGap;
        }
    for (size_t n = nodeCount; n-- > 0;) {
        const AdderNode& node = net.nodes[n];
        const double nodeLeft = left[n] + (span[n] - width[n]) / 2.0;
        auto& cells = nodeCells[n];
        std::sort(cells.begin(), cells.end(), [&](int a, int b) { return net.cells[a].column < net.cells[b].column; });
        for (size_t k = 0; k < cells.size(); ++k) {
            const CellInstance& c = net.cells[cells[k]];
            out.cells[cells[k]] = {nodeLeft + width[n] - L::kCellWidth - k * kPitch, rowY(c.level), L::kCellWidth,
                                   L::kCellHeight};
        }
        double childLeft = left[n] + (span[n] - childSpan(node)) / 2.0;
        for (int c : {node.childA, node.childB})
            if (c >= 0) {
                left[c] = childLeft;
                childLeft += span[c] + L::kNodeGap;
            }
    }
}

// Compressor trees: one band per column, right to left; rows by stage.
void placeBands(const Netlist& net, CircuitLayout& out)
{
    std::map<std::pair<int, int>, std::vector<int>> slots; // (column, level) -> cells
    int maxColumn = 0;
    for (size_t i = 0; i < net.cells.size(); ++i) {
        const CellInstance& c = net.cells[i];
        slots[{c.column, c.level}].push_back(static_cast<int>(i));
        maxColumn = std::max(maxColumn, c.column);
    }
    std::vector<double> bandWidth(maxColumn + 1, L::kCellWidth), bandLeft(maxColumn + 1);
    for (const auto& [key, cells] : slots)
        bandWidth[key.first] = std::max(bandWidth[key.first], cells.size() * kPitch - L::kCellGap);
    double x = 0.0;
    for (int col = maxColumn; col >= 0; --col) {
        bandLeft[col] = x;
        x += bandWidth[col] + L::kNodeGap;
    }
    for (const auto& [key, cells] : slots) {
        const double rowWidth = cells.size() * kPitch - L::kCellGap;
        const double right = bandLeft[key.first] + (bandWidth[key.first] + rowWidth) / 2.0;
        for (size_t k = 0; k < cells.size(); ++k)
            out.cells[cells[k]] = {right - L::kCellWidth - k * kPitch, rowY(key.second), L::kCellWidth, L::kCellHeight};
    }
}

// From an output of `from` down (or sideways) into a point above `to`.
std::vector<LayoutPoint> route(const LayoutRect& from, bool carry, LayoutPoint target, double jogY)
{
    std::vector<LayoutPoint> pts;
    double x = 0.0;
    if (carry) {
        const LayoutPoint c = L::carryPin(from);
        x = c.x - L::kCellGap / 2.0;
        pts = {c, {x, c.y}};
    } else {
        const LayoutPoint s = L::sumPin(from);
        x = s.x;
        pts = {s};
    }
    pts.push_back({x, jogY});
    if (target.x != x)
        pts.push_back({target.x, jogY});
    pts.push_back(target);
    return pts;
}

void routeWires(const Netlist& net, CircuitLayout& out)
{
    struct Driver {
        int cell = -1;
        bool carry = false;
    };
    std::vector<Driver> driver(net.signalCount);
    for (size_t i = 0; i < net.cells.size(); ++i) {
        driver[net.cells[i].sum] = {static_cast<int>(i), false};
        if (net.cells[i].carry != kNoSignal)
            driver[net.cells[i].carry] = {static_cast<int>(i), true};
    }
    auto isInput = [&](Signal s) { return s >= kFirstInput && s < kFirstInput + static_cast<Signal>(net.inputs); };
    for (size_t i = 0; i < net.cells.size(); ++i) {
        const CellInstance& c = net.cells[i];
        const LayoutRect& r = out.cells[i];
        const int arity = net.typeOf(c).inputs;
        for (int pin = 0; pin < arity; ++pin) {
            const Signal s = c.in[pin];
            const LayoutPoint to = L::inputPin(r, pin, arity);
            LayoutWire w;
            w.toCell = static_cast<int>(i);
            w.toPin = pin;
            if (isInput(s)) {
                const LayoutPoint port{to.x, r.y - 0.8 * L::kChannel};
                out.inputs.push_back({static_cast<int>(s - kFirstInput), port});
                w.fromInput = static_cast<int>(s - kFirstInput);
                w.points = {port, to};
            } else if (s < driver.size() && driver[s].cell >= 0) {
                const Driver d = driver[s];
                const LayoutRect& from = out.cells[d.cell];
                const bool sameRow = from.y == r.y;
                const double jog = sameRow ? r.y - 8.0 : r.y - L::kChannel * (0.2 + 0.15 * pin);
                w.fromCell = d.cell;
                w.carry = d.carry;
                w.points = route(from, d.carry, to, jog);
            } else {
                ++out.constantPins;
                continue;
            }
            out.wires.push_back(std::move(w));
        }
    }
    double bottom = L::kChannel;
    for (const LayoutRect& r : out.cells)
        bottom = std::max(bottom, r.bottom());
    const double outY = bottom + 0.8 * L::kChannel;
    double nextX = 0.0;
    for (int bit = 0; bit < net.outputBits(); ++bit) {
        const Signal s = net.outputs[bit];
        LayoutWire w;
        w.toPin = bit;
        LayoutPoint port{nextX, outY};
        if (s < driver.size() && driver[s].cell >= 0) {
            const Driver d = driver[s];
            const LayoutRect& from = out.cells[d.cell];
            port.x = d.carry ? L::carryPin(from).x - L::kCellGap / 2.0 : L::sumPin(from).x;
            w.fromCell = d.cell;
            w.carry = d.carry;
            w.points = route(from, d.carry, port, outY);
            w.points.pop_back(); // the jog already ends at the port
        } else if (isInput(s)) {
            const LayoutPoint in{port.x, L::kChannel * 0.2};
            out.inputs.push_back({static_cast<int>(s - kFirstInput), in});
            w.fromInput = static_cast<int>(s - kFirstInput);
            w.points = {in, port};
        }
        out.outputs.push_back({bit, port});
        if (!w.points.empty())
            out.wires.push_back(std::move(w));
        nextX = port.x - kPitch;
    }
}

// Chunks of at most groupSize cells of one row, split where cells are far apart.
void makeGroups(CircuitLayout& out, int groupSize)
{
    std::map<double, std::vector<int>> rows;
    for (size_t i = 0; i < out.cells.size(); ++i)
        rows[out.cells[i].y].push_back(static_cast<int>(i));
    int level = 0;
    for (auto& [y, cells] : rows) {
        std::sort(cells.begin(), cells.end(), [&](int a, int b) { return out.cells[a].x < out.cells[b].x; });
        LayoutGroup g;
        auto flush = [&] {
            if (g.cells.empty())
                return;
            const LayoutRect& first = out.cells[g.cells.front()];
            const LayoutRect& last = out.cells[g.cells.back()];
            g.box = {first.x, first.y, last.right() - first.x, L::kCellHeight};
            g.level = level;
            out.groups.push_back(std::move(g));
            g = {};
        };
        for (int id : cells) {
            if (!g.cells.empty()
                && (static_cast<int>(g.cells.size()) >= groupSize
                    || out.cells[id].x - out.cells[g.cells.back()].right() > 4 * kPitch))
                flush();
            g.cells.push_back(id);
        }
        flush();
        ++level;
    }
}

} // namespace

LayoutPoint CircuitLayout::inputPin(const LayoutRect& cell, int pin, int arity)
{
    return {cell.x + cell.w * (pin + 1) / (arity + 1), cell.y};
}

LayoutPoint CircuitLayout::sumPin(const LayoutRect& cell)
{
    return {cell.x + cell.w / 2.0, cell.bottom()};
}

LayoutPoint CircuitLayout::carryPin(const LayoutRect& cell)
{
    return {cell.x, cell.y + cell.h / 2.0};
}

CircuitLayout layoutCircuit(const Netlist& netlist, int groupSize)
{
    CircuitLayout out;
    out.cells.resize(netlist.cells.size());
    out.treeLayout =
        !netlist.nodes.empty() && std::all_of(netlist.cells.begin(), netlist.cells.end(), [&](const CellInstance& c) {
            return c.node >= 0 && c.node < static_cast<int>(netlist.nodes.size());
        });
    if (out.treeLayout)
        placeTree(netlist, out);
    else
        placeBands(netlist, out);
    routeWires(netlist, out);
    makeGroups(out, std::max(1, groupSize));

    double x0 = 0.0, y0 = 0.0, x1 = 0.0, y1 = 0.0;
    bool first = true;
    auto include = [&](double x, double y) {
        if (first) {
            x0 = x1 = x;
            y0 = y1 = y;
            first = false;
        }
        x0 = std::min(x0, x);
        x1 = std::max(x1, x);
        y0 = std::min(y0, y);
        y1 = std::max(y1, y);
    };
    for (const LayoutRect& r : out.cells) {
        include(r.x, r.y);
        include(r.right(), r.bottom());
    }
    for (const LayoutWire& w : out.wires)
        for (const LayoutPoint& p : w.points)
            include(p.x, p.y);
    for (const auto* ports : {&out.inputs, &out.outputs})
        for (const LayoutPort& p : *ports)
            include(p.at.x, p.at.y);
    out.bounds = {x0, y0, x1 - x0, y1 - y0};
    return out;
}

} // namespace axbnn::gui
