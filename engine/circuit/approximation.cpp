// Applies the approximation knobs to an exact netlist by swapping cell kinds.
#include "circuit/approximation.h"
#include "circuit/knobs.h"
#include "circuit/popcount_builder.h"
#include "util/shown_text.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace axbnn {

namespace {

constexpr const char* kExactFullAdder = "fa";

// The column's or level's cell for full adder `c`, or null when neither is set.
const std::string* mappedCell(const Netlist& netlist, const CellInstance& c, const ApproxConfig& config)
{
    if (config.columnCells.empty() && config.levelCells.empty())
        return nullptr;
    if (netlist.typeOf(c).name != kExactFullAdder)
        return nullptr;
    if (auto it = config.levelCells.find(c.level); it != config.levelCells.end())
        return &it->second;
    if (auto it = config.columnCells.find(c.column); it != config.columnCells.end())
        return &it->second;
    return nullptr;
}

} // namespace

bool selectedByKnobs(const Netlist& netlist, int index, const ApproxConfig& config)
{
    const CellInstance& c = netlist.cells[index];
    if (const std::string* cell = mappedCell(netlist, c, config))
        return *cell != kExactFullAdder;
    return c.column < config.lsbColumns || c.level < config.levels;
}

const std::string& fullAdderCellFor(const Netlist& netlist, int index, const ApproxConfig& config)
{
    const std::string* cell = mappedCell(netlist, netlist.cells[index], config);
    return cell && *cell != kExactFullAdder ? *cell : config.faCell;
}

int parseCellMapKey(std::string_view text, int maxKey)
{
    if (text.empty())
        return -1;
    int key = 0;
    for (char ch : text) {
        if (ch < '0' || ch > '9' || key > maxKey) // checked before it grows: no overflow
            return -1;
        key = key * 10 + (ch - '0');
    }
    return key <= maxKey ? key : -1;
}

std::string cellMapText(const CellMap& cells)
{
    std::string text;
    for (const auto& [key, cell] : cells) {
        if (!text.empty())
            text += ',';
        text += std::to_string(key);
        text += ':';
        text += cell;
    }
    return text;
}

CellMap parseCellMap(std::string_view text, const std::string& what, int maxKey)
{
    CellMap cells;
    size_t start = 0;
    while (start <= text.size() && !text.empty()) {
        const size_t end = std::min(text.find(',', start), text.size());
        const std::string_view item = text.substr(start, end - start);
        const size_t colon = item.find(':');
        const auto bad = [&](const std::string& why) {
            return std::invalid_argument(what + ": '" + shownText(std::string(item)) + "' " + why);
        };
        if (colon == std::string_view::npos || colon == 0 || colon + 1 == item.size())
            throw bad("is not KEY:CELL (e.g. 0:maj-fa,1:fa)");
        const int key = parseCellMapKey(item.substr(0, colon), maxKey);
        if (key < 0)
            throw bad("must start with a whole number from 0 to " + std::to_string(maxKey));
        if (!cells.emplace(key, std::string(item.substr(colon + 1))).second)
            throw bad("repeats " + std::to_string(key));
        start = end + 1;
    }
    return cells;
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
    if (config.pairs == 0 && config.compressorColumns == 0)
        return exact;
    const KnobInfo& info = knobInfo(config.pairs > 0 ? Knob::Pairs : Knob::Compressors);
    if (exact.topology == Topology::Imported)
        throw std::invalid_argument(std::string(info.option) + " / " + info.key
                                    + " does not apply to an imported netlist (its structure is fixed)");
    BuildOptions options;
    // Like the other knobs, more than there are selects all of them.
    options.pairs = std::min(config.pairs, exact.inputs / 2);
    options.compressorColumns = config.compressorColumns;
    options.compressor = config.compressor;
    return buildPopcount(exact.inputs, exact.topology, library, options);
}

Netlist applyApproximation(const Netlist& exact, const CellLibrary& library, const ApproxConfig& config)
{
    if (config.lsbColumns < 0 || config.levels < 0 || config.pairs < 0 || config.compressorColumns < 0)
        throw std::invalid_argument("approximation knobs must be >= 0");
    if (config.pairs > 0 || config.compressorColumns > 0)
        return applyApproximation(approximationStructure(exact, library, config), library,
                                  knobsWithoutStructure(config));
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
    std::map<std::string, int, std::less<>> faRepl; // cell name -> type index in out, -1: exact
    const auto fullAdderType = [&](const std::string& name) {
        auto it = faRepl.find(name);
        if (it == faRepl.end())
            it = faRepl
                     .emplace(name,
                              replacement(library, name, 3, "full adder").isExact() ? -1 : out.typeIndex(library, name))
                     .first;
        return it->second;
    };
    fullAdderType(config.faCell); // checked even when no cell is selected
    for (const CellMap* cells : {&config.columnCells, &config.levelCells})
        for (const auto& [key, name] : *cells)
            if (name != kExactFullAdder)
                fullAdderType(name);
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
        if (c.type == faType) {
            if (const int repl = fullAdderType(fullAdderCellFor(exact, static_cast<int>(i), config)); repl >= 0)
                c.type = repl;
        } else if (c.type == haType && haRepl >= 0)
            c.type = haRepl;
    }
    out.dropUnusedTypes();
    return out;
}

} // namespace axbnn
