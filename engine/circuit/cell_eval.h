// The simulators' inner loop: netlist cells compiled to operations on a fixed
// number of 64-bit words per signal, specialised by truth table, with one
// portable and one AVX2 kernel chosen by detectedIsa().
#pragma once

#include "util/cpu_dispatch.h"

#include <cstddef>
#include <cstdint>

namespace axbnn::detail {

enum class CellCode : uint8_t {
    FullAdder, // S = a^b^c, C = MAJ(a,b,c)
    MajFa, // S = NOT MAJ, C = MAJ (docs/domain.md section 3)
    HalfAdder, // S = a^b, C = a&b
    Xor3, // sum only
    Xor2, // sum only
    Generic // any truth table
};

// One cell. Offsets are in words (slot index times words per slot); a
// 2-input cell's `c` must point at a constant-0 slot. A carry that only the
// next cell reads can stay in registers: the producer sets carryToNext (its
// carry is not stored) and the reader cFromPrevious (its input c is that
// carry, `c` unused), which takes a store and a load off a ripple-carry chain.
struct CellOp {
    CellCode code = CellCode::Generic;
    uint8_t sumTable = 0, carryTable = 0; // 3-input tables (index a + 2b + 4c)
    bool hasCarry = false;
    bool carryToNext = false;
    bool cFromPrevious = false;
    uint8_t variant = 0; // what the kernels switch on: code and the two flags (setFlags)
    uint32_t a = 0, b = 0, c = 0, sum = 0, carry = 0;

    void setFlags(bool cFromPrev, bool keepCarry)
    {
        cFromPrevious = cFromPrev;
        carryToNext = keepCarry;
        variant = static_cast<uint8_t>(static_cast<int>(code) * 4 + (cFromPrev ? 2 : 0) + (keepCarry ? 1 : 0));
    }
};

// Whether swapping the inputs of this 3-input cell leaves its outputs alone.
inline bool isSymmetric3(CellCode code)
{
    return code == CellCode::FullAdder || code == CellCode::MajFa || code == CellCode::Xor3;
}

// Classifies a cell given its library truth tables (2-input tables use bits
// 0..3) and arity; the 2-input tables are widened so that c is a don't-care.
CellOp makeCellOp(uint8_t sumTable, uint8_t carryTable, bool hasCarry, int arity);

// Evaluates ops in order, `words` words per slot at slots + offset.
using EvalCellsFn = void (*)(const CellOp* ops, size_t count, uint64_t* values);

// The kernel for `words` (4 or 8) words per slot; throws std::invalid_argument
// for other widths or an ISA this CPU lacks.
EvalCellsFn evalCellsFunction(int words, Isa isa = detectedIsa());

} // namespace axbnn::detail
