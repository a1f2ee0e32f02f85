// Non-dominated sets: a sort-and-sweep for two objectives, pairwise otherwise.
#include "sweep/pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace axbnn {
namespace {

// Copies the points with every objective turned into one to minimize.
std::vector<std::vector<double>> minimized(const std::vector<std::vector<double>>& points,
                                           const std::vector<bool>& maximize)
{
    std::vector<std::vector<double>> m = points;
    for (size_t i = 0; i < m.size(); ++i) {
        if (m[i].size() != maximize.size())
            throw std::invalid_argument("pareto: point " + std::to_string(i) + " has " + std::to_string(m[i].size())
                                        + " objectives, expected " + std::to_string(maximize.size()));
        for (size_t d = 0; d < m[i].size(); ++d) {
            if (std::isnan(m[i][d]))
                throw std::invalid_argument("pareto: point " + std::to_string(i) + " has no value (NaN)");
            if (maximize[d])
                m[i][d] = -m[i][d];
        }
    }
    return m;
}

bool dominates(const std::vector<double>& a, const std::vector<double>& b)
{
    bool strictly = false;
    for (size_t d = 0; d < a.size(); ++d) {
        if (a[d] > b[d])
            return false;
        strictly = strictly || a[d] < b[d];
    }
    return strictly;
}

} // namespace

std::vector<bool> paretoFrontBruteForce(const std::vector<std::vector<double>>& points,
                                        const std::vector<bool>& maximize)
{
    const auto m = minimized(points, maximize);
    std::vector<bool> front(m.size(), true);
    for (size_t i = 0; i < m.size(); ++i)
        for (size_t j = 0; j < m.size() && front[i]; ++j)
            if (j != i && dominates(m[j], m[i]))
                front[i] = false;
    return front;
}

std::vector<bool> paretoFront(const std::vector<std::vector<double>>& points, const std::vector<bool>& maximize)
{
    if (maximize.size() != 2)
        return paretoFrontBruteForce(points, maximize);
    const auto m = minimized(points, maximize);
    std::vector<size_t> order(m.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return m[a] < m[b]; });
    // Walk groups of equal first objective in increasing order. Within a
    // group only the points with the group's smallest second objective can
    // survive (the others are dominated by them); they do iff every earlier
    // group's best second objective is strictly larger.
    std::vector<bool> front(m.size(), false);
    double best = std::numeric_limits<double>::infinity();
    for (size_t g = 0; g < order.size();) {
        size_t end = g;
        while (end < order.size() && m[order[end]][0] == m[order[g]][0])
            ++end;
        const double low = m[order[g]][1];
        if (g == 0 || low < best) {
            for (size_t i = g; i < end && m[order[i]][1] == low; ++i)
                front[order[i]] = true;
            best = low;
        }
        g = end;
    }
    return front;
}

} // namespace axbnn
