// Method names, the Auto choice between the three analyses, and the shared
// step from counted or propagated errors to ErrorStats (docs/domain.md section 5).
#include "analysis/error_analysis.h"

#include "analysis/error_accumulator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace axbnn {

std::string errorMethodName(ErrorMethod method)
{
    switch (method) {
    case ErrorMethod::Auto: return "auto";
    case ErrorMethod::Exhaustive: return "exhaustive";
    case ErrorMethod::Propagation: return "propagation";
    case ErrorMethod::MonteCarlo: return "monte-carlo";
    }
    return "auto";
}

ErrorMethod parseErrorMethod(const std::string& name)
{
    for (ErrorMethod m :
         {ErrorMethod::Auto, ErrorMethod::Exhaustive, ErrorMethod::Propagation, ErrorMethod::MonteCarlo})
        if (errorMethodName(m) == name)
            return m;
    throw std::invalid_argument("unknown error analysis method '" + name
                                + "' (known: auto, exhaustive, propagation, monte-carlo)");
}

ErrorStats analyzeErrors(const Netlist& netlist, const ErrorOptions& options)
{
    switch (options.method) {
    case ErrorMethod::Exhaustive: return analyzeExhaustive(netlist, options);
    case ErrorMethod::Propagation: return analyzePropagation(netlist, options);
    case ErrorMethod::MonteCarlo: return analyzeMonteCarlo(netlist, options);
    case ErrorMethod::Auto: break;
    }
    detail::checkOptions(netlist, options);
    std::string note;
    if (netlist.inputs <= std::min(options.exhaustiveMaxInputs, kMaxExhaustiveInputs)) {
        if (netlist.outputBits() <= kMaxExhaustiveOutputBits)
            return analyzeExhaustive(netlist, options);
        note = "exhaustive enumeration not used: the circuit has " + std::to_string(netlist.outputBits())
            + " output bits, it handles at most " + std::to_string(kMaxExhaustiveOutputBits) + "; ";
    }
    std::string why = "the circuit has no adder nodes";
    if (!netlist.nodes.empty()) {
        try {
            return analyzePropagation(netlist, options);
        } catch (const std::invalid_argument& e) {
            why = e.what();
        }
    }
    ErrorStats stats = analyzeMonteCarlo(netlist, options);
    stats.precision.append(" (").append(note).append("propagation not used: ").append(why).append(")");
    return stats;
}

namespace detail {

uint64_t SumErrorCounts::total() const
{
    uint64_t n = 0;
    for (const Row& r : rows_)
        n += r.total;
    return n;
}

void checkOptions(const Netlist& netlist, const ErrorOptions& options)
{
    if (netlist.inputs < 1)
        throw std::invalid_argument("the circuit has no inputs");
    if (!(options.p >= 0.0 && options.p <= 1.0))
        throw std::invalid_argument("input probability p must be between 0 and 1");
    if (!(options.epsilon >= 0.0 && options.epsilon < 1.0))
        throw std::invalid_argument("propagation epsilon must be in [0, 1)");
    if (options.samples == 0)
        throw std::invalid_argument("Monte Carlo needs at least one sample");
}

void setMomentsFromPmf(ErrorStats& stats, const std::map<int, double>& pmf)
{
    stats.pmf.clear();
    stats.errorRate = stats.meanError = stats.mae = stats.mse = 0.0;
    for (const auto& [e, q] : pmf) {
        if (q == 0.0)
            continue;
        stats.pmf[e] = q;
        const double x = e;
        if (e != 0)
            stats.errorRate += q;
        stats.meanError += q * x;
        stats.mae += q * std::abs(x);
        stats.mse += q * x * x;
    }
}

namespace {

// P(e | s) of one exact sum from its error counts.
ConditionalRow conditionalRow(int sum, const SumErrorCounts::Row& row, double probabilityOfSum, uint64_t samples)
{
    ConditionalRow c;
    c.sum = sum;
    c.probabilityOfSum = probabilityOfSum;
    c.samples = samples;
    for (size_t i = 0; i < row.counts.size(); ++i)
        if (row.counts[i] > 0)
            c.errors[row.offset + static_cast<int>(i)] =
                static_cast<double>(row.counts[i]) / static_cast<double>(row.total);
    return c;
}

} // namespace

ErrorStats exactStatsFromCounts(const SumErrorCounts& counts, double p, bool conditional)
{
    const int n = counts.inputs();
    ErrorStats stats;
    stats.p = p;
    std::map<int, double> pmf;
    bool any = false;
    for (int s = 0; s <= n; ++s) {
        const auto& row = counts.row(s);
        // Probability of one particular vector with s ones (0^0 = 1 covers p = 0 and 1).
        const double w = std::pow(p, s) * std::pow(1.0 - p, n - s);
        const bool reachable = (p > 0.0 || s == 0) && (p < 1.0 || s == n);
        for (size_t i = 0; i < row.counts.size(); ++i) {
            if (row.counts[i] == 0)
                continue;
            const int e = row.offset + static_cast<int>(i);
            pmf[e] += static_cast<double>(row.counts[i]) * w;
            if (reachable) {
                stats.minError = any ? std::min(stats.minError, e) : e;
                stats.maxError = any ? std::max(stats.maxError, e) : e;
                any = true;
            }
        }
        if (conditional && row.total > 0)
            stats.conditional.push_back(conditionalRow(s, row, static_cast<double>(row.total) * w, 0));
    }
    setMomentsFromPmf(stats, pmf);
    stats.wce = std::max(std::abs(stats.minError), std::abs(stats.maxError));
    stats.wceExact = true;
    stats.samples = counts.total();
    return stats;
}

ErrorStats sampledStatsFromCounts(const SumErrorCounts& counts, double p, bool conditional)
{
    const int n = counts.inputs();
    const uint64_t total = counts.total();
    const double dn = static_cast<double>(total);
    ErrorStats stats;
    stats.p = p;
    stats.samples = total;
    stats.wceExact = false;
    std::map<int, double> pmf;
    bool any = false;
    double m4 = 0.0; // E[e^4], for the spread of e^2
    for (int s = 0; s <= n; ++s) {
        const auto& row = counts.row(s);
        for (size_t i = 0; i < row.counts.size(); ++i) {
            if (row.counts[i] == 0)
                continue;
            const int e = row.offset + static_cast<int>(i);
            const double q = static_cast<double>(row.counts[i]) / dn;
            pmf[e] += q;
            m4 += q * std::pow(static_cast<double>(e), 4);
            stats.minError = any ? std::min(stats.minError, e) : e;
            stats.maxError = any ? std::max(stats.maxError, e) : e;
            any = true;
        }
        if (conditional && row.total > 0)
            stats.conditional.push_back(conditionalRow(s, row, binomialPmf(n, s, p), row.total));
    }
    setMomentsFromPmf(stats, pmf);
    stats.wce = std::max(std::abs(stats.minError), std::abs(stats.maxError));
    // 95% half-widths: Wilson score interval for the rate, normal
    // approximation with the sample standard deviation for the means.
    constexpr double z = 1.96;
    const double r = stats.errorRate;
    stats.errorRateCi = z / (1.0 + z * z / dn) * std::sqrt(r * (1.0 - r) / dn + z * z / (4.0 * dn * dn));
    if (total > 1) {
        const double bessel = dn / (dn - 1.0);
        auto half = [&](double mean, double meanOfSquare) {
            return z * std::sqrt(std::max(0.0, (meanOfSquare - mean * mean) * bessel) / dn);
        };
        stats.meanErrorCi = half(stats.meanError, stats.mse);
        stats.maeCi = half(stats.mae, stats.mse);
        stats.mseCi = half(stats.mse, m4);
    }
    return stats;
}

double binomialPmf(int n, int k, double p)
{
    if (k < 0 || k > n)
        return 0.0;
    if (p <= 0.0)
        return k == 0 ? 1.0 : 0.0;
    if (p >= 1.0)
        return k == n ? 1.0 : 0.0;
    const double logC = std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
    return std::exp(logC + k * std::log(p) + (n - k) * std::log1p(-p));
}

double binomialTailAtLeast(int n, int k, double p)
{
    if (k <= 0)
        return 1.0;
    double sum = 0.0;
    for (int i = k; i <= n; ++i)
        sum += binomialPmf(n, i, p);
    return std::min(1.0, sum);
}

std::string shortNumber(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", value);
    return buf;
}

} // namespace detail
} // namespace axbnn
