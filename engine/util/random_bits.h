// Reproducible random bit vectors: xoshiro256** words and Bernoulli(p) bits
// packed 64 per word.
#pragma once

#include <cstdint>
#include <span>

namespace axbnn {

class Rng {
public:
    explicit Rng(uint64_t seed);
    uint64_t next();
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
    uint64_t s_[4];
};

// Bits that are 1 with probability p, quantised to a multiple of 2^-24 (one
// random word per significant bit of p: p = 0.5 costs one word).
class BernoulliWords {
public:
    explicit BernoulliWords(double p);
    uint64_t next(Rng& rng) const;
    void fill(std::span<uint64_t> words, Rng& rng) const;
    double quantisedP() const;

private:
    uint32_t q_ = 0;  // p * 2^24
    int first_ = 0;   // lowest set bit of q_
};

} // namespace axbnn
