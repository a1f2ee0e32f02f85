// The hardware objective of a search (docs/search.md, "Objective"): the
// popcount cost of a network design, one popcount unit per layer reused for
// every neuron evaluation of that layer.
#pragma once

#include "circuit/cell_library.h"
#include "search/search_space.h"

#include <map>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

namespace axbnn {

enum class Objective { Area, Energy, Delay };

struct ObjectiveInfo {
    Objective objective;
    const char* name; // --objective, docs
    const char* column; // front CSV column
    const char* summary;
};

// The one table of objective names.
std::span<const ObjectiveInfo> objectiveTable();
const ObjectiveInfo& objectiveInfo(Objective objective);
std::vector<std::string> objectiveNames();
// Throws std::invalid_argument "unknown objective 'x' (known: area, energy, delay)".
Objective parseObjective(std::string_view name);

// Area: the sum of one unit per layer (um^2). Energy: per inference (fJ):
// each layer's energy per evaluation times its evaluations per image.
// Delay: the sum of the units' critical paths (ps), one neuron through
// every searched layer.
struct NetworkCost {
    double areaUm2 = 0.0, energyFj = 0.0, delayPs = 0.0;
    double of(Objective objective) const;
    NetworkCost& operator+=(const NetworkCost& o);
};

// The cost of every unit of a space, built when first asked for and kept.
// Thread-safe.
class SearchCosts {
public:
    // xnorP[model layer]: the probability of an XNOR output being 1 that the
    // switching energy is simulated at (0.5 where missing or negative).
    SearchCosts(const SearchSpace& space, const CellLibrary& library, std::vector<double> xnorP);
    // Layer `layer` (index into space.layers) with its unit `unit`, weighted
    // as NetworkCost says.
    NetworkCost unitCost(int layer, int unit) const;
    NetworkCost network(std::span<const int> units) const;

private:
    struct Raw {
        double area = 0, energy = 0, delay = 0;
    };
    Raw chunk(const UnitDesign& unit, int width, double p) const;
    const SearchSpace& space_;
    CellLibrary library_;
    std::vector<double> xnorP_;
    mutable std::mutex mutex_;
    mutable std::map<std::pair<int, int>, NetworkCost> units_;
};

} // namespace axbnn
