// Options shared by every command that describes a popcount circuit.
#pragma once

#include "analysis/circuit_report.h"
#include "circuit/cell_library.h"
#include "circuit/hierarchical_popcount.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json_fwd.hpp>

#include <string>

namespace axbnn::cli {

struct CircuitOptions {
    std::string topology = "adder-tree";
    std::string cell = "maj-fa";
    std::string haCell;
    int lsbColumns = 0; // the knobs keep ApproxConfig's names (circuit/knobs.h)
    int levels = 0;
    int pairs = 0;
    int compressorColumns = 0;
    std::string compressor{defaultCompressor().name}; // --compressor (circuit/compressors.h)
    std::string columnCells; // --column-cells 0:maj-fa,1:fa (mixed popcounts)
    std::string levelCells; // --level-cells
    std::vector<int> extraCells;
    std::vector<int> exactCells;
    double p = 0.5;
    std::string cellsFile;
    std::string libraryName{kBuiltInLibraries[0]}; // --library: a built-in name or a JSON file
    std::string method = "auto";
    uint64_t samples = 1u << 16;
    uint64_t seed = 12345;
    double epsilon = 1e-15;
    std::string leaf; // --leaf FILE: imported leaf of a hierarchical popcount
    int leafWidth = 0; // --leaf-width W: generated leaf

    bool hierarchical() const { return !leaf.empty() || leafWidth > 0; }
    // The leaves --leaf / --leaf-width describe (the file imported); throws
    // std::runtime_error naming --leaf and the file when it cannot be read.
    LeafSpec leafSpec(const CellLibrary& library) const;

    CellLibrary library() const;
    // True when --library or --cells chose other cells than the SKY130 defaults.
    bool customLibrary() const { return !cellsFile.empty() || libraryName != kBuiltInLibraries[0]; }
    // True when a knob or a column / level cell approximates something.
    bool approximates() const { return lsbColumns > 0 || levels > 0 || !columnCells.empty() || !levelCells.empty(); }
    // Everything but the number of inputs; validates names.
    CircuitSpec spec(int inputs) const;
};

// Registers the options on `cmd`; `withCellIds` adds --approx-cells/--exact-cells.
void addCircuitOptions(CLI::App* cmd, CircuitOptions& options, bool withCellIds);
// Only what builds and approximates the circuit: --topology, --cell,
// --ha-cell, --approx-lsb, --approx-levels, --cells (every command that
// describes a circuit registers them here, so they are spelled and bounded
// alike everywhere).
void addStructureOptions(CLI::App* cmd, CircuitOptions& options);
// --leaf and --leaf-width (hierarchical popcounts, docs/cell-library.md),
// exclusive of each other and of --unit-width and --config where `cmd` has them.
void addLeafOptions(CLI::App* cmd, CircuitOptions& options);
// Only --library and --cells (the cell library).
void addCellsOption(CLI::App* cmd, CircuitOptions& options);
// Only the analysis options (--p, --cells, --method, --samples, --seed,
// --epsilon), for circuits that are given rather than built (import-netlist).
void addAnalysisOptions(CLI::App* cmd, CircuitOptions& options);

// What a circuit command prints and writes besides the analysis.
struct CircuitOutputs {
    bool json = false;
    bool conditional = false;
    bool yosys = false;
    std::string verilog;
    std::string testbench;
    int vectors = 1000;
    std::string module = "popcount";
};
void addCircuitOutputs(CLI::App* cmd, CircuitOutputs& outputs);
// Writes the requested files, then prints the JSON object (with a
// "hierarchy" object when given) or the summary (with the Yosys report beside
// the cost model when asked).
void emitCircuit(const CircuitReport& report, const CircuitOutputs& outputs, const nlohmann::json* hierarchy = nullptr);

} // namespace axbnn::cli
