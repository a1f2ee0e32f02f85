// Convolution of the leaves' exhaustive (count, error) distributions.
#include "analysis/hierarchical_errors.h"

#include "analysis/error_accumulator.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace axbnn {
namespace {

// P(s, e) of one leaf as a dense grid: s in 0..inputs, e in minError..maxError.
struct Joint {
    int inputs = 0, minError = 0, maxError = 0;
    std::vector<double> p; // p[s * span + (e - minError)]

    int span() const { return maxError - minError + 1; }
    double& at(int s, int e) { return p[static_cast<size_t>(s) * span() + (e - minError)]; }
    double at(int s, int e) const { return p[static_cast<size_t>(s) * span() + (e - minError)]; }
};

Joint leafJoint(const ErrorStats& stats, int inputs)
{
    Joint j;
    j.inputs = inputs;
    j.minError = stats.minError;
    j.maxError = stats.maxError;
    j.p.assign(static_cast<size_t>(inputs + 1) * j.span(), 0.0);
    for (const ConditionalRow& row : stats.conditional)
        for (const auto& [e, q] : row.errors)
            if (row.probabilityOfSum > 0.0 && e >= j.minError && e <= j.maxError)
                j.at(row.sum, e) += row.probabilityOfSum * q;
    return j;
}

Joint convolve(const Joint& a, const Joint& b)
{
    Joint r;
    r.inputs = a.inputs + b.inputs;
    r.minError = a.minError + b.minError;
    r.maxError = a.maxError + b.maxError;
    r.p.assign(static_cast<size_t>(r.inputs + 1) * r.span(), 0.0);
    for (int s1 = 0; s1 <= a.inputs; ++s1)
        for (int e1 = a.minError; e1 <= a.maxError; ++e1) {
            const double q1 = a.at(s1, e1);
            if (q1 == 0.0)
                continue;
            for (int s2 = 0; s2 <= b.inputs; ++s2)
                for (int e2 = b.minError; e2 <= b.maxError; ++e2)
                    if (const double q2 = b.at(s2, e2); q2 != 0.0)
                        r.at(s1 + s2, e1 + e2) += q1 * q2;
        }
    return r;
}

// A pmf over minError .. minError + p.size() - 1, dense (thousands of leaves
// make supports of tens of thousands of errors).
struct Pmf {
    int minError = 0;
    std::vector<double> p;
};

Pmf convolve(const Pmf& a, const std::map<int, double>& b)
{
    Pmf r;
    if (b.empty())
        return a;
    const int lo = b.begin()->first, hi = b.rbegin()->first;
    r.minError = a.minError + lo;
    r.p.assign(a.p.size() + static_cast<size_t>(hi - lo), 0.0);
    for (const auto& [e, q] : b)
        for (size_t i = 0; i < a.p.size(); ++i)
            r.p[i + static_cast<size_t>(e - lo)] += a.p[i] * q;
    return r;
}

// A key for leaves that are the same circuit: width and cell kinds in order.
std::string leafKey(const Netlist& leaf)
{
    std::string key = std::to_string(leaf.inputs);
    for (const CellInstance& c : leaf.cells)
        key.append(1, ' ').append(leaf.typeOf(c).name);
    return key;
}

} // namespace

ErrorStats analyzeHierarchical(const HierarchicalPopcount& h, const ErrorOptions& options)
{
    detail::checkOptions(h.netlist, options);
    if (!treeIsExact(h))
        throw std::invalid_argument("the summing tree has approximate cells, so leaf errors do not simply add");
    ErrorOptions leafOptions = options;
    leafOptions.method = ErrorMethod::Exhaustive;
    leafOptions.conditional = true;
    std::map<std::string, std::pair<ErrorStats, int>> distinct; // key -> stats, leaf count
    std::vector<const ErrorStats*> perLeaf;
    uint64_t enumerated = 0;
    for (size_t i = 0; i < h.leaves.size(); ++i) {
        const Netlist leaf = leafNetlist(h, static_cast<int>(i));
        if (leaf.inputs > std::min(options.exhaustiveMaxInputs, kMaxExhaustiveInputs)
            || leaf.outputBits() > kMaxExhaustiveOutputBits)
            throw std::invalid_argument("leaf " + std::to_string(i) + " has " + std::to_string(leaf.inputs)
                                        + " inputs and " + std::to_string(leaf.outputBits())
                                        + " output bits; convolution enumerates leaves of at most "
                                        + std::to_string(std::min(options.exhaustiveMaxInputs, kMaxExhaustiveInputs))
                                        + " inputs and " + std::to_string(kMaxExhaustiveOutputBits) + " output bits");
        auto [it, added] = distinct.try_emplace(leafKey(leaf));
        if (added) {
            it->second.first = analyzeExhaustive(leaf, leafOptions);
            enumerated += it->second.first.samples;
        }
        ++it->second.second;
        perLeaf.push_back(&it->second.first);
    }

    ErrorStats stats;
    stats.p = options.p;
    Pmf total{0, {1.0}};
    for (const ErrorStats* leaf : perLeaf) {
        total = convolve(total, leaf->pmf);
        stats.minError += leaf->minError;
        stats.maxError += leaf->maxError;
    }
    std::map<int, double> pmf;
    for (size_t i = 0; i < total.p.size(); ++i)
        if (total.p[i] > 0.0)
            pmf[total.minError + static_cast<int>(i)] = total.p[i];
    detail::setMomentsFromPmf(stats, pmf);
    stats.wce = std::max(std::abs(stats.minError), std::abs(stats.maxError));
    stats.wceExact = true;
    stats.samples = enumerated;
    if (options.conditional) {
        Joint joint{0, 0, 0, {1.0}};
        for (size_t i = 0; i < h.leaves.size(); ++i)
            joint = convolve(joint, leafJoint(*perLeaf[i], h.leaves[i].width));
        const Joint& total = joint;
        for (int s = 0; s <= total.inputs; ++s) {
            ConditionalRow row;
            row.sum = s;
            for (int e = total.minError; e <= total.maxError; ++e)
                row.probabilityOfSum += total.at(s, e);
            if (row.probabilityOfSum <= 0.0)
                continue;
            for (int e = total.minError; e <= total.maxError; ++e)
                if (const double q = total.at(s, e); q > 0.0)
                    row.errors[e] = q / row.probabilityOfSum;
            stats.conditional.push_back(std::move(row));
        }
    }
    stats.method = ErrorMethod::Propagation;
    stats.precision = "exact: convolution of " + std::to_string(h.leaves.size()) + " leaves' error distributions ("
        + std::to_string(distinct.size()) + " distinct, each enumerated) through an exact summing tree";
    return stats;
}

ErrorStats analyzeHierarchicalErrors(const HierarchicalPopcount& h, const ErrorOptions& options)
{
    const Netlist& net = h.netlist;
    const bool small = net.inputs <= std::min(options.exhaustiveMaxInputs, kMaxExhaustiveInputs)
        && net.outputBits() <= kMaxExhaustiveOutputBits;
    if (options.method != ErrorMethod::Auto || small)
        return analyzeErrors(net, options);
    std::string why;
    try {
        return analyzeHierarchical(h, options);
    } catch (const std::invalid_argument& e) {
        why = e.what();
    }
    ErrorOptions mc = options;
    mc.method = ErrorMethod::MonteCarlo;
    ErrorStats stats = analyzeMonteCarlo(net, mc);
    stats.precision.append(" (convolution not used: ").append(why).append(")");
    return stats;
}

CircuitReport evaluateHierarchicalCircuit(const CircuitSpec& spec, const LeafSpec& leaf, const CellLibrary& library,
                                          HierarchicalPopcount* structure)
{
    if (!(spec.p >= 0.0 && spec.p <= 1.0))
        throw std::invalid_argument("p must be between 0 and 1");
    CircuitReport r;
    const HierarchicalPopcount h =
        makeHierarchicalPopcount(spec.inputs, leaf, spec.topology, spec.approx, library, &r.exact);
    r.spec = spec;
    r.spec.topology = h.netlist.topology;
    r.spec.error.p = spec.p;
    r.spec.cost.p = spec.p;
    r.librarySource = library.source();
    r.netlist = h.netlist;
    r.cost = computeCost(r.netlist, r.spec.cost);
    r.error = analyzeHierarchicalErrors(h, r.spec.error);
    if (structure)
        *structure = h;
    return r;
}

} // namespace axbnn
