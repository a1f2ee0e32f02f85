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

} // namespace axbnn
