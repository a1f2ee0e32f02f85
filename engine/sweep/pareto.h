// Pareto front extraction (issue 6): the points no other point dominates,
// for any number of objectives, each minimized or maximized.
#pragma once

#include <vector>

namespace axbnn {

// points[i][d] is objective d of point i; maximize[d] says its direction.
// Point a dominates b when a is at least as good in every objective and
// strictly better in one. Ties: points with equal values in every objective
// (duplicates) do not dominate each other, so all of them are on the front
// or none is. Throws std::invalid_argument if a point has the wrong number
// of objectives or a NaN.
// Two objectives: O(n log n) sort and sweep; more: the brute-force test.
std::vector<bool> paretoFront(const std::vector<std::vector<double>>& points, const std::vector<bool>& maximize);

// The O(n^2) definition, pairwise; the slow twin the tests check against.
std::vector<bool> paretoFrontBruteForce(const std::vector<std::vector<double>>& points,
                                        const std::vector<bool>& maximize);

} // namespace axbnn
