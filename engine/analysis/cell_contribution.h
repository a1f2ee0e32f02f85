// How much error each cell of a popcount netlist adds (or would add when made
// approximate), from the cell's own input statistics: the circuit view's
// "colour by error contribution" and the basis for picking cells by hand.
#pragma once

#include "circuit/approximation.h"
#include "circuit/cell_library.h"
#include "circuit/netlist.h"

#include <cstdint>
#include <string>
#include <vector>

namespace axbnn {

// Local error of one cell: the error its approximate kind makes on the input
// combinations the cell actually sees, weighted by 2^column (the value of
// its outputs' column in the count). Exact cells report what they would add
// if toggled to the configured replacement. Not the change of the circuit's
// global statistics: errors of different cells can cancel or compound.
struct CellContribution {
    bool replaceable = false; // has an approximate kind (or is approximate now)
    bool approximate = false; // approximate in the analysed netlist
    std::string alternative; // the approximate kind ("" when not replaceable)
    double errorRate = 0.0; // P(local error != 0)
    double meanError = 0.0; // 2^column * E[local error] (the cell's bias)
    double meanAbsError = 0.0; // 2^column * E|local error|
};

struct ContributionOptions {
    double p = 0.5; // inputs i.i.d. Bernoulli(p)
    uint64_t samples = 1u << 14; // simulated input vectors (rounded up to 64)
    uint64_t seed = 7;
};

// Simulates `netlist` (the current, possibly approximate circuit) on random
// inputs and measures every cell's input-combination frequencies, so the
// statistics include the effect of approximate cells upstream. The
// replacement kinds come from config.faCell / config.haCell in `library`.
// Monte Carlo: each probability has a standard error of at most
// 0.5 / sqrt(samples). Throws std::invalid_argument for p outside [0, 1],
// zero samples or unknown replacement cells.
std::vector<CellContribution> cellContributions(const Netlist& netlist, const CellLibrary& library,
                                                const ApproxConfig& config, const ContributionOptions& options = {});

} // namespace axbnn
