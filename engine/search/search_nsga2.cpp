// NSGA-II: non-dominated sorting, crowding distance, binary tournaments,
// uniform per-layer crossover and one-knob mutation, budgeted by the
// problem's evaluation limit.
#include "search/search_nsga2.h"

#include <algorithm>
#include <limits>
#include <random>

namespace axbnn {
namespace {

constexpr int kPopulation = 24;
constexpr int kIdleGenerations = 30; // generations without a new network end the search

struct Member {
    SearchPoint point;
    const Evaluated* e = nullptr;
    int rank = 0;
    double crowding = 0.0;
};

class Nsga2 : public SearchStrategy {
public:
    void run(SearchProblem& pb, uint64_t seed) override
    {
        pb_ = &pb;
        rng_.seed(seed);
        std::vector<Member> pop;
        if (!add(pop, exactStart(pb.space())))
            return;
        while (static_cast<int>(pop.size()) < kPopulation)
            if (!add(pop, randomPoint()))
                return;
        rankAndCrowd(pop);
        for (int idle = 0; idle < kIdleGenerations;) {
            const int before = pb.evaluations();
            std::vector<Member> next = pop;
            for (int k = 0; k < kPopulation; ++k) {
                SearchPoint child = crossover(tournament(pop).point, tournament(pop).point);
                mutate(child);
                if (!add(next, child))
                    return;
            }
            rankAndCrowd(next);
            std::sort(next.begin(), next.end(), [](const Member& a, const Member& b) {
                return a.rank != b.rank ? a.rank < b.rank : a.crowding > b.crowding;
            });
            next.resize(kPopulation);
            pop = std::move(next);
            rankAndCrowd(pop);
            idle = pb.evaluations() == before ? idle + 1 : 0;
        }
    }

private:
    SearchProblem* pb_ = nullptr;
    std::mt19937_64 rng_;

    int pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }

    bool add(std::vector<Member>& pop, const SearchPoint& p)
    {
        const Evaluated* e = pb_->evaluate(p);
        if (!e)
            return false;
        pop.push_back({p, e, 0, 0.0});
        return true;
    }

    SearchPoint randomPoint()
    {
        SearchPoint p;
        for (const LayerSpace& l : pb_->space().layers)
            p.grid.push_back(pick(l.gridSize()));
        p.mitigation = pick(static_cast<int>(pb_->space().mitigations.size()));
        return p;
    }

    const Member& tournament(const std::vector<Member>& pop)
    {
        const Member& a = pop[pick(static_cast<int>(pop.size()))];
        const Member& b = pop[pick(static_cast<int>(pop.size()))];
        if (a.rank != b.rank)
            return a.rank < b.rank ? a : b;
        return a.crowding >= b.crowding ? a : b;
    }

    SearchPoint crossover(const SearchPoint& a, const SearchPoint& b)
    {
        SearchPoint c = a;
        for (size_t i = 0; i < c.grid.size(); ++i)
            if (rng_() & 1)
                c.grid[i] = b.grid[i];
        if (rng_() & 1)
            c.mitigation = b.mitigation;
        return c;
    }

    // Each layer, with probability 1/layers (at least one layer), moves one knob.
    void mutate(SearchPoint& p)
    {
        const SearchSpace& s = pb_->space();
        const int layers = static_cast<int>(s.layers.size());
        const int forced = pick(layers);
        for (int i = 0; i < layers; ++i) {
            if (i != forced && pick(layers) != 0)
                continue;
            const std::vector<int> n = gridNeighbours(s.layers[i], p.grid[i]);
            if (!n.empty())
                p.grid[i] = n[pick(static_cast<int>(n.size()))];
        }
        if (s.mitigations.size() > 1 && pick(layers + 1) == 0)
            p.mitigation = pick(static_cast<int>(s.mitigations.size()));
    }

    bool dominates(const Member& a, const Member& b) const
    {
        const double ca = pb_->cost(*a.e), cb = pb_->cost(*b.e);
        const int qa = a.e->proxy.correct, qb = b.e->proxy.correct;
        return ca <= cb && qa >= qb && (ca < cb || qa > qb);
    }

    void rankAndCrowd(std::vector<Member>& pop) const
    {
        const size_t n = pop.size();
        std::vector<int> dominatedBy(n, 0);
        std::vector<std::vector<size_t>> dominating(n);
        for (size_t i = 0; i < n; ++i)
            for (size_t k = 0; k < n; ++k)
                if (i != k && dominates(pop[i], pop[k])) {
                    dominating[i].push_back(k);
                    ++dominatedBy[k];
                }
        std::vector<size_t> current;
        for (size_t i = 0; i < n; ++i)
            if (dominatedBy[i] == 0)
                current.push_back(i);
        for (int rank = 0; !current.empty(); ++rank) {
            std::vector<size_t> next;
            for (size_t i : current) {
                pop[i].rank = rank;
                for (size_t k : dominating[i])
                    if (--dominatedBy[k] == 0)
                        next.push_back(k);
            }
            crowd(pop, current);
            current = std::move(next);
        }
    }

    void crowd(std::vector<Member>& pop, std::vector<size_t> front) const
    {
        for (size_t i : front)
            pop[i].crowding = 0.0;
        const auto objective = [&](size_t i, int d) {
            return d == 0 ? pb_->cost(*pop[i].e) : pop[i].e->proxy.accuracy();
        };
        for (int d = 0; d < 2; ++d) {
            std::sort(front.begin(), front.end(), [&](size_t a, size_t b) {
                return objective(a, d) != objective(b, d) ? objective(a, d) < objective(b, d) : a < b;
            });
            const double span = objective(front.back(), d) - objective(front.front(), d);
            pop[front.front()].crowding = pop[front.back()].crowding = std::numeric_limits<double>::infinity();
            for (size_t k = 1; k + 1 < front.size(); ++k)
                if (span > 0)
                    pop[front[k]].crowding += (objective(front[k + 1], d) - objective(front[k - 1], d)) / span;
        }
    }
};

} // namespace

std::unique_ptr<SearchStrategy> makeNsga2()
{
    return std::make_unique<Nsga2>();
}

} // namespace axbnn
