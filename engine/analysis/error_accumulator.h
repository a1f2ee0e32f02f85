// Private to engine/analysis: the histogram of (exact count, error) pairs that
// enumeration and Monte Carlo fill, and the steps from it (or from a pmf) to ErrorStats.
#pragma once

#include "analysis/error_analysis.h"
#include "util/growing_histogram.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace axbnn::detail {

// Bit b < 6 of the lane index, for all 64 lanes of a word: enumerations put
// item 64 w + l in lane l of word w, so bit b >= 6 is bit b - 6 of w.
inline constexpr uint64_t kLanePattern[6] = {
    0xAAAAAAAAAAAAAAAAull, 0xCCCCCCCCCCCCCCCCull, 0xF0F0F0F0F0F0F0F0ull,
    0xFF00FF00FF00FF00ull, 0xFFFF0000FFFF0000ull, 0xFFFFFFFF00000000ull,
};

// Input vectors counted by exact count s (0..inputs) and error e.
class SumErrorCounts {
public:
    struct Row {
        int offset = 0; // error of counts[0]
        std::vector<uint64_t> counts; // counts[i]: vectors with error offset + i
        uint64_t total = 0;
    };

    explicit SumErrorCounts(int inputs) : rows_(static_cast<size_t>(inputs) + 1) {}

    void add(int sum, int error, uint64_t count = 1)
    {
        Row& r = rows_[static_cast<size_t>(sum)];
        addToGrowingHistogram(r.counts, r.offset, error, count);
        r.total += count;
    }

    // Adds another histogram of the same inputs (e.g. another block of samples).
    void merge(const SumErrorCounts& other)
    {
        for (size_t s = 0; s < rows_.size() && s < other.rows_.size(); ++s) {
            const Row& r = other.rows_[s];
            for (size_t i = 0; i < r.counts.size(); ++i)
                if (r.counts[i] > 0)
                    add(static_cast<int>(s), r.offset + static_cast<int>(i), r.counts[i]);
        }
    }

    int inputs() const { return static_cast<int>(rows_.size()) - 1; }
    const Row& row(int sum) const { return rows_[static_cast<size_t>(sum)]; }
    uint64_t total() const;

private:
    std::vector<Row> rows_;
};

// Throws std::invalid_argument for options no analysis can honour.
void checkOptions(const Netlist& netlist, const ErrorOptions& options);

// errorRate, meanError, mae, mse and pmf from a distribution of errors (which
// may sum to slightly less than 1 when mass was pruned). Zero entries are dropped.
void setMomentsFromPmf(ErrorStats& stats, const std::map<int, double>& pmf);

// Exact statistics from a complete enumeration: each vector with s ones has
// probability p^s (1-p)^(N-s); only sums of nonzero probability count for the
// worst case. Sets everything but method and precision.
ErrorStats exactStatsFromCounts(const SumErrorCounts& counts, double p, bool conditional);

// Sample estimates with 95% confidence half-widths (Wilson for the error rate,
// 1.96 standard errors for the means). Sets everything but method and precision.
ErrorStats sampledStatsFromCounts(const SumErrorCounts& counts, double p, bool conditional);

// Binomial(n, p) probabilities, computed in log space.
double binomialPmf(int n, int k, double p);
double binomialTailAtLeast(int n, int k, double p); // P(S >= k)

// A number in at most three significant digits ("3.1e-14", "0.3").
std::string shortNumber(double value);

} // namespace axbnn::detail
