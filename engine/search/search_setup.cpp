// Building what a search works on (the shared part of `axbnn search` and the
// workbench's Search dock).
#include "search/search_setup.h"

#include "bnn/inference.h"
#include "explore/report_data.h"
#include "io/dataset.h"
#include "io/model_file.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace axbnn {

std::unique_ptr<SearchSetup> prepareSearch(const SearchSetupOptions& o, CellLibrary library,
                                           std::shared_ptr<const Model> model, std::shared_ptr<const Dataset> test,
                                           std::shared_ptr<const Dataset> calibration)
{
    auto s = std::make_unique<SearchSetup>();
    s->model = model ? std::move(model) : std::make_shared<const Model>(loadModel(o.model));
    s->library = std::move(library);
    SearchSpaceSpec spec = o.space.empty() ? SearchSpaceSpec{} : loadSearchSpace(o.space);
    if (!o.mitigations.empty())
        spec.mitigations = o.mitigations;
    s->space = buildSearchSpace(spec, *s->model, s->library, o.space.empty() ? "search space" : o.space);
    s->test = test ? std::move(test) : std::make_shared<const Dataset>(loadDataset(o.data, o.limit));
    s->calibration = calibration
        ? std::move(calibration)
        : std::make_shared<const Dataset>(loadDataset(o.calibration, o.calibrationLimit + o.proxyImages));
    if (s->calibration->count < o.calibrationLimit + o.proxyImages)
        throw std::invalid_argument(s->calibration->source + ": " + std::to_string(s->calibration->count)
                                    + " images; --calibration-limit " + std::to_string(o.calibrationLimit)
                                    + " plus --proxy-images " + std::to_string(o.proxyImages) + " are needed");
    // The layers' XNOR statistics, for the switching energy.
    std::vector<double> xnorP(s->model->layers.size(), -1.0);
    {
        const InferenceEngine exact(*s->model);
        const InferenceResult run =
            exact.run(*s->calibration, 0, std::min(s->calibration->count, kSearchStatImages), true);
        for (size_t i = 0; i < s->model->layers.size(); ++i)
            if (run.stats.layers[i].xnorInputs > 0)
                xnorP[i] = run.stats.layers[i].xnorOneFraction();
    }
    s->costs = std::make_unique<SearchCosts>(s->space, s->library, xnorP);
    SearchData& d = s->data;
    d.model = s->model.get();
    d.modelPath = o.model;
    d.proxy = s->calibration.get();
    d.proxySpec = o.calibration;
    d.proxyFirst = o.calibrationLimit;
    d.proxyCount = o.proxyImages;
    d.calibration = s->calibration.get();
    d.calibrationSpec = o.calibration;
    d.calibrationLimit = o.calibrationLimit;
    d.test = s->test.get();
    d.testSpec = o.data;
    d.testLimit = o.limit;
    d.library = &s->library;
    d.threads = o.threads;
    return s;
}

namespace {

std::string number(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

std::string libraryOptions(const SearchCommand& c)
{
    std::string t;
    if (!c.library.empty() && c.library != kBuiltInLibraries[0])
        t += " --library " + shellQuote(c.library);
    if (!c.cells.empty())
        t += " --cells " + shellQuote(c.cells);
    return t;
}

} // namespace

std::string searchCommandLine(const SearchCommand& c)
{
    const SearchSetupOptions& o = c.setup;
    std::string t = "axbnn search --model " + shellQuote(o.model) + " --budget " + number(c.budget) + " --objective "
        + c.objective + " --strategy " + c.strategy;
    if (!o.space.empty())
        t += " --space " + shellQuote(o.space);
    if (!o.mitigations.empty()) {
        t += " --mitigation ";
        for (size_t i = 0; i < o.mitigations.size(); ++i)
            t += std::string(i ? "," : "") + mitigationName(o.mitigations[i]);
    }
    t += " --data " + shellQuote(o.data);
    if (o.limit > 0)
        t += " --limit " + std::to_string(o.limit);
    t += " --calibration " + shellQuote(o.calibration) + " --calibration-limit " + std::to_string(o.calibrationLimit)
        + " --proxy-images " + std::to_string(o.proxyImages) + " --evaluations " + std::to_string(c.evaluations);
    if (c.timeLimit > 0)
        t += " --time-limit " + number(c.timeLimit);
    if (c.seed != 1)
        t += " --seed " + std::to_string(c.seed);
    t += libraryOptions(c) + " --out " + shellQuote(c.out);
    if (!c.front.empty())
        t += " --front " + shellQuote(c.front);
    return t;
}

std::string searchEvalCommandLine(const SearchCommand& c, Mitigation mitigation)
{
    const SearchSetupOptions& o = c.setup;
    std::string t = "axbnn eval --model " + shellQuote(o.model) + " --config " + shellQuote(c.out) + " --data "
        + shellQuote(o.data);
    if (o.limit > 0)
        t += " --limit " + std::to_string(o.limit);
    if (mitigation != Mitigation::None)
        t += std::string(" --mitigation ") + mitigationName(mitigation) + " --calibration " + shellQuote(o.calibration)
            + " --calibration-limit " + std::to_string(o.calibrationLimit);
    return t + libraryOptions(c);
}

} // namespace axbnn
