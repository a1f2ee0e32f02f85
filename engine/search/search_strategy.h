// Search strategies behind one interface (docs/search.md, "Strategies"):
// each asks SearchProblem::evaluate for networks until it is done or the
// problem stops it. Every choice depends on the seed and on accuracies
// only, never on threads or time, so a seed gives one result.
#pragma once

#include "search/search_problem.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace axbnn {

enum class StrategyKind { Greedy, Nsga2, Random, Exhaustive, Global };

struct StrategyInfo {
    StrategyKind kind;
    const char* name;
    const char* summary;
};
std::span<const StrategyInfo> strategyTable();
std::vector<std::string> strategyNames();
const char* strategyName(StrategyKind kind);
// Throws std::invalid_argument "unknown strategy 'x' (known: ...)".
StrategyKind parseStrategy(std::string_view name);

class SearchStrategy {
public:
    virtual ~SearchStrategy() = default;
    virtual void run(SearchProblem& problem, uint64_t seed) = 0;
};

std::unique_ptr<SearchStrategy> makeStrategy(StrategyKind kind);

// Grid points one knob away from `point`: another topology, unit width or
// cell, or one LSB column / tree level more or less.
std::vector<int> gridNeighbours(const LayerSpace& layer, int point);

// The start of every strategy: each layer's exact adder tree, no mitigation
// (the first mode of the space).
SearchPoint exactStart(const SearchSpace& space, int mitigation = 0);

} // namespace axbnn
