// Reading a search space (docs/search.md) and laying out each layer's grid.
#include "search/search_space.h"

#include "circuit/approximation.h"
#include "circuit/design_limits.h"
#include "circuit/knobs.h"
#include "circuit/popcount_builder.h"
#include "util/fnv1a.h"
#include "util/json_text.h"
#include "util/spec_reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

namespace axbnn {
namespace {

using nlohmann::json;

constexpr const char* kTopologiesKey = "topologies";
constexpr const char* kUnitWidthsKey = "unit_widths";
constexpr const char* kCellsKey = "cells";
constexpr const char* kHaCellsKey = "ha_cells";
constexpr const char* kMitigationsKey = "mitigations";
constexpr const char* kLayersKey = "layers";
constexpr const char* kSearchKey = "search";
constexpr Topology kBuildable[] = {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain};

std::string at(const std::string& key, size_t i)
{
    return key + "[" + std::to_string(i) + "]";
}

// Every value of a list once: a repeated one is a mistake in the file.
template <typename T>
void checkDistinct(const SpecReader& r, const std::vector<T>& values, const std::string& key)
{
    for (size_t i = 0; i < values.size(); ++i)
        for (size_t k = 0; k < i; ++k)
            if (values[i] == values[k])
                r.fail(at(key, i), "repeats " + at(key, k));
}

const json* axisList(const SpecReader& r, const json& j, const char* key, const std::string& prefix)
{
    const json* list = r.list(j, key, prefix);
    if (list && list->size() > static_cast<size_t>(kMaxAxisValues))
        r.fail(prefix + key,
               std::to_string(list->size()) + " values; an axis has at most " + std::to_string(kMaxAxisValues));
    return list;
}

std::vector<int> integers(const SpecReader& r, const json& j, const char* key, const std::string& prefix, int most)
{
    std::vector<int> values;
    const json& list = *axisList(r, j, key, prefix);
    for (size_t i = 0; i < list.size(); ++i)
        values.push_back(static_cast<int>(r.integer(list[i], prefix + at(key, i), 0, most)));
    checkDistinct(r, values, prefix + key);
    return values;
}

std::vector<std::string> strings(const SpecReader& r, const json& j, const char* key, const std::string& prefix)
{
    std::vector<std::string> values;
    const json& list = *axisList(r, j, key, prefix);
    for (size_t i = 0; i < list.size(); ++i)
        values.push_back(r.string(list[i], prefix + at(key, i)));
    checkDistinct(r, values, prefix + key);
    return values;
}

SpaceAxes parseAxes(const SpecReader& r, const json& j, const std::string& prefix)
{
    SpaceAxes a;
    const char* lsb = knobInfo(Knob::LsbColumns).name;
    const char* levels = knobInfo(Knob::Levels).name;
    if (j.contains(kTopologiesKey)) {
        a.topologies.emplace();
        const std::vector<std::string> names = strings(r, j, kTopologiesKey, prefix);
        for (size_t i = 0; i < names.size(); ++i) {
            try {
                a.topologies->push_back(parseTopology(names[i]));
            } catch (const std::invalid_argument& e) {
                r.fail(prefix + at(kTopologiesKey, i), e.what());
            }
        }
    }
    if (j.contains(kUnitWidthsKey))
        a.unitWidths = integers(r, j, kUnitWidthsKey, prefix, kMaxUnitWidth);
    if (j.contains(kCellsKey))
        a.cells = strings(r, j, kCellsKey, prefix);
    if (j.contains(kHaCellsKey))
        a.haCells = strings(r, j, kHaCellsKey, prefix);
    if (j.contains(lsb))
        a.lsb = integers(r, j, lsb, prefix, kMaxLsbColumns);
    if (j.contains(levels))
        a.levels = integers(r, j, levels, prefix, kMaxTreeLevels);
    return a;
}

template <typename T>
void overlay(std::optional<T>& into, const std::optional<T>& from)
{
    if (from)
        into = from;
}

} // namespace

SearchSpaceSpec parseSearchSpace(std::string_view text, const std::string& origin)
{
    const SpecReader r(origin);
    if (text.size() > kMaxSpaceFileBytes)
        r.fail("file",
               std::to_string(text.size()) + " bytes; a search space has at most " + std::to_string(kMaxSpaceFileBytes)
                   + " bytes");
    json j;
    try {
        j = parseJsonText(text, origin);
    } catch (const std::runtime_error& e) {
        throw SpecError(e.what());
    }
    const char* lsb = knobInfo(Knob::LsbColumns).name;
    const char* levels = knobInfo(Knob::Levels).name;
    r.onlyKeys(
        j, "space",
        {"comment", kTopologiesKey, kUnitWidthsKey, kCellsKey, kHaCellsKey, lsb, levels, kMitigationsKey, kLayersKey});
    SearchSpaceSpec spec;
    spec.axes = parseAxes(r, j, "");
    if (j.contains(kMitigationsKey)) {
        spec.mitigations.emplace();
        const std::vector<std::string> names = strings(r, j, kMitigationsKey, "");
        for (size_t i = 0; i < names.size(); ++i) {
            try {
                spec.mitigations->push_back(parseMitigation(names[i]));
            } catch (const std::invalid_argument& e) {
                r.fail(at(kMitigationsKey, i), e.what());
            }
        }
    }
    if (j.contains(kLayersKey)) {
        const json& layers = j[kLayersKey];
        if (!layers.is_object())
            r.fail(kLayersKey, "expected an object {layer name or index: {...}}");
        for (const auto& [key, value] : layers.items()) {
            const std::string where = std::string(kLayersKey) + "." + key;
            r.onlyKeys(value, where, {kSearchKey, kTopologiesKey, kUnitWidthsKey, kCellsKey, kHaCellsKey, lsb, levels});
            SearchSpaceSpec::LayerEntry entry;
            if (value.contains(kSearchKey)) {
                if (!value[kSearchKey].is_boolean())
                    r.fail(where + "." + kSearchKey, "expected true or false");
                entry.search = value[kSearchKey].get<bool>();
            }
            entry.axes = parseAxes(r, value, where + ".");
            spec.layers[key] = entry;
        }
    }
    return spec;
}

SearchSpaceSpec loadSearchSpace(const std::string& path)
{
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    if (ec)
        throw SpecError(path + ": cannot read the search space");
    if (bytes > kMaxSpaceFileBytes)
        throw SpecError(path + ": file: " + std::to_string(bytes) + " bytes; a search space has at most "
                        + std::to_string(kMaxSpaceFileBytes) + " bytes");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return parseSearchSpace(text.str(), path);
}

std::array<int, LayerSpace::AxisCount> LayerSpace::sizes() const
{
    return {static_cast<int>(topologies.size()), static_cast<int>(unitWidths.size()), static_cast<int>(cells.size()),
            static_cast<int>(haCells.size()),    static_cast<int>(lsb.size()),        static_cast<int>(levels.size())};
}

int LayerSpace::gridSize() const
{
    int n = 1;
    for (int s : sizes())
        n *= s;
    return n;
}

std::array<int, LayerSpace::AxisCount> LayerSpace::coords(int point) const
{
    std::array<int, AxisCount> c{};
    const auto s = sizes();
    for (int a = AxisCount - 1; a >= 0; --a) {
        c[a] = point % s[a];
        point /= s[a];
    }
    return c;
}

int LayerSpace::pointOf(const std::array<int, AxisCount>& c) const
{
    const auto s = sizes();
    int point = 0;
    for (int a = 0; a < AxisCount; ++a)
        point = point * s[a] + c[a];
    return point;
}

int LayerSpace::exactPoint() const
{
    int first = -1;
    for (int p = 0; p < gridSize(); ++p) {
        if (!exactUnit[unitOf[p]])
            continue;
        const UnitDesign& u = units[unitOf[p]];
        if (u.topology == Topology::AdderTree && u.unitWidth == 0)
            return p;
        if (first < 0)
            first = p;
    }
    return first;
}

double SearchSpace::networks() const
{
    double n = static_cast<double>(mitigations.size());
    for (const LayerSpace& l : layers)
        n *= static_cast<double>(l.units.size());
    return n;
}

namespace {

// The axes a layer gets: the spec's, overlaid by its entry, defaults for the rest.
LayerSpace layerAxes(const SpaceAxes& axes, const Layer& layer, const CellLibrary& library, const SpecReader& r,
                     const std::string& where)
{
    LayerSpace l;
    l.fanIn = layer.fanIn();
    l.name = layer.name;
    l.evaluationsPerImage = layer.outputs();
    l.topologies = axes.topologies.value_or(std::vector<Topology>(std::begin(kBuildable), std::end(kBuildable)));
    l.unitWidths = axes.unitWidths.value_or(std::vector<int>{0});
    for (size_t i = 0; i < l.unitWidths.size(); ++i)
        if (l.unitWidths[i] >= l.fanIn)
            r.fail(where + at(kUnitWidthsKey, i),
                   std::to_string(l.unitWidths[i]) + " is not below the fan-in " + std::to_string(l.fanIn)
                       + " of layer " + layer.name + " (0 is the whole fan-in)");
    std::vector<std::string> fa, ha{""};
    for (const CellType& c : library.cells())
        if (!c.gate && c.hasCarry && !c.isExact())
            (c.inputs == 3 ? fa : ha).push_back(c.name);
    l.cells = axes.cells.value_or(fa);
    l.haCells = axes.haCells.value_or(ha);
    for (size_t i = 0; i < l.cells.size(); ++i) {
        const CellType* c = library.find(l.cells[i]);
        if (!c || c->inputs != 3 || !c->hasCarry || c->gate)
            r.fail(where + at(kCellsKey, i),
                   "'" + l.cells[i] + "' is not a full-adder cell of the library (known: " + library.names() + ")");
    }
    for (size_t i = 0; i < l.haCells.size(); ++i) {
        const CellType* c = l.haCells[i].empty() ? nullptr : library.find(l.haCells[i]);
        if (!l.haCells[i].empty() && (!c || c->inputs != 2 || !c->hasCarry || c->gate))
            r.fail(where + at(kHaCellsKey, i),
                   "'" + l.haCells[i]
                       + "' is not a half-adder cell of the library (\"\": exact; known: " + library.names() + ")");
    }
    int widest = 0; // the circuit's output bits bound the useful LSB columns
    for (int w : l.unitWidths)
        widest = std::max(widest, bitsFor(static_cast<uint64_t>(w == 0 ? l.fanIn : w)));
    if (axes.lsb) {
        l.lsb = *axes.lsb;
    } else {
        for (int k = 0; k <= widest; ++k)
            l.lsb.push_back(k);
    }
    if (axes.levels) {
        l.levels = *axes.levels;
    } else {
        for (int k = 0; k <= kDefaultMaxLevels; ++k)
            l.levels.push_back(k);
    }
    return l;
}

// The cells a grid point replaces in one chunk netlist, as a hash: two
// points with the same signature build the same circuit.
void addSelection(Fnv1a64& h, const Netlist& net, const ApproxConfig& approx, bool& any)
{
    for (int i = 0; i < static_cast<int>(net.cells.size()); ++i) {
        const std::string& kind = net.typeOf(net.cells[i]).name;
        const bool replaceable = kind == "fa" || (kind == "ha" && !approx.haCell.empty());
        if (!replaceable || !selectedByKnobs(net, i, approx))
            continue;
        any = true;
        h.add(&i, sizeof i);
        h.add(kind == "fa" ? approx.faCell : approx.haCell);
    }
}

void layOutUnits(LayerSpace& l, const CellLibrary& library)
{
    std::map<std::pair<Topology, int>, Netlist> nets; // (topology, chunk width)
    auto netFor = [&](Topology t, int width) -> const Netlist& {
        auto it = nets.find({t, width});
        if (it == nets.end())
            it = nets.emplace(std::pair{t, width}, buildPopcount(width, t, library)).first;
        return it->second;
    };
    std::unordered_map<std::string, int> bySignature;
    for (int p = 0; p < l.gridSize(); ++p) {
        const auto c = l.coords(p);
        UnitDesign u;
        u.topology = l.topologies[c[LayerSpace::Topo]];
        u.unitWidth = l.unitWidths[c[LayerSpace::Width]];
        u.approx.faCell = l.cells[c[LayerSpace::Cell]];
        u.approx.haCell = l.haCells[c[LayerSpace::HaCell]];
        u.approx.lsbColumns = l.lsb[c[LayerSpace::Lsb]];
        u.approx.levels = l.levels[c[LayerSpace::Levels]];
        const int width = u.unitWidth == 0 ? l.fanIn : u.unitWidth;
        Fnv1a64 h;
        bool any = false;
        addSelection(h, netFor(u.topology, width), u.approx, any);
        if (l.fanIn % width != 0)
            addSelection(h, netFor(u.topology, l.fanIn % width), u.approx, any);
        const std::string signature =
            topologyName(u.topology) + "/" + std::to_string(u.unitWidth) + "/" + (any ? h.hex() : "exact");
        const auto [it, fresh] = bySignature.emplace(signature, static_cast<int>(l.units.size()));
        if (fresh) {
            l.units.push_back(u);
            l.exactUnit.push_back(!any);
            l.unitPoint.push_back(p);
        }
        l.unitOf.push_back(it->second);
    }
}

} // namespace

SearchSpace buildSearchSpace(const SearchSpaceSpec& spec, const Model& model, const CellLibrary& library,
                             const std::string& origin)
{
    const SpecReader r(origin);
    std::map<int, const SearchSpaceSpec::LayerEntry*> entries;
    for (const auto& [key, entry] : spec.layers) {
        int index = -1;
        for (size_t i = 0; i < model.layers.size(); ++i)
            if (model.layers[i].name == key || std::to_string(i) == key)
                index = static_cast<int>(i);
        if (index < 0)
            r.fail(std::string(kLayersKey) + "." + key, "the model has no layer of that name or index");
        const LayerKind kind = model.layers[index].kind;
        if (kind != LayerKind::Conv && kind != LayerKind::Dense && kind != LayerKind::Scores)
            r.fail(std::string(kLayersKey) + "." + key, "a " + layerKindName(kind) + " layer has no popcount");
        entries[index] = &entry;
    }
    SearchSpace space;
    space.mitigations = spec.mitigations.value_or(std::vector<Mitigation>{Mitigation::None});
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const Layer& layer = model.layers[i];
        const auto entry = entries.find(static_cast<int>(i));
        const bool approximable = layer.kind == LayerKind::Conv || layer.kind == LayerKind::Dense;
        if (entry == entries.end() ? !approximable : !entry->second->search)
            continue;
        SpaceAxes axes = spec.axes;
        std::string where;
        if (entry != entries.end()) {
            const SpaceAxes& o = entry->second->axes;
            overlay(axes.topologies, o.topologies);
            overlay(axes.unitWidths, o.unitWidths);
            overlay(axes.cells, o.cells);
            overlay(axes.haCells, o.haCells);
            overlay(axes.lsb, o.lsb);
            overlay(axes.levels, o.levels);
            where = std::string(kLayersKey) + "." + layer.name + ".";
        }
        LayerSpace l = layerAxes(axes, layer, library, r, where);
        l.layer = static_cast<int>(i);
        long long grid = 1;
        for (int s : l.sizes())
            grid *= s;
        if (grid > kMaxLayerGrid)
            r.fail(where.empty() ? std::string("space") : where.substr(0, where.size() - 1),
                   "layer " + layer.name + " has " + std::to_string(grid)
                       + " grid points (topologies x unit widths x cells x ha cells x lsb x levels); at most "
                       + std::to_string(kMaxLayerGrid));
        layOutUnits(l, library);
        space.layers.push_back(std::move(l));
    }
    if (space.layers.empty())
        r.fail(kLayersKey, "no layer is left to search");
    return space;
}

std::string unitSummary(const UnitDesign& unit, bool exact)
{
    std::string s = topologyName(unit.topology);
    if (unit.unitWidth > 0)
        s += " w" + std::to_string(unit.unitWidth);
    if (exact)
        return s + " exact";
    s += " " + unit.approx.faCell;
    if (!unit.approx.haCell.empty())
        s += "+" + unit.approx.haCell;
    for (const KnobInfo& knob : knobTable())
        if (const int v = knobValue(unit.approx, knob.knob); v > 0)
            s += std::string(" ") + knob.name + " " + std::to_string(v);
    return s;
}

} // namespace axbnn
