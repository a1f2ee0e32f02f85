// Greedy per-layer descent, random search and exhaustive enumeration
// (docs/search.md, "Strategies"); NSGA-II is in search_nsga2.cpp.
#include "search/search_strategy.h"

#include "search/search_nsga2.h"
#include "util/name_table.h"

#include <algorithm>
#include <array>
#include <limits>
#include <random>
#include <stdexcept>

namespace axbnn {
namespace {

constexpr std::array<StrategyInfo, 5> kStrategies{{
    {StrategyKind::Greedy, "greedy",
     "per-layer descent from the exact design: the one-knob change that loses the least accuracy per cost saved "
     "while the budget holds, then a per-layer polish; then the same with 2, 4 and 8 times the budget"},
    {StrategyKind::Nsga2, "nsga2", "NSGA-II evolutionary search over the whole front, budgeted by evaluations"},
    {StrategyKind::Random, "random", "uniformly random networks of the space (the baseline)"},
    {StrategyKind::Exhaustive, "exhaustive", "every network of the space (only when it fits --evaluations)"},
    {StrategyKind::Global, "global",
     "the sweep over the global knobs: every searched layer gets the same unit (the reference a per-layer "
     "search must beat)"},
}};

} // namespace

std::vector<int> gridNeighbours(const LayerSpace& l, int point)
{
    std::vector<int> out;
    const auto c = l.coords(point);
    const auto sizes = l.sizes();
    for (int a = 0; a < LayerSpace::AxisCount; ++a) {
        auto n = c;
        if (a == LayerSpace::Lsb || a == LayerSpace::Levels) {
            for (int d : {-1, 1})
                if (c[a] + d >= 0 && c[a] + d < sizes[a]) {
                    n[a] = c[a] + d;
                    out.push_back(l.pointOf(n));
                }
            continue;
        }
        for (int v = 0; v < sizes[a]; ++v)
            if (v != c[a]) {
                n[a] = v;
                out.push_back(l.pointOf(n));
            }
    }
    return out;
}

namespace {

class Greedy : public SearchStrategy {
public:
    void run(SearchProblem& pb, uint64_t) override
    {
        const int modes = static_cast<int>(pb.space().mitigations.size());
        for (int m = 0; m < modes; ++m) {
            // Each mode gets its share of the evaluations.
            share_ = pb.evaluationLimit() * static_cast<long>(m + 1) / modes;
            SearchPoint x = exactStart(pb.space(), m);
            const Evaluated* ex = pb.evaluate(x);
            if (!ex)
                return;
            // The budget first (the answer), then the front beyond it: from
            // there, descents with twice, four and eight times the loss.
            for (double loss = pb.budgetPoints(), k = 0; k < 4 && !over(pb); loss *= 2, ++k) {
                if (!pb.withinLoss(*ex, loss))
                    continue;
                if (!descend(pb, x, ex, loss) || !polish(pb, x, ex, loss))
                    return;
                if (loss <= 0)
                    break;
            }
        }
    }

private:
    static constexpr int kPolishWidth = 12; // cheaper units tried per layer and round
    long share_ = 0;

    bool over(const SearchProblem& pb) const { return pb.evaluations() >= share_; }

    // Returns false when the problem stopped the search.
    bool descend(SearchProblem& pb, SearchPoint& x, const Evaluated*& ex, double loss)
    {
        const SearchSpace& s = pb.space();
        while (!over(pb)) {
            const Evaluated* best = nullptr;
            SearchPoint bestPoint;
            double bestScore = std::numeric_limits<double>::infinity();
            const double cx = pb.cost(*ex);
            for (size_t i = 0; i < s.layers.size(); ++i) {
                const LayerSpace& l = s.layers[i];
                for (int g : gridNeighbours(l, x.grid[i])) {
                    if (l.unitOf[g] == l.unitOf[x.grid[i]])
                        continue;
                    SearchPoint y = x;
                    y.grid[i] = g;
                    const double cy = pb.costOf(y).of(pb.objective());
                    if (cy >= cx)
                        continue;
                    const Evaluated* ey = pb.evaluate(y);
                    if (!ey)
                        return false;
                    if (!pb.withinLoss(*ey, loss))
                        continue;
                    // Images lost per unit of cost saved (negative: a gain).
                    const double score = (ex->proxy.correct - ey->proxy.correct) / (cx - cy);
                    if (score < bestScore || (score == bestScore && cy < pb.cost(*best))) {
                        best = ey;
                        bestPoint = y;
                        bestScore = score;
                    }
                }
            }
            if (!best)
                break;
            x = bestPoint;
            ex = best;
        }
        return true;
    }

    // Per layer, the nearest cheaper units (whatever knobs they differ in):
    // move to the cheapest of them that keeps the budget, until none does.
    bool polish(SearchProblem& pb, SearchPoint& x, const Evaluated*& ex, double loss)
    {
        const SearchSpace& s = pb.space();
        for (bool improved = true; improved && !over(pb);) {
            improved = false;
            for (size_t i = 0; i < s.layers.size() && !over(pb); ++i) {
                const LayerSpace& l = s.layers[i];
                std::vector<std::pair<double, int>> cheaper; // (cost, unit)
                for (int u = 0; u < static_cast<int>(l.units.size()); ++u) {
                    SearchPoint y = x;
                    y.grid[i] = l.unitPoint[u];
                    const double cy = pb.costOf(y).of(pb.objective());
                    if (cy < pb.cost(*ex))
                        cheaper.emplace_back(cy, u);
                }
                std::sort(cheaper.begin(), cheaper.end(), [](const auto& a, const auto& b) {
                    return a.first != b.first ? a.first > b.first : a.second < b.second;
                });
                if (cheaper.size() > kPolishWidth)
                    cheaper.resize(kPolishWidth);
                const Evaluated* best = nullptr;
                SearchPoint bestPoint;
                for (const auto& [cy, u] : cheaper) {
                    SearchPoint y = x;
                    y.grid[i] = l.unitPoint[u];
                    const Evaluated* ey = pb.evaluate(y);
                    if (!ey)
                        return false;
                    if (pb.withinLoss(*ey, loss) && (!best || cy < pb.cost(*best))) {
                        best = ey;
                        bestPoint = y;
                    }
                }
                if (best) {
                    x = bestPoint;
                    ex = best;
                    improved = true;
                }
            }
        }
        return true;
    }
};

class RandomSearch : public SearchStrategy {
public:
    void run(SearchProblem& pb, uint64_t seed) override
    {
        const SearchSpace& s = pb.space();
        std::mt19937_64 rng(seed);
        if (!pb.evaluate(exactStart(s)))
            return;
        // Draws that hit an evaluated network are free; the bound ends a
        // search whose space is smaller than its evaluations.
        const long draws = 50L * pb.evaluationLimit() + 1000;
        for (long d = 0; d < draws; ++d) {
            SearchPoint p;
            for (const LayerSpace& l : s.layers)
                p.grid.push_back(static_cast<int>(rng() % static_cast<uint64_t>(l.gridSize())));
            p.mitigation = static_cast<int>(rng() % s.mitigations.size());
            if (!pb.evaluate(p))
                return;
        }
    }
};

class Exhaustive : public SearchStrategy {
public:
    void run(SearchProblem& pb, uint64_t) override
    {
        const SearchSpace& s = pb.space();
        if (s.networks() > pb.evaluationLimit())
            throw std::invalid_argument("the exhaustive strategy needs " + std::to_string(s.networks())
                                        + " evaluations, above --evaluations " + std::to_string(pb.evaluationLimit()));
        std::vector<int> units(s.layers.size(), 0);
        for (int m = 0; m < static_cast<int>(s.mitigations.size()); ++m) {
            std::fill(units.begin(), units.end(), 0);
            while (true) {
                SearchPoint p;
                p.mitigation = m;
                for (size_t i = 0; i < units.size(); ++i)
                    p.grid.push_back(s.layers[i].unitPoint[units[i]]);
                if (!pb.evaluate(p))
                    return;
                size_t i = 0; // next combination, mixed radix
                while (i < units.size() && ++units[i] == static_cast<int>(s.layers[i].units.size()))
                    units[i++] = 0;
                if (i == units.size())
                    break;
            }
        }
    }
};

// Every grid point of the first layer applied to all layers (by value;
// points some layer's axes lack are skipped), each mode.
class GlobalSweep : public SearchStrategy {
public:
    void run(SearchProblem& pb, uint64_t) override
    {
        const SearchSpace& s = pb.space();
        const LayerSpace& first = s.layers.front();
        for (int m = 0; m < static_cast<int>(s.mitigations.size()); ++m)
            for (int g = 0; g < first.gridSize(); ++g) {
                const auto c = first.coords(g);
                SearchPoint p;
                p.mitigation = m;
                for (const LayerSpace& l : s.layers) {
                    std::array<int, LayerSpace::AxisCount> k{};
                    bool found = indexOf(l.topologies, first.topologies[c[0]], k[0])
                        && indexOf(l.unitWidths, first.unitWidths[c[1]], k[1])
                        && indexOf(l.cells, first.cells[c[2]], k[2]) && indexOf(l.haCells, first.haCells[c[3]], k[3])
                        && indexOf(l.lsb, first.lsb[c[4]], k[4]) && indexOf(l.levels, first.levels[c[5]], k[5]);
                    if (!found)
                        break;
                    p.grid.push_back(l.pointOf(k));
                }
                if (p.grid.size() == s.layers.size() && !pb.evaluate(p))
                    return;
            }
    }

private:
    template <typename T>
    static bool indexOf(const std::vector<T>& values, const T& v, int& index)
    {
        const auto it = std::find(values.begin(), values.end(), v);
        index = static_cast<int>(it - values.begin());
        return it != values.end();
    }
};

} // namespace

std::span<const StrategyInfo> strategyTable()
{
    return kStrategies;
}

std::vector<std::string> strategyNames()
{
    return tableNames(strategyTable());
}

const char* strategyName(StrategyKind kind)
{
    for (const StrategyInfo& s : kStrategies)
        if (s.kind == kind)
            return s.name;
    return "?";
}

StrategyKind parseStrategy(std::string_view name)
{
    return tableEntry(strategyTable(), name, "strategy").kind;
}

SearchPoint exactStart(const SearchSpace& space, int mitigation)
{
    SearchPoint p;
    p.mitigation = mitigation;
    for (const LayerSpace& l : space.layers) {
        const int e = l.exactPoint();
        p.grid.push_back(e >= 0 ? e : 0);
    }
    return p;
}

std::unique_ptr<SearchStrategy> makeStrategy(StrategyKind kind)
{
    switch (kind) {
    case StrategyKind::Greedy: return std::make_unique<Greedy>();
    case StrategyKind::Nsga2: return makeNsga2();
    case StrategyKind::Random: return std::make_unique<RandomSearch>();
    case StrategyKind::Exhaustive: return std::make_unique<Exhaustive>();
    case StrategyKind::Global: return std::make_unique<GlobalSweep>();
    }
    throw std::logic_error("makeStrategy: unknown strategy");
}

} // namespace axbnn
