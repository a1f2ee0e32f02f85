// How a model was trained, as far as mitigation and reports need to know
// (docs/model-format.md, metadata "training"): exactly, approximation-aware
// (one circuit) or multi-level (several approximation levels, one per
// batch), and whether it was fine-tuned from another model. Models written
// before the record existed are classified from their approximation_config.
#pragma once

#include "bnn/model.h"

#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace axbnn {

enum class TrainingMode {
    Unknown, // no training metadata (e.g. an imported or hand-made model)
    Exact,
    Aware, // errors of one circuit injected
    MultiLevel, // a level (exact or a circuit) drawn per batch
};

struct TrainingModeInfo {
    TrainingMode mode;
    const char* name; // the record's "mode": "unknown", "exact", "aware", "multi-level"
    const char* label; // reports: "exactly", "approximation-aware", ...
};
std::span<const TrainingModeInfo> trainingModes();
const TrainingModeInfo& trainingModeInfo(TrainingMode mode);

// The metadata key of the record (ModelMetadata::extra).
inline constexpr const char* kTrainingRecordKey = "training";

struct TrainingLevelRecord {
    std::string label; // "exact", "lsb 2", or an error-model file name
    nlohmann::json circuit; // the level's layer-config document; null when exact
};

struct TrainingRecord {
    TrainingMode mode = TrainingMode::Unknown;
    std::string init; // the model it was fine-tuned from (file name); "" from scratch
    std::vector<TrainingLevelRecord> levels; // MultiLevel: every level in the order given
    std::string levelMix; // MultiLevel: "batch" (a level per batch) or "image" (per image)
    // The errors came from the circuits themselves in the forward pass, not
    // from an error model ("hardware_in_the_loop": true).
    bool hardwareInTheLoop = false;
    bool recorded = false; // read from the record (false: inferred from older metadata)

    bool fineTuned() const { return !init.empty(); }
};

// The record of `meta`, or the one older metadata implies: a training recipe
// with an approximation_config is Aware, one without is Exact, neither is
// Unknown. A malformed record gives Unknown with recorded = true.
TrainingRecord trainingRecordOf(const ModelMetadata& meta);
// The JSON text stored under kTrainingRecordKey.
std::string trainingRecordText(const TrainingRecord& record);
// One line for people: "approximation-aware (hardware in the loop),
// fine-tuned from exact.h5", "multi-level approximation-aware at exact,
// lsb 1, lsb 2 (a level per image)", "exactly", "unknown".
std::string trainingSummary(const TrainingRecord& record);

} // namespace axbnn
