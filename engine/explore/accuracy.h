// Qt-free accuracy computations of the workbench: the loaded model's test
// accuracy with the explored circuit (quick subset, then the full set) and
// the sweep over approximation levels behind the accuracy plots.
#pragma once

#include "explore/model_analysis.h"

#include "circuit/cell_library.h"
#include "circuit/knobs.h"
#include "explore/design.h"
#include "explore/evaluate.h"

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

// The mitigation of the level sweep's second curve when the design has
// none (the workbench's plots and the report alike).
inline constexpr Mitigation kLevelSweepMitigation = Mitigation::Tune;

struct AccuracyRequest {
    std::shared_ptr<const LoadedModel> model;
    // Knobs, cells, selected layer, hand-picked cells, imported netlist,
    // mitigation, data specs and calibration limit.
    Design design;
    NetlistMap netlists; // the imported netlist the design names, already read
    std::shared_ptr<const Dataset> test; // null: sharedDataset(design.data.dataset)
    std::shared_ptr<const Dataset> calibration; // null: sharedDataset(design.data.calibration)
    int quickImages = 1000; // first pass; the second covers every test image
    std::shared_ptr<EvaluationCache> cache; // null: nothing kept
};

struct AccuracyResult {
    std::string hash; // designHash(design, Aspect::Accuracy, model) it was computed for
    int images = 0; // test images evaluated
    int correct = 0; // with the circuit (and mitigation)
    int exactCorrect = 0; // exact popcounts, same images
    bool complete = false; // all test images
    bool cached = false; // served from the cache without inference
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
    Knob knob = Knob::LsbColumns; // which knob is at `level` (the other is 0)
    int level = 0; // 0: exact circuit
    double areaUm2 = 0.0; // popcount area at the explored N
    double accuracy = 0.0;
    double mitigatedAccuracy = 0.0;
    double comparisonAccuracy = std::numeric_limits<double>::quiet_NaN(); // no comparison model
};

struct AccuracySweep {
    std::string hash; // designHash(design, Aspect::LevelSweep) it was computed for
    int inputs = 0; // N the areas are for
    int images = 0; // test images per point
    std::string mitigation; // used for mitigatedAccuracy
    bool hasComparison = false;
    std::vector<LevelPoint> points;
};

struct LevelSweepRequest {
    AccuracyRequest base; // model, design (N, topology, cells), datasets; knobs are swept
    std::shared_ptr<const LoadedModel> comparison; // may be null
    int maxLsb = 5;
    int maxLevels = 4;
    int images = 500;
    int calibrationImages = 300; // for the mitigated curve
    std::shared_ptr<const CellLibrary> library;
};

// For lsb = 0..maxLsb (levels 0) and levels = 1..maxLevels (lsb 0): area of
// the N-input popcount and accuracy without and with mitigation (the base
// request's mode, kLevelSweepMitigation if that is none) and of the
// comparison model, each point a design evaluated through evaluate().
AccuracySweep computeAccuracySweep(const LevelSweepRequest& request, const WorkProgress& progress);

// Indices of the points on the Pareto front of (smaller area, higher
// accuracy), ordered by area.
std::vector<int> levelParetoFront(const std::vector<LevelPoint>& points);

} // namespace axbnn
