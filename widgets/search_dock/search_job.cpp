// Background search runs.
#include "search_dock/search_job.h"

namespace axbnn::gui {

SearchSnapshot searchSnapshot(const SearchProblem& pb, const std::vector<const Evaluated*>& front)
{
    SearchSnapshot s;
    s.evaluations = pb.evaluations();
    s.limit = pb.evaluationLimit();
    s.exactProxy = pb.exactProxyAccuracy();
    for (const Evaluated* e : front) {
        SearchFrontPoint p;
        p.order = e->order;
        p.cost = e->cost;
        p.proxy = e->proxy;
        p.test = e->test;
        p.mitigation = pb.space().mitigations[static_cast<size_t>(e->mitigation)];
        for (size_t i = 0; i < e->units.size(); ++i) {
            const LayerSpace& l = pb.space().layers[i];
            const int u = e->units[i];
            p.layers.push_back({l.layer, l.name, l.units[static_cast<size_t>(u)], l.exactUnit[static_cast<size_t>(u)],
                                unitSummary(l.units[static_cast<size_t>(u)], l.exactUnit[static_cast<size_t>(u)]),
                                pb.unitCost(static_cast<int>(i), u)});
        }
        p.layerConfig = searchLayerConfig(pb, *e).dump(2) + "\n";
        s.front.push_back(std::move(p));
    }
    return s;
}

SearchJob::SearchJob(QObject* parent)
    : QObject(parent), runner_(this,
                               {[this](std::shared_ptr<const SearchSnapshot> snapshot, bool final) {
                                    if (final)
                                        Q_EMIT finished(std::move(snapshot));
                                    else
                                        Q_EMIT frontChanged(std::move(snapshot));
                                },
                                [this](const QString& message) { Q_EMIT failed(message); },
                                [this](int done, int total) { Q_EMIT progress(done, total); },
                                [this](bool busy) { Q_EMIT runningChanged(busy); },
                                {}})
{}

SearchJob::~SearchJob()
{
    if (cancel_)
        cancel_->store(true);
}

void SearchJob::start(SearchRequest request, std::shared_ptr<EvaluationCache> cache)
{
    if (cancel_)
        cancel_->store(true);
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    runner_.submit([request = std::move(request), cache = std::move(cache),
                    cancel = cancel_](JobControl<SearchSnapshot>& control) {
        const SearchCommand& c = request.command;
        const auto model = std::shared_ptr<const Model>(request.model, &request.model->model);
        // The workbench's images (shared, loaded once per process) unless given.
        const auto test = request.test ? request.test : sharedDataset(c.setup.data);
        const auto calibration = request.calibration ? request.calibration : sharedDataset(c.setup.calibration);
        const std::unique_ptr<SearchSetup> setup = prepareSearch(
            c.setup, request.library ? *request.library : CellLibrary::defaults(), model, test, calibration);
        SearchOptions options;
        options.strategy = parseStrategy(c.strategy);
        options.objective = parseObjective(c.objective);
        options.budgetPoints = c.budget;
        options.seed = c.seed;
        options.limits.evaluations = c.evaluations;
        options.limits.seconds = c.timeLimit;
        options.limits.cancel = cancel.get();
        const SearchProblem* problem = nullptr;
        options.limits.progress = [&](const SearchProgress& p) {
            SearchSnapshot s = searchSnapshot(*problem, p.front);
            s.seconds = p.seconds;
            control.publish(std::move(s));
            // The runner's own cancel (a newer start) and ours both stop it.
            return control.progress(p.evaluations, p.limit) && !cancel->load();
        };
        SearchProblem pb(setup->space, *setup->costs, setup->data, options.objective, c.budget, options.limits,
                         cache.get());
        problem = &pb;
        const SearchResult r = runSearch(pb, options, *cache);
        SearchSnapshot s = searchSnapshot(pb, r.front);
        s.final = true;
        s.stop = r.stop;
        s.seconds = r.seconds;
        s.exactTest = r.exactTest;
        s.exactCost = r.exactCost;
        for (size_t i = 0; i < r.front.size(); ++i)
            if (r.front[i] == r.chosen)
                s.chosen = static_cast<int>(i);
        s.frontCsv = searchFrontCsv(pb, r); // also of a cancelled search: its front so far
        return s;
    });
}

void SearchJob::cancel()
{
    // Only our flag: the runner then still delivers the front found so far.
    if (cancel_)
        cancel_->store(true);
}

} // namespace axbnn::gui
