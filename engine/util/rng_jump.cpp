// Jump-ahead of xoshiro256**: its state transition T is linear over GF(2), so
// T^J = q(T) with q(x) = x^J mod P(x), P the characteristic polynomial of T
// (degree 256). P is found once by Berlekamp-Massey on a state bit's
// sequence; q by square-and-multiply; q(T) s is applied like xoshiro's own
// jump(): 256 steps, accumulating the states at the set coefficients.
#include "util/random_bits.h"

#include <array>
#include <bit>
#include <cstdint>
#include <vector>

namespace axbnn {
namespace {

// A polynomial over GF(2) of degree < 256: bit i of word i / 64 is the
// coefficient of x^i.
using Poly = std::array<uint64_t, 4>;

bool bit(const Poly& a, int i)
{
    return (a[static_cast<size_t>(i / 64)] >> (i % 64)) & 1;
}

// Low 256 coefficients of P (P = x^256 + low); from the minimal polynomial
// of the sequence of bit 0 of s[0], which for a full-period generator is P.
struct Characteristic {
    Poly low{};
    bool valid = false;
};

} // namespace

// Needs the state: a member, though its helpers stay file-local.
void Rng::discard(uint64_t steps)
{
    static const Characteristic charPoly = [] {
        // Berlekamp-Massey over GF(2) on 512 terms of a state bit.
        constexpr int kTerms = 512;
        Rng probe(1);
        std::vector<uint8_t> seq(kTerms);
        for (auto& b : seq) {
            b = static_cast<uint8_t>(probe.s_[0] & 1);
            probe.next();
        }
        std::vector<uint8_t> c(kTerms + 1, 0), b(kTerms + 1, 0), t;
        c[0] = b[0] = 1;
        int l = 0, m = -1;
        for (int n = 0; n < kTerms; ++n) {
            uint8_t d = seq[static_cast<size_t>(n)];
            for (int i = 1; i <= l; ++i)
                d ^= static_cast<uint8_t>(c[static_cast<size_t>(i)] & seq[static_cast<size_t>(n - i)]);
            if (!d)
                continue;
            t = c;
            for (int i = 0; i + n - m <= kTerms; ++i)
                c[static_cast<size_t>(i + n - m)] ^= b[static_cast<size_t>(i)];
            if (2 * l <= n) {
                l = n + 1 - l;
                m = n;
                b = t;
            }
        }
        // Connection polynomial C(x) = sum c_i x^i of degree l: the sequence
        // satisfies sum_i c_i a_{n-i} = 0, i.e. the characteristic polynomial
        // is x^l C(1/x) = sum_i c_i x^(l-i).
        Characteristic out;
        out.valid = l == 256;
        if (out.valid)
            for (int i = 1; i <= l; ++i)
                if (c[static_cast<size_t>(i)])
                    out.low[static_cast<size_t>((l - i) / 64)] |= 1ull << ((l - i) % 64);
        return out;
    }();
    if (!charPoly.valid || steps < 512) { // (never invalid for xoshiro256; short jumps step)
        for (uint64_t i = 0; i < steps; ++i)
            next();
        return;
    }
    const Poly& p = charPoly.low;
    // a * x mod P.
    const auto timesX = [&](Poly& a) {
        const bool carry = a[3] >> 63;
        a[3] = (a[3] << 1) | (a[2] >> 63);
        a[2] = (a[2] << 1) | (a[1] >> 63);
        a[1] = (a[1] << 1) | (a[0] >> 63);
        a[0] <<= 1;
        if (carry)
            for (size_t w = 0; w < 4; ++w)
                a[w] ^= p[w];
    };
    // a * b mod P (Horner over b's coefficients from the top).
    const auto multiply = [&](const Poly& a, const Poly& b) {
        Poly r{};
        for (int i = 255; i >= 0; --i) {
            timesX(r);
            if (bit(b, i))
                for (size_t w = 0; w < 4; ++w)
                    r[w] ^= a[w];
        }
        return r;
    };
    // q = x^steps mod P, left-to-right binary powering.
    Poly q{1, 0, 0, 0};
    for (int k = 63 - std::countl_zero(steps); k >= 0; --k) {
        q = multiply(q, q);
        if ((steps >> k) & 1)
            timesX(q);
    }
    // s <- q(T) s.
    uint64_t acc[4] = {};
    for (int i = 0; i < 256; ++i) {
        if (bit(q, i))
            for (size_t w = 0; w < 4; ++w)
                acc[w] ^= s_[w];
        next();
    }
    for (size_t w = 0; w < 4; ++w)
        s_[w] = acc[w];
}

} // namespace axbnn
