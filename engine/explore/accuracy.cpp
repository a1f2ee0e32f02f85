// Test accuracy of a model with the explored circuit, and the level sweep.
#include "explore/accuracy.h"

#include "bnn/inference.h"
#include "bnn/mitigation.h"
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

// Counts progress over several engine calls as one total.
class WorkCounter {
public:
    WorkCounter(const WorkProgress& progress, int total) : progress_(progress), total_(total) {}
    ProgressFn stage()
    {
        const int base = done_;
        return [this, base](int done, int) { return !progress_ || progress_(std::min(base + done, total_), total_); };
    }
    void advance(int units) { done_ += units; }

private:
    const WorkProgress& progress_;
    int total_;
    int done_ = 0;
};

int countCorrect(const std::vector<int>& predictions, const Dataset& data, int first)
{
    int correct = 0;
    for (size_t i = 0; i < predictions.size(); ++i)
        correct += predictions[i] == data.labels[first + i];
    return correct;
}

struct Datasets {
    std::shared_ptr<const Dataset> test, calibration;
};

Datasets resolve(const AccuracyRequest& r, bool needCalibration)
{
    Datasets d{r.test ? r.test : sharedDataset("fashion-mnist"), r.calibration};
    if (needCalibration && !d.calibration)
        d.calibration = sharedDataset("fashion-mnist:train");
    return d;
}

void requireModel(const AccuracyRequest& r)
{
    if (!r.model)
        throw std::invalid_argument("no model is loaded");
}

// Predictions of a configured engine for images [first, first + count).
int correctOf(const InferenceEngine& engine, const Dataset& data, int first, int count, WorkCounter& work)
{
    const int correct = countCorrect(engine.predict(data, first, count, work.stage()), data, first);
    work.advance(count);
    return correct;
}

InferenceEngine configuredEngine(const AccuracyRequest& r, const ApproxConfig& approx, const std::string& mitigation,
                                 const Datasets& data)
{
    const Model& model = r.model->model;
    InferenceConfig config = modelCircuitConfig(model, r.topology, approx, r.overrideLayer);
    if (r.imported && r.importedLayer >= 0 && static_cast<size_t>(r.importedLayer) < config.popcount.size())
        config.popcount[static_cast<size_t>(r.importedLayer)] =
            PopcountUnitConfig::makeImported(r.imported, r.importedPath);
    if (const Mitigation mode = parseMitigation(mitigation); mode != Mitigation::None)
        applyMitigation(mode, model, config, *data.calibration, r.calibrationImages);
    return InferenceEngine(model, std::move(config));
}

} // namespace

AccuracyResult computeAccuracy(const AccuracyRequest& request, const WorkProgress& progress,
                               const std::function<void(AccuracyResult)>& publish)
{
    requireModel(request);
    const Datasets data = resolve(request, request.mitigation != "none");
    const Dataset& test = *data.test;
    const int total = test.count;
    const int quick = std::clamp(request.quickImages, 0, total);
    WorkCounter work(progress, 2 * total);

    const InferenceEngine exact(request.model->model);
    const InferenceEngine approximate = configuredEngine(request, request.approx, request.mitigation, data);

    AccuracyResult result;
    result.mitigation = request.mitigation;
    // Quick pass first; the full pass then only adds the remaining images.
    for (const auto& [first, count] : {std::pair{0, quick}, std::pair{quick, total - quick}}) {
        if (count <= 0)
            continue;
        result.exactCorrect += correctOf(exact, test, first, count, work);
        result.correct += correctOf(approximate, test, first, count, work);
        result.images += count;
        result.complete = result.images == total;
        if (!result.complete && publish)
            publish(result);
    }
    return result;
}

AccuracySweep computeAccuracySweep(const LevelSweepRequest& request, const WorkProgress& progress)
{
    AccuracyRequest base = request.base;
    base.calibrationImages = request.calibrationImages;
    requireModel(base);
    const std::string mitigation =
        parseMitigation(base.mitigation) == Mitigation::None ? mitigationName(Mitigation::Bias) : base.mitigation;
    const Datasets data = resolve(base, true);
    const int images = std::clamp(request.images, 1, data.test->count);
    const CellLibrary library = request.library ? *request.library : CellLibrary::defaults();
    const Netlist exactNetlist = buildPopcount(request.inputs, base.topology, library);

    AccuracySweep sweep;
    sweep.inputs = request.inputs;
    sweep.images = images;
    sweep.mitigation = mitigation;
    sweep.hasComparison = request.comparison != nullptr;
    std::vector<std::pair<std::string, int>> configs;
    for (int l = 0; l <= request.maxLsb; ++l)
        configs.emplace_back("lsb", l);
    for (int l = 1; l <= request.maxLevels; ++l)
        configs.emplace_back("levels", l);
    const int runsPerPoint = sweep.hasComparison ? 3 : 2;
    WorkCounter work(progress, static_cast<int>(configs.size()) * runsPerPoint * images);

    CostOptions costOptions;
    costOptions.energyVectors = 128; // area only
    for (const auto& [knob, level] : configs) {
        ApproxConfig approx;
        approx.faCell = base.approx.faCell;
        approx.haCell = base.approx.haCell;
        (knob == "lsb" ? approx.lsbColumns : approx.levels) = level;
        LevelPoint point;
        point.knob = knob;
        point.level = level;
        point.areaUm2 = computeCost(applyApproximation(exactNetlist, library, approx), costOptions).areaUm2;
        const double n = images;
        point.accuracy = correctOf(configuredEngine(base, approx, "none", data), *data.test, 0, images, work) / n;
        point.mitigatedAccuracy =
            correctOf(configuredEngine(base, approx, mitigation, data), *data.test, 0, images, work) / n;
        if (request.comparison) {
            AccuracyRequest other = base;
            other.model = request.comparison;
            point.comparisonAccuracy =
                correctOf(configuredEngine(other, approx, "none", data), *data.test, 0, images, work) / n;
        }
        sweep.points.push_back(std::move(point));
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
