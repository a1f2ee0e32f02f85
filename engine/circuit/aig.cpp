// And-inverter graph construction (circuit/aig.h).
#include "circuit/aig.h"

#include <utility>

namespace axbnn::aig {
namespace {

// Cofactor of a function of `vars` inputs (bit i = value at combination i)
// with input v fixed to `value`; the result no longer depends on v.
unsigned cofactor(unsigned table, int vars, int v, int value)
{
    unsigned out = 0;
    for (unsigned i = 0; i < (1u << vars); ++i) {
        const unsigned j = value ? (i | (1u << v)) : (i & ~(1u << v));
        out |= ((table >> j) & 1u) << i;
    }
    return out;
}

bool dependsOn(unsigned table, int vars, int v)
{
    return cofactor(table, vars, v, 0) != cofactor(table, vars, v, 1);
}

unsigned fullMask(int vars)
{
    return (1u << (1u << vars)) - 1u;
}

} // namespace

Lit Aig::input()
{
    fanin_.push_back({kNoNode, kNoNode});
    return static_cast<Lit>((fanin_.size() - 1) * 2);
}

Lit Aig::conj(Lit a, Lit b)
{
    if (a == kFalse || b == kFalse || a == negate(b))
        return kFalse;
    if (a == kTrue || a == b)
        return b;
    if (b == kTrue)
        return a;
    if (a > b)
        std::swap(a, b);
    const uint64_t key = (uint64_t{a} << 32) | b;
    const auto [it, added] = hash_.try_emplace(key, static_cast<uint32_t>(fanin_.size()));
    if (added)
        fanin_.push_back({a, b});
    return it->second * 2;
}

// Bounded by three variables, so the recursion is too.
Lit buildFunction(Aig& g, unsigned table, int vars, std::array<Lit, 3> in)
{
    table &= fullMask(vars);
    // Fold constants, repeated and complementary inputs, and unused inputs:
    // each step removes one variable (moved to the last position first).
    for (int v = vars - 1; v >= 0; --v) {
        int value = -1;
        if (in[v] == kFalse || in[v] == kTrue)
            value = static_cast<int>(in[v]);
        if (value < 0 && !dependsOn(table, vars, v))
            value = 0;
        int twin = -1;
        for (int u = 0; u < vars && value < 0 && twin < 0; ++u)
            if (u != v && nodeOf(in[u]) == nodeOf(in[v]))
                twin = u;
        if (value < 0 && twin < 0)
            continue;
        unsigned reduced = 0;
        if (value >= 0) {
            reduced = cofactor(table, vars, v, value);
        } else {
            const bool same = in[twin] == in[v];
            for (unsigned i = 0; i < (1u << vars); ++i) {
                const unsigned t = (i >> twin) & 1u;
                const unsigned j = (i & ~(1u << v)) | ((same ? t : t ^ 1u) << v);
                reduced |= ((table >> j) & 1u) << i;
            }
        }
        // Drop variable v.
        unsigned moved = 0;
        std::array<Lit, 3> next{kFalse, kFalse, kFalse};
        int k = 0;
        std::array<int, 3> keep{};
        for (int u = 0; u < vars; ++u)
            if (u != v)
                keep[k++] = u;
        for (int u = 0; u < k; ++u)
            next[u] = in[keep[u]];
        for (unsigned i = 0; i < (1u << k); ++i) {
            unsigned j = 0;
            for (int u = 0; u < k; ++u)
                j |= ((i >> u) & 1u) << keep[u];
            moved |= ((reduced >> j) & 1u) << i;
        }
        return buildFunction(g, moved, k, next);
    }
    if (vars == 0)
        return (table & 1u) ? kTrue : kFalse;
    // A function and its complement share one node: build the one that is 0
    // when every input is 0.
    if (table & 1u)
        return negate(buildFunction(g, ~table & fullMask(vars), vars, in));
    if (vars == 1)
        return table == 0x2 ? in[0] : negate(in[0]);
    const unsigned ones = static_cast<unsigned>(__builtin_popcount(table));
    if (ones == 1 || ones + 1 == (1u << vars)) { // an AND of literals, or its complement
        const bool flip = ones != 1;
        const unsigned t = flip ? (~table & fullMask(vars)) : table;
        const unsigned minterm = static_cast<unsigned>(__builtin_ctz(t));
        Lit acc = kTrue;
        for (int v = 0; v < vars; ++v)
            acc = g.conj(acc, ((minterm >> v) & 1u) ? in[v] : negate(in[v]));
        return flip ? negate(acc) : acc;
    }
    if (vars == 2)
        return table == 0x6 ? g.exor(in[0], in[1]) : negate(g.exor(in[0], in[1])); // 0110 or 1001 remain
    if (table == 0x96 || table == 0x69) {
        const Lit x = g.exor(g.exor(in[0], in[1]), in[2]);
        return table == 0x96 ? x : negate(x);
    }
    for (unsigned p = 0; p < 8; ++p) { // majority with input polarities, either output phase
        unsigned m = 0;
        for (unsigned i = 0; i < 8; ++i)
            m |= (__builtin_popcount(i ^ p) >= 2 ? 1u : 0u) << i;
        if (table == m || table == (~m & 0xffu)) {
            const Lit x =
                g.maj(p & 1u ? negate(in[0]) : in[0], p & 2u ? negate(in[1]) : in[1], p & 4u ? negate(in[2]) : in[2]);
            return table == m ? x : negate(x);
        }
    }
    // Shannon expansion on the variable with the simplest cofactors.
    int best = 0, bestScore = -1;
    for (int v = 0; v < vars; ++v) {
        const unsigned f0 = cofactor(table, vars, v, 0), f1 = cofactor(table, vars, v, 1);
        const unsigned full = fullMask(vars);
        const int score = (f0 == 0 || f1 == 0 || f0 == full || f1 == full) ? 2 : (f0 == (~f1 & full)) ? 1 : 0;
        if (score > bestScore)
            best = v, bestScore = score;
    }
    const Lit s = in[best];
    const unsigned full = fullMask(vars);
    const unsigned f0 = cofactor(table, vars, best, 0), f1 = cofactor(table, vars, best, 1);
    const Lit e = buildFunction(g, f0, vars, in), t = buildFunction(g, f1, vars, in);
    if (f0 == (~f1 & full))
        return g.exor(s, e);
    return g.mux(s, t, e);
}

} // namespace axbnn::aig
