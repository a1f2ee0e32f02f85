// The one exploration state of the workbench: the circuit being explored, the
// loaded models and the latest results computed for them. Panels read and
// change only this.
#pragma once

#include "explore/accuracy.h"
#include "explore/cost_sweep.h"
#include "state/model_evaluator.h"

#include "analysis/circuit_report.h"
#include "circuit/cell_library.h"
#include "explore/design.h"
#include "explore/report_data.h"

#include <QObject>
#include <QString>

#include <map>
#include <memory>

namespace axbnn::gui {

class CircuitEvaluator;
class CostSweepEvaluator;

// Where the popcount's input statistic p comes from.
enum class InputStatistic {
    Fixed, // the p the user set
    Measured, // the selected layer's measured P(XNOR = 1) on the model's data
};

// Every setter emits changed() only when the value really changes, then asks
// for fresh results: the circuit report always, the cost sweep when the
// topology or approximation changed, accuracy and the accuracy sweep when
// something they depend on changed and a model is loaded. Results arrive
// later through the *Ready signals; engine errors through the *Failed
// signals with the engine's message.
class ExplorationState : public QObject {
    Q_OBJECT

public:
    // Starts from the default spec and the SKY130 default cells. Nothing is
    // computed before the first refresh().
    explicit ExplorationState(QObject* parent = nullptr);
    ExplorationState(CircuitSpec initial, CellLibrary library, QObject* parent = nullptr);
    ~ExplorationState() override;

    // The design on screen (explore/design.h): every result this state
    // delivers carries the hash of the design it was computed for.
    Design design() const;
    // Applies a whole design in one step (one changed(), one round of
    // work): N, topology, cells (FA and HA), knobs, hand-picked cells, p
    // and its source, mitigation, the selected layer (when the main model
    // is the design's) and the imported netlist (read in the background).
    // Models are not loaded here (applySession() does).
    void setDesign(const Design& design);
    std::string designHash(Aspect aspect) const;
    // Whether a delivered result belongs to the design on screen.
    bool isCurrent(const AccuracyResult& result) const;
    bool isCurrent(const AccuracySweep& sweep) const;
    bool isCurrent(const CostSweep& sweep) const;
    bool isCurrent(const CircuitReport& report) const;
    static std::string hashOf(const CostSweep& sweep);
    // Whether the per-layer costs are of the current topology, cells and knobs.
    bool layerCostsAreCurrent() const;

    // spec().p is the effective p (measured when inputStatistic() is Measured
    // and the selected layer has statistics).
    const CircuitSpec& spec() const { return spec_; }
    double fixedP() const { return fixedP_; }
    const CellLibrary& library() const { return *library_; }
    std::shared_ptr<const CellLibrary> sharedLibrary() const { return library_; }
    // Latest delivered results, null before the first one or after a failure.
    std::shared_ptr<const CircuitReport> report() const { return report_; }
    std::shared_ptr<const CostSweep> costSweep() const { return costSweep_; }
    bool isBusy() const; // a circuit report is being computed
    // A cost sweep is being computed or waits for the circuit report: a
    // change that needs both starts the sweep (and the model's per-layer
    // costs) only when its report is out, so that the report has both cores.
    bool isCostSweepBusy() const;
    bool isCostSweepWaiting() const { return sweepWaiting_; }

    void setInputs(int inputs);
    void setTopology(Topology topology);
    void setFaCell(const QString& cell);
    // Cell replacing the selected half adders ("" or "none": they stay exact).
    void setHaCell(const QString& cell);
    // Mixed popcounts: the full-adder cell of a column or tree level ("" clears it).
    void setColumnCell(int column, const QString& cell);
    void setLevelCell(int level, const QString& cell);
    void setLsbColumns(int columns);
    void setLevels(int levels);
    // The pairs knob (AND/OR pairs ahead of the count): it changes the
    // structure, so hand-picked cells are cleared as for a new topology.
    void setPairs(int pairs);
    // The 4:2 compressors of Wallace / Dadda trees (columns and which
    // compressor): structural too, so hand picks are cleared. Other
    // topologies have none (setTopology clears the columns).
    void setCompressorColumns(int columns);
    void setCompressor(const QString& name);
    void setP(double p);
    void setInputStatistic(InputStatistic statistic);
    InputStatistic inputStatistic() const { return statistic_; }
    // Per-cell overrides of the current netlist (a click in the circuit view):
    // forces cell `index` approximate or exact whatever the knobs say.
    // Changing N or the topology clears them (indices name other cells then).
    void setCellApproximate(int index, bool approximate);
    void setCellOverrides(std::vector<int> extraCells, std::vector<int> exactCells);
    void clearCellOverrides() { setCellOverrides({}, {}); }
    // A name of mitigationModes() (bnn/mitigation.h)
    void setMitigation(const QString& mode);
    QString mitigation() const { return mitigation_; }

    // The per-layer design: explicit units by model layer (Design::layers,
    // e.g. a search result) replacing the knobs on those layers; empty: the
    // knobs apply to every Conv and Dense layer. The explored circuit is
    // the selected layer's unit: selecting a layer with an explicit unit
    // shows that unit, and the controls then change that layer's unit only.
    // layerUnits() includes the explored layer's unit as the controls set
    // it. Cleared when another main model is loaded.
    std::map<int, UnitDesign> layerUnits() const;
    bool hasLayerUnits() const { return !layers_.empty(); }
    // Back to the knobs on every layer (keeps the explored circuit).
    void clearLayerUnits();

    // The search result the per-layer design was loaded from (the report's
    // search section); searchReport() is null once the design's accuracy
    // differs from the loaded one (a control changed it).
    void setSearchReport(std::shared_ptr<const ReportSearch> section);
    std::shared_ptr<const ReportSearch> searchReport() const;

    // Models. openModel() loads in the background; on success the model
    // replaces the slot's model, on failure modelLoadFailed() is emitted and
    // the state is left as it was.
    void openModel(const QString& path, ModelSlot slot = ModelSlot::Main);
    void setModel(std::shared_ptr<const LoadedModel> model, ModelSlot slot = ModelSlot::Main);
    std::shared_ptr<const LoadedModel> model() const { return model_; }
    std::shared_ptr<const LoadedModel> comparisonModel() const { return comparison_; }
    bool isLoadingModel() const;
    // Selects a layer of the main model (-1: none); a layer with a popcount
    // sets N to its fan-in (and p, if measured). Ignored when out of range.
    void selectLayer(int layer);
    int selectedLayer() const { return selectedLayer_; }
    // Layer the per-cell overrides apply to in inference: the selected layer
    // when N is its fan-in, else -1.
    int overrideLayer() const;

    // Imported netlists (issue 7). openNetlist() reads a Verilog or Yosys
    // JSON netlist in the background; on success it becomes the explored
    // circuit (reports, circuit view, and the popcount of the selected
    // layer in accuracy when its inputs equal that layer's fan-in), on
    // failure netlistLoadFailed() is emitted and the state is left as it was.
    // Changing N, the topology or an approximation knob returns to the built
    // circuit, as does closeNetlist().
    void openNetlist(const QString& path);
    void closeNetlist();
    bool hasImportedNetlist() const { return imported_ != nullptr; }
    std::shared_ptr<const Netlist> importedNetlist() const { return imported_; }
    QString importedPath() const { return importedPath_; }
    bool isImportingNetlist() const;
    // The model layer the imported circuit counts for in accuracy, or -1
    // (no import, no model, or the selected layer's fan-in differs).
    int importedLayer() const;
    // One sentence on where the imported circuit is used ("" without one).
    QString importedUse() const;

    ModelEvaluator* models() const { return models_; }
    std::shared_ptr<const AccuracyResult> accuracy() const { return accuracy_; }
    bool accuracyIsFinal() const { return accuracyFinal_; }
    std::shared_ptr<const AccuracySweep> accuracySweep() const { return accuracySweep_; }
    // Per-layer exact and approximate popcount cost of the main model.
    std::shared_ptr<const std::vector<LayerCost>> layerCosts() const { return layerCosts_; }
    void cancelAccuracy();
    // Flips one cell of the current circuit between exact and approximate
    // (ApproxConfig extraCells / exactCells); ignored for ids out of range.
    void toggleCell(int cellId);
    // Recomputes everything for the current spec (also the first computation).
    void refresh();

Q_SIGNALS:
    void changed();
    void busyChanged(bool busy);
    void reportReady(std::shared_ptr<const axbnn::CircuitReport> report);
    void failed(const QString& message);
    void costSweepBusyChanged(bool busy);
    void costSweepReady(std::shared_ptr<const axbnn::CostSweep> sweep);
    void costSweepFailed(const QString& message);
    // A model slot changed (loaded, replaced or cleared).
    void modelChanged(axbnn::gui::ModelSlot slot);
    // One sentence on a control the state changed or cleared to keep N, the
    // kernel and the selected layer consistent (shown until the next note).
    void note(const QString& text);
    void modelLoadFailed(const QString& path, const QString& message);
    // Accuracy of the current configuration: the quick subset (final false),
    // then all test images (final true). Cleared (null) when stale.
    void accuracyChanged(std::shared_ptr<const axbnn::AccuracyResult> result, bool final);
    void accuracySweepChanged(std::shared_ptr<const axbnn::AccuracySweep> sweep);
    void layerCostsChanged(std::shared_ptr<const std::vector<axbnn::LayerCost>> costs);
    // The imported netlist was opened (path) or closed (empty path).
    void netlistChanged(const QString& path);
    void netlistLoadFailed(const QString& path, const QString& message);

private:
    // A knob that changes the netlist's structure (pairs, compressor
    // columns): hand-picked cells are cleared, as for a new topology.
    void setStructuralKnob(int ApproxConfig::*knob, int value);
    // setColumnCell / setLevelCell: one entry of spec_.approx.*map.
    void setMappedCell(CellMap ApproxConfig::*map, int key, const QString& cell);
    enum Affects { Report = 1, Sweep = 2, Accuracy = 4, AccuracySweepOnly = 8, LayerCostsOnly = 16 };
    // What each kind of result depends on, for the design on screen: a
    // change recomputes exactly the kinds whose hash it changed.
    struct AspectHashes {
        std::string circuit, costSweep, accuracy, levelSweep, layerCosts;
    };
    AspectHashes hashes() const;
    std::string hashOf(const Design& design, Aspect aspect) const; // with the cached model fingerprint
    int affectedSince(const AspectHashes& before) const;
    void commit(int affects);
    void evaluate(int affects);
    void applyMeasuredP();
    void applyMeasuredPWithoutCommit();
    void startWaitingSweep();
    bool dropImport(); // without commit; true if there was an import
    // Accuracy work of the newest change (Accuracy / AccuracySweepOnly bits),
    // started once its report is out.
    void startWaitingAccuracy();
    // The report is out (or failed): the cost sweep and accuracy work that
    // waited for it start.
    void startWaitingWork();
    // The explored circuit as a unit (unit width and netlist of `base`
    // where the circuit cannot say them).
    UnitDesign exploredUnit(const UnitDesign& base = {}) const;
    // Writes the explored circuit into layers_ when the explored layer has
    // an explicit unit (before the explored layer changes).
    void keepExploredUnit();
    // The selected layer's explicit unit becomes the explored circuit.
    void loadExploredUnit();
    // What inference counts with on every layer (exact units, circuits or
    // not, alike) and the mitigation, as text: equal keys, equal accuracy.
    std::string countingKey() const;

    mutable std::pair<const Model*, std::string> fingerprint_; // of model_, computed once
    std::shared_ptr<const CellLibrary> library_;
    CircuitSpec spec_;
    double fixedP_ = 0.5;
    int accuracyWaiting_ = 0; // Affects bits of accuracy work waiting for the report
    InputStatistic statistic_ = InputStatistic::Fixed;
    QString mitigation_ = QStringLiteral("none");
    std::shared_ptr<const Netlist> imported_;
    QString importedPath_;
    std::shared_ptr<const LoadedModel> model_, comparison_;
    int selectedLayer_ = -1;
    std::shared_ptr<const ReportSearch> searchReport_;
    std::string searchReportKey_; // countingKey() when it was loaded
    std::map<int, UnitDesign> layers_; // explicit units; the explored layer's may be stale (layerUnits())
    std::shared_ptr<const CircuitReport> report_;
    std::shared_ptr<const CostSweep> costSweep_;
    std::shared_ptr<const AccuracyResult> accuracy_;
    bool accuracyFinal_ = false;
    std::shared_ptr<const AccuracySweep> accuracySweep_;
    std::shared_ptr<const std::vector<LayerCost>> layerCosts_;
    std::string layerCostsRequested_, layerCostsHash_; // design hashes of the newest request / of layerCosts_
    CircuitEvaluator* evaluator_;
    CostSweepEvaluator* sweepEvaluator_;
    bool sweepWaiting_ = false; // a sweep for spec_ waits for the report in flight
    ModelEvaluator* models_;
};

} // namespace axbnn::gui
