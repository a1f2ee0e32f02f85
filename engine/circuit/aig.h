// And-inverter graph with structural hashing, built from the cells' truth
// tables: the form in which circuit/tech_map.h maps a netlist's logic.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace axbnn::aig {

// A literal is node * 2 plus a complement bit; node 0 is constant 0, so
// literal 0 is false and 1 is true.
using Lit = uint32_t;
inline constexpr Lit kFalse = 0;
inline constexpr Lit kTrue = 1;
inline constexpr uint32_t kNoNode = 0xffffffffu;

inline Lit negate(Lit l)
{
    return l ^ 1u;
}
inline uint32_t nodeOf(Lit l)
{
    return l >> 1;
}
inline bool negated(Lit l)
{
    return (l & 1u) != 0;
}

// Nodes are created after their fanins, so node order is topological.
class Aig {
public:
    Aig() { fanin_.push_back({kNoNode, kNoNode}); } // constant 0

    Lit input();
    // AND of two literals, folded (constants, equal or complementary
    // inputs) and hashed (one node per pair of fanins).
    Lit conj(Lit a, Lit b);
    Lit disj(Lit a, Lit b) { return negate(conj(negate(a), negate(b))); }
    Lit exor(Lit a, Lit b) { return disj(conj(a, negate(b)), conj(negate(a), b)); }
    Lit maj(Lit a, Lit b, Lit c) { return disj(conj(a, b), conj(c, disj(a, b))); }
    Lit mux(Lit s, Lit t, Lit e) { return disj(conj(s, t), conj(negate(s), e)); }

    size_t size() const { return fanin_.size(); }
    bool isAnd(uint32_t n) const { return fanin_[n][0] != kNoNode; }
    const std::array<Lit, 2>& fanin(uint32_t n) const { return fanin_[n]; }

private:
    std::vector<std::array<Lit, 2>> fanin_;
    std::unordered_map<uint64_t, uint32_t> hash_;
};

// A function of up to three literals (bit i of `table`: the output for input
// combination i = a + 2b + 4c). Constant, repeated and unused inputs are
// folded; a function and its complement share one node; XOR, majority and
// AND shapes get their usual factored forms, anything else a Shannon
// expansion.
Lit buildFunction(Aig& g, unsigned table, int vars, std::array<Lit, 3> in);

} // namespace axbnn::aig
