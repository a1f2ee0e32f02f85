// Qt-free accuracy computations of the workbench: the loaded model's test
// accuracy with the explored circuit (quick subset, then the full set) and
// the sweep over approximation levels behind the accuracy plots.
#pragma once

#include "explore/model_analysis.h"

#include "circuit/cell_library.h"

#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace axbnn {

// The test images (and calibration images for mitigation) by spec, loaded
// once per process and shared read-only between threads; throws
// loadDataset's message.
std::shared_ptr<const Dataset> sharedDataset(const std::string& spec);

struct AccuracyRequest {
    std::shared_ptr<const LoadedModel> model;
    Topology topology = Topology::AdderTree;
    ApproxConfig approx; // knobs, and overrides for overrideLayer
    int overrideLayer = -1;
    std::string mitigation = "none";
    // An imported circuit used as the popcount of importedLayer (its inputs
    // equal that layer's fan-in); the other layers follow the knobs.
    std::shared_ptr<const Netlist> imported;
    std::string importedPath;
    int importedLayer = -1;
    std::shared_ptr<const Dataset> test; // null: sharedDataset("fashion-mnist")
    std::shared_ptr<const Dataset> calibration; // null: sharedDataset("fashion-mnist:train")
    int quickImages = 1000; // first pass; the second covers every test image
    int calibrationImages = 1000; // for mitigation
};

struct AccuracyResult {
    int images = 0; // test images evaluated
    int correct = 0; // with the circuit (and mitigation)
    int exactCorrect = 0; // exact popcounts, same images
    bool complete = false; // all test images
    std::string mitigation;
    double accuracy() const { return images ? double(correct) / images : 0.0; }
    double exactAccuracy() const { return images ? double(exactCorrect) / images : 0.0; }
};

// Called with (done, total) work units; returning false cancels (the
// computation then throws InferenceCancelled).
using WorkProgress = std::function<bool(int done, int total)>;

// Evaluates request.quickImages images, publishes that result, then all
// images and returns the complete result. Throws on bad models or data.
AccuracyResult computeAccuracy(const AccuracyRequest& request, const WorkProgress& progress,
                               const std::function<void(AccuracyResult)>& publish);

// One configuration of the approximation-level sweep.
struct LevelPoint {
    std::string knob; // "lsb" (LSB columns) or "levels" (tree levels)
    int level = 0; // 0: exact circuit
    double areaUm2 = 0.0; // popcount area at the explored N
    double accuracy = 0.0;
    double mitigatedAccuracy = 0.0;
    double comparisonAccuracy = std::numeric_limits<double>::quiet_NaN(); // no comparison model
};

struct AccuracySweep {
    int inputs = 0; // N the areas are for
    int images = 0; // test images per point
    std::string mitigation; // used for mitigatedAccuracy
    bool hasComparison = false;
    std::vector<LevelPoint> points;
};

struct LevelSweepRequest {
    AccuracyRequest base; // model, topology, cell, datasets; knobs are swept
    std::shared_ptr<const LoadedModel> comparison; // may be null
    int inputs = 576;
    int maxLsb = 5;
    int maxLevels = 4;
    int images = 500;
    int calibrationImages = 300; // for the mitigated curve
    std::shared_ptr<const CellLibrary> library;
};

// For lsb = 0..maxLsb (levels 0) and levels = 1..maxLevels (lsb 0): area of
// the N-input popcount and accuracy without and with mitigation (the base
// request's mode, "bias" if that is "none") and of the comparison model.
AccuracySweep computeAccuracySweep(const LevelSweepRequest& request, const WorkProgress& progress);

// Indices of the points on the Pareto front of (smaller area, higher
// accuracy), ordered by area.
std::vector<int> levelParetoFront(const std::vector<LevelPoint>& points);

} // namespace axbnn
