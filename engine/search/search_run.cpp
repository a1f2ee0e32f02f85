// Strategy, verification and outputs of a search.
#include "search/search_run.h"

#include "bnn/error_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace axbnn {
namespace {

// Two standard errors of the proxy's accuracy, in points: front points
// within budget + this margin on the proxy are worth verifying.
double proxyMargin(const SearchProblem& pb)
{
    const double p = pb.exactProxyAccuracy();
    const double n = std::max(1, pb.data().proxyCount);
    return 200.0 * std::sqrt(std::max(p * (1 - p), 1e-4) / n);
}

std::string csvField(const std::string& s)
{
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string q = "\"";
    for (char c : s)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

} // namespace

SearchResult runSearch(SearchProblem& pb, const SearchOptions& options, EvaluationCache& cache)
{
    const auto start = std::chrono::steady_clock::now();
    SearchResult r;
    pb.setJournal(options.journal);
    makeStrategy(options.strategy)->run(pb, options.seed);
    r.stop = pb.stopped();
    r.evaluations = pb.evaluations();
    r.front = pb.front();
    r.exactCost = pb.costOf(exactStart(pb.space()));
    if (r.stop == SearchStop::Cancelled) {
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return r;
    }
    r.exactTest = pb.testAccuracy(pb.designOf({}, -1));
    const double allowed = pb.budgetPoints() / 100.0;
    const double margin = proxyMargin(pb) / 100.0;
    for (const Evaluated* e : r.front) {
        if (static_cast<int>(r.verified.size()) >= options.verify)
            break;
        if (pb.exactProxyAccuracy() - e->proxy.accuracy() > allowed + margin)
            continue;
        VerifiedPoint v{e, pb.testAccuracy(pb.designOf(e->units, e->mitigation)), false};
        const double exactCorrect = r.exactTest.accuracy() * v.test.images;
        v.meetsBudget = exactCorrect - v.test.correct <= allowed * v.test.images + 1e-9;
        pb.setTest(e->order, v.test); // the archive entry shows what was measured
        r.verified.push_back(v);
        if (v.meetsBudget) {
            r.chosen = e;
            r.chosenTest = v.test;
            break;
        }
    }
    if (!options.journal.empty())
        cache.save(options.journal);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

std::vector<LayerSensitivity> layerSensitivity(const SearchProblem& pb)
{
    const std::vector<int> exact = pb.unitsOf(exactStart(pb.space()));
    std::vector<LayerSensitivity> out(exact.size());
    for (const Evaluated& e : pb.archive()) {
        if (e.mitigation != 0)
            continue;
        int differing = -1, count = 0;
        for (size_t i = 0; i < exact.size(); ++i)
            if (e.units[i] != exact[i]) {
                differing = static_cast<int>(i);
                ++count;
            }
        if (count != 1)
            continue;
        LayerSensitivity& s = out[static_cast<size_t>(differing)];
        ++s.measured;
        if (!s.worst || e.proxy.correct < s.worst->proxy.correct)
            s.worst = &e;
        if (pb.meetsBudget(e)) {
            ++s.withinBudget;
            if (!s.bestSaving || pb.cost(e) < pb.cost(*s.bestSaving))
                s.bestSaving = &e;
        }
    }
    return out;
}

nlohmann::json searchLayerConfig(const SearchProblem& pb, const Evaluated& e)
{
    nlohmann::json layers = nlohmann::json::object();
    for (size_t i = 0; i < e.units.size(); ++i) {
        const LayerSpace& l = pb.space().layers[i];
        const UnitDesign& u = l.units[static_cast<size_t>(e.units[i])];
        layers[l.name] = unitConfigJson(PopcountUnitConfig::makeCircuit(u.topology, u.approx, u.unitWidth));
    }
    return {{"layers", layers}};
}

std::string searchFrontCsv(const SearchProblem& pb, const SearchResult& r)
{
    std::ostringstream out;
    out << "order";
    for (const ObjectiveInfo& o : objectiveTable())
        out << "," << o.column;
    out << ",proxy_accuracy,test_accuracy,mitigation";
    for (const LayerSpace& l : pb.space().layers)
        out << "," << csvField(l.name);
    out << "\n";
    char buf[64];
    for (const Evaluated* e : r.front) {
        out << e->order;
        for (const ObjectiveInfo& o : objectiveTable()) {
            std::snprintf(buf, sizeof buf, "%.6g", e->cost.of(o.objective));
            out << "," << buf;
        }
        std::snprintf(buf, sizeof buf, "%.6f", e->proxy.accuracy());
        out << "," << buf << ",";
        if (e->test) {
            std::snprintf(buf, sizeof buf, "%.6f", e->test->accuracy());
            out << buf;
        }
        out << "," << mitigationName(pb.space().mitigations[static_cast<size_t>(e->mitigation)]);
        for (size_t i = 0; i < e->units.size(); ++i) {
            const LayerSpace& l = pb.space().layers[i];
            out << "," << csvField(unitSummary(l.units[e->units[i]], l.exactUnit[e->units[i]]));
        }
        out << "\n";
    }
    return out.str();
}

double searchHypervolume(const SearchProblem& pb, const std::vector<const Evaluated*>& front, double refCost,
                         double refAcc)
{
    std::vector<std::pair<double, double>> pts;
    for (const Evaluated* e : front)
        pts.emplace_back(pb.cost(*e), e->proxy.accuracy());
    std::sort(pts.begin(), pts.end());
    double area = 0.0, best = refAcc;
    for (const auto& [c, a] : pts)
        if (c < refCost && a > best) {
            area += (refCost - c) * (a - best);
            best = a;
        }
    return refCost > 0 ? area / refCost : 0.0;
}

} // namespace axbnn
