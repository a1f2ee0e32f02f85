// The one table of limits on what input files may ask for: every loader
// checks against these before it allocates, and each refusal names the
// file, the place and the limit. docs/limits.md lists them with the
// design limits (circuit/design_limits.h) and the JSON nesting depth
// (util/json_depth.h).
#pragma once

#include <cstdint>

namespace axbnn {

// ---- netlists (Verilog, Yosys JSON) -----------------------------------------

// ---- model files (HDF5) -----------------------------------------------------

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
