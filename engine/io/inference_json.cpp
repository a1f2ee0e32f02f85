// Parses per-layer popcount configurations; serialises mitigation reports.
#include "io/inference_json.h"
#include "util/json_text.h"

#include "circuit/cell_map_json.h"
#include "circuit/design_limits.h"
#include "circuit/knobs.h"
#include "io/netlist_import.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace axbnn {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& origin, const std::string& what)
{
    throw std::runtime_error(origin + ": " + what);
}

// One unit description: {"popcount": "exact"|"circuit", "topology", "cell",
// "ha_cell", "approx_lsb", "approx_levels", "unit_width", "netlist", "leaf",
// "leaf_width"}. A relative netlist or leaf path is taken from the
// configuration file's directory.
PopcountUnitConfig parseUnit(const json& j, const std::string& where, const std::string& origin,
                             const CellLibrary& library)
{
    using namespace unit_keys;
    static const std::set<std::string> known = [] {
        std::set<std::string> keys{kPopcount, kTopology,  kCell,        kHaCell,     kUnitWidth, kNetlist,
                                   kLeaf,     kLeafWidth, kColumnCells, kLevelCells, kCompressor};
        for (const KnobInfo& knob : knobTable())
            keys.insert(knob.key);
        return keys;
    }();
    if (!j.is_object())
        fail(origin, where + " must be an object");
    for (const auto& [key, value] : j.items())
        if (!known.count(key))
            fail(origin, where + ": unknown key '" + key + "'");
    auto text = [&](const char* key, const std::string& fallback) {
        if (!j.contains(key))
            return fallback;
        if (!j[key].is_string())
            fail(origin, where + "." + key + " must be a string");
        return j[key].get<std::string>();
    };
    auto integer = [&](const char* key, int lo, int hi) {
        if (!j.contains(key))
            return 0;
        if (!j[key].is_number_integer() || j[key].get<long>() < lo || j[key].get<long>() > hi)
            fail(origin,
                 where + "." + key + " must be a whole number from " + std::to_string(lo) + " to "
                     + std::to_string(hi));
        return j[key].get<int>();
    };
    const std::string popcount = text(kPopcount, "circuit");
    if (popcount == "exact")
        return PopcountUnitConfig::exact();
    if (popcount != "circuit")
        fail(origin, where + ".popcount must be \"exact\" or \"circuit\"");
    // A netlist file named by `key`, relative to the configuration's directory.
    auto importFile = [&](const char* key, std::string& pathOut) {
        std::filesystem::path path = text(key, "");
        if (path.empty())
            fail(origin, where + "." + key + " must name a Verilog (.v) or Yosys JSON (.json) file");
        if (path.is_relative() && !std::filesystem::path(origin).parent_path().empty())
            path = std::filesystem::path(origin).parent_path() / path;
        pathOut = path.string();
        try { // the netlist's own error names its file and line; say which entry refers to it
            return std::make_shared<const Netlist>(importNetlistFile(pathOut, &library));
        } catch (const std::exception& e) {
            fail(origin, where + "." + key + ": " + e.what());
        }
    };
    if (j.contains(kNetlist)) {
        std::vector<const char*> structural{kTopology,  kCell,        kHaCell,     kLeaf,
                                            kLeafWidth, kColumnCells, kLevelCells, kCompressor};
        for (const KnobInfo& knob : knobTable())
            structural.push_back(knob.key);
        for (const char* key : structural)
            if (j.contains(key))
                fail(origin, where + ": '" + key + "' does not apply to an imported netlist");
        std::string path;
        std::shared_ptr<const Netlist> net = importFile(kNetlist, path);
        PopcountUnitConfig unit = PopcountUnitConfig::makeImported(std::move(net), path);
        unit.unitWidth = integer(kUnitWidth, 0, kMaxUnitWidth);
        if (unit.unitWidth != 0 && unit.unitWidth != unit.netlist->inputs)
            fail(origin,
                 where + ": the netlist " + path + " has " + std::to_string(unit.netlist->inputs)
                     + " inputs but unit_width is " + std::to_string(unit.unitWidth));
        unit.library = library;
        return unit;
    }
    LeafSpec leaf;
    if (j.contains(kLeaf) || j.contains(kLeafWidth)) {
        for (const char* key : {kUnitWidth, j.contains(kLeaf) ? kLeafWidth : kLeaf})
            if (j.contains(key) && !(key == kUnitWidth && j[key] == 0))
                fail(origin,
                     where + ": '" + key + "' does not apply with '" + (j.contains(kLeaf) ? kLeaf : kLeafWidth)
                         + "' (a hierarchical popcount)");
        if (j.contains(kLeaf))
            leaf.imported = importFile(kLeaf, leaf.importedPath);
        else
            leaf.width = integer(kLeafWidth, 1, kMaxUnitWidth);
    }
    ApproxConfig approx;
    approx.faCell = text(kCell, "maj-fa");
    approx.haCell = text(kHaCell, "");
    for (const KnobInfo& knob : knobTable())
        setKnob(approx, knob.knob, integer(knob.key, 0, knob.max));
    try {
        readMixedCells(j, where, approx);
    } catch (const std::invalid_argument& e) {
        fail(origin, e.what());
    }
    try {
        library.at(approx.faCell);
        for (const CellMap* cells : {&approx.columnCells, &approx.levelCells})
            for (const auto& [key, name] : *cells)
                library.at(name);
        if (!approx.haCell.empty())
            library.at(approx.haCell);
        PopcountUnitConfig unit = PopcountUnitConfig::makeCircuit(parseTopology(text(kTopology, "adder-tree")), approx,
                                                                  integer(kUnitWidth, 0, kMaxUnitWidth));
        unit.leaf = std::move(leaf);
        unit.library = library;
        return unit;
    } catch (const std::invalid_argument& e) {
        fail(origin, where + ": " + e.what());
    }
}

} // namespace

InferenceConfig parseLayerConfig(std::string_view text, const std::string& origin, const Model& model,
                                 const CellLibrary& library)
{
    const json doc = parseJsonText(text, origin); // checks the depth, names the place of a bad number
    if (!doc.is_object())
        fail(origin, "expected an object with \"default\" and/or \"layers\"");
    for (const auto& [key, value] : doc.items())
        if (key != "default" && key != "layers" && key != "include_scores")
            fail(origin, "unknown key '" + key + "'");
    if (doc.contains("include_scores") && !doc["include_scores"].is_boolean())
        fail(origin, "include_scores must be true or false");
    InferenceConfig config;
    if (doc.contains("default")) {
        const bool scores = doc.value("include_scores", false);
        config = InferenceConfig::withCircuit(model, parseUnit(doc["default"], "default", origin, library), scores);
    }
    config.popcount.resize(model.layers.size());
    if (doc.contains("layers")) {
        if (!doc["layers"].is_object())
            fail(origin, "\"layers\" must be an object: layer name or index -> unit");
        for (const auto& [key, value] : doc["layers"].items()) {
            int index = -1;
            for (size_t i = 0; i < model.layers.size(); ++i)
                if (model.layers[i].name == key || std::to_string(i) == key)
                    index = static_cast<int>(i);
            if (index < 0)
                fail(origin, "layers." + key + ": the model has no layer of that name or index");
            const LayerKind kind = model.layers[index].kind;
            if (kind != LayerKind::Conv && kind != LayerKind::Dense && kind != LayerKind::Scores)
                fail(origin, "layers." + key + ": a " + layerKindName(kind) + " layer has no popcount");
            config.popcount[index] = parseUnit(value, "layers." + key, origin, library);
        }
    }
    return config;
}

InferenceConfig loadLayerConfig(const std::string& path, const Model& model, const CellLibrary& library)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error(path + ": cannot open configuration file");
    std::ostringstream text;
    text << in.rdbuf();
    return parseLayerConfig(text.str(), path, model, library);
}

nlohmann::json mitigationJson(const MitigationReport& report)
{
    auto optional = [](const std::optional<double>& v) { return v ? json(*v) : json(); };
    json layers = json::array();
    for (const auto& m : report.layers) {
        json j = {{"layer", m.layer}, {"step", mitigationName(m.step)}, {"threshold_bits", m.thresholdBits}};
        if (m.step == Mitigation::Tune) {
            j["min_shift"] = m.minShift;
            j["max_shift"] = m.maxShift;
            j["tuned_neurons"] = m.tunedNeurons;
            j["target"] = m.target;
            j["agreement_before"] = m.agreementBefore;
            j["agreement_after"] = m.agreementAfter;
        } else {
            j["xnor_one_fraction"] = m.xnorOneFraction;
            j["expected_error"] = m.expectedError;
            j["measured_error"] = m.measuredError;
            j["trained_circuit_error"] = optional(m.trainedCircuitError);
            j["trained_model_error"] = optional(m.trainedModelError);
            j["threshold_shift"] = m.shift;
        }
        j["fit_correct_before"] = m.fitCorrectBefore;
        j["fit_correct_after"] = m.fitCorrectAfter;
        j["held_out_correct_before"] = m.heldOutCorrectBefore;
        j["held_out_correct_after"] = m.heldOutCorrectAfter;
        json trials = json::array();
        for (const MitigationTrial& t : m.trials) {
            json tj = {{"change", t.change},   {"min_shift", t.minShift}, {"max_shift", t.maxShift},
                       {"neurons", t.neurons}, {"kept", t.kept},          {"reason", t.reason}};
            tj["fit_correct"] = t.fitCorrect >= 0 ? json(t.fitCorrect) : json();
            if (t.judged)
                tj["held_out"] = {{"gained", t.gained}, {"lost", t.lost}, {"needed", t.needed}};
            trials.push_back(tj);
        }
        j["trials"] = trials;
        layers.push_back(j);
    }
    return {{"method", mitigationName(report.method)},
            {"calibration_images", report.calibrationImages},
            {"fit_images", report.fitImages},
            {"held_out_images", report.heldOutImages},
            {"trained_for", report.trainedFor},
            {"correct_before", report.correctBefore},
            {"correct_after", report.correctAfter},
            {"extra_cells", report.extraCells},
            {"layers", layers}};
}

} // namespace axbnn
