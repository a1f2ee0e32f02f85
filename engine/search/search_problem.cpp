// Evaluating network designs of a search space on the proxy images.
#include "search/search_problem.h"

#include "bnn/inference.h"
#include "sweep/pareto.h"

#include <algorithm>
#include <stdexcept>

namespace axbnn {

SearchProblem::SearchProblem(const SearchSpace& space, const SearchCosts& costs, const SearchData& data,
                             Objective objective, double budgetPoints, SearchLimits limits, EvaluationCache* cache)
    : space_(space), costs_(costs), data_(data), objective_(objective), budget_(budgetPoints),
      limits_(std::move(limits)), cache_(cache), start_(std::chrono::steady_clock::now())
{
    if (!data_.model || !data_.proxy || !data_.test)
        throw std::invalid_argument("search: a model, proxy images and test images are needed");
    if (data_.proxyFirst < 0 || data_.proxyCount <= 0 || data_.proxyFirst + data_.proxyCount > data_.proxy->count)
        throw std::invalid_argument(data_.proxySpec + ": the proxy images [" + std::to_string(data_.proxyFirst) + ", "
                                    + std::to_string(data_.proxyFirst + data_.proxyCount) + ") are not in its "
                                    + std::to_string(data_.proxy->count) + " images");
    for (Mitigation m : space_.mitigations)
        if (m != Mitigation::None && !data_.calibration)
            throw std::invalid_argument(std::string(mitigationName(m)) + " mitigation needs calibration images");
    exactProxy_ = proxyAccuracy({}, -1, {});
}

std::vector<int> SearchProblem::unitsOf(const SearchPoint& point) const
{
    if (point.grid.size() != space_.layers.size())
        throw std::invalid_argument("search point: one grid point per searched layer expected");
    std::vector<int> units(point.grid.size());
    for (size_t i = 0; i < units.size(); ++i)
        units[i] = space_.layers[i].unitOf.at(static_cast<size_t>(point.grid[i]));
    return units;
}

NetworkCost SearchProblem::costOf(const SearchPoint& point) const
{
    return costs_.network(unitsOf(point));
}

Design SearchProblem::designOf(const std::vector<int>& units, int mitigation) const
{
    Design d;
    d.model = data_.modelPath;
    d.unit.approx = {}; // every searched layer is explicit; the rest exact
    for (size_t i = 0; i < units.size(); ++i)
        d.layers[space_.layers[i].layer] = space_.layers[i].units.at(static_cast<size_t>(units[i]));
    d.mitigation = mitigation >= 0 ? space_.mitigations.at(static_cast<size_t>(mitigation)) : Mitigation::None;
    d.data.dataset = data_.testSpec;
    d.data.limit = data_.testLimit;
    d.data.calibration = data_.calibrationSpec;
    d.data.calibrationLimit = data_.calibrationLimit;
    return d;
}

AccuracyCount SearchProblem::proxyAccuracy(const std::vector<int>& units, int mitigation, ProgressFn progress) const
{
    Design design = designOf(units, mitigation);
    design.data.dataset = data_.proxySpec;
    design.data.limit = 0;
    EvaluateOptions o;
    o.first = data_.proxyFirst;
    o.count = data_.proxyCount;
    o.threads = data_.threads;
    o.cache = cache_;
    o.library = data_.library;
    o.progress = std::move(progress);
    return axbnn::evaluate(*data_.model, design, *data_.proxy, data_.calibration, o).count;
}

bool SearchProblem::mustStop()
{
    if (stop_ != SearchStop::None)
        return true;
    if (limits_.cancel && limits_.cancel->load())
        stop_ = SearchStop::Cancelled;
    else if (static_cast<int>(archive_.size()) >= limits_.evaluations)
        stop_ = SearchStop::Evaluations;
    else if (limits_.seconds > 0
             && std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() >= limits_.seconds)
        stop_ = SearchStop::TimeLimit;
    return stop_ != SearchStop::None;
}

const Evaluated* SearchProblem::evaluate(const SearchPoint& point)
{
    std::vector<int> units = unitsOf(point);
    if (point.mitigation < 0 || point.mitigation >= static_cast<int>(space_.mitigations.size()))
        throw std::invalid_argument("search point: mitigation index out of range");
    const auto key = std::pair{units, point.mitigation};
    if (auto it = index_.find(key); it != index_.end())
        return &archive_[static_cast<size_t>(it->second)];
    if (mustStop())
        return nullptr;
    Evaluated e;
    try {
        e.proxy = proxyAccuracy(units, point.mitigation,
                                [this](int, int) { return !(limits_.cancel && limits_.cancel->load()); });
    } catch (const InferenceCancelled&) {
        stop_ = SearchStop::Cancelled;
        return nullptr;
    }
    e.order = static_cast<int>(archive_.size());
    e.point = point;
    e.units = std::move(units);
    e.mitigation = point.mitigation;
    e.cost = costs_.network(e.units);
    index_.emplace(key, e.order);
    archive_.push_back(std::move(e));
    if (!journal_.empty() && cache_)
        cache_->save(journal_);
    if (limits_.progress) {
        SearchProgress p;
        p.evaluations = evaluations();
        p.limit = limits_.evaluations;
        p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        p.last = &archive_.back();
        p.front = front();
        p.best = best();
        if (!limits_.progress(p))
            stop_ = SearchStop::Cancelled;
    }
    return &archive_.back();
}

bool SearchProblem::withinLoss(const Evaluated& e, double points) const
{
    // In counts, so that the comparison is exact: loss <= `points`.
    const double allowed = points / 100.0 * e.proxy.images;
    const double exactCorrect = exactProxy_.accuracy() * e.proxy.images;
    return exactCorrect - e.proxy.correct <= allowed + 1e-9;
}

std::vector<const Evaluated*> SearchProblem::front() const
{
    std::vector<std::vector<double>> points;
    for (const Evaluated& e : archive_)
        points.push_back({cost(e), e.proxy.accuracy()});
    const std::vector<bool> on = paretoFront(points, {false, true});
    std::vector<const Evaluated*> f;
    for (size_t i = 0; i < archive_.size(); ++i)
        if (on[i])
            f.push_back(&archive_[i]);
    std::stable_sort(f.begin(), f.end(), [&](const Evaluated* a, const Evaluated* b) {
        return cost(*a) != cost(*b) ? cost(*a) < cost(*b) : a->proxy.correct > b->proxy.correct;
    });
    return f;
}

const Evaluated* SearchProblem::best() const
{
    const Evaluated* b = nullptr;
    for (const Evaluated& e : archive_) {
        if (!meetsBudget(e))
            continue;
        if (!b || cost(e) < cost(*b) || (cost(e) == cost(*b) && e.proxy.correct > b->proxy.correct))
            b = &e;
    }
    return b;
}

AccuracyCount SearchProblem::testAccuracy(const Design& design) const
{
    EvaluateOptions o;
    o.threads = data_.threads;
    o.cache = cache_;
    o.library = data_.library;
    return axbnn::evaluate(*data_.model, design, *data_.test, data_.calibration, o).count;
}

} // namespace axbnn
