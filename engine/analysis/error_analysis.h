// Error statistics of an approximate popcount against the exact count
// (docs/domain.md section 5), by exhaustive enumeration, exact distribution
// propagation over adder nodes, or bit-parallel Monte Carlo.
#pragma once

#include "circuit/netlist.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace axbnn {

enum class ErrorMethod { Auto, Exhaustive, Propagation, MonteCarlo };

// Largest N analyzeExhaustive enumerates (2^30 vectors take seconds).
inline constexpr int kMaxExhaustiveInputs = 30;
// Most output bits analyzeExhaustive handles (it gathers lane values as
// bytes); an imported circuit may have more than its N needs.
inline constexpr int kMaxExhaustiveOutputBits = 8;
// Propagation tracks at most this many low bits of a node's approximate value.
inline constexpr int kMaxPropagationClassBits = 12;

std::string errorMethodName(ErrorMethod method);
ErrorMethod parseErrorMethod(const std::string& name); // throws std::invalid_argument

struct ErrorOptions {
    ErrorMethod method = ErrorMethod::Auto;
    double p = 0.5; // inputs i.i.d. Bernoulli(p)
    int exhaustiveMaxInputs = 20; // Auto uses enumeration up to this N
    double epsilon = 1e-15; // propagation prunes probabilities below this
    long propagationBudget = 400'000'000; // multiply-adds before Auto gives up on propagation
    uint64_t samples = 1u << 16; // Monte Carlo input vectors
    uint64_t seed = 12345;
    bool conditional = false; // also fill ErrorStats::conditional (P(e | s))
    // Monte Carlo worker threads. The results do not depend on it: every
    // block of vectors draws its part of the one random stream (Rng::discard).
    int threads = 1;

    bool operator==(const ErrorOptions&) const = default;
};

// P(e | exact count s) for one s.
struct ConditionalRow {
    int sum = 0;
    double probabilityOfSum = 0.0; // P(s) under the stated inputs
    uint64_t samples = 0; // Monte Carlo vectors with this s (0 if exact)
    std::map<int, double> errors; // e -> P(e | s)
};

struct ErrorStats {
    ErrorMethod method = ErrorMethod::Exhaustive;
    std::string precision; // what the numbers are exact to, in words
    double p = 0.5;
    double errorRate = 0.0; // P(e != 0)
    double meanError = 0.0; // E[e], e = approximate - exact
    double mae = 0.0; // E|e|
    double mse = 0.0; // E[e^2]
    int wce = 0; // max |e| over inputs of nonzero probability
    bool wceExact = true; // false: largest |e| observed (Monte Carlo)
    int minError = 0, maxError = 0;
    // 95% confidence half-widths (Monte Carlo only; 0 when exact).
    double errorRateCi = 0.0, meanErrorCi = 0.0, maeCi = 0.0, mseCi = 0.0;
    uint64_t samples = 0; // vectors enumerated or sampled
    double prunedMass = 0.0; // propagation: probability dropped by epsilon
    std::map<int, double> pmf; // P(e)
    std::vector<ConditionalRow> conditional; // filled when options.conditional
};

ErrorStats analyzeExhaustive(const Netlist& netlist, const ErrorOptions& options);
ErrorStats analyzeMonteCarlo(const Netlist& netlist, const ErrorOptions& options);
// Throws std::invalid_argument if the netlist has no adder nodes (compressor
// trees), would need more than kMaxPropagationClassBits low bits of a value,
// or the propagation would exceed the options' budget.
ErrorStats analyzePropagation(const Netlist& netlist, const ErrorOptions& options);
// Auto: exhaustive up to exhaustiveMaxInputs (and kMaxExhaustiveOutputBits),
// else propagation where the netlist has adder nodes and it fits the budget,
// else Monte Carlo, whose precision then says why the others were not used.
ErrorStats analyzeErrors(const Netlist& netlist, const ErrorOptions& options);

} // namespace axbnn
