// xoshiro256** (Blackman & Vigna) seeded by splitmix64; Bernoulli words by
// the binary expansion of p.
#include "util/random_bits.h"

#include <bit>
#include <cmath>
#include <stdexcept>

namespace axbnn {

Rng::Rng(uint64_t seed)
{
    for (auto& s : s_) {
        seed += 0x9e3779b97f4a7c15ull;
        uint64_t z = seed;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        s = z ^ (z >> 31);
    }
}

uint64_t Rng::next()
{
    const uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return result;
}

BernoulliWords::BernoulliWords(double p)
{
    if (!(p >= 0.0 && p <= 1.0))
        throw std::invalid_argument("probability p must be between 0 and 1");
    const double scaled = std::round(p * (1u << 24));
    q_ = static_cast<uint32_t>(scaled);
    first_ = q_ == 0 ? 24 : std::countr_zero(q_);
}

uint64_t BernoulliWords::next(Rng& rng) const
{
    if (q_ >= (1u << 24))
        return ~0ull;
    uint64_t w = 0;
    for (int k = first_; k < 24; ++k) {
        const uint64_t r = rng.next();
        w = (q_ >> k) & 1 ? (w | r) : (w & r);
    }
    return w;
}

void BernoulliWords::fill(std::span<uint64_t> words, Rng& rng) const
{
    // A local copy of the generator: its state stays in registers instead of
    // being reloaded after every store into `words` (which might alias it).
    // The words drawn are the same, in the same order.
    Rng local = rng;
    if (q_ >= (1u << 24)) {
        for (auto& w : words)
            w = ~0ull;
    } else if (first_ == 23) { // p = 0.5: one random word per word
        for (auto& w : words)
            w = local.next();
    } else {
        for (auto& w : words)
            w = next(local);
    }
    rng = local;
}

double BernoulliWords::quantisedP() const
{
    return static_cast<double>(q_) / (1u << 24);
}

} // namespace axbnn
