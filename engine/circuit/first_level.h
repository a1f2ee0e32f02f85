// A netlist whose first levels are computed while its inputs are written
// (docs/inference.md): the full adders that read three primary inputs, and
// nothing else reads those inputs, leave the netlist (in an adder tree, whole
// four- or three-level subtrees of them); their outputs become inputs of a derived
// netlist. Whoever fills the lanes evaluates them
// straight from the XNOR operands, so those inputs are never stored and the
// cells never loaded. The derived netlist plus the items give the same outputs
// as the original for every input vector.
#pragma once

#include "circuit/netlist.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace axbnn {

struct FirstLevelItem {
    enum class Kind : uint8_t {
        Copy, // derived input `out` = primary input in[0]
        FullAdder, // sum = a^b^c at `out`, carry = MAJ(a,b,c) at `out + 1`
        MajFa, // sum = NOT MAJ(a,b,c) at `out`, carry = MAJ at `out + 1` (docs/domain.md section 3)
        // Three levels of an adder tree over 12 inputs (kTree3Inputs): four
        // 3-input cells over in[3m..3m+2]; two 2-bit adders (half adder, then a
        // 3-input cell) over cells 0+1 and 2+3; one 3-bit adder (half adder,
        // two 3-input cells) over those. Its 4 result bits go to out..out+3,
        // least significant first. Bit j of fullMask says whether 3-input cell
        // j (the four first, then the adders' in column order) is a FullAdder
        // rather than a MajFa.
        Tree3,
        // Four levels over 24 inputs (kTree4Inputs): a Tree3 over in[0..11]
        // (fullMask bits 0-7), one over in[12..23] (bits 8-15), and one 4-bit
        // adder of their results (half adder, then three 3-input cells: bits
        // 16-18). Its 5 result bits go to out..out+4.
        Tree4
    };
    static constexpr int kTree3Inputs = 12;
    static constexpr int kTree3Cells = 8; // 3-input cells of a Tree3: its fullMask bits
    static constexpr int kMaxOutputs = 5; // a Tree4's
    static constexpr int kTree4Inputs = 24;
    static constexpr int kMaxInputs = kTree4Inputs;
    Kind kind = Kind::Copy;
    uint32_t in[kMaxInputs] = {}; // primary input indices (Copy: in[0] only)
    uint32_t out = 0; // the derived input it writes first
    uint32_t fullMask = 0; // Tree3, Tree4

    static constexpr int outputsOf(Kind k)
    {
        return k == Kind::Copy ? 1 : k == Kind::Tree3 ? 4 : k == Kind::Tree4 ? 5 : 2;
    }
    static constexpr int inputsOf(Kind k)
    {
        return k == Kind::Copy ? 1 : k == Kind::Tree3 ? kTree3Inputs : k == Kind::Tree4 ? kTree4Inputs : 3;
    }
    int outputs() const { return outputsOf(kind); }
    int inputs() const { return inputsOf(kind); }
};
static_assert(FirstLevelItem::kMaxOutputs == FirstLevelItem::outputsOf(FirstLevelItem::Kind::Tree4));

struct FirstLevelNetlist {
    Netlist derived; // derived.inputs = the items' outputs, in item order
    std::vector<FirstLevelItem> items; // ascending `out`, ordered by where the derived netlist first reads them
};

// Nothing when no cell qualifies (for example an imported netlist of other
// cells). Primary inputs nothing reads get no derived input.
std::optional<FirstLevelNetlist> fuseFirstLevel(const Netlist& net);

// The derived inputs for one vector of primary inputs, `words` words each
// (input i at inputs[i * words ...]): the reference the lane fills must match.
std::vector<uint64_t> derivedInputs(const FirstLevelNetlist& fused, std::span<const uint64_t> inputs, int words);

} // namespace axbnn
