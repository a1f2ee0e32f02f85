// Applies the approximation knobs to an exact netlist by swapping cell kinds.
#include "circuit/approximation.h"
#include "circuit/knobs.h"
#include "circuit/popcount_builder.h"
#include "util/shown_text.h"

#include <algorithm>
#include <stdexcept>

namespace axbnn {

bool selectedByKnobs(const Netlist& netlist, int index, const ApproxConfig& config)
{
    const CellInstance& c = netlist.cells[index];
    return c.column < config.lsbColumns || c.level < config.levels;
}

bool isCellSelected(const Netlist& netlist, int index, const ApproxConfig& config)
{
    auto listed = [index](const std::vector<int>& ids) {
        return std::find(ids.begin(), ids.end(), index) != ids.end();
    };
    if (listed(config.exactCells))
        return false;
    return listed(config.extraCells) || selectedByKnobs(netlist, index, config);
}

ApproxConfig toggleCell(const Netlist& netlist, int index, ApproxConfig config)
{
    if (index < 0 || index >= static_cast<int>(netlist.cells.size()))
        throw std::invalid_argument("cell id " + std::to_string(index) + " is out of range (the circuit has "
                                    + std::to_string(netlist.cells.size()) + " cells)");
    const bool select = !isCellSelected(netlist, index, config);
    std::erase(config.extraCells, index);
    std::erase(config.exactCells, index);
    const bool byKnobs = selectedByKnobs(netlist, index, config);
    if (select && !byKnobs)
        config.extraCells.push_back(index);
    else if (!select && byKnobs)
        config.exactCells.push_back(index);
    return config;
}

namespace {

void checkIndices(const std::vector<int>& ids, const Netlist& netlist, const char* what)
{
    for (int id : ids)
        if (id < 0 || id >= static_cast<int>(netlist.cells.size()))
            throw std::invalid_argument(std::string(what) + " cell id " + std::to_string(id)
                                        + " is out of range (the circuit has " + std::to_string(netlist.cells.size())
                                        + " cells)");
}

const CellType& replacement(const CellLibrary& library, const std::string& name, int inputs, const char* role)
{
    const CellType& cell = library.at(name);
    if (cell.inputs != inputs || !cell.hasCarry)
        throw std::invalid_argument("cell '" + shownText(name) + "' cannot replace a " + role + ": it needs "
                                    + std::to_string(inputs) + " inputs and a carry output");
    return cell;
}

} // namespace

Netlist approximationStructure(const Netlist& exact, const CellLibrary& library, const ApproxConfig& config)
{
    if (config.pairs == 0)
        return exact;
    const KnobInfo& info = knobInfo(Knob::Pairs);
    if (exact.topology == Topology::Imported)
        throw std::invalid_argument(std::string(info.option) + " / " + info.key
                                    + " does not apply to an imported netlist (its structure is fixed)");
    // Like the other knobs, more than there are selects all of them.
    return buildPopcount(exact.inputs, exact.topology, library, std::min(config.pairs, exact.inputs / 2));
}

Netlist applyApproximation(const Netlist& exact, const CellLibrary& library, const ApproxConfig& config)
{
    if (config.lsbColumns < 0 || config.levels < 0 || config.pairs < 0)
        throw std::invalid_argument("approximation knobs must be >= 0");
    if (config.pairs > 0) {
        return applyApproximation(approximationStructure(exact, library, config), library, knobsWithoutPairs(config));
    }
    checkIndices(config.extraCells, exact, "approximate");
    checkIndices(config.exactCells, exact, "exact");
    Netlist out = exact;
    int faType = -1, haType = -1;
    for (size_t i = 0; i < exact.types.size(); ++i) {
        if (exact.types[i].name == "fa")
            faType = static_cast<int>(i);
        if (exact.types[i].name == "ha")
            haType = static_cast<int>(i);
    }
    const int faRepl =
        replacement(library, config.faCell, 3, "full adder").isExact() ? -1 : out.typeIndex(library, config.faCell);
    int haRepl = -1;
    if (!config.haCell.empty())
        haRepl =
            replacement(library, config.haCell, 2, "half adder").isExact() ? -1 : out.typeIndex(library, config.haCell);
    std::vector<char> pick(exact.cells.size(), 0);
    for (size_t i = 0; i < exact.cells.size(); ++i)
        pick[i] = selectedByKnobs(exact, static_cast<int>(i), config);
    for (int id : config.extraCells)
        pick[id] = 1;
    for (int id : config.exactCells)
        pick[id] = 0;
    for (size_t i = 0; i < out.cells.size(); ++i) {
        if (!pick[i])
            continue;
        CellInstance& c = out.cells[i];
        if (c.type == faType && faRepl >= 0)
            c.type = faRepl;
        else if (c.type == haType && haRepl >= 0)
            c.type = haRepl;
    }
    out.dropUnusedTypes();
    return out;
}

} // namespace axbnn
