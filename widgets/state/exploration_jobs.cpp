// The exploration state's scheduler: which results a change makes stale
// (by design hash), the background jobs that recompute them and the routing
// of their results; and whether a result belongs to the design on screen.
#include "state/exploration_state.h"

#include "state/circuit_evaluator.h"
#include "state/cost_sweep_evaluator.h"
#include "state/latency_trace.h"

namespace axbnn::gui {

ExplorationState::ExplorationState(QObject* parent) : ExplorationState(CircuitSpec{}, CellLibrary::defaults(), parent)
{}

ExplorationState::ExplorationState(CircuitSpec initial, CellLibrary library, QObject* parent)
    : QObject(parent), library_(std::make_shared<const CellLibrary>(std::move(library))), spec_(std::move(initial)),
      fixedP_(spec_.p), evaluator_(new CircuitEvaluator(library_, this)),
      sweepEvaluator_(new CostSweepEvaluator(library_, this)), models_(new ModelEvaluator(this))
{
    connect(evaluator_, &CircuitEvaluator::busyChanged, this, &ExplorationState::busyChanged);
    connect(evaluator_, &CircuitEvaluator::reportReady, this, [this](auto report) {
        // A report of the other kind (built vs imported) was requested before
        // the switch and is stale now.
        if (QString::fromStdString(report->source) == importedPath_) {
            trace::mark("report delivered");
            report_ = report;
            Q_EMIT reportReady(report);
            trace::mark("report handlers done");
        }
        startWaitingWork();
    });
    connect(evaluator_, &CircuitEvaluator::failed, this, [this](const QString& message) {
        report_.reset();
        Q_EMIT failed(message);
        startWaitingWork();
    });

    connect(evaluator_, &CircuitEvaluator::netlistImported, this, [this](auto report) {
        const AspectHashes before = hashes();
        imported_ = std::make_shared<const Netlist>(report->netlist);
        importedPath_ = QString::fromStdString(report->source);
        spec_.inputs = report->spec.inputs;
        spec_.approx = knobsOnly(spec_.approx); // cell indices of the built circuit mean nothing here
        report_ = report;
        Q_EMIT changed();
        Q_EMIT netlistChanged(importedPath_);
        Q_EMIT reportReady(report);
        evaluate(affectedSince(before) & ~Report); // the import's report is this one
    });
    connect(evaluator_, &CircuitEvaluator::importFailed, this,
            [this](const QString& path, const QString& message) { Q_EMIT netlistLoadFailed(path, message); });

    connect(sweepEvaluator_, &CostSweepEvaluator::busyChanged, this, &ExplorationState::costSweepBusyChanged);
    connect(sweepEvaluator_, &CostSweepEvaluator::sweepReady, this, [this](auto sweep) {
        costSweep_ = sweep;
        Q_EMIT costSweepReady(sweep);
    });
    connect(sweepEvaluator_, &CostSweepEvaluator::failed, this, [this](const QString& message) {
        costSweep_.reset();
        Q_EMIT costSweepFailed(message);
    });

    connect(models_, &ModelEvaluator::modelLoaded, this, [this](auto model, ModelSlot slot) { setModel(model, slot); });
    connect(models_, &ModelEvaluator::modelLoadFailed, this,
            [this](const QString& path, const QString& message) { Q_EMIT modelLoadFailed(path, message); });
    connect(models_, &ModelEvaluator::accuracyReady, this, [this](auto result, bool final) {
        accuracy_ = result;
        accuracyFinal_ = final;
        Q_EMIT accuracyChanged(result, final);
    });
    connect(models_, &ModelEvaluator::layerCostsReady, this, [this](auto costs) {
        layerCosts_ = costs;
        layerCostsHash_ = layerCostsRequested_; // the newest request's (older ones are dropped)
        Q_EMIT layerCostsChanged(costs);
    });
    connect(models_, &ModelEvaluator::sweepReady, this, [this](auto sweep) {
        accuracySweep_ = sweep;
        Q_EMIT accuracySweepChanged(sweep);
    });
}

ExplorationState::~ExplorationState() = default;

std::string ExplorationState::designHash(Aspect aspect) const
{
    return hashOf(design(), aspect);
}

std::string ExplorationState::hashOf(const Design& d, Aspect aspect) const
{
    const Model* model = model_ ? &model_->model : nullptr;
    if (model && fingerprint_.first != model)
        fingerprint_ = {model, modelFingerprint(*model)};
    return axbnn::designHash(d, aspect, model, model ? &fingerprint_.second : nullptr);
}

ExplorationState::AspectHashes ExplorationState::hashes() const
{
    const Design d = design(); // once: every setter asks twice
    // The circuit report is of the effective p (measured or fixed) and of
    // the imported netlist when there is one.
    Design circuit = d;
    circuit.p = spec_.p;
    circuit.pSource = PSource::Fixed;
    return {hashOf(circuit, Aspect::Circuit), hashOf(d, Aspect::CostSweep), hashOf(d, Aspect::Accuracy),
            hashOf(d, Aspect::LevelSweep), hashOf(d, Aspect::LayerCosts)};
}

int ExplorationState::affectedSince(const AspectHashes& before) const
{
    const AspectHashes now = hashes();
    int affects = 0;
    if (now.circuit != before.circuit)
        affects |= Report;
    if (now.costSweep != before.costSweep)
        affects |= Sweep; // and the model's per-layer costs, which wait for it
    if (now.accuracy != before.accuracy)
        affects |= Accuracy;
    if (now.levelSweep != before.levelSweep)
        affects |= AccuracySweepOnly;
    if (now.layerCosts != before.layerCosts)
        affects |= LayerCostsOnly;
    return affects;
}

bool ExplorationState::layerCostsAreCurrent() const
{
    return layerCosts_ && layerCostsHash_ == designHash(Aspect::LayerCosts);
}

bool ExplorationState::isCurrent(const AccuracyResult& result) const
{
    return result.hash == designHash(Aspect::Accuracy);
}

bool ExplorationState::isCurrent(const AccuracySweep& sweep) const
{
    return sweep.hash == designHash(Aspect::LevelSweep);
}

std::string ExplorationState::hashOf(const CostSweep& sweep)
{
    Design d;
    d.unit.topology = sweep.topology;
    d.unit.approx = sweep.approx;
    return axbnn::designHash(d, Aspect::CostSweep);
}

bool ExplorationState::isCurrent(const CostSweep& sweep) const
{
    return hashOf(sweep) == designHash(Aspect::CostSweep);
}

bool ExplorationState::isCurrent(const CircuitReport& report) const
{
    const ApproxConfig &a = report.spec.approx, &b = spec_.approx;
    return report.source == importedPath_.toStdString() && report.spec.inputs == spec_.inputs
        && report.spec.topology == spec_.topology && report.spec.p == spec_.p && a == b;
}

bool ExplorationState::isBusy() const
{
    return evaluator_->isBusy();
}
bool ExplorationState::isCostSweepBusy() const
{
    return sweepWaiting_ || sweepEvaluator_->isBusy();
}

void ExplorationState::startWaitingSweep()
{
    // Only once the newest report is out (a stale one is never delivered, so
    // reportReady/failed while still busy cannot happen; checked anyway).
    if (!sweepWaiting_ || evaluator_->isBusy())
        return;
    sweepWaiting_ = false;
    trace::mark("sweep submitted");
    sweepEvaluator_->evaluate(spec_.topology, knobsOnly(spec_.approx));
    // The model's per-layer costs depend on the same knobs: they wait likewise.
    if (model_) {
        layerCostsRequested_ = designHash(Aspect::LayerCosts);
        models_->evaluateLayerCosts(model_, spec_.topology, knobsOnly(spec_.approx), library_, design().layers);
    }
}
bool ExplorationState::isLoadingModel() const
{
    return models_->isLoading(ModelSlot::Main) || models_->isLoading(ModelSlot::Comparison);
}

void ExplorationState::cancelAccuracy()
{
    models_->cancelAccuracy();
    models_->cancelSweep();
}

void ExplorationState::refresh()
{
    evaluate(Report | Sweep | Accuracy | AccuracySweepOnly);
}

void ExplorationState::commit(int affects)
{
    Q_EMIT changed();
    evaluate(affects);
}

void ExplorationState::evaluate(int affects)
{
    if (affects & Report) {
        if (imported_)
            evaluator_->evaluateNetlist(imported_, spec_, importedPath_);
        else
            evaluator_->evaluate(spec_);
    }
    if (affects & Sweep) {
        // The slider's report first: the sweep (for the newest knobs, whatever
        // changes in between) starts when the evaluator has delivered.
        sweepWaiting_ = true;
        if (!evaluator_->isBusy())
            startWaitingSweep();
    }
    if (!model_)
        return;
    if (affects & LayerCostsOnly && !(affects & Sweep)) // with Sweep: startWaitingSweep()
    {
        layerCostsRequested_ = designHash(Aspect::LayerCosts);
        models_->evaluateLayerCosts(model_, spec_.topology, knobsOnly(spec_.approx), library_, design().layers);
    }
    const int accuracy = affects & (Accuracy | AccuracySweepOnly);
    if (!accuracy)
        return;
    if (affects & Accuracy) { // never show a stale accuracy
        accuracy_.reset();
        accuracyFinal_ = false;
        Q_EMIT accuracyChanged(nullptr, false);
    }
    accuracyWaiting_ |= accuracy;
    if (evaluator_->isBusy()) {
        // The change's report first (inference on both cores would delay it):
        // stale accuracy work stops now, the newest starts once it is out.
        if (accuracy & Accuracy)
            models_->dropAccuracy();
        if (accuracy & AccuracySweepOnly)
            models_->dropSweep();
        return;
    }
    startWaitingAccuracy();
}

void ExplorationState::startWaitingWork()
{
    startWaitingSweep();
    startWaitingAccuracy();
}

void ExplorationState::startWaitingAccuracy()
{
    if (!model_)
        accuracyWaiting_ = 0;
    if (!accuracyWaiting_ || evaluator_->isBusy())
        return;
    const int affects = accuracyWaiting_;
    accuracyWaiting_ = 0;
    AccuracyRequest request;
    request.model = model_;
    request.design = design();
    if (imported_)
        request.netlists[importedPath_.toStdString()] = imported_;
    if (affects & Accuracy)
        models_->evaluateAccuracy(request);
    if (affects & AccuracySweepOnly) {
        LevelSweepRequest sweep;
        sweep.base = request;
        sweep.comparison = comparison_;
        sweep.library = library_;
        models_->evaluateSweep(std::move(sweep));
    }
}

} // namespace axbnn::gui
