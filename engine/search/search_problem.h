// What a search strategy works on (docs/search.md): network designs of a
// space, their cost and their proxy accuracy (bit-exact inference on a
// calibration subset through the one evaluation entry, explore/evaluate.h),
// each evaluated once and kept in an archive in evaluation order.
#pragma once

#include "bnn/dataset.h"
#include "explore/evaluate.h"
#include "search/search_cost.h"
#include "search/search_space.h"

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace axbnn {

// A network of the space: one grid point per searched layer and a mode.
struct SearchPoint {
    std::vector<int> grid; // index: space.layers
    int mitigation = 0; // index: space.mitigations
};

struct Evaluated {
    int order = 0; // position in the archive
    SearchPoint point; // the first grid point that reached this network
    std::vector<int> units; // per searched layer: index into its units
    int mitigation = 0;
    NetworkCost cost;
    AccuracyCount proxy;
    std::optional<AccuracyCount> test; // after verification
};

// Where the images come from. Proxy images are [proxyFirst, proxyFirst +
// proxyCount) of `proxy`; mitigation fits on the first calibrationLimit
// images of `calibration` (the proxy images follow them when both are the
// same set, so that no image both fits and ranks).
struct SearchData {
    const Model* model = nullptr;
    std::string modelPath;
    const Dataset* proxy = nullptr;
    std::string proxySpec;
    int proxyFirst = 0, proxyCount = 0;
    const Dataset* calibration = nullptr; // may be null without mitigation
    std::string calibrationSpec;
    int calibrationLimit = 1000;
    const Dataset* test = nullptr;
    std::string testSpec;
    int testLimit = 0; // 0: all
    const CellLibrary* library = nullptr; // null: the defaults
    int threads = 1; // inference threads (results do not depend on it)
};

enum class SearchStop { None, Evaluations, TimeLimit, Cancelled };

struct SearchProgress {
    int evaluations = 0; // distinct networks evaluated (journaled ones included)
    int limit = 0;
    double seconds = 0.0;
    const Evaluated* last = nullptr; // just evaluated
    // The proxy front so far, cheapest first: what a GUI redraws (the
    // entries stay valid while the problem lives; copy what outlives the call).
    std::vector<const Evaluated*> front;
    const Evaluated* best = nullptr; // cheapest within the budget so far (or null)
};
// Called after every evaluation on the searching thread; false cancels.
using SearchProgressFn = std::function<bool(const SearchProgress&)>;

struct SearchLimits {
    int evaluations = 300; // distinct networks
    double seconds = 0.0; // 0: none
    const std::atomic<bool>* cancel = nullptr;
    SearchProgressFn progress;
};

class SearchProblem {
public:
    // `cache` (may be null) holds accuracy counts by design hash: with a
    // journal it is what a resumed search reads its earlier evaluations from.
    SearchProblem(const SearchSpace& space, const SearchCosts& costs, const SearchData& data, Objective objective,
                  double budgetPoints, SearchLimits limits, EvaluationCache* cache);

    // Rewrite the cache to `path` (atomically) after every evaluation: the
    // journal a stopped search resumes from ("" : none).
    void setJournal(std::string path) { journal_ = std::move(path); }
    const SearchSpace& space() const { return space_; }
    Objective objective() const { return objective_; }
    const SearchData& data() const { return data_; }

    // The archive entry of `point`, evaluating it if new; nullptr once the
    // search must stop (limit, time, cancel) and the point is new.
    const Evaluated* evaluate(const SearchPoint& point);
    SearchStop stopped() const { return stop_; }
    int evaluations() const { return static_cast<int>(archive_.size()); }
    int evaluationLimit() const { return limits_.evaluations; }
    const std::deque<Evaluated>& archive() const { return archive_; }

    double exactProxyAccuracy() const { return exactProxy_.accuracy(); }
    double budgetPoints() const { return budget_; }
    bool meetsBudget(const Evaluated& e) const { return withinLoss(e, budget_); }
    // Proxy accuracy at most `points` below the exact model's.
    bool withinLoss(const Evaluated& e, double points) const;
    double cost(const Evaluated& e) const { return e.cost.of(objective_); }
    NetworkCost costOf(const SearchPoint& point) const;
    NetworkCost unitCost(int layer, int unit) const { return costs_.unitCost(layer, unit); }
    std::vector<int> unitsOf(const SearchPoint& point) const;
    // Archive entries no other dominates in (objective cost, proxy accuracy),
    // cheapest first (sweep/pareto.h).
    std::vector<const Evaluated*> front() const;
    // The cheapest entry within the budget (ties: more accurate, then earlier).
    const Evaluated* best() const;

    // The design an archive entry stands for: every searched layer an
    // explicit circuit unit (as `axbnn eval --config` reads it back), the
    // rest exact; data as `data` says for the test set.
    Design designOf(const std::vector<int>& units, int mitigation) const;
    void setTest(int order, AccuracyCount test) { archive_.at(static_cast<size_t>(order)).test = test; }
    // Accuracy of a design on the test set (through evaluate()).
    AccuracyCount testAccuracy(const Design& design) const;

private:
    bool mustStop();
    AccuracyCount proxyAccuracy(const std::vector<int>& units, int mitigation, ProgressFn progress) const;
    const SearchSpace& space_;
    const SearchCosts& costs_;
    SearchData data_;
    Objective objective_;
    double budget_;
    SearchLimits limits_;
    EvaluationCache* cache_;
    std::string journal_;
    std::chrono::steady_clock::time_point start_;
    SearchStop stop_ = SearchStop::None;
    AccuracyCount exactProxy_;
    std::deque<Evaluated> archive_;
    std::map<std::pair<std::vector<int>, int>, int> index_; // (units, mitigation) -> order
};

} // namespace axbnn
