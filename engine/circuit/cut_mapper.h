// Cut-based mapping of an and-inverter graph onto the static CMOS gates of
// circuit/cmos_gates.h, for the transistor count (circuit/tech_map.h):
// up to 16 cuts of at most 4 leaves per node, one gate per cut, both phases
// of every node; area flow picks a first cover, a node needed in both
// phases is built once plus a NOT, then exact-area recovery re-picks each
// gate with a look-ahead of 32 nodes. Iterative (no recursion on depth).
#pragma once

#include "circuit/aig.h"
#include "circuit/tech_map.h"

#include <vector>

namespace axbnn::cmos {

// Transistors of the cheapest cover found that makes every literal of
// `required` available; its gates (node ids of `g`) go to `gates` when given.
long mapCover(const aig::Aig& g, const std::vector<aig::Lit>& required, std::vector<MappedGate>* gates);

} // namespace axbnn::cmos
