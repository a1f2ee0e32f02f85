// Design values: per-layer units, hashes and the JSON of sessions.
#include "explore/design.h"
#include "util/shown_text.h"

#include "circuit/cell_map_json.h"
#include "circuit/design_limits.h"
#include "circuit/knobs.h"
#include "util/fnv1a.h"
#include "util/json_text.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <type_traits>

namespace axbnn {

bool UnitDesign::operator==(const UnitDesign& o) const
{
    return circuit == o.circuit && topology == o.topology && unitWidth == o.unitWidth && netlist == o.netlist
        && leaf == o.leaf && leafWidth == o.leafWidth && approx == o.approx;
}

bool Design::operator==(const Design& o) const
{
    return inputs == o.inputs && unit == o.unit && p == o.p && pSource == o.pSource && model == o.model
        && comparison == o.comparison && selectedLayer == o.selectedLayer && layers == o.layers
        && mitigation == o.mitigation && data == o.data;
}

namespace {

bool approximable(const Layer& layer)
{
    return layer.kind == LayerKind::Conv || layer.kind == LayerKind::Dense;
}

// The unit as every layer gets it: no hand-picked cells, no imported netlist.
UnitDesign builtKnobs(UnitDesign unit)
{
    unit.approx = knobsOnly(std::move(unit.approx));
    unit.netlist.clear();
    return unit;
}

nlohmann::json stringOrNull(const std::string& s)
{
    return s.empty() ? nlohmann::json() : nlohmann::json(s);
}

nlohmann::json dataJson(const DataDesign& d)
{
    return {{"dataset", d.dataset},
            {"limit", d.limit},
            {"calibration", d.calibration},
            {"calibration_limit", d.calibrationLimit}};
}

nlohmann::json layersJson(const std::map<int, UnitDesign>& layers)
{
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [index, unit] : layers)
        j[std::to_string(index)] = unitDesignJson(unit);
    return j;
}

// The fields that decide the cells of a built circuit, whatever its N.
nlohmann::json structureJson(const UnitDesign& unit)
{
    nlohmann::json j = unitDesignJson(builtKnobs(unit));
    j.erase(unit_keys::kUnitWidth);
    return j;
}

// Adds values and vectors of a model to the hash, sizes first.
class Fnv {
public:
    template <typename T>
    void add(const std::vector<T>& v)
    {
        add(v.size());
        h_.add(v.data(), v.size() * sizeof(T));
    }
    template <typename T>
    void add(const T& value) requires std::is_arithmetic_v<T> || std::is_enum_v<T>
    {
        h_.add(&value, sizeof value);
    }
    void add(const std::string& s)
    {
        add(s.size());
        h_.add(s);
    }
    std::string hex() const { return h_.hex(); }

private:
    Fnv1a64 h_;
};

} // namespace

std::string modelFingerprint(const Model& model)
{
    Fnv f;
    f.add(model.layers.size());
    for (const Layer& l : model.layers) {
        f.add(l.kind);
        f.add(l.name);
        for (const int v : {l.in.height, l.in.width, l.in.channels, l.out.height, l.out.width, l.out.channels, l.kernel,
                            l.stride, l.padding, l.pool})
            f.add(v);
        f.add(l.weights);
        f.add(l.thresholds.threshold);
        f.add(l.thresholds.direction);
        f.add(l.scoreScale);
        f.add(l.scoreOffset);
    }
    return f.hex();
}

int exploredLayer(const Design& design, const Model& model)
{
    if (design.selectedLayer < 0 || static_cast<size_t>(design.selectedLayer) >= model.layers.size())
        return -1;
    const Layer& layer = model.layers[static_cast<size_t>(design.selectedLayer)];
    return approximable(layer) && layer.fanIn() == design.inputs ? design.selectedLayer : -1;
}

std::vector<std::optional<UnitDesign>> modelUnits(const Design& design, const Model& model)
{
    std::vector<std::optional<UnitDesign>> units(model.layers.size());
    const int explored = exploredLayer(design, model);
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const int index = static_cast<int>(i);
        if (auto it = design.layers.find(index); it != design.layers.end()) {
            if (it->second.circuit) // simulated as given, even with no approximated cell
                units[i] = it->second;
            continue;
        }
        if (!approximable(model.layers[i]))
            continue;
        UnitDesign unit = index == explored ? design.unit : builtKnobs(design.unit);
        if (!unit.isExact())
            units[i] = std::move(unit);
    }
    return units;
}

std::string designHash(const Design& design, Aspect aspect, const Model* model, const std::string* fingerprint)
{
    nlohmann::json j;
    const auto accuracyUnits = [&] {
        if (!model) // the fields modelUnits() reads
            return nlohmann::json{{"inputs", design.inputs},
                                  {"unit", unitDesignJson(design.unit)},
                                  {"selected_layer", design.selectedLayer},
                                  {"layers", layersJson(design.layers)}};
        nlohmann::json units = nlohmann::json::array();
        for (const auto& unit : modelUnits(design, *model))
            units.push_back(unit ? unitDesignJson(*unit) : nlohmann::json());
        return units;
    };
    const bool measured = design.pSource == PSource::Measured;
    switch (aspect) {
    case Aspect::Circuit:
        j = {{"inputs", design.inputs},
             {"unit", unitDesignJson(design.unit)},
             {"p", design.p},
             {"p_source", measured ? "measured" : "fixed"}};
        if (measured) // the effective p comes from the selected layer's data
            j["measured_on"] = {
                {"model", design.model}, {"layer", design.selectedLayer}, {"data", design.data.dataset}};
        break;
    case Aspect::CostSweep: j = structureJson(design.unit); break;
    case Aspect::Accuracy:
        j = {{"model", design.model},
             {"units", accuracyUnits()},
             {"mitigation", mitigationName(design.mitigation)},
             {"data", dataJson(design.data)}};
        if (design.mitigation != Mitigation::None) // unmitigated hashes stay as they were
            j["mitigation_rule"] = kMitigationRuleVersion;
        break;
    case Aspect::LevelSweep: {
        nlohmann::json cells = structureJson(design.unit);
        for (const KnobInfo& knob : knobTable())
            cells.erase(knob.key); // swept
        j = {{"model", design.model},
             {"comparison", design.comparison},
             {"inputs", design.inputs},
             {"cells", cells},
             {"layers", layersJson(design.layers)},
             {"mitigation", mitigationName(design.mitigation)},
             {"data", dataJson(design.data)}};
        if (design.mitigation != Mitigation::None)
            j["mitigation_rule"] = kMitigationRuleVersion;
        break;
    }
    case Aspect::LayerCosts:
        j = {{"model", design.model}, {"structure", structureJson(design.unit)}};
        if (!design.layers.empty()) // explicit units (a per-layer design) cost as given
            j["layers"] = layersJson(design.layers);
        break;
    case Aspect::All: j = designJson(design); break;
    }
    j["aspect"] = static_cast<int>(aspect);
    const bool modelAspect = aspect == Aspect::Accuracy || aspect == Aspect::LevelSweep || aspect == Aspect::LayerCosts
        || aspect == Aspect::All;
    if (model && modelAspect) // the file at a path may change; its content decides
        j["model_content"] = fingerprint ? *fingerprint : modelFingerprint(*model);
    return fnv1a64Hex(j.dump());
}

nlohmann::json unitDesignJson(const UnitDesign& unit)
{
    using namespace unit_keys;
    nlohmann::json j = {{kPopcount, unit.circuit ? "circuit" : "exact"},
                        {kTopology, topologyName(unit.topology)},
                        {kCell, unit.approx.faCell},
                        {kHaCell, unit.approx.haCell},
                        {kApproxCells, unit.approx.extraCells},
                        {kExactCells, unit.approx.exactCells},
                        {kUnitWidth, unit.unitWidth},
                        {kNetlist, stringOrNull(unit.netlist)}};
    for (const KnobInfo& knob : knobTable())
        if (knobWritten(unit.approx, knob))
            j[knob.key] = knobValue(unit.approx, knob.knob);
    addMixedCells(j, unit.approx);
    if (!unit.leaf.empty()) // written only when set: designs without one keep their hashes
        j[kLeaf] = unit.leaf;
    if (unit.leafWidth > 0)
        j[kLeafWidth] = unit.leafWidth;
    return j;
}

nlohmann::json designJson(const Design& d)
{
    return {{"inputs", d.inputs},
            {"unit", unitDesignJson(d.unit)},
            {"p", d.p},
            {"p_source", d.pSource == PSource::Measured ? "measured" : "fixed"},
            {"model", stringOrNull(d.model)},
            {"comparison_model", stringOrNull(d.comparison)},
            {"selected_layer", d.selectedLayer},
            {"layers", layersJson(d.layers)},
            {"mitigation", mitigationName(d.mitigation)},
            {"data", dataJson(d.data)}};
}

nlohmann::json sessionJson(const Design& design)
{
    return {{"format", kSessionFormat}, {"version", kSessionVersion}, {"design", designJson(design)}};
}

namespace {

// Reads keys of one JSON object; every problem names the key's path.
class Reader {
public:
    explicit Reader(std::string origin) : origin_(std::move(origin)) {}

    [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error(origin_ + ": " + what); }

    const nlohmann::json* find(const nlohmann::json& o, const std::string& key) const
    {
        const auto it = o.find(key);
        return it == o.end() || it->is_null() ? nullptr : &*it;
    }
    const nlohmann::json& require(const nlohmann::json& o, const std::string& key, const std::string& path) const
    {
        const auto it = o.find(key);
        if (it == o.end())
            fail("missing key '" + path + "'");
        return *it;
    }
    int integer(const nlohmann::json& v, const std::string& path, long lo, long hi) const
    {
        // Range first: converting a double out of int's range is undefined.
        const double d = v.is_number() ? v.get<double>() : -1e300;
        if (!v.is_number() || !(d >= double(lo) && d <= double(hi)) || d != std::floor(d))
            fail(hi == std::numeric_limits<int>::max()
                     ? "'" + path + "' must be an integer >= " + std::to_string(lo)
                     : "'" + path + "' must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
        return static_cast<int>(d);
    }
    int integer(const nlohmann::json& o, const std::string& key, const std::string& path, long lo, long hi,
                int fallback) const
    {
        const nlohmann::json* v = find(o, key);
        return v ? integer(*v, path, lo, hi) : fallback;
    }
    std::string string(const nlohmann::json& o, const std::string& key, const std::string& path,
                       const std::string& fallback = {}) const
    {
        const nlohmann::json* v = find(o, key);
        if (!v)
            return fallback;
        if (!v->is_string())
            fail("'" + path + "' must be a string");
        return v->get<std::string>();
    }
    std::vector<int> cells(const nlohmann::json& o, const std::string& key, const std::string& path) const
    {
        const nlohmann::json* v = find(o, key);
        if (!v)
            return {};
        if (!v->is_array())
            fail("'" + path + "' must be an array of cell indices");
        if (v->size() > size_t(kMaxPopcountInputs) * 4)
            fail("'" + path + "' lists more cells than any popcount of the limits has");
        std::vector<int> out;
        for (const auto& c : *v)
            out.push_back(integer(c, path, 0, std::numeric_limits<int>::max()));
        return out;
    }
    double probability(const nlohmann::json& v, const std::string& path) const
    {
        if (!v.is_number() || !(v.get<double>() >= 0.0 && v.get<double>() <= 1.0))
            fail("'" + path + "' must be a number in [0, 1]");
        return v.get<double>();
    }
    Topology topology(const std::string& name, const std::string& path) const
    {
        try {
            return parseTopology(name);
        } catch (const std::invalid_argument& e) {
            fail(path + ": " + e.what());
        }
    }
    Mitigation mitigation(const nlohmann::json& o, const std::string& key, const std::string& path) const
    {
        const std::string name = string(o, key, path, mitigationName(Mitigation::None));
        try {
            return parseMitigation(name.empty() ? mitigationName(Mitigation::None) : name);
        } catch (const std::invalid_argument& e) {
            fail("'" + path + "': " + e.what());
        }
    }
    PSource pSource(const std::string& name, const std::string& path) const
    {
        if (name.empty() || name == "fixed")
            return PSource::Fixed;
        if (name == "measured")
            return PSource::Measured;
        fail("'" + path + "' must be \"fixed\" or \"measured\"");
    }
    void object(const nlohmann::json& v, const std::string& path) const
    {
        if (!v.is_object())
            fail("'" + path + "' must be an object");
    }

private:
    std::string origin_;
};

UnitDesign readUnit(const Reader& r, const nlohmann::json& j, const std::string& at)
{
    using namespace unit_keys;
    r.object(j, at);
    UnitDesign u;
    const std::string popcount = r.string(j, kPopcount, at + "." + kPopcount, "circuit");
    if (popcount != "circuit" && popcount != "exact")
        r.fail("'" + at + "." + kPopcount + "' must be \"exact\" or \"circuit\"");
    u.circuit = popcount == "circuit";
    u.topology = r.topology(r.string(j, kTopology, at + "." + kTopology, "adder-tree"), at + "." + kTopology);
    u.approx.faCell = r.string(j, kCell, at + "." + kCell, "maj-fa");
    u.approx.haCell = r.string(j, kHaCell, at + "." + kHaCell);
    for (const KnobInfo& knob : knobTable())
        setKnob(u.approx, knob.knob, r.integer(j, knob.key, at + "." + knob.key, 0, knob.max, 0));
    u.approx.extraCells = r.cells(j, kApproxCells, at + "." + kApproxCells);
    u.approx.exactCells = r.cells(j, kExactCells, at + "." + kExactCells);
    try {
        readMixedCells(j, at, u.approx);
    } catch (const std::invalid_argument& e) {
        r.fail(e.what());
    }
    u.unitWidth = r.integer(j, kUnitWidth, at + "." + kUnitWidth, 0, kMaxUnitWidth, 0);
    u.netlist = r.string(j, kNetlist, at + "." + kNetlist);
    u.leaf = r.string(j, kLeaf, at + "." + kLeaf);
    u.leafWidth = r.integer(j, kLeafWidth, at + "." + kLeafWidth, 0, kMaxUnitWidth, 0);
    if (!u.leaf.empty() && u.leafWidth > 0)
        r.fail("'" + at + "." + kLeaf + "' and '" + at + "." + kLeafWidth + "' exclude each other");
    return u;
}

DataDesign readData(const Reader& r, const nlohmann::json* j, const std::string& at)
{
    DataDesign d;
    if (!j)
        return d;
    r.object(*j, at + "data");
    d.dataset = r.string(*j, "dataset", at + "data.dataset", d.dataset);
    d.limit = r.integer(*j, "limit", at + "data.limit", 0, 100'000'000, d.limit);
    d.calibration = r.string(*j, "calibration", at + "data.calibration", d.calibration);
    d.calibrationLimit =
        r.integer(*j, "calibration_limit", at + "data.calibration_limit", 1, 1'000'000, d.calibrationLimit);
    return d;
}

// Version 1 (workbench sessions before designs): camelCase keys in a
// "circuit" object, the knobs under their session names (circuit/knobs.h).
Design readVersion1(const Reader& r, const nlohmann::json& json)
{
    const nlohmann::json* circuit = r.find(json, "circuit");
    if (!circuit || !circuit->is_object())
        r.fail("missing object 'circuit'");
    const nlohmann::json& c = *circuit;
    Design d;
    d.inputs = r.integer(r.require(c, "inputs", "circuit.inputs"), "circuit.inputs", 1, kMaxPopcountInputs);
    const nlohmann::json& topology = r.require(c, "topology", "circuit.topology");
    if (!topology.is_string())
        r.fail("'circuit.topology' must be a string");
    d.unit.topology = r.topology(topology.get<std::string>(), "circuit.topology");
    r.require(c, "faCell", "circuit.faCell");
    d.unit.approx.faCell = r.string(c, "faCell", "circuit.faCell");
    d.unit.approx.haCell = r.string(c, "haCell", "circuit.haCell");
    for (const KnobInfo& knob : knobTable()) {
        const std::string path = std::string("circuit.") + knob.sessionKey;
        if (knob.alwaysWritten || c.contains(knob.sessionKey))
            setKnob(d.unit.approx, knob.knob, r.integer(r.require(c, knob.sessionKey, path), path, 0, knob.max));
    }
    d.unit.approx.extraCells = r.cells(c, "extraCells", "circuit.extraCells");
    d.unit.approx.exactCells = r.cells(c, "exactCells", "circuit.exactCells");
    d.p = r.probability(r.require(c, "p", "circuit.p"), "circuit.p");
    d.pSource = r.pSource(r.string(c, "inputStatistic", "circuit.inputStatistic"), "circuit.inputStatistic");
    d.mitigation = r.mitigation(json, "mitigation", "mitigation");
    d.model = r.string(json, "model", "model");
    d.comparison = r.string(json, "comparisonModel", "comparisonModel");
    d.selectedLayer = r.integer(json, "selectedLayer", "selectedLayer", -1, std::numeric_limits<int>::max(), -1);
    d.unit.netlist = r.string(json, "netlist", "netlist");
    return d;
}

// `at` prefixes every key path in messages ("design." in a session file).
Design readDesign(const Reader& r, const nlohmann::json& j, const std::string& at)
{
    r.object(j, at.empty() ? "design" : at.substr(0, at.size() - 1));
    Design d;
    d.inputs = r.integer(r.require(j, "inputs", at + "inputs"), at + "inputs", 1, kMaxPopcountInputs);
    d.unit = readUnit(r, r.require(j, "unit", at + "unit"), at + "unit");
    d.p = r.probability(r.require(j, "p", at + "p"), at + "p");
    d.pSource = r.pSource(r.string(j, "p_source", at + "p_source"), at + "p_source");
    d.model = r.string(j, "model", at + "model");
    d.comparison = r.string(j, "comparison_model", at + "comparison_model");
    d.selectedLayer = r.integer(j, "selected_layer", at + "selected_layer", -1, std::numeric_limits<int>::max(), -1);
    if (const nlohmann::json* layers = r.find(j, "layers")) {
        r.object(*layers, at + "layers");
        for (const auto& [key, value] : layers->items()) {
            const std::string path = at + "layers." + shownText(key);
            const int index = r.integer(nlohmann::json::parse(key, nullptr, false), path, 0, 65535);
            d.layers[index] = readUnit(r, value, path);
        }
    }
    d.mitigation = r.mitigation(j, "mitigation", at + "mitigation");
    d.data = readData(r, r.find(j, "data"), at);
    return d;
}

} // namespace

Design designFromJson(const nlohmann::json& json, const std::string& origin)
{
    return readDesign(Reader(origin), json, "");
}

Design sessionFromJson(const nlohmann::json& json, const std::string& origin)
{
    const Reader r(origin);
    if (!json.is_object())
        r.fail("a session is a JSON object");
    if (r.string(json, "format", "format") != kSessionFormat)
        r.fail(std::string("not a workbench session (format is not '") + kSessionFormat + "')");
    const nlohmann::json* version = r.find(json, "version");
    const int v = version && version->is_number_integer() ? version->get<int>() : -1;
    if (v == 1)
        return readVersion1(r, json);
    if (v != kSessionVersion)
        r.fail("unsupported session version (this workbench reads versions 1 and " + std::to_string(kSessionVersion)
               + ")");
    return readDesign(r, r.require(json, "design", "design"), "design.");
}

Design sessionFromText(std::string_view text, const std::string& origin)
{
    return sessionFromJson(parseJsonText(text, origin), origin);
}

} // namespace axbnn
