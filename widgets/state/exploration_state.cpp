// The exploration state as a value: the design on screen, its setters and
// the model and netlist it refers to. Per-layer designs:
// exploration_design.cpp; scheduling: exploration_jobs.cpp.
#include "state/exploration_state.h"

#include "state/circuit_evaluator.h"
#include "state/cost_sweep_evaluator.h"
#include "state/latency_trace.h"

#include "bnn/mitigation.h"

#include <algorithm>

namespace axbnn::gui {
namespace {

void removeIndex(std::vector<int>& cells, int index)
{
    cells.erase(std::remove(cells.begin(), cells.end(), index), cells.end());
}

} // namespace

void ExplorationState::setInputs(int inputs)
{
    if (inputs == spec_.inputs)
        return;
    const AspectHashes before = hashes();
    keepExploredUnit(); // the selected layer's explicit unit keeps what the controls set
    dropImport(); // a knob of the built circuit: back to it (and to its accuracy)
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
    commit(affectedSince(before));
}

void ExplorationState::setTopology(Topology topology)
{
    if (topology == spec_.topology)
        return;
    const AspectHashes before = hashes();
    dropImport(); // a knob of the built circuit: back to it
    spec_.topology = topology;
    spec_.approx = knobsOnly(spec_.approx);
    if (topology != Topology::Wallace && topology != Topology::Dadda)
        spec_.approx.compressorColumns = 0; // only compressor trees take them
    commit(affectedSince(before));
}

void ExplorationState::setFaCell(const QString& cell)
{
    const std::string name = cell.toStdString();
    if (name == spec_.approx.faCell)
        return;
    const AspectHashes before = hashes();
    dropImport(); // a knob of the built circuit: back to it
    spec_.approx.faCell = name;
    commit(affectedSince(before));
}

namespace {

// Sets or clears (cell "") one entry of a column / level cell map; false if nothing changes.
bool setMapped(CellMap& cells, int key, const QString& cell)
{
    if (cell.isEmpty())
        return cells.erase(key) > 0;
    const std::string name = cell.toStdString();
    auto [it, added] = cells.emplace(key, name);
    if (!added && it->second == name)
        return false;
    it->second = name;
    return true;
}

} // namespace

void ExplorationState::setColumnCell(int column, const QString& cell)
{
    setMappedCell(&ApproxConfig::columnCells, column, cell);
}

void ExplorationState::setLevelCell(int level, const QString& cell)
{
    setMappedCell(&ApproxConfig::levelCells, level, cell);
}

void ExplorationState::setMappedCell(CellMap ApproxConfig::*map, int key, const QString& cell)
{
    CellMap cells = spec_.approx.*map;
    if (key < 0 || !setMapped(cells, key, cell))
        return;
    const AspectHashes before = hashes();
    dropImport(); // a knob of the built circuit: back to it
    spec_.approx.*map = std::move(cells);
    commit(affectedSince(before));
}

void ExplorationState::setHaCell(const QString& cell)
{
    std::string name = cell.toStdString();
    if (name == "none")
        name.clear();
    if (name == spec_.approx.haCell)
        return;
    const AspectHashes before = hashes();
    dropImport(); // a knob of the built circuit: back to it
    spec_.approx.haCell = name;
    commit(affectedSince(before));
}

void ExplorationState::setLsbColumns(int columns)
{
    if (columns == spec_.approx.lsbColumns)
        return;
    const AspectHashes before = hashes();
    dropImport(); // a knob of the built circuit: back to it
    spec_.approx.lsbColumns = columns;
    commit(affectedSince(before));
}

void ExplorationState::setLevels(int levels)
{
    if (levels == spec_.approx.levels)
        return;
    const AspectHashes before = hashes();
    dropImport(); // a knob of the built circuit: back to it
    spec_.approx.levels = levels;
    commit(affectedSince(before));
}

void ExplorationState::setStructuralKnob(int ApproxConfig::*knob, int value)
{
    if (value == spec_.approx.*knob || value < 0)
        return;
    const AspectHashes before = hashes();
    dropImport(); // a knob of the built circuit: back to it
    spec_.approx = knobsOnly(spec_.approx); // hand picks index the old structure
    spec_.approx.*knob = value;
    commit(affectedSince(before));
}

void ExplorationState::setPairs(int pairs)
{
    setStructuralKnob(&ApproxConfig::pairs, pairs);
}

void ExplorationState::setCompressorColumns(int columns)
{
    setStructuralKnob(&ApproxConfig::compressorColumns, columns);
}

void ExplorationState::setCompressor(const QString& name)
{
    const std::string compressor = name.toStdString();
    if (compressor == spec_.approx.compressor)
        return;
    const AspectHashes before = hashes();
    dropImport();
    spec_.approx = knobsOnly(spec_.approx);
    spec_.approx.compressor = compressor;
    commit(affectedSince(before));
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
    const AspectHashes before = hashes();
    applyMeasuredPWithoutCommit();
    if (const int affects = affectedSince(before))
        commit(affects);
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
    const AspectHashes before = hashes();
    spec_.approx.extraCells = std::move(extraCells);
    spec_.approx.exactCells = std::move(exactCells);
    commit(affectedSince(before));
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
    const AspectHashes before = hashes();
    mitigation_ = mode;
    commit(affectedSince(before));
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
    layers_.clear(); // layer indices of another model
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
    const AspectHashes before = hashes();
    dropImport();
    commit(affectedSince(before));
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

} // namespace axbnn::gui
