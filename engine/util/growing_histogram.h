// A histogram over integers that grows to hold whatever value it is given:
// counts[i] counts value offset + i. Shared by the error tables that count
// (s, e) pairs (analysis/error_accumulator.h, the inference engine's
// LayerStats::errorBySum).
#pragma once

#include <cstdint>
#include <vector>

namespace axbnn {

inline void addToGrowingHistogram(std::vector<uint64_t>& counts, int& offset, int value, uint64_t n = 1)
{
    if (counts.empty()) {
        offset = value;
        counts.assign(1, 0);
    } else if (value < offset) {
        counts.insert(counts.begin(), static_cast<size_t>(offset - value), 0);
        offset = value;
    } else if (value - offset >= static_cast<int>(counts.size())) {
        counts.resize(static_cast<size_t>(value - offset) + 1, 0);
    }
    counts[static_cast<size_t>(value - offset)] += n;
}

} // namespace axbnn
