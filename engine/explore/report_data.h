// The numbers of a session report (issue 6): circuit metrics and errors,
// cost against N, the model's layers and accuracy (exact, approximate,
// mitigated) and the accuracy-against-level sweep, each with the axbnn
// command line that reproduces it. Qt-free; rendered by report_writer.
#pragma once

#include "analysis/circuit_report.h"
#include "explore/accuracy.h"
#include "explore/cost_sweep.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace axbnn {

// A search result loaded into the workbench (docs/search.md, "In the
// workbench"): the chosen design per layer with its cost, the accuracy the
// search measured, and the commands that reproduce both.
struct ReportSearchLayer {
    std::string name;
    std::string unit; // unitSummary: "wallace maj-fa lsb 1"
    double areaUm2 = 0, energyFj = 0, delayPs = 0; // this layer's share of the objective (docs/search.md)
};
struct ReportSearch {
    std::string objective; // area | energy | delay
    double budgetPoints = 0;
    std::string mitigation;
    std::vector<ReportSearchLayer> layers;
    ReportSearchLayer total, exact; // network sums; exact: exact adder trees
    double proxyAccuracy = 0, exactProxyAccuracy = 0;
    int proxyImages = 0;
    double testAccuracy = -1, exactTestAccuracy = -1; // -1: not verified on the test set
    int testImages = 0;
    std::string searchCommand; // axbnn search ... (the whole search)
    std::string evalCommand; // axbnn eval --config ... (this design's test accuracy)
};

struct ReportRequest {
    std::string sessionPath; // shown in the report; may be empty
    CircuitSpec spec; // N, topology, knobs, hand-picked cells, p
    std::string mitigation = "none"; // the session's mode; none: the mitigated row uses kLevelSweepMitigation
    std::string modelPath; // empty: circuit-only report
    int selectedLayer = -1;
    bool measuredP = false; // p from the selected layer's XNOR statistic (500 test images, as the workbench)
    int limit = 0; // test images for the accuracy table (0: all 10,000)
    int sweepImages = 1000; // test images per point of the level sweep (capped by limit)
    int calibrationImages = 1000; // mitigation calibration (training images), as axbnn eval
    bool accuracyTable = true; // the three accuracy rows (needs a model)
    bool levelSweep = true; // accuracy against level (needs a model)
    std::string data = "fashion-mnist";
    std::string calibration = "fashion-mnist:train";
    std::optional<ReportSearch> search; // the design on screen is this search result
};

struct ReportAccuracyRow {
    std::string label; // "exact", "approximate", "approximate + tune"
    std::string mitigation; // a name of mitigationModes() (bnn/mitigation.h)
    int images = 0;
    int correct = 0;
    double accuracy() const { return images ? double(correct) / images : 0.0; }
    std::string command; // axbnn eval ... printing the same accuracy
};

struct ReportLayer {
    int index = 0;
    std::string name;
    std::string kind;
    LayerCost cost; // fanIn 0: no popcount
};

struct ReportData {
    ReportRequest request;
    std::shared_ptr<const CircuitReport> circuit;
    std::string circuitCommand; // axbnn circuit ... (cost, error statistics, P(e))
    CostSweep cost; // area and delay against N (kCostSweepInputs)
    std::string costCommand; // axbnn cost-table ...
    bool hasModel = false;
    std::vector<ReportLayer> layers;
    std::string modelCommand; // axbnn model info ...
    std::vector<ReportAccuracyRow> accuracy;
    AccuracySweep sweep; // empty points without a model
    std::vector<std::string> sweepCommands; // per sweep point: axbnn eval for its accuracy
};

// Shell-quotes `word` when it needs it (spaces, quotes, $ ...).
std::string shellQuote(const std::string& word);

// The circuit options of every command line: --topology ... --p.
std::string circuitOptionsText(const CircuitSpec& spec, bool withCells, bool withP, bool withTopology = true);

// Computes everything; progress(done, total) in abstract steps, returning
// false cancels (throws InferenceCancelled or std::runtime_error
// "cancelled"). Throws the engine's messages on bad models or data.
ReportData computeReport(const ReportRequest& request, const WorkProgress& progress = {});

} // namespace axbnn
