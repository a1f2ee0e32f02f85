// One sweep point: circuit report, then accuracy through the inference engine.
#include "sweep/sweep_evaluator.h"

#include "explore/evaluate.h"

#include "analysis/circuit_report.h"
#include "bnn/inference.h"
#include "bnn/mitigation.h"

#include <algorithm>
#include <stdexcept>

namespace axbnn {
namespace {

ApproxConfig approxOf(const SweepPoint& p)
{
    ApproxConfig a;
    setKnob(a, p.knob, p.level);
    a.faCell = p.cells.fa;
    a.haCell = p.cells.ha;
    return a;
}

SweepValue optionalInt(int v)
{
    return v > 0 ? SweepValue(int64_t{v}) : SweepValue(std::monostate{});
}

} // namespace

SweepEvaluator::SweepEvaluator(const SweepSpec& spec, const std::vector<SweepPoint>& pending,
                               const std::atomic<bool>* cancel, EvaluationCache* cache)
    : spec_(spec), cancel_(cancel), cache_(cache)
{
    bool model = false, mitigation = false;
    for (const SweepPoint& p : pending) {
        model = model || spec.workloads[p.workload].hasModel();
        mitigation = mitigation || (p.mitigation != Mitigation::None && p.level > 0);
    }
    if (model)
        data_ = loadDataset(spec.data.datasetPath);
    if (mitigation)
        calibration_ = loadDataset(spec.data.calibrationPath);
}

int SweepEvaluator::imageCount() const
{
    return spec_.data.limit > 0 ? std::min(spec_.data.limit, data_->count) : data_->count;
}

double SweepEvaluator::cachedAccuracy(const std::string& key, bool exact, const std::function<double()>& compute)
{
    std::promise<double> promise;
    std::shared_future<double> future;
    bool mine = false;
    {
        const std::lock_guard lock(mutex_);
        auto it = accuracy_.find(key);
        if (it == accuracy_.end()) {
            future = promise.get_future().share();
            accuracy_.emplace(key, future);
            mine = true;
        } else {
            future = it->second;
        }
    }
    if (mine) {
        try {
            promise.set_value(compute());
            ++(exact ? exactRuns_ : approxRuns_);
        } catch (...) {
            promise.set_exception(std::current_exception());
            const std::lock_guard lock(mutex_); // a cancelled run may be retried later
            accuracy_.erase(key);
        }
    }
    return future.get();
}

double SweepEvaluator::accuracy(const SweepPoint& point)
{
    const SweepWorkload& w = spec_.workloads[point.workload];
    Design design;
    design.model = w.model;
    design.unit.topology = point.topology;
    design.unit.approx = approxOf(point);
    design.mitigation = point.mitigation;
    design.data.dataset = spec_.data.dataset;
    design.data.limit = spec_.data.limit;
    design.data.calibration = spec_.data.calibration;
    design.data.calibrationLimit = spec_.data.calibrationLimit;
    EvaluateOptions options;
    options.threads = 1; // the sweep runs points in parallel
    options.cache = cache_;
    options.progress = [this](int, int) { return !(cancel_ && cancel_->load()); };
    if (!spec_.cellLibrary.empty())
        options.library = &spec_.library;
    const bool exact = point.level == 0;
    if (exact) // the exact circuit: mitigation has nothing to correct
        design.mitigation = Mitigation::None;
    return cachedAccuracy(designHash(design, Aspect::Accuracy, w.loaded.get()), exact, [&] {
        const Dataset* calibration = calibration_ ? &*calibration_ : nullptr;
        return axbnn::evaluate(*w.loaded, design, *data_, calibration, options).count.accuracy();
    });
}

SweepRow SweepEvaluator::evaluate(const SweepPoint& point, int sweepPoints)
{
    const SweepWorkload& w = spec_.workloads[point.workload];
    SweepRow row(ColCount);
    try {
        CircuitSpec cs;
        cs.inputs = w.inputs;
        cs.topology = point.topology;
        cs.approx = approxOf(point);
        cs.p = point.p;
        cs.error = spec_.error;
        cs.cost.seed = spec_.error.seed; // as `axbnn circuit --seed`
        const CircuitReport r = evaluateCircuit(cs, spec_.library);
        row[ColCells] = int64_t{r.cost.cells};
        row[ColApproximateCells] = int64_t{r.cost.approximateCells};
        row[ColArea] = r.cost.areaUm2;
        row[ColTransistors] = int64_t{r.cost.transistors};
        row[ColDelay] = r.cost.delayPs;
        row[ColEnergy] = r.cost.energyFj;
        row[ColOutputBits] = int64_t{r.cost.outputBits};
        row[ColErrorMethod] = errorMethodName(r.error.method);
        row[ColErrorRate] = r.error.errorRate;
        row[ColMeanError] = r.error.meanError;
        row[ColMae] = r.error.mae;
        row[ColMse] = r.error.mse;
        row[ColWce] = int64_t{r.error.wce};
        row[ColErrorRateCi] = r.error.errorRateCi;
        row[ColMaeCi] = r.error.maeCi;
        if (w.hasModel()) {
            SweepPoint exactPoint;
            exactPoint.workload = point.workload; // level 0: the exact circuit
            const double exact = accuracy(exactPoint);
            const double approx = accuracy(point);
            row[ColImages] = int64_t{imageCount()};
            row[ColExactAccuracy] = exact;
            row[ColAccuracy] = approx;
            row[ColAccuracyLoss] = exact - approx;
        }
    } catch (const InferenceCancelled&) {
        throw;
    } catch (const std::exception& e) {
        throw std::invalid_argument("point " + std::to_string(point.index) + " (" + point.key + "): " + e.what());
    }
    row[ColPoint] = int64_t{point.index};
    row[ColPointId] = point.id;
    row[ColInputs] = int64_t{w.inputs};
    row[ColKernel] = optionalInt(w.kernel);
    row[ColChannels] = optionalInt(w.channels);
    row[ColModel] = w.model;
    row[ColLayer] = w.layer;
    row[ColTopology] = topologyName(point.topology);
    row[ColFaCell] = point.cells.fa;
    row[ColHaCell] = point.cells.ha;
    row[ColKnob] = knobName(point.knob);
    row[ColLevel] = int64_t{point.level};
    row[ColMitigation] = std::string(mitigationName(point.mitigation));
    row[ColP] = point.p;
    row[ColSpecHash] = spec_.hash;
    row[ColSweepPoints] = int64_t{sweepPoints};
    return row;
}

} // namespace axbnn
