// Setters of the exploration state and the routing of results to panels.
#include "state/exploration_state.h"

#include "state/circuit_evaluator.h"
#include "state/cost_sweep_evaluator.h"
#include "state/latency_trace.h"

#include "bnn/mitigation.h"

#include <algorithm>

namespace axbnn::gui {
namespace {

ApproxConfig knobsOnly(ApproxConfig approx)
{
    approx.extraCells.clear();
    approx.exactCells.clear();
    return approx;
}

void removeIndex(std::vector<int>& cells, int index)
{
    cells.erase(std::remove(cells.begin(), cells.end(), index), cells.end());
}

} // namespace

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
        imported_ = std::make_shared<const Netlist>(report->netlist);
        importedPath_ = QString::fromStdString(report->source);
        spec_.inputs = report->spec.inputs;
        spec_.approx = knobsOnly(spec_.approx); // cell indices of the built circuit mean nothing here
        report_ = report;
        Q_EMIT changed();
        Q_EMIT netlistChanged(importedPath_);
        Q_EMIT reportReady(report);
        evaluate(Accuracy);
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
        Q_EMIT layerCostsChanged(costs);
    });
    connect(models_, &ModelEvaluator::sweepReady, this, [this](auto sweep) {
        accuracySweep_ = sweep;
        Q_EMIT accuracySweepChanged(sweep);
    });
}

ExplorationState::~ExplorationState() = default;

Design ExplorationState::design() const
{
    Design d;
    d.inputs = spec_.inputs;
    d.unit.topology = spec_.topology;
    d.unit.approx = spec_.approx;
    d.unit.netlist = importedPath_.toStdString();
    d.p = fixedP_;
    d.pSource = statistic_ == InputStatistic::Measured ? PSource::Measured : PSource::Fixed;
    if (model_)
        d.model = model_->path;
    if (comparison_)
        d.comparison = comparison_->path;
    d.selectedLayer = selectedLayer_;
    d.mitigation = parseMitigation(mitigation_.toStdString());
    return d;
}

void ExplorationState::setDesign(const Design& d)
{
    const Design before = design();
    spec_.inputs = d.inputs;
    spec_.topology = d.unit.topology;
    spec_.approx = d.unit.approx;
    fixedP_ = d.p;
    spec_.p = d.p;
    statistic_ = d.pSource == PSource::Measured ? InputStatistic::Measured : InputStatistic::Fixed;
    mitigation_ = QString::fromUtf8(mitigationName(d.mitigation));
    if (model_ && model_->path == d.model && d.selectedLayer >= -1
        && d.selectedLayer < static_cast<int>(model_->model.layers.size()))
        selectedLayer_ = d.selectedLayer;
    const QString netlist = QString::fromStdString(d.unit.netlist);
    if (netlist.isEmpty())
        dropImport();
    else if (netlist != importedPath_)
        openNetlist(netlist); // in the background; a failure leaves the built circuit
    // N and the selected layer agree (an imported netlist keeps its N).
    if (model_ && selectedLayer_ >= 0 && netlist.isEmpty()
        && model_->model.layers[static_cast<size_t>(selectedLayer_)].fanIn() != spec_.inputs)
        selectedLayer_ = -1;
    applyMeasuredPWithoutCommit(); // the effective p, without a commit of its own
    if (design() == before && report_)
        return;
    commit(Report | Sweep | Accuracy | AccuracySweepOnly | LayerCostsOnly);
}

std::string ExplorationState::designHash(Aspect aspect) const
{
    const Model* model = model_ ? &model_->model : nullptr;
    if (model && fingerprint_.first != model)
        fingerprint_ = {model, modelFingerprint(*model)};
    return axbnn::designHash(design(), aspect, model, model ? &fingerprint_.second : nullptr);
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
        && report.spec.topology == spec_.topology && report.spec.p == spec_.p && a.lsbColumns == b.lsbColumns
        && a.levels == b.levels && a.faCell == b.faCell && a.haCell == b.haCell && a.extraCells == b.extraCells
        && a.exactCells == b.exactCells;
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
    if (model_)
        models_->evaluateLayerCosts(model_, spec_.topology, knobsOnly(spec_.approx), library_);
}
bool ExplorationState::isLoadingModel() const
{
    return models_->isLoading(ModelSlot::Main) || models_->isLoading(ModelSlot::Comparison);
}

void ExplorationState::setInputs(int inputs)
{
    if (inputs == spec_.inputs)
        return;
    // A knob of the built circuit: back to it (and to its accuracy).
    const bool wasImported = dropImport();
    const bool hadOverrides = !spec_.approx.extraCells.empty() || !spec_.approx.exactCells.empty();
    spec_.inputs = inputs;
    // N and the selected layer never disagree: a layer of another fan-in is deselected.
    if (model_ && selectedLayer_ >= 0 && model_->model.layers[static_cast<size_t>(selectedLayer_)].fanIn() != inputs) {
        const Layer& layer = model_->model.layers[static_cast<size_t>(selectedLayer_)];
        selectedLayer_ = -1;
        Q_EMIT note(tr("Layer %1 deselected: its fan-in is %2, N is now %3.")
                        .arg(QString::fromStdString(layer.name))
                        .arg(layer.fanIn())
                        .arg(inputs));
        applyMeasuredPWithoutCommit();
    }
    spec_.approx = knobsOnly(spec_.approx);
    commit(Report | AccuracySweepOnly | (hadOverrides || wasImported ? Accuracy : 0));
}

void ExplorationState::setTopology(Topology topology)
{
    if (topology == spec_.topology)
        return;
    dropImport(); // a knob of the built circuit: back to it
    spec_.topology = topology;
    spec_.approx = knobsOnly(spec_.approx);
    commit(Report | Sweep | Accuracy | AccuracySweepOnly);
}

void ExplorationState::setFaCell(const QString& cell)
{
    const std::string name = cell.toStdString();
    if (name == spec_.approx.faCell)
        return;
    dropImport(); // a knob of the built circuit: back to it
    spec_.approx.faCell = name;
    commit(Report | Sweep | Accuracy | AccuracySweepOnly);
}

void ExplorationState::setHaCell(const QString& cell)
{
    std::string name = cell.toStdString();
    if (name == "none")
        name.clear();
    if (name == spec_.approx.haCell)
        return;
    dropImport(); // a knob of the built circuit: back to it
    spec_.approx.haCell = name;
    commit(Report | Sweep | Accuracy | AccuracySweepOnly);
}

void ExplorationState::setLsbColumns(int columns)
{
    if (columns == spec_.approx.lsbColumns)
        return;
    dropImport(); // a knob of the built circuit: back to it
    spec_.approx.lsbColumns = columns;
    commit(Report | Sweep | Accuracy);
}

void ExplorationState::setLevels(int levels)
{
    if (levels == spec_.approx.levels)
        return;
    dropImport(); // a knob of the built circuit: back to it
    spec_.approx.levels = levels;
    commit(Report | Sweep | Accuracy);
}

void ExplorationState::setP(double p)
{
    if (p == fixedP_)
        return;
    fixedP_ = p;
    applyMeasuredP(); // the fixed p, unless a measured one is in use
}

void ExplorationState::setInputStatistic(InputStatistic statistic)
{
    if (statistic == statistic_)
        return;
    statistic_ = statistic;
    applyMeasuredP();
    Q_EMIT changed(); // the mode itself changed even when p did not
}

void ExplorationState::applyMeasuredPWithoutCommit()
{
    double p = fixedP_;
    if (statistic_ == InputStatistic::Measured && model_ && selectedLayer_ >= 0
        && static_cast<size_t>(selectedLayer_) < model_->xnorP.size() && model_->xnorP[selectedLayer_] >= 0.0)
        p = model_->xnorP[selectedLayer_];
    spec_.p = p;
}

void ExplorationState::applyMeasuredP()
{
    const double before = spec_.p;
    applyMeasuredPWithoutCommit();
    if (spec_.p != before)
        commit(Report);
}

void ExplorationState::setCellApproximate(int index, bool approximate)
{
    std::vector<int> extra = spec_.approx.extraCells, exact = spec_.approx.exactCells;
    removeIndex(extra, index);
    removeIndex(exact, index);
    (approximate ? extra : exact).push_back(index);
    setCellOverrides(std::move(extra), std::move(exact));
}

void ExplorationState::toggleCell(int cellId)
{
    // The knobs' selection depends only on a cell's column and level, which
    // the latest report's exact netlist holds when it is for this N and topology.
    if (!report_ || report_->spec.inputs != spec_.inputs || report_->spec.topology != spec_.topology || cellId < 0
        || cellId >= static_cast<int>(report_->exact.cells.size()))
        return;
    const ApproxConfig toggled = axbnn::toggleCell(report_->exact, cellId, spec_.approx);
    setCellOverrides(toggled.extraCells, toggled.exactCells);
}

void ExplorationState::setCellOverrides(std::vector<int> extraCells, std::vector<int> exactCells)
{
    std::sort(extraCells.begin(), extraCells.end());
    std::sort(exactCells.begin(), exactCells.end());
    if (extraCells == spec_.approx.extraCells && exactCells == spec_.approx.exactCells)
        return;
    spec_.approx.extraCells = std::move(extraCells);
    spec_.approx.exactCells = std::move(exactCells);
    commit(Report | Accuracy);
}

void ExplorationState::setMitigation(const QString& mode)
{
    if (mode == mitigation_)
        return;
    try {
        parseMitigation(mode.toStdString()); // sessions are checked on reading; menus offer only modes
    } catch (const std::invalid_argument& e) {
        qWarning("ExplorationState::setMitigation: %s", e.what());
        return;
    }
    mitigation_ = mode;
    commit(Accuracy | AccuracySweepOnly);
}

void ExplorationState::openModel(const QString& path, ModelSlot slot)
{
    models_->load(path, slot);
}

void ExplorationState::setModel(std::shared_ptr<const LoadedModel> model, ModelSlot slot)
{
    if (slot == ModelSlot::Comparison) {
        comparison_ = std::move(model);
        Q_EMIT modelChanged(slot);
        evaluate(AccuracySweepOnly);
        return;
    }
    model_ = std::move(model);
    selectedLayer_ = -1;
    layerCosts_.reset();
    accuracySweep_.reset();
    // The first layer with a popcount is the natural one to explore; selected
    // before modelChanged() so that its handlers may select another.
    int first = -1;
    if (model_)
        for (size_t i = 0; i < model_->model.layers.size() && first < 0; ++i)
            if (isApproximable(model_->model.layers[i]))
                first = static_cast<int>(i);
    if (first >= 0)
        selectLayer(first);
    Q_EMIT modelChanged(slot);
    evaluate(Accuracy | AccuracySweepOnly | LayerCostsOnly);
}

void ExplorationState::selectLayer(int layer)
{
    if (!model_ || layer < -1 || layer >= static_cast<int>(model_->model.layers.size()))
        return;
    if (layer == selectedLayer_)
        return;
    selectedLayer_ = layer;
    Q_EMIT changed();
    if (imported_) { // the imported circuit keeps its N; it counts for the layer if N fits
        applyMeasuredP();
        evaluate(Accuracy);
        return;
    }
    if (layer >= 0 && model_->model.layers[layer].fanIn() > 0
        && model_->model.layers[layer].kind != LayerKind::InputConv
        && model_->model.layers[layer].kind != LayerKind::MaxPool)
        setInputs(model_->model.layers[layer].fanIn());
    applyMeasuredP();
}

int ExplorationState::overrideLayer() const
{
    if (!model_ || selectedLayer_ < 0)
        return -1;
    return model_->model.layers[selectedLayer_].fanIn() == spec_.inputs ? selectedLayer_ : -1;
}

void ExplorationState::openNetlist(const QString& path)
{
    evaluator_->importNetlist(path, spec_);
}

bool ExplorationState::isImportingNetlist() const
{
    return evaluator_->isImporting();
}

bool ExplorationState::dropImport()
{
    if (!imported_)
        return false;
    imported_.reset();
    importedPath_.clear();
    Q_EMIT netlistChanged({});
    return true;
}

void ExplorationState::closeNetlist()
{
    if (!imported_)
        return;
    dropImport();
    commit(Report | Accuracy);
}

int ExplorationState::importedLayer() const
{
    if (!imported_ || !model_ || selectedLayer_ < 0)
        return -1;
    const Layer& layer = model_->model.layers[static_cast<size_t>(selectedLayer_)];
    return isApproximable(layer) && layer.fanIn() == imported_->inputs ? selectedLayer_ : -1;
}

QString ExplorationState::importedUse() const
{
    if (!imported_)
        return {};
    const QString circuit = tr("Imported circuit (%1 inputs)").arg(imported_->inputs);
    if (!model_)
        return tr("%1: open a model to use it in inference.").arg(circuit);
    if (selectedLayer_ < 0)
        return tr("%1: select a layer to use it as its popcount.").arg(circuit);
    const Layer& layer = model_->model.layers[static_cast<size_t>(selectedLayer_)];
    const QString name = QString::fromStdString(layer.name);
    if (importedLayer() >= 0)
        return tr("%1 is the popcount of layer %2 in the accuracy.").arg(circuit, name);
    return tr("%1 does not fit layer %2 (fan-in %3): the accuracy uses the built circuit.")
        .arg(circuit, name)
        .arg(layer.fanIn());
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
        models_->evaluateLayerCosts(model_, spec_.topology, knobsOnly(spec_.approx), library_);
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
