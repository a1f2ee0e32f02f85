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

// Attributes on one HDF5 object (group or dataset) of a model or dataset file.
// libhdf5 1.10 finds a compact attribute by scanning the object header, so
// reading all n costs n^2/2 name comparisons: 1024 keeps that under a
// millisecond, and a model has about 10 per object (plus its extra metadata).
inline constexpr uint64_t kMaxAttributesPerObject = 1024;

// Time a child process gets to load a model file that holds variable-length
// strings (io/hdf5_isolation.h), before it is killed: the base ...
inline constexpr int kStringCheckBaseSeconds = 5;
// ... plus one second per this many bytes of file, so that big legitimate
// models are never cut off (a valid model loads at well over 100 MB/s).
inline constexpr uint64_t kStringCheckBytesPerSecond = uint64_t{64} << 20;

// How many bytes an HDF5 dataset (model weights, dataset images) may declare
// per byte the file stores for it: deflate expands at most 1032-fold, so a
// larger promise is a lie (unwritten chunks read as fill values).
inline constexpr uint64_t kMaxHdf5ExpansionRatio = 1032;

// ---- datasets, cell libraries, sweeps, sessions -----------------------------

} // namespace axbnn
