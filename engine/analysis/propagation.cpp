// Exact error distribution of adder-tree and chain netlists: the joint
// distribution of (low bits of the approximate value, error) is propagated
// bottom-up through the adder nodes, whose two operands are independent
// (docs/domain.md section 5). Only probabilities below options.epsilon are dropped.
//
// Why a few low bits suffice: if every cell of a node in columns >= K is
// exact, the node's local error out' - (a' + b' + cin) depends only on the
// low K bits of its approximate operands and on cin, as long as the node's
// result does not wrap around its width. Wrap-around is ruled out (or made
// exact, or bounded) by a parallel pass over reachable value and error ranges.
#include "analysis/error_accumulator.h"
#include "analysis/propagation_plan.h"
#include "circuit/simulator.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace axbnn {
namespace {

using namespace propagation;

// out[ro] += sum over (x, y, c) of w_c * (X[x] conv Y[y]) shifted by delta.
// Shifts are linear, so the Y terms landing in one output class are summed
// first (Q[ro]) and each (x, ro) costs a single convolution X[x] conv Q[ro].
class Combiner {
public:
    Combiner(double epsilon, long budget) : epsilon_(epsilon), budget_(budget) {}

    std::vector<Dist> combine(const std::vector<Dist>& da, const std::vector<Dist>& db, const NodeTable& table,
                              const std::vector<std::pair<unsigned, double>>& cins, int rOut)
    {
        const size_t nOut = size_t{1} << rOut;
        // Outer loop over the operand with fewer classes: one convolution per (x, ro).
        const bool swap = da.size() > db.size();
        const auto& dx = swap ? db : da;
        const auto& dy = swap ? da : db;
        auto at = [&](unsigned x, unsigned y, unsigned c) {
            return swap ? table.index(y, x, c) : table.index(x, y, c);
        };
        std::vector<Int> lo(nOut, std::numeric_limits<Int>::max()), hi(nOut, std::numeric_limits<Int>::min());
        for (unsigned x = 0; x < dx.size(); ++x) {
            if (dx[x].prob.empty())
                continue;
            for (unsigned y = 0; y < dy.size(); ++y) {
                if (dy[y].prob.empty())
                    continue;
                for (auto [c, w] : cins) {
                    const size_t t = at(x, y, c);
                    const Int base = Int{dx[x].offset} + dy[y].offset + table.delta[t];
                    const uint16_t ro = table.cls[t];
                    lo[ro] = std::min(lo[ro], base);
                    hi[ro] = std::max(hi[ro], base + static_cast<Int>(dx[x].prob.size() + dy[y].prob.size()) - 2);
                }
            }
        }
        std::vector<Dist> out(nOut);
        for (size_t ro = 0; ro < nOut; ++ro)
            if (lo[ro] <= hi[ro]) {
                out[ro].offset = static_cast<int>(lo[ro]);
                out[ro].prob.assign(static_cast<size_t>(hi[ro] - lo[ro] + 1), 0.0);
            }
        qLo_.resize(nOut);
        qHi_.resize(nOut);
        q_.resize(nOut);
        for (unsigned x = 0; x < dx.size(); ++x) {
            const Dist& X = dx[x];
            if (X.prob.empty())
                continue;
            std::fill(qLo_.begin(), qLo_.end(), std::numeric_limits<Int>::max());
            std::fill(qHi_.begin(), qHi_.end(), std::numeric_limits<Int>::min());
            for (unsigned y = 0; y < dy.size(); ++y) {
                if (dy[y].prob.empty())
                    continue;
                for (auto [c, w] : cins) {
                    const size_t t = at(x, y, c);
                    const uint16_t ro = table.cls[t];
                    const Int base = Int{dy[y].offset} + table.delta[t];
                    qLo_[ro] = std::min(qLo_[ro], base);
                    qHi_[ro] = std::max(qHi_[ro], base + static_cast<Int>(dy[y].prob.size()) - 1);
                }
            }
            for (size_t ro = 0; ro < nOut; ++ro)
                if (qLo_[ro] <= qHi_[ro])
                    q_[ro].assign(static_cast<size_t>(qHi_[ro] - qLo_[ro] + 1), 0.0);
            for (unsigned y = 0; y < dy.size(); ++y) {
                const Dist& Y = dy[y];
                if (Y.prob.empty())
                    continue;
                for (auto [c, w] : cins) {
                    const size_t t = at(x, y, c);
                    const uint16_t ro = table.cls[t];
                    double* q = q_[ro].data() + (Y.offset + table.delta[t] - qLo_[ro]);
                    for (size_t j = 0; j < Y.prob.size(); ++j)
                        q[j] += w * Y.prob[j];
                    work_ += static_cast<long double>(Y.prob.size());
                }
            }
            for (size_t ro = 0; ro < nOut; ++ro) {
                if (qLo_[ro] > qHi_[ro])
                    continue;
                Dist& o = out[ro];
                convolveInto(X.prob, q_[ro], o.prob.data() + (X.offset + qLo_[ro] - o.offset));
            }
            if (work_ > budget_)
                infeasible("it would exceed the budget of " + std::to_string(budget_) + " multiply-adds");
        }
        for (Dist& d : out)
            trim(d);
        return out;
    }

    double pruned() const { return pruned_; }

private:
    // out[i + j] += u[i] * v[j]; the longer vector runs in the inner loop.
    void convolveInto(const std::vector<double>& u, const std::vector<double>& v, double* out)
    {
        const auto& outer = u.size() <= v.size() ? u : v;
        const auto& inner = u.size() <= v.size() ? v : u;
        const double* in = inner.data();
        const size_t n = inner.size();
        size_t nonzero = 0;
        for (size_t i = 0; i < outer.size(); ++i) {
            const double s = outer[i];
            if (s == 0.0)
                continue;
            ++nonzero;
            double* o = out + i;
            size_t j = 0;
            for (; j + 4 <= n; j += 4) {
                o[j] += s * in[j];
                o[j + 1] += s * in[j + 1];
                o[j + 2] += s * in[j + 2];
                o[j + 3] += s * in[j + 3];
            }
            for (; j < n; ++j)
                o[j] += s * in[j];
        }
        work_ += static_cast<long double>(nonzero) * static_cast<long double>(n);
    }

    // Drops tail entries below epsilon (and exact zeros), counting their mass.
    void trim(Dist& d)
    {
        auto small = [&](double q) { return q < epsilon_ || q == 0.0; };
        size_t lo = 0, hi = d.prob.size();
        while (lo < hi && small(d.prob[lo]))
            pruned_ += d.prob[lo++];
        while (hi > lo && small(d.prob[hi - 1]))
            pruned_ += d.prob[--hi];
        if (lo == hi) {
            d.prob.clear();
            return;
        }
        if (lo > 0 || hi < d.prob.size()) {
            d.prob.erase(d.prob.begin() + static_cast<std::ptrdiff_t>(hi), d.prob.end());
            d.prob.erase(d.prob.begin(), d.prob.begin() + static_cast<std::ptrdiff_t>(lo));
            d.offset += static_cast<int>(lo);
        }
    }

    double epsilon_;
    long budget_;
    long double work_ = 0.0;
    double pruned_ = 0.0;
    std::vector<Int> qLo_, qHi_;
    std::vector<std::vector<double>> q_;
};

} // namespace

ErrorStats analyzePropagation(const Netlist& netlist, const ErrorOptions& options)
{
    detail::checkOptions(netlist, options);
    const int root = checkStructure(netlist);
    const std::vector<NodeProgram> programs = buildPrograms(netlist);
    const size_t count = netlist.nodes.size();
    const double p = options.p;
    Combiner combiner(options.epsilon, options.propagationBudget);

    // Plan, then give each node whose result may wrap complete operands, or,
    // where that plan would be infeasible, bound P(wrap). Every round raises
    // a floor or marks a node, so this ends.
    std::vector<int> floor(count, 0);
    std::vector<char> boundOnly(count, 0);
    std::vector<NodePlan> plan = planNodes(netlist, programs, floor);
    checkTableSizes(netlist, plan, options.propagationBudget);
    std::vector<NodeTable> tables(count);
    RangePass ranges;
    for (;;) {
        for (size_t i = 0; i < count; ++i)
            buildTable(programs[i], plan[i], tables[i]);
        ranges = propagateRanges(netlist, plan, tables, boundOnly, root, p);
        if (ranges.widen.empty())
            break;
        for (int i : ranges.widen) {
            std::vector<int> wider = floor;
            wider[i] = static_cast<int>(std::max(netlist.nodes[i].a.size(), netlist.nodes[i].b.size()));
            try {
                std::vector<NodePlan> next = planNodes(netlist, programs, wider);
                checkTableSizes(netlist, next, options.propagationBudget);
                floor = std::move(wider);
                plan = std::move(next);
            } catch (const std::invalid_argument&) {
                boundOnly[i] = 1;
            }
        }
    }
    if (ranges.wrapBound > 1e-9)
        infeasible("results of wide adder nodes may wrap around with probability up to "
                   + detail::shortNumber(ranges.wrapBound));

    std::vector<std::vector<Dist>> states(count);
    for (size_t i = 0; i < count; ++i) {
        const AdderNode& node = netlist.nodes[i];
        const NodePlan& np = plan[i];
        const auto da = node.childA >= 0 ? std::move(states[node.childA]) : rawDists(np.rA, p);
        const auto db = node.childB >= 0 ? std::move(states[node.childB]) : rawDists(np.rB, p);
        states[i] = combiner.combine(da, db, tables[i], carryIns(node, p), np.rOut);
    }

    std::map<int, double> pmf;
    for (const Dist& d : states[root])
        for (size_t j = 0; j < d.prob.size(); ++j)
            pmf[d.offset + static_cast<int>(j)] += d.prob[j];
    ErrorStats stats;
    stats.method = ErrorMethod::Propagation;
    stats.p = p;
    detail::setMomentsFromPmf(stats, pmf);
    bool any = false;
    for (const Range& r : ranges.root) {
        if (!r.reachable)
            continue;
        stats.minError = static_cast<int>(any ? std::min<Int>(stats.minError, r.minE) : r.minE);
        stats.maxError = static_cast<int>(any ? std::max<Int>(stats.maxError, r.maxE) : r.maxE);
        any = true;
    }
    stats.wce = std::max(std::abs(stats.minError), std::abs(stats.maxError));
    stats.wceExact = !ranges.mayWrap;
    stats.prunedMass = combiner.pruned();
    stats.samples = 0;

    const std::string nodes = "propagated through " + std::to_string(count) + " adder nodes";
    if (stats.prunedMass > 0.0)
        stats.precision = "exact up to " + detail::shortNumber(stats.prunedMass) + " pruned probability mass (epsilon "
            + detail::shortNumber(options.epsilon) + "), " + nodes;
    else
        stats.precision = "exact: " + nodes + ", nothing pruned";
    if (ranges.mayWrap)
        stats.precision += "; overflow of wide nodes ignored (probability at most "
            + detail::shortNumber(ranges.wrapBound) + "), so the worst case is an upper bound";
    if (options.conditional) {
        const ErrorStats mc = analyzeMonteCarlo(netlist, options);
        stats.conditional = mc.conditional;
        stats.precision += "; P(e | s) from Monte Carlo, " + std::to_string(mc.samples) + " vectors";
    }
    return stats;
}

} // namespace axbnn
