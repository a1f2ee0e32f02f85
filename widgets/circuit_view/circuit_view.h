// The Circuit panel: the popcount netlist of the current report drawn as a
// tree of cells, coloured by approximation or by each cell's error
// contribution; clicking a cell asks the owner to toggle it.
#pragma once

#include "circuit_view/circuit_layout.h"
#include "state/latest_only_runner.h"

#include "analysis/cell_contribution.h"
#include "analysis/circuit_report.h"

#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QMenu;
class QLabel;

namespace axbnn::gui {

class CircuitGraphicsView;
class CircuitLegend;
class CircuitScene;

class CircuitView : public QWidget {
    Q_OBJECT

public:
    enum class ColourMode { Approximation, ErrorContribution };
    // More cells than this: the scene also gets group boxes for far zoom.
    static constexpr int kGroupThreshold = 600;

    explicit CircuitView(QWidget* parent = nullptr);
    ~CircuitView() override;

    // Replacement kinds for contributions come from this library (defaults: SKY130).
    void setCellLibrary(const CellLibrary& library);
    // Draws a report. A new structure (N, topology) is laid out off the GUI
    // thread and its items created in one go (sceneReady()); a new
    // approximation of the same structure only recolours.
    void setReport(std::shared_ptr<const CircuitReport> report);
    // The circuit shown is not the design on screen's (its report is being
    // computed): the view says so and greys until setReport() brings it.
    void setStale(bool stale);
    void setColourMode(ColourMode mode);
    ColourMode colourMode() const { return mode_; }

    // Writes the whole circuit with its legend as SVG or PDF (by the file's
    // suffix), atomically. False with a message in *error on failure.
    bool exportTo(const QString& path, QString* error = nullptr) const;

    std::shared_ptr<const CircuitReport> report() const { return report_; }
    const CircuitLayout* layout() const { return layout_.get(); }
    CircuitScene* circuitScene() const { return scene_; }
    CircuitGraphicsView* graphicsView() const { return view_; }
    CircuitLegend* legend() const { return legend_; }
    // Contributions of the current report, null until computed.
    const std::vector<CellContribution>* contributions() const;
    // Starts computing the current report's per-cell contributions unless they
    // are there or on their way; the error-contribution colours and the cell
    // tooltips ask for them, a plain report change does not.
    void requestContributions();
    QString cellToolTip(int cellId) const;
    // The menu a right click on cell `cellId` opens (null unless it is a full
    // adder of a built circuit): "Column c cell" and "Level l cell", each
    // listing the library's full-adder cells; choosing one emits
    // columnCellChosen / levelCellChosen. The caller owns the menu.
    QMenu* cellMenu(int cellId, QWidget* parent = nullptr);
    bool isBusy() const { return layoutRunner_.isBusy() || contributionRunner_.isBusy(); }

    struct BuildTimes {
        double layoutMs = 0.0; // layoutCircuit, on a pool thread
        double itemsMs = 0.0; // scene items and looks, on the GUI thread
    };
    BuildTimes lastBuildTimes() const { return times_; }

Q_SIGNALS:
    void cellToggled(int cellId);
    // Mixed popcounts (docs/domain.md section 3): the cell chosen for the
    // full adders of a column or level; "" clears the choice (the knobs decide).
    void columnCellChosen(int column, const QString& cell);
    void levelCellChosen(int level, const QString& cell);
    void sceneReady();
    void contributionsReady();

public Q_SLOTS:
    void fit();
    void exportWithDialog();

private:
    struct LayoutResult {
        std::shared_ptr<const CircuitLayout> layout;
        int inputs = 0;
        Topology topology = Topology::AdderTree;
        double ms = 0.0;
        std::string source; // imported netlist file; "" for built circuits
    };
    struct ContributionResult {
        std::shared_ptr<const CircuitReport> report;
        std::vector<CellContribution> cells;
    };

    bool layoutMatches(const CircuitReport& report) const;
    void buildScene(const LayoutResult& result);
    void applyLooks();
    void onCellClicked(int cellId);

    CircuitScene* scene_;
    CircuitGraphicsView* view_;
    CircuitLegend* legend_;
    QComboBox* modeBox_;
    QLabel* status_;
    ColourMode mode_ = ColourMode::Approximation;
    std::shared_ptr<const CellLibrary> library_;
    std::shared_ptr<const CircuitReport> report_;
    std::shared_ptr<const CircuitLayout> layout_;
    int layoutInputs_ = -1;
    Topology layoutTopology_ = Topology::AdderTree;
    std::string layoutSource_;
    std::shared_ptr<const ContributionResult> contributions_;
    std::shared_ptr<const CircuitReport> requestedContributions_; // the report they were last asked for
    // The report whose approximation-mode looks the scene shows (null after a
    // rebuild or in contribution mode): a report with the same cell kinds
    // (a knob that changed no cell) needs no recolouring.
    std::shared_ptr<const CircuitReport> lookedReport_;
    LatestOnlyRunner<LayoutResult> layoutRunner_;
    LatestOnlyRunner<ContributionResult> contributionRunner_;
    BuildTimes times_;
};

} // namespace axbnn::gui
