// The space of an automatic per-layer search (docs/search.md): per binary
// layer a grid of popcount units (topology x unit width x full-adder cell x
// half-adder cell x LSB columns x tree levels), plus the network-wide
// mitigation mode. Grid points that build the same circuit share one unit,
// so that no design is evaluated twice under two spellings.
#pragma once

#include "bnn/mitigation.h"
#include "bnn/model.h"
#include "circuit/cell_library.h"
#include "explore/design.h"

#include <nlohmann/json.hpp>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace axbnn {

// The values of each axis of one layer's grid; an unset axis takes the
// default of docs/search.md (every buildable topology, every approximate
// cell of the library, LSB columns 0..the circuit's output bits, ...).
struct SpaceAxes {
    std::optional<std::vector<Topology>> topologies;
    std::optional<std::vector<int>> unitWidths; // 0: the whole fan-in
    std::optional<std::vector<std::string>> cells; // full-adder replacements
    std::optional<std::vector<std::string>> haCells; // "" : half adders stay exact
    std::optional<std::vector<int>> lsb;
    std::optional<std::vector<int>> levels;
};

// What a --space file says (all optional): the axes for every layer,
// per-layer overrides (by name or index) and the mitigation modes.
struct SearchSpaceSpec {
    SpaceAxes axes;
    struct LayerEntry {
        bool search = true; // false: the layer stays exact
        SpaceAxes axes; // overrides `axes` where set
    };
    std::map<std::string, LayerEntry> layers; // key: layer name or index
    std::optional<std::vector<Mitigation>> mitigations;
};

// Limits a space file is checked against (and the built space).
inline constexpr int kMaxAxisValues = 64; // values in one axis list
inline constexpr int kMaxLayerGrid = 20000; // grid points of one layer
inline constexpr int kDefaultMaxLevels = 6; // default tree levels 0..6
inline constexpr uint64_t kMaxSpaceFileBytes = 1u << 20;

// Throws std::runtime_error "origin: key: problem (limit)".
SearchSpaceSpec parseSearchSpace(std::string_view text, const std::string& origin);
SearchSpaceSpec loadSearchSpace(const std::string& path);

// One layer's grid. A grid point's coordinates are indices into the axes
// in the order of Axis; unitOf maps a grid point to its effective unit.
struct LayerSpace {
    enum Axis { Topo, Width, Cell, HaCell, Lsb, Levels, AxisCount };
    int layer = 0; // model layer
    std::string name;
    int fanIn = 0;
    long evaluationsPerImage = 0; // neuron evaluations the layer makes per image
    std::vector<Topology> topologies;
    std::vector<int> unitWidths;
    std::vector<std::string> cells, haCells;
    std::vector<int> lsb, levels;
    std::vector<int> unitOf; // grid point -> index into units
    std::vector<UnitDesign> units; // the distinct circuits, in grid order of first appearance
    std::vector<bool> exactUnit; // units[i] replaces no cell
    std::vector<int> unitPoint; // units[i]'s first grid point

    std::array<int, AxisCount> sizes() const;
    int gridSize() const; // product of the axes' sizes
    std::array<int, AxisCount> coords(int point) const;
    int pointOf(const std::array<int, AxisCount>& coords) const;
    // The grid point of the exact adder tree of the whole fan-in, or the
    // first exact point of the grid: where searches start.
    int exactPoint() const;
};

struct SearchSpace {
    std::vector<LayerSpace> layers;
    std::vector<Mitigation> mitigations;
    // Distinct networks: product of the layers' units times the modes.
    double networks() const;
};

// The space of `spec` on `model`: Conv and Dense layers by default, Scores
// only when the spec names it. Throws std::runtime_error naming `origin`,
// the key and the limit for unknown layers or cells, layers without a
// popcount, unit widths above the fan-in and grids above kMaxLayerGrid.
SearchSpace buildSearchSpace(const SearchSpaceSpec& spec, const Model& model, const CellLibrary& library,
                             const std::string& origin);

// Short text for tables: "adder-tree maj-fa lsb 2" or "wallace exact".
std::string unitSummary(const UnitDesign& unit, bool exact);

} // namespace axbnn
