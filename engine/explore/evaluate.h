// The one evaluation entry (docs/architecture.md): a design on a model and
// data gives its accuracy (and the mitigation it fitted). `axbnn eval`,
// `axbnn sweep`, reports, plots and the workbench all evaluate here, so one
// design gives one number everywhere; a cache keyed by the design's hash makes
// revisiting a design instant and lets a cancelled run resume.
#pragma once

#include "bnn/dataset.h"
#include "bnn/inference.h"
#include "bnn/inference_types.h"
#include "bnn/mitigation.h"
#include "circuit/cell_library.h"
#include "explore/design.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>

namespace axbnn {

// Imported netlists by path (as the design names them); a path not in the
// map is read from its file.
using NetlistMap = std::map<std::string, std::shared_ptr<const Netlist>>;

// The inference configuration of `design` on `model` (modelUnits()):
// popcount units only, no mitigation. Throws std::invalid_argument for bad
// cells and std::runtime_error for netlists that do not load.
InferenceConfig inferenceConfig(const Design& design, const Model& model, const CellLibrary* library = nullptr,
                                const NetlistMap* netlists = nullptr);

// The design form of a unit of an inference configuration (the netlist by
// its path: put unit.netlist into a NetlistMap to reuse it).
UnitDesign unitDesignOf(const PopcountUnitConfig& unit);
// Explicit units for every layer with a circuit in `config` (a layer config
// of docs/layer-config.md, or withCircuit()); `netlists` receives the imported
// netlists it holds.
std::map<int, UnitDesign> layerUnitsOf(const InferenceConfig& config, NetlistMap* netlists = nullptr);

// An inference configuration with its mitigation fitted.
struct PreparedDesign {
    std::string hash; // designHash(design, Aspect::Accuracy, &model)
    InferenceConfig config;
    MitigationReport mitigation;
};

struct AccuracyCount {
    int images = 0;
    int correct = 0;
    double accuracy() const { return images > 0 ? static_cast<double>(correct) / images : 0.0; }
    bool operator==(const AccuracyCount&) const = default;
};

// Prepared designs and accuracy counts by design hash and image range, shared
// between threads. Counts are kept in chunks (EvaluateOptions::chunk) so
// that a cancelled run resumes where it stopped.
class EvaluationCache {
public:
    std::shared_ptr<const PreparedDesign> prepared(const std::string& key) const;
    void storePrepared(const std::string& key, std::shared_ptr<const PreparedDesign> prepared);
    std::optional<AccuracyCount> count(const std::string& key) const;
    void storeCount(const std::string& key, AccuracyCount count);
    // Evaluations served from the cache / computed, for tests and the status bar.
    int hits() const;
    int misses() const;
    void clear();
    size_t size() const; // counts kept

    // On disk (docs/sweep-format.md, "Evaluation cache"): the counts as JSON,
    // so that another run over the same designs reuses them. load() merges
    // a file (a missing one is empty) and throws std::runtime_error naming
    // the file and the problem; save() writes atomically.
    void load(const std::string& path);
    void save(const std::string& path) const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<const PreparedDesign>> prepared_;
    std::map<std::string, AccuracyCount> counts_;
    mutable int hits_ = 0, misses_ = 0;
};

struct EvaluateOptions {
    int first = 0; // test images [first, first + count)
    int count = -1; // -1: up to design.data.limit (0: all)
    int threads = 0; // inference threads (0: all cores)
    ProgressFn progress; // (done, total) images; false cancels (InferenceCancelled)
    EvaluationCache* cache = nullptr;
    const CellLibrary* library = nullptr; // null: CellLibrary::defaults()
    const NetlistMap* netlists = nullptr;
    int chunk = 1000; // images per cached count
};

struct Evaluation {
    std::string hash; // the design's Aspect::Accuracy hash on this model
    AccuracyCount count;
    // What the mitigation fitted; empty when every count came from the cache
    // and the fit is not in memory (prepareDesign() gives it).
    MitigationReport mitigation;
    bool cached = false; // every count came from the cache
};

// Fits the design's mitigation (design.data.calibrationLimit images of
// `calibration`, which may be null when design.mitigation is None).
std::shared_ptr<const PreparedDesign> prepareDesign(const Model& model, const Design& design,
                                                    const Dataset* calibration, const EvaluateOptions& options = {});

// Accuracy of the design on the test images, counted in chunks, each looked
// up in / stored into options.cache; the design is prepared (mitigation
// fitted) only if a chunk is missing.
Evaluation evaluate(const Model& model, const Design& design, const Dataset& test, const Dataset* calibration,
                    const EvaluateOptions& options = {});

// Correct predictions of images [first, first + predictions.size()): the one
// place accuracy is counted.
AccuracyCount countCorrect(std::span<const int> predictions, const Dataset& data, int first = 0);

// The number of the test images a design evaluates: data.limit capped by the set.
int evaluatedImages(const Design& design, const Dataset& test);

} // namespace axbnn
