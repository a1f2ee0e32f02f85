// Registration and validation of the circuit options.
#include "circuit_options.h"

#include "cli_app.h"

#include "circuit/design_limits.h"
#include "circuit/knobs.h"
#include "circuit/popcount_builder.h"
#include "io/netlist_import.h"

#include <algorithm>

namespace axbnn::cli {

void addCellsOption(CLI::App* cmd, CircuitOptions& o)
{
    std::string names;
    for (std::string_view n : kBuiltInLibraries)
        names += (names.empty() ? "" : "|") + std::string(n);
    cmd->add_option("--library", o.libraryName,
                    "Base cell library: " + names + " (docs/cell-library.md) or a cell library JSON extending "
                        + std::string(kBuiltInLibraries[0]))
        ->capture_default_str();
    cmd->add_option("--cells", o.cellsFile, "Cell library JSON (docs/cell-library.md) extending the --library table")
        ->check(CLI::ExistingFile);
}

void addCircuitOptions(CLI::App* cmd, CircuitOptions& o, bool withCellIds)
{
    addStructureOptions(cmd, o);
    if (withCellIds) {
        cmd->add_option("--approx-cells", o.extraCells,
                        "Cell ids to approximate in addition to the knobs (comma separated)")
            ->delimiter(',');
        cmd->add_option("--exact-cells", o.exactCells,
                        "Cell ids to keep exact whatever the knobs select (comma separated)")
            ->delimiter(',');
    }
    addAnalysisOptions(cmd, o);
}

void addStructureOptions(CLI::App* cmd, CircuitOptions& o)
{
    cmd->add_option("--topology", o.topology,
                    "Popcount structure: adder-tree (ripple-carry adders in a tree), wallace, "
                    "dadda (compressor trees + final adder) or chain (accumulator)")
        ->capture_default_str();
    cmd->add_option("--cell", o.cell,
                    "Approximate cell that replaces the selected full adders: maj-fa, maj or a "
                    "3-input cell from --cells")
        ->capture_default_str();
    cmd->add_option("--ha-cell", o.haCell, "Approximate cell for selected half adders (e.g. or-ha); none: keep exact")
        ->capture_default_str();
    const KnobInfo& lsb = knobInfo(Knob::LsbColumns);
    cmd->add_option(lsb.option, o.lsbColumns, "Approximate the cells in the K least significant columns of every adder")
        ->check(CLI::Range(0, lsb.max))
        ->capture_default_str();
    const KnobInfo& levels = knobInfo(Knob::Levels);
    cmd->add_option(levels.option, o.levels, "Approximate the cells on the first L tree levels (nearest the inputs)")
        ->check(CLI::Range(0, levels.max))
        ->capture_default_str();
    const KnobInfo& pairs = knobInfo(Knob::Pairs);
    cmd->add_option(pairs.option, o.pairs,
                    "Compress P input pairs ahead of the count to one weight-2 bit each, alternating "
                    "and-pair / or-pair cells (at most half the inputs)")
        ->check(CLI::Range(0, pairs.max))
        ->capture_default_str();
    const KnobInfo& compressors = knobInfo(Knob::Compressors);
    cmd->add_option(compressors.option, o.compressorColumns,
                    "Wallace / Dadda: reduce groups of four bits in the K least significant columns with the "
                    "approximate 4:2 compressor of --compressor")
        ->check(CLI::Range(0, compressors.max))
        ->capture_default_str();
    cmd->add_option(std::string("--") + unit_keys::kCompressor, o.compressor,
                    "The approximate 4:2 compressor of " + std::string(compressors.option) + ": " + compressorNames())
        ->capture_default_str();
    cmd->add_option("--column-cells", o.columnCells,
                    "Mixed popcount: the cell for the full adders of each listed column, e.g. 0:maj-fa,1:ama1,2:fa "
                    "(fa: exact; wins over the knobs)");
    cmd->add_option("--level-cells", o.levelCells,
                    "Mixed popcount: the cell for the full adders of each listed tree level, e.g. 0:maj "
                    "(wins over --column-cells)");
    addCellsOption(cmd, o);
}

void addLeafOptions(CLI::App* cmd, CircuitOptions& o)
{
    auto option = [](std::string key) {
        std::replace(key.begin(), key.end(), '_', '-');
        return "--" + key;
    };
    CLI::Option* leaf = cmd->add_option(option(unit_keys::kLeaf), o.leaf,
                                        "Hierarchical popcount: copies of this leaf block (gate-level Verilog .v or "
                                        "Yosys JSON .json) cover the fan-in, the last one padded with 0, summed by an "
                                        "adder tree")
                            ->check(CLI::ExistingFile);
    CLI::Option* width = cmd->add_option(option(unit_keys::kLeafWidth), o.leafWidth,
                                         "Hierarchical popcount of generated leaves of W inputs (in --topology, the "
                                         "last one narrower), summed by an adder tree")
                             ->check(CLI::Range(1, kMaxUnitWidth));
    leaf->excludes(width);
    for (const char* other : {"--unit-width", "--config"})
        if (CLI::Option* o2 = cmd->get_option_no_throw(other)) {
            leaf->excludes(o2);
            width->excludes(o2);
        }
}

LeafSpec CircuitOptions::leafSpec(const CellLibrary& lib) const
{
    LeafSpec spec;
    spec.width = leaf.empty() ? leafWidth : 0;
    if (!leaf.empty()) {
        try {
            spec.imported = std::make_shared<const Netlist>(importNetlistFile(leaf, &lib));
        } catch (const std::exception& e) {
            throw std::runtime_error(std::string("--leaf: ") + e.what());
        }
        spec.importedPath = leaf;
    }
    return spec;
}

void addAnalysisOptions(CLI::App* cmd, CircuitOptions& o)
{
    cmd->add_option("--p", o.p, "Probability that an input bit (XNOR output) is 1")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    if (!cmd->get_option_no_throw("--cells")) // import-netlist has no structure options
        addCellsOption(cmd, o);
    cmd->add_option("--method", o.method, "Error analysis: auto, exhaustive, propagation or monte-carlo")
        ->capture_default_str();
    cmd->add_option("--samples", o.samples, "Monte Carlo input vectors")
        ->check(CLI::Range(uint64_t{64}, uint64_t{1} << 24))
        ->capture_default_str();
    cmd->add_option("--seed", o.seed, "Random seed (Monte Carlo and energy)")
        ->check(kSeedValidator)
        ->capture_default_str();
    cmd->add_option("--epsilon", o.epsilon, "Propagation prunes probabilities below this value")
        ->check(CLI::Range(0.0, 1e-3))
        ->capture_default_str();
}

CellLibrary CircuitOptions::library() const
{
    const CellLibrary base = CellLibrary::named(libraryName);
    return cellsFile.empty() ? base : CellLibrary::fromJsonFile(cellsFile, base);
}

CircuitSpec CircuitOptions::spec(int inputs) const
{
    CircuitSpec s;
    s.inputs = inputs;
    s.topology = parseTopology(topology);
    s.approx.lsbColumns = lsbColumns;
    s.approx.levels = levels;
    s.approx.pairs = pairs;
    s.approx.compressorColumns = compressorColumns;
    try {
        s.approx.compressor = compressorNamed(compressor).name;
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("--") + unit_keys::kCompressor + ": " + e.what());
    }
    s.approx.extraCells = extraCells;
    s.approx.exactCells = exactCells;
    s.approx.faCell = cell;
    s.approx.haCell = haCell == "none" ? std::string() : haCell;
    s.approx.columnCells = parseCellMap(columnCells, "--column-cells", kMaxLsbColumns);
    s.approx.levelCells = parseCellMap(levelCells, "--level-cells", kMaxTreeLevels);
    s.p = p;
    s.error.method = parseErrorMethod(method);
    s.error.samples = samples;
    s.error.seed = seed;
    s.error.epsilon = epsilon;
    s.cost.seed = seed;
    return s;
}

} // namespace axbnn::cli
