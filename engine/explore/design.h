// A design: everything that determines a number the workbench shows
// (docs/architecture.md, "One design, one evaluation"). The explored popcount
// circuit, the popcount unit of every model layer, mitigation, where p comes
// from, and the data. A plain value: compare it, hash it, write it as JSON
// and read it back (sessions are designs; docs/session-format.md).
#pragma once

#include "bnn/mitigation.h"
#include "bnn/model.h"
#include "circuit/approximation.h"
#include "circuit/netlist.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace axbnn {

// One popcount unit: a built circuit (topology, cells, knobs, hand-picked
// cells, unit width) or an imported netlist. Exact when `circuit` is false.
struct UnitDesign {
    bool circuit = true;
    Topology topology = Topology::AdderTree;
    ApproxConfig approx; // knobs, cells and hand-picked cell indices
    int unitWidth = 0; // inputs per circuit (0: the whole fan-in)
    std::string netlist; // imported netlist file ("": built); replaces topology and approx
    // A hierarchical popcount (circuit/hierarchical_popcount.h): an imported
    // leaf file, or the width of a generated leaf; at most one is set.
    std::string leaf;
    int leafWidth = 0;

    bool isHierarchical() const { return !leaf.empty() || leafWidth > 0; }
    bool isExact() const
    {
        return !circuit || (netlist.empty() && leaf.empty() && approx.isExact() && approx.exactCells.empty());
    }
    bool operator==(const UnitDesign& o) const;
};

enum class PSource {
    Fixed, // the p the user set
    Measured, // the selected layer's measured P(XNOR = 1) on the model's data
};

struct DataDesign {
    std::string dataset = "fashion-mnist"; // io/dataset.h spec
    int limit = 0; // test images (0: all)
    std::string calibration = "fashion-mnist:train"; // for mitigation
    int calibrationLimit = 1000;
    bool operator==(const DataDesign&) const = default;
};

struct Design {
    // The explored circuit: one popcount of `inputs` inputs. Its knobs and
    // cells (not its hand-picked cells, which index this one netlist) are
    // also the default unit of every approximable model layer.
    int inputs = 576;
    UnitDesign unit;
    double p = 0.5; // the fixed p; the effective one may be measured
    PSource pSource = PSource::Fixed;
    // The model and how each layer counts.
    std::string model; // "" : circuit only
    std::string comparison; // a second model on the same plots ("": none)
    int selectedLayer = -1; // layer whose popcount the explored circuit is
    std::map<int, UnitDesign> layers; // explicit units replacing the default
    Mitigation mitigation = Mitigation::None;
    DataDesign data;

    bool operator==(const Design& o) const;
};

// What a result depends on: two designs with the same aspect hash give the
// same numbers of that kind.
enum class Aspect {
    Circuit, // the explored circuit's cost, error and P(e): N, unit, effective p
    CostSweep, // cost against N: topology, cells, knobs
    Accuracy, // model accuracy: model, every layer's unit, mitigation, data
    LevelSweep, // accuracy and area against the level: as Accuracy without the
                // knobs' values, plus N and the comparison model
    LayerCosts, // the model's per-layer cost: model, topology, cells, knobs
    All, // the whole design
};

// The layer units inference uses on `model` (one per layer; nullopt: exact):
// layers[i] where given (a circuit is simulated even when it approximates
// nothing, as `--popcount circuit` asks); else on approximable layers (Conv, Dense) the
// explored unit's knobs and cells, with its hand-picked cells and imported
// netlist on the selected layer when its fan-in equals `inputs`.
std::vector<std::optional<UnitDesign>> modelUnits(const Design& design, const Model& model);
// The layer the explored circuit (hand-picked cells, imported netlist)
// stands for in inference, or -1.
int exploredLayer(const Design& design, const Model& model);

// 16 hex digits (FNV-1a 64 of the canonical JSON of the aspect's fields),
// stable across runs and machines. `model` resolves Accuracy's per-layer
// units (without it the model path and the design's fields are hashed).
// `fingerprint`, if given, is modelFingerprint(*model) computed earlier.
std::string designHash(const Design& design, Aspect aspect = Aspect::All, const Model* model = nullptr,
                       const std::string* fingerprint = nullptr);

// 16 hex digits over a model's layers, weights and thresholds: two models
// with the same fingerprint compute the same thing.
std::string modelFingerprint(const Model& model);

// Design JSON (docs/session-format.md): one spelling per field, the keys of
// the layer configs for units (circuit/knobs.h).
nlohmann::json unitDesignJson(const UnitDesign& unit);
nlohmann::json designJson(const Design& design);

inline constexpr const char* kSessionFormat = "axbnn-session";
inline constexpr int kSessionVersion = 2;
// A session file: {"format", "version": 2, "design": designJson}.
nlohmann::json sessionJson(const Design& design);
// Reads a session of version 2 or 1 (the camelCase "circuit" object of
// workbench 0.x), checking every key against the limits
// (circuit/design_limits.h). Throws std::runtime_error "origin: key: problem".
Design sessionFromJson(const nlohmann::json& json, const std::string& origin);
// The text of a session file: nesting depth (util/json_depth.h), JSON with
// the place of a syntax error or bad number (util/json_text.h), then
// sessionFromJson. What the workbench's Open session reads.
Design sessionFromText(std::string_view text, const std::string& origin);
Design designFromJson(const nlohmann::json& json, const std::string& origin);

} // namespace axbnn
