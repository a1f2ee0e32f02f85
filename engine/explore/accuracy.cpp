// Test accuracy of a model with the explored circuit, and the level sweep.
#include "explore/accuracy.h"

#include "bnn/inference.h"
#include "bnn/mitigation.h"
#include "circuit/knobs.h"
#include "circuit/popcount_builder.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>

namespace axbnn {

std::shared_ptr<const Dataset> sharedDataset(const std::string& spec)
{
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const Dataset>> cache;
    const std::lock_guard lock(mutex); // a second caller waits rather than loading twice
    auto& slot = cache[spec];
    if (!slot)
        slot = std::make_shared<const Dataset>(loadDataset(spec));
    return slot;
}

namespace {

struct Datasets {
    std::shared_ptr<const Dataset> test, calibration;
};

Datasets resolve(const AccuracyRequest& r, bool needCalibration)
{
    Datasets d{r.test ? r.test : sharedDataset(r.design.data.dataset), r.calibration};
    if (needCalibration && !d.calibration)
        d.calibration = sharedDataset(r.design.data.calibration);
    return d;
}

void requireModel(const AccuracyRequest& r)
{
    if (!r.model)
        throw std::invalid_argument("no model is loaded");
}

// The same model with every popcount exact: the reference of a design.
Design exactDesign(const Design& design)
{
    Design exact;
    exact.model = design.model;
    exact.data = design.data;
    return exact;
}

EvaluateOptions evaluateOptions(const AccuracyRequest& r, const CellLibrary* library, const WorkProgress& progress,
                                int done, int total)
{
    EvaluateOptions o;
    o.cache = r.cache.get();
    o.library = library;
    o.netlists = &r.netlists;
    if (progress)
        o.progress = [&progress, done, total](int d, int) { return progress(std::min(done + d, total), total); };
    return o;
}

} // namespace

AccuracyResult computeAccuracy(const AccuracyRequest& request, const WorkProgress& progress,
                               const std::function<void(AccuracyResult)>& publish)
{
    requireModel(request);
    const Design& design = request.design;
    const Datasets data = resolve(request, design.mitigation != Mitigation::None);
    const Dataset& test = *data.test;
    const int total = evaluatedImages(design, test);
    const int quick = std::clamp(request.quickImages, 0, total);
    const Model& model = request.model->model;
    const Design exact = exactDesign(design);

    AccuracyResult result;
    result.hash = designHash(design, Aspect::Accuracy, &model);
    result.mitigation = mitigationName(design.mitigation);
    result.cached = true;
    // Quick pass first; the full pass then only adds the remaining images.
    int done = 0;
    for (const auto& [first, count] : {std::pair{0, quick}, std::pair{quick, total - quick}}) {
        if (count <= 0)
            continue;
        EvaluateOptions o = evaluateOptions(request, nullptr, progress, done, 2 * total);
        o.first = first;
        o.count = count;
        const Evaluation e = evaluate(model, exact, test, nullptr, o);
        done += count;
        o = evaluateOptions(request, nullptr, progress, done, 2 * total);
        o.first = first;
        o.count = count;
        const Evaluation a = evaluate(model, design, test, data.calibration.get(), o);
        done += count;
        result.exactCorrect += e.count.correct;
        result.correct += a.count.correct;
        result.images += count;
        result.cached = result.cached && e.cached && a.cached;
        result.complete = result.images == total;
        if (!result.complete && publish)
            publish(result);
    }
    return result;
}

AccuracySweep computeAccuracySweep(const LevelSweepRequest& request, const WorkProgress& progress)
{
    AccuracyRequest base = request.base;
    requireModel(base);
    Design design = base.design;
    if (design.mitigation == Mitigation::None)
        design.mitigation = kLevelSweepMitigation;
    design.data.calibrationLimit = request.calibrationImages;
    design.unit.approx = knobsOnly(design.unit.approx); // the level sweep is of the built circuit
    design.unit.netlist.clear();
    const Datasets data = resolve(base, true);
    const int images = std::clamp(request.images, 1, data.test->count);
    design.data.limit = images;
    const CellLibrary library = request.library ? *request.library : CellLibrary::defaults();
    const Netlist exactNetlist = buildPopcount(design.inputs, design.unit.topology, library);

    AccuracySweep sweep;
    sweep.hash = designHash(base.design, Aspect::LevelSweep, &request.base.model->model);
    sweep.inputs = design.inputs;
    sweep.images = images;
    sweep.mitigation = mitigationName(design.mitigation);
    sweep.hasComparison = request.comparison != nullptr;
    std::vector<std::pair<Knob, int>> configs;
    for (int l = 0; l <= request.maxLsb; ++l)
        configs.emplace_back(Knob::LsbColumns, l);
    for (int l = 1; l <= request.maxLevels; ++l)
        configs.emplace_back(Knob::Levels, l);
    const int runsPerPoint = sweep.hasComparison ? 3 : 2;
    const int total = static_cast<int>(configs.size()) * runsPerPoint * images;

    CostOptions costOptions;
    costOptions.energyVectors = 128; // area only
    int done = 0;
    const auto accuracyOf = [&](const Model& model, const Design& d) {
        const EvaluateOptions o = evaluateOptions(base, nullptr, progress, done, total);
        const double accuracy = evaluate(model, d, *data.test, data.calibration.get(), o).count.accuracy();
        done += images;
        return accuracy;
    };
    for (const auto& [knob, level] : configs) {
        Design point = design;
        point.unit.approx.lsbColumns = 0;
        point.unit.approx.levels = 0;
        point.unit.approx.pairs = 0;
        point.unit.approx.compressorColumns = 0;
        setKnob(point.unit.approx, knob, level);
        LevelPoint result;
        result.knob = knob;
        result.level = level;
        result.areaUm2 = computeCost(applyApproximation(exactNetlist, library, point.unit.approx), costOptions).areaUm2;
        Design plain = point;
        plain.mitigation = Mitigation::None;
        result.accuracy = accuracyOf(request.base.model->model, plain);
        result.mitigatedAccuracy = accuracyOf(request.base.model->model, point);
        if (request.comparison) {
            plain.model = request.comparison->path;
            result.comparisonAccuracy = accuracyOf(request.comparison->model, plain);
        }
        sweep.points.push_back(std::move(result));
    }
    return sweep;
}

std::vector<int> levelParetoFront(const std::vector<LevelPoint>& points)
{
    std::vector<int> order(points.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<int>(i);
    // By area ascending, ties by accuracy descending; keep strictly improving accuracy.
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        if (points[a].areaUm2 != points[b].areaUm2)
            return points[a].areaUm2 < points[b].areaUm2;
        return points[a].accuracy > points[b].accuracy;
    });
    std::vector<int> front;
    double best = -1.0;
    for (const int i : order)
        if (points[i].accuracy > best) {
            front.push_back(i);
            best = points[i].accuracy;
        }
    return front;
}

} // namespace axbnn
