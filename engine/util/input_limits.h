// The one table of limits on what input files may ask for: every loader
// checks against these before it allocates, and each refusal names the
// file, the place and the limit. docs/limits.md lists them with the
// design limits (circuit/design_limits.h) and the JSON nesting depth
// (util/json_depth.h).
#pragma once

#include <cstdint>

namespace axbnn {

// ---- netlists (Verilog, Yosys JSON) -----------------------------------------
// (docs/netlist-import.md, "Limits"; the popcount inputs of an imported
// circuit are capped by kMaxPopcountInputs, circuit/design_limits.h)

// Bits of one Verilog port, wire or expression value, and of one Yosys port:
// 4x the widest vector a popcount has (its kMaxPopcountInputs inputs).
inline constexpr int kMaxNetlistVectorWidth = 1 << 18;
// Bits of one Verilog constant (4'hA has 4): far above any constant a gate
// netlist writes (1'b0, 1'hx), small enough to convert in no time.
inline constexpr int kMaxNetlistConstantWidth = 4096;
// Module levels from the top module down (the top is level 1): the
// elaborator recurses once per level; real netlists have 1 to 3.
inline constexpr int kMaxNetlistHierarchyDepth = 64;
// Module and gate-primitive instances after flattening (Verilog) and cells
// (Yosys JSON): 8x the ~500,000 gates of a gate-level 65,536-input adder tree
// (our own export of it has 87,370 cell instances).
inline constexpr long long kMaxNetlistInstances = 1LL << 22;
// Gates and wire bits after flattening (the importers' gate graph, about
// 250 bytes each at worst): 2.6x the 1.16 M of our 65,536-input adder tree
// export, and an import at the limit stays under ~0.8 GB and ~3 s.
inline constexpr long long kMaxNetlistNodes = 3'000'000;

// ---- model files (HDF5) -----------------------------------------------------

// Attributes on one HDF5 object (group or dataset) of a model or dataset file.
// libhdf5 1.10 finds a compact attribute by scanning the object header, so
// reading all n costs n^2/2 name comparisons: 1024 keeps that under a
// millisecond, and a model has about 10 per object (plus its extra metadata).
inline constexpr uint64_t kMaxAttributesPerObject = 1024;

// Time the checking child process gets to read a model or HDF5 dataset file
// (io/hdf5_isolation.h) before it is killed and the file refused: the base
// (a sample model loads in about 10 ms, so this is generous even on a busy
// machine, and stays below the fuzzers' 5 s per input) ...
inline constexpr int kHdf5CheckBaseSeconds = 3;
// ... plus one second per this many bytes of file, so that big legitimate
// files are never cut off (a valid model loads at well over 100 MB/s).
inline constexpr uint64_t kHdf5CheckBytesPerSecond = uint64_t{64} << 20;

// How many bytes an HDF5 dataset (model weights, dataset images) may declare
// per byte the file stores for it: deflate expands at most 1032-fold, so a
// larger promise is a lie (unwritten chunks read as fill values).
inline constexpr uint64_t kMaxHdf5ExpansionRatio = 1032;

// ---- datasets, cell libraries, sweeps, sessions -----------------------------

// Cells in one cell library file (docs/cell-library.md): SKY130's whole
// sky130_fd_sc_hd has about 400 cells; 10,000 keeps loading and the GUI's
// cell menus well under a second.
inline constexpr int kMaxLibraryCells = 10'000;
// Points of one sweep spec (docs/sweep-format.md), counted before they are
// enumerated: at 10 ms to seconds per point this is hours to days of work,
// and the points and their result table stay near 200 MB; larger studies
// are several specs.
inline constexpr uint64_t kMaxSweepPoints = 100'000;

} // namespace axbnn
