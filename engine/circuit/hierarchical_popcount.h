// Hierarchical popcounts (docs/cell-library.md "Hierarchical popcounts"): a
// leaf block of W inputs repeated over the fan-in N (ceil(N / W) copies) whose
// counts are summed by an adder tree of ripple-carry adders over multi-bit
// operands. The result is a normal Netlist: cost model, simulators, Verilog
// export and inference take it unchanged.
#pragma once

#include "circuit/approximation.h"
#include "circuit/netlist.h"

#include <memory>
#include <string>
#include <vector>

namespace axbnn {

// What the leaves are: an imported block (`imported`, W = its inputs) or a
// block our generator builds (`width` = W, in the unit's topology). Exactly
// one of them is set when the popcount is hierarchical.
struct LeafSpec {
    std::shared_ptr<const Netlist> imported;
    std::string importedPath; // where it came from, for reports
    int width = 0; // generated leaf width W (0: none)

    bool isSet() const { return imported != nullptr || width > 0; }
    int leafInputs() const { return imported ? imported->inputs : width; }
};

// Where one copy of a leaf sits in the hierarchical netlist.
struct LeafPlacement {
    int firstInput = 0; // primary inputs [firstInput, firstInput + width)
    int width = 0; // real inputs (an imported last leaf has padding beyond)
    int leafInputs = 0; // inputs of the block (width + constant-0 padding)
    int firstCell = 0, endCell = 0; // its cells [firstCell, endCell)
    std::vector<Signal> outputs; // its count, least significant first
    uint32_t maxValue = 0; // largest value the block outputs
};

struct HierarchicalPopcount {
    Netlist netlist;
    std::vector<LeafPlacement> leaves;
    int treeFirstCell = 0; // cells from here on belong to the summing tree
    int leafLevels = 0; // tree level t is netlist level leafLevels + t
};

// Largest value `net` outputs: by enumeration up to 20 inputs, otherwise
// 2^outputBits - 1.
uint32_t largestOutput(const Netlist& net);

// The exact-tree netlist over `inputs` inputs: copies of `leaf` cover the
// fan-in; the last copy, when N is not a multiple of W, is `lastLeaf` (a
// narrower block of the remaining inputs) or, when null, `leaf` with its
// unused inputs tied to constant 0. The tree's adders are as wide as the sum
// of the leaves' largest outputs, so an approximate leaf never overflows it.
// Throws std::invalid_argument for N outside 1..kMaxPopcountInputs.
HierarchicalPopcount buildHierarchical(int inputs, const Netlist& leaf, const Netlist* lastLeaf,
                                       const CellLibrary& library);

// The whole recipe: generated leaves are built in `topology` (the last one
// narrower) and imported ones padded; the knobs of `approx` then apply to the
// whole netlist (columns are bit weights, tree levels follow the leaves'
// levels), so approx_levels up to leafLevels approximates only the leaves.
// `exact` receives the netlist before approximation when not null. Throws
// std::invalid_argument naming the leaf for bad specifications.
HierarchicalPopcount makeHierarchicalPopcount(int inputs, const LeafSpec& leaf, Topology topology,
                                              const ApproxConfig& approx, const CellLibrary& library,
                                              Netlist* exact = nullptr);

// The netlist of one placed leaf alone (its real inputs only, padding as
// constant 0), with the cells as they are in h.netlist.
Netlist leafNetlist(const HierarchicalPopcount& h, int leaf);
// Whether every cell of the summing tree is exact.
bool treeIsExact(const HierarchicalPopcount& h);

} // namespace axbnn
