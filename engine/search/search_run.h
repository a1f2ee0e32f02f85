// A whole search (docs/search.md): the strategy on the proxy images, then
// verification of the front on the test set with bit-exact inference, the
// choice of the cheapest verified design within the budget, and the files
// (the design as a layer config, the front as CSV). What `axbnn search`
// runs and what a GUI dock would run on a worker thread: progress, cancel
// and the growing front come through SearchLimits and SearchProblem.
#pragma once

#include "search/search_problem.h"
#include "search/search_strategy.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace axbnn {

struct SearchOptions {
    StrategyKind strategy = StrategyKind::Greedy;
    Objective objective = Objective::Area;
    double budgetPoints = 1.0; // accuracy loss allowed against the exact model
    uint64_t seed = 1;
    SearchLimits limits;
    int verify = 8; // front points verified on the test set at most
    // "" : none. The evaluation cache file (explore/evaluate.h) the search
    // reads first and rewrites after every evaluation: a search stopped at
    // any point and run again with the same options replays what was done
    // and continues to the same result.
    std::string journal;
};

struct VerifiedPoint {
    const Evaluated* point = nullptr;
    AccuracyCount test;
    bool meetsBudget = false; // on the test set
};

struct SearchResult {
    std::vector<const Evaluated*> front; // proxy front, cheapest first
    std::vector<VerifiedPoint> verified; // in the order verified (cheapest first)
    const Evaluated* chosen = nullptr; // null: no design met the budget on the test set
    AccuracyCount chosenTest;
    AccuracyCount exactTest; // the exact model on the test set
    NetworkCost exactCost; // exact adder trees on every searched layer
    SearchStop stop = SearchStop::None;
    int evaluations = 0;
    double seconds = 0.0;
};

// Runs the strategy on `problem`, then verifies (skipped when the search was
// cancelled). Throws what evaluation throws.
SearchResult runSearch(SearchProblem& problem, const SearchOptions& options, EvaluationCache& cache);

// Per-layer sensitivity, from the archive: the networks that differ from
// the exact start (first mode) in one layer only.
struct LayerSensitivity {
    int measured = 0; // such networks evaluated
    int withinBudget = 0;
    const Evaluated* bestSaving = nullptr; // the cheapest of them within the budget
    const Evaluated* worst = nullptr; // the least accurate
};
std::vector<LayerSensitivity> layerSensitivity(const SearchProblem& problem);

// The layer config (docs/layer-config.md) of an archive entry: every searched
// layer by name, the rest exact.
nlohmann::json searchLayerConfig(const SearchProblem& problem, const Evaluated& e);
// The front as CSV: one row per archive entry on the proxy front.
std::string searchFrontCsv(const SearchProblem& problem, const SearchResult& result);
// Hypervolume of a front in (objective cost, proxy accuracy), normalized: the
// area dominated between the reference (cost `refCost`, accuracy `refAcc`)
// and the front, divided by refCost * 1.
double searchHypervolume(const SearchProblem& problem, const std::vector<const Evaluated*>& front, double refCost,
                         double refAcc);

} // namespace axbnn
