// Exact error analysis of hierarchical popcounts (circuit/hierarchical_popcount.h,
// docs/domain.md section 5): the leaves see disjoint i.i.d. inputs, so with an
// exact summing tree the total error is the sum of independent leaf errors,
// and (exact count, error) is the sum of independent leaf (count, error)
// pairs. Each distinct leaf is enumerated exhaustively; the distributions are
// convolved.
#pragma once

#include "analysis/circuit_report.h"
#include "analysis/error_analysis.h"
#include "circuit/hierarchical_popcount.h"

namespace axbnn {

// Reported with method Propagation (an exact distribution computation) and a
// precision that says "convolution". P(e | s) rows when options.conditional.
// Throws std::invalid_argument when the summing tree has approximate cells or
// a leaf has more than options.exhaustiveMaxInputs inputs (or more than
// kMaxExhaustiveOutputBits output bits).
ErrorStats analyzeHierarchical(const HierarchicalPopcount& h, const ErrorOptions& options);

// The error analysis of a hierarchical popcount as `axbnn circuit` reports
// it: an explicit method runs on the netlist (analyzeErrors); Auto enumerates
// small N, else convolves where analyzeHierarchical applies, else falls back
// to analyzeErrors (Monte Carlo), whose precision then says why.
ErrorStats analyzeHierarchicalErrors(const HierarchicalPopcount& h, const ErrorOptions& options);

// evaluateCircuit for a hierarchical popcount of spec.inputs inputs: the
// report's exact netlist is the one before approximation, its topology the
// leaves' (imported for an imported leaf), the errors those of
// analyzeHierarchicalErrors. `structure`, when not null, receives the leaves'
// placement.
CircuitReport evaluateHierarchicalCircuit(const CircuitSpec& spec, const LeafSpec& leaf, const CellLibrary& library,
                                          HierarchicalPopcount* structure = nullptr);

} // namespace axbnn
