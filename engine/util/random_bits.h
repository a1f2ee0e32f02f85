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
    // Advances the generator as `steps` calls of next() would, in time
    // logarithmic in steps (util/rng_jump.cpp), so that blocks of one random
    // stream can be generated on several threads.
    void discard(uint64_t steps);

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
    // Rng::next() calls per generated word (the same for every word).
    int drawsPerWord() const { return q_ >= (1u << 24) ? 0 : 24 - first_; }

private:
    uint32_t q_ = 0; // p * 2^24
    int first_ = 0; // lowest set bit of q_
};

} // namespace axbnn
