// Netlist helpers: topology names, type lookup, bit widths.
#include "circuit/netlist.h"
#include "util/shown_text.h"

#include <stdexcept>

namespace axbnn {

std::string topologyName(Topology topology)
{
    switch (topology) {
    case Topology::AdderTree: return "adder-tree";
    case Topology::Wallace: return "wallace";
    case Topology::Dadda: return "dadda";
    case Topology::Chain: return "chain";
    case Topology::Imported: return "imported";
    }
    return "adder-tree";
}

Topology parseTopology(const std::string& name)
{
    for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
        if (topologyName(t) == name)
            return t;
    throw std::invalid_argument("unknown topology '" + shownText(name)
                                + "' (known: adder-tree, wallace, dadda, chain)");
}

int Netlist::typeIndex(const CellLibrary& library, const std::string& name)
{
    for (size_t i = 0; i < types.size(); ++i)
        if (types[i].name == name)
            return static_cast<int>(i);
    types.push_back(library.at(name));
    return static_cast<int>(types.size() - 1);
}

int Netlist::approximateCellCount() const
{
    int n = 0;
    for (const auto& c : cells)
        n += isApproximate(c) ? 1 : 0;
    return n;
}

void Netlist::dropUnusedTypes()
{
    std::vector<int> remap(types.size(), -1);
    for (const auto& c : cells)
        remap[c.type] = 0;
    std::vector<CellType> kept;
    for (size_t i = 0; i < types.size(); ++i) {
        if (remap[i] == 0) {
            remap[i] = static_cast<int>(kept.size());
            kept.push_back(types[i]);
        }
    }
    for (auto& c : cells)
        c.type = remap[c.type];
    types = std::move(kept);
}

SignalReaders readersOf(const Netlist& net)
{
    SignalReaders r{std::vector<int>(net.signalCount, 0), std::vector<int>(net.signalCount, -1),
                    std::vector<int>(net.signalCount, -1)};
    for (size_t i = 0; i < net.cells.size(); ++i) {
        const CellInstance& c = net.cells[i];
        for (int k = 0; k < net.typeOf(c).inputs; ++k) {
            const Signal s = c.in[k];
            ++r.count.at(s);
            if (r.first[s] < 0)
                r.first[s] = static_cast<int>(i);
            r.last[s] = static_cast<int>(i);
        }
    }
    for (Signal s : net.outputs)
        r.count.at(s) += 2;
    return r;
}

int bitsFor(uint64_t maxValue)
{
    int bits = 0;
    while (maxValue > 0) {
        ++bits;
        maxValue >>= 1;
    }
    return bits;
}

} // namespace axbnn
