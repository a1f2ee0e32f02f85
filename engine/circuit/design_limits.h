// The one table of limits on what describes a popcount design. The command
// line, layer configs, sweep specs, sessions, error-model options and the
// builders all check against these (docs/cli.md, docs/layer-config.md).
#pragma once

namespace axbnn {

// N, the inputs of one popcount circuit (a layer's fan-in or a unit's width).
inline constexpr int kMaxPopcountInputs = 65536;
// --approx-lsb / approx_lsb / lsbColumns: the K least significant columns
// (more columns than a circuit's output bits select all of them).
inline constexpr int kMaxLsbColumns = 64;
// --approx-levels / approx_levels / levels: the first L tree levels (a
// chain of N inputs has N - 1 levels; more select all of them).
inline constexpr int kMaxTreeLevels = 1 << 20;
// --approx-pairs / approx_pairs: input pairs compressed to one weight-2
// bit each ahead of the exact count (at most half of a circuit's inputs).
inline constexpr int kMaxInputPairs = kMaxPopcountInputs / 2;
// --unit-width / unit_width: inputs per popcount unit (0: the whole fan-in).
inline constexpr int kMaxUnitWidth = kMaxPopcountInputs;

} // namespace axbnn
