// The exploration state's per-layer design: the whole Design (each layer's
// unit, the one on screen included), loading one, and which layer's unit the
// controls edit when a layer is selected.
#include "state/exploration_state.h"

#include <algorithm>

namespace axbnn::gui {
namespace {

// Whether the controls can show a layer's explicit unit as the explored
// circuit (a unit width or an imported netlist they cannot).
bool controlsShow(const UnitDesign& unit)
{
    return unit.netlist.empty() && unit.unitWidth == 0;
}

} // namespace

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
    d.layers = layers_;
    if (model_) // the explored layer counts with the explored circuit (d.unit)
        if (const auto it = d.layers.find(exploredLayer(d, model_->model));
            it != d.layers.end() && controlsShow(it->second))
            d.layers.erase(it);
    return d;
}

UnitDesign ExplorationState::exploredUnit(const UnitDesign& base) const
{
    UnitDesign u;
    u.topology = spec_.topology;
    u.approx = spec_.approx;
    u.netlist = importedPath_.toStdString();
    u.unitWidth = u.netlist.empty() ? base.unitWidth : 0;
    return u;
}

std::map<int, UnitDesign> ExplorationState::layerUnits() const
{
    std::map<int, UnitDesign> units = layers_;
    if (model_) {
        Design d; // exploredLayer() reads N and the selected layer
        d.inputs = spec_.inputs;
        d.selectedLayer = selectedLayer_;
        if (const auto it = units.find(exploredLayer(d, model_->model)); it != units.end() && controlsShow(it->second))
            it->second = exploredUnit(it->second);
    }
    return units;
}

void ExplorationState::keepExploredUnit()
{
    layers_ = layerUnits();
}

void ExplorationState::loadExploredUnit()
{
    if (!model_ || selectedLayer_ < 0 || !importedPath_.isEmpty()
        || !isApproximable(model_->model.layers[static_cast<size_t>(selectedLayer_)]))
        return;
    const auto it = layers_.find(selectedLayer_);
    if (it == layers_.end() || !controlsShow(it->second))
        return;
    spec_.inputs = model_->model.layers[static_cast<size_t>(selectedLayer_)].fanIn();
    spec_.topology = it->second.topology;
    spec_.approx = it->second.circuit ? it->second.approx : ApproxConfig{};
}

void ExplorationState::setSearchReport(std::shared_ptr<const ReportSearch> section)
{
    searchReport_ = std::move(section);
    searchReportKey_ = countingKey();
}

std::shared_ptr<const ReportSearch> ExplorationState::searchReport() const
{
    return searchReport_ && searchReportKey_ == countingKey() ? searchReport_ : nullptr;
}

std::string ExplorationState::countingKey() const
{
    if (!model_)
        return {};
    nlohmann::json key = nlohmann::json::array();
    for (const auto& unit : modelUnits(design(), model_->model))
        key.push_back(unit && !unit->isExact() ? unitDesignJson(*unit) : nlohmann::json());
    key.push_back(mitigation_.toStdString());
    return key.dump();
}

void ExplorationState::clearLayerUnits()
{
    if (layers_.empty())
        return;
    const AspectHashes before = hashes();
    layers_.clear();
    commit(affectedSince(before));
}

void ExplorationState::setDesign(const Design& d)
{
    const Design before = design();
    const AspectHashes hashesBefore = hashes();
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
    layers_ = d.layers;
    const QString netlist = QString::fromStdString(d.unit.netlist);
    if (netlist.isEmpty()) {
        dropImport();
        loadExploredUnit(); // an explicit unit of the selected layer wins, as in inference
    } else if (netlist != importedPath_)
        openNetlist(netlist); // in the background; a failure leaves the built circuit
    // N and the selected layer agree (an imported netlist keeps its N).
    if (model_ && selectedLayer_ >= 0 && netlist.isEmpty()
        && model_->model.layers[static_cast<size_t>(selectedLayer_)].fanIn() != spec_.inputs)
        selectedLayer_ = -1;
    // A per-layer design saved by the workbench leaves the selected layer's
    // unit to the explored circuit: it is that layer's explicit unit again.
    if (!layers_.empty() && netlist.isEmpty() && model_ && selectedLayer_ >= 0
        && isApproximable(model_->model.layers[static_cast<size_t>(selectedLayer_)]))
        layers_.try_emplace(selectedLayer_, exploredUnit());
    applyMeasuredPWithoutCommit(); // the effective p, without a commit of its own
    int affects = affectedSince(hashesBefore);
    if (!report_) // nothing computed yet: everything
        affects |= Report | Sweep | Accuracy | AccuracySweepOnly;
    if (!affects && design() == before)
        return;
    commit(affects);
}

void ExplorationState::selectLayer(int layer)
{
    if (!model_ || layer < -1 || layer >= static_cast<int>(model_->model.layers.size()))
        return;
    if (layer == selectedLayer_)
        return;
    keepExploredUnit();
    if (!imported_ && layer >= 0 && layers_.count(layer) && controlsShow(layers_.at(layer))
        && isApproximable(model_->model.layers[static_cast<size_t>(layer)])) { // its unit becomes the explored circuit
        const AspectHashes before = hashes();
        selectedLayer_ = layer;
        loadExploredUnit();
        applyMeasuredPWithoutCommit();
        commit(affectedSince(before));
        return;
    }
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

} // namespace axbnn::gui
