// The approximation knobs of docs/domain.md section 3: which cells of an exact
// netlist are replaced by approximate cells of the same arity.
#pragma once

#include "circuit/compressors.h"
#include "circuit/netlist.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace axbnn {

// Mixed popcounts: the cell for the full adders of one column or one tree
// level (docs/domain.md section 3), keyed by column or level. An entry
// selects those full adders whatever the knobs say; "fa" keeps them exact.
using CellMap = std::map<int, std::string>;

struct ApproxConfig {
    int lsbColumns = 0; // cells in columns < lsbColumns
    int levels = 0; // cells on levels < levels
    // Input pairs (2k, 2k+1), k < pairs, compressed to one weight-2 bit by
    // "and-pair" (k even) or "or-pair" (k odd) cells ahead of the tree.
    int pairs = 0;
    // Wallace / Dadda trees reduce groups of four bits of the columns below
    // compressorColumns with the approximate 4:2 compressor `compressor`
    // (circuit/compressors.h).
    int compressorColumns = 0;
    std::string compressor = defaultCompressor().name;
    std::vector<int> extraCells; // cell indices approximated in addition
    std::vector<int> exactCells; // cell indices kept exact whatever the knobs say
    std::string faCell = "maj-fa"; // replacement for full adders
    std::string haCell; // replacement for half adders ("" = keep exact)
    CellMap columnCells; // full adders of column c -> cell (wins over the knobs)
    CellMap levelCells; // full adders of level l -> cell (wins over columnCells)

    bool isExact() const
    {
        return lsbColumns == 0 && levels == 0 && pairs == 0 && compressorColumns == 0 && extraCells.empty()
            && columnCells.empty() && levelCells.empty();
    }
    bool operator==(const ApproxConfig&) const = default;
};

// A column or level key "0".."maxKey" (command line and JSON alike); -1 if
// it is not a whole number in that range.
int parseCellMapKey(std::string_view text, int maxKey);
// "0:maj-fa,2:ama1" (the command line's and reports' spelling; "" when empty).
std::string cellMapText(const CellMap& cells);
// Parses that spelling; `what` names the option in messages. Keys are whole
// numbers 0..maxKey, each at most once. Throws std::invalid_argument.
CellMap parseCellMap(std::string_view text, const std::string& what, int maxKey);
// The name of the cell that replaces full adder `index` when it is selected:
// its level's or column's cell if one is set (and not "fa"), else config.faCell.
const std::string& fullAdderCellFor(const Netlist& netlist, int index, const ApproxConfig& config);

// The config without its hand-picked cells (extraCells / exactCells), which
// index one netlist: what applies to a circuit of another N, topology or layer.
inline ApproxConfig knobsOnly(ApproxConfig config)
{
    config.extraCells.clear();
    config.exactCells.clear();
    return config;
}

// Whether the knobs or a column / level cell select cell `index` of `netlist`
// (before type checks; column and level cells select full adders only).
bool selectedByKnobs(const Netlist& netlist, int index, const ApproxConfig& config);

// Whether cell `index` is selected for approximation: by the knobs or
// extraCells, and not listed in exactCells.
bool isCellSelected(const Netlist& netlist, int index, const ApproxConfig& config);

// The config with cell `index` flipped between selected and not, using
// extraCells / exactCells only where the knobs disagree (the circuit view's
// click). Throws std::invalid_argument for an index out of range.
ApproxConfig toggleCell(const Netlist& netlist, int index, ApproxConfig config);

// The netlist the other knobs and the cell indices apply to: `exact` itself,
// or with config.pairs > 0 or config.compressorColumns > 0 the same topology
// rebuilt with the pair cells ahead of it or the 4:2 compressors in its low
// columns (popcount_builder.h; more pairs than half the inputs compress all
// of them). Throws std::invalid_argument for either on an imported netlist,
// for compressors on an adder tree or chain, and for unknown compressors.
Netlist approximationStructure(const Netlist& exact, const CellLibrary& library, const ApproxConfig& config);

// The config without its structural knobs (pairs, compressors): what applies
// to approximationStructure()'s result.
inline ApproxConfig knobsWithoutStructure(ApproxConfig config)
{
    config.pairs = 0;
    config.compressorColumns = 0;
    return config;
}

// Returns a copy of the exact netlist with the selected full adders ("fa")
// replaced by config.faCell and, if set, half adders ("ha") by config.haCell.
// Sum-only cells are never replaced. Throws std::invalid_argument for unknown
// or ill-shaped cells, negative knobs and cell indices out of range.
Netlist applyApproximation(const Netlist& exact, const CellLibrary& library, const ApproxConfig& config);

} // namespace axbnn
