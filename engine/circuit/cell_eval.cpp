// Cell kernels: each operation loads its inputs once as a GCC vector of 4 or 8
// words and applies the function its truth table names. The same template is
// instantiated plainly and inside target("avx2") functions (one ymm per 4 words).
#include "circuit/cell_eval.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace axbnn::detail {

namespace {

// 32-byte vectors: one ymm register with AVX2, two xmm without.
typedef uint64_t V4 __attribute__((vector_size(32)));

// Vectors cross these helpers by reference only: by value, a 32- or 64-byte
// vector would have a different ABI in the portable and AVX2 instantiations.
[[gnu::always_inline]] inline void load(V4& v, const uint64_t* p)
{
    std::memcpy(&v, p, sizeof v);
}

[[gnu::always_inline]] inline void store(uint64_t* p, const V4& v)
{
    std::memcpy(p, &v, sizeof v);
}

// Sum of minterms of a 3-input table; only for cells outside the common kinds.
[[gnu::always_inline]] inline void anyTable(V4& r, uint8_t table, const V4& a, const V4& b, const V4& c)
{
    r = a ^ a;
    for (int m = 0; m < 8; ++m)
        if ((table >> m) & 1)
            r |= ((m & 1) ? a : ~a) & ((m & 2) ? b : ~b) & ((m & 4) ? c : ~c);
}

// One cell on W words: the inputs as W/4 vectors, input c possibly from the
// previous cell's carry held in `prev`.
template <int W, CellCode Code, bool CPrev, bool KeepCarry>
[[gnu::always_inline]] inline void evalCell(const CellOp& op, uint64_t* slots, V4* prev)
{
    // Offsets read once: the stores below could alias `op` as far as the
    // compiler knows.
    uint64_t* const pa = slots + op.a;
    uint64_t* const pb = slots + op.b;
    uint64_t* const pc = slots + op.c;
    uint64_t* const ps = slots + op.sum;
    uint64_t* const pk = slots + op.carry;
    for (int h = 0; h < W / 4; ++h) {
        V4 a, b, c, s, k = {}; // k: set before use; {} keeps clang's -Wuninitialized quiet
        load(a, pa + 4 * h);
        load(b, pb + 4 * h);
        if constexpr (CPrev)
            c = prev[h];
        else
            load(c, pc + 4 * h);
        bool carry = true;
        if constexpr (Code == CellCode::FullAdder) {
            s = a ^ b ^ c;
            k = (a & b) | (c & (a | b));
        } else if constexpr (Code == CellCode::MajFa) {
            k = (a & b) | (c & (a | b));
            s = ~k;
        } else if constexpr (Code == CellCode::HalfAdder) {
            s = a ^ b;
            k = a & b;
        } else if constexpr (Code == CellCode::Xor3) {
            s = a ^ b ^ c;
            carry = false;
        } else if constexpr (Code == CellCode::Xor2) {
            s = a ^ b;
            carry = false;
        } else {
            anyTable(s, op.sumTable, a, b, c);
            carry = op.hasCarry;
            if (carry)
                anyTable(k, op.carryTable, a, b, c);
            else
                k = s;
        }
        store(ps + 4 * h, s);
        if (carry) {
            if constexpr (!KeepCarry)
                store(pk + 4 * h, k);
            prev[h] = k;
        }
    }
}

constexpr int variant(CellCode code, bool cPrev, bool keepCarry)
{
    return static_cast<int>(code) * 4 + (cPrev ? 2 : 0) + (keepCarry ? 1 : 0);
}

// Cells of any other truth table: rare, kept out of line so that the common
// cases keep the carry register in registers.
template <int W, bool CPrev, bool KeepCarry>
[[gnu::noinline]] void evalGenericCell(const CellOp& op, uint64_t* slots, V4* prev)
{
    evalCell<W, CellCode::Generic, CPrev, KeepCarry>(op, slots, prev);
}

template <int W>
[[gnu::always_inline]] inline void evalCellsBody(const CellOp* ops, size_t count, uint64_t* slots)
{
    V4 prev[W / 4] = {};
    // clang-format off
#define AXBNN_CELL_CASES(C)                                                                             \
    case variant(C, false, false): evalCell<W, C, false, false>(op, slots, prev); break;               \
    case variant(C, false, true): evalCell<W, C, false, true>(op, slots, prev); break;                 \
    case variant(C, true, false): evalCell<W, C, true, false>(op, slots, prev); break;                 \
    case variant(C, true, true): evalCell<W, C, true, true>(op, slots, prev); break;
#define AXBNN_GENERIC_CASE(R, K)                                                                        \
    case variant(CellCode::Generic, R, K): {                                                            \
        V4 copy[W / 4]; /* prev itself never escapes, so it can live in registers */                   \
        std::copy_n(prev, W / 4, copy);                                                                  \
        evalGenericCell<W, R, K>(op, slots, copy);                                                       \
        std::copy_n(copy, W / 4, prev);                                                                  \
        break;                                                                                           \
    }
    for (size_t i = 0; i < count; ++i) {
        const CellOp& op = ops[i];
        switch (op.variant) {
            AXBNN_CELL_CASES(CellCode::FullAdder)
            AXBNN_CELL_CASES(CellCode::MajFa)
            AXBNN_CELL_CASES(CellCode::HalfAdder)
            AXBNN_CELL_CASES(CellCode::Xor3)
            AXBNN_CELL_CASES(CellCode::Xor2)
            AXBNN_GENERIC_CASE(false, false)
            AXBNN_GENERIC_CASE(false, true)
            AXBNN_GENERIC_CASE(true, false)
            AXBNN_GENERIC_CASE(true, true)
        default: break;
        }
    }
#undef AXBNN_CELL_CASES
#undef AXBNN_GENERIC_CASE
    // clang-format on
}

void evalCells4(const CellOp* ops, size_t count, uint64_t* slots)
{
    evalCellsBody<4>(ops, count, slots);
}

void evalCells8(const CellOp* ops, size_t count, uint64_t* slots)
{
    evalCellsBody<8>(ops, count, slots);
}

#if defined(__x86_64__) || defined(__i386__)
#define AXBNN_X86 1
__attribute__((target("avx2"))) void evalCells4Avx2(const CellOp* ops, size_t count, uint64_t* slots)
{
    evalCellsBody<4>(ops, count, slots);
}

__attribute__((target("avx2"))) void evalCells8Avx2(const CellOp* ops, size_t count, uint64_t* slots)
{
    evalCellsBody<8>(ops, count, slots);
}
#endif

} // namespace

CellOp makeCellOp(uint8_t sumTable, uint8_t carryTable, bool hasCarry, int arity)
{
    CellOp op;
    op.hasCarry = hasCarry;
    if (arity == 2) {
        sumTable = static_cast<uint8_t>((sumTable & 0xF) | (sumTable & 0xF) << 4);
        carryTable = static_cast<uint8_t>((carryTable & 0xF) | (carryTable & 0xF) << 4);
    }
    op.sumTable = sumTable;
    op.carryTable = hasCarry ? carryTable : 0;

    if (arity == 3 && sumTable == 0x96 && hasCarry && carryTable == 0xE8)
        op.code = CellCode::FullAdder;
    else if (arity == 3 && sumTable == 0x17 && hasCarry && carryTable == 0xE8)
        op.code = CellCode::MajFa;
    else if (arity == 2 && sumTable == 0x66 && hasCarry && carryTable == 0x88)
        op.code = CellCode::HalfAdder;
    else if (arity == 3 && sumTable == 0x96 && !hasCarry)
        op.code = CellCode::Xor3;
    else if (arity == 2 && sumTable == 0x66 && !hasCarry)
        op.code = CellCode::Xor2;
    else
        op.code = CellCode::Generic;
    op.setFlags(false, false);
    return op;
}

EvalCellsFn evalCellsFunction(int words, Isa isa)
{
    if (words != 4 && words != 8)
        throw std::invalid_argument("cell kernels exist for 4 or 8 words per signal");
    if (!isaSupported(isa))
        throw std::invalid_argument("this CPU cannot run the " + isaName(isa) + " cell kernels");
#ifdef AXBNN_X86
    if (isa == Isa::Avx2)
        return words == 4 ? evalCells4Avx2 : evalCells8Avx2;
#endif
    return words == 4 ? evalCells4 : evalCells8;
}

} // namespace axbnn::detail
