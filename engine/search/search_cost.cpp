// Popcount cost of network designs (docs/search.md, "Objective").
#include "search/search_cost.h"

#include "circuit/approximation.h"
#include "circuit/cost_model.h"
#include "circuit/popcount_builder.h"
#include "util/name_table.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace axbnn {
namespace {

constexpr std::array<ObjectiveInfo, 3> kObjectives{{
    {Objective::Area, "area", "area_um2", "sum of one popcount unit per searched layer (um^2)"},
    {Objective::Energy, "energy", "energy_fj",
     "popcount switching energy per inference: per layer, energy per evaluation x evaluations per image (fJ)"},
    {Objective::Delay, "delay", "delay_ps", "sum of the layers' popcount critical paths (ps)"},
}};

} // namespace

std::span<const ObjectiveInfo> objectiveTable()
{
    return kObjectives;
}

const ObjectiveInfo& objectiveInfo(Objective objective)
{
    for (const ObjectiveInfo& o : kObjectives)
        if (o.objective == objective)
            return o;
    throw std::logic_error("objectiveInfo: unknown objective");
}

std::vector<std::string> objectiveNames()
{
    return tableNames(objectiveTable());
}

Objective parseObjective(std::string_view name)
{
    return tableEntry(objectiveTable(), name, "objective").objective;
}

double NetworkCost::of(Objective objective) const
{
    switch (objective) {
    case Objective::Area: return areaUm2;
    case Objective::Energy: return energyFj;
    case Objective::Delay: return delayPs;
    }
    return 0.0;
}

NetworkCost& NetworkCost::operator+=(const NetworkCost& o)
{
    areaUm2 += o.areaUm2;
    energyFj += o.energyFj;
    delayPs += o.delayPs;
    return *this;
}

SearchCosts::SearchCosts(const SearchSpace& space, const CellLibrary& library, std::vector<double> xnorP)
    : space_(space), library_(library), xnorP_(std::move(xnorP))
{}

SearchCosts::Raw SearchCosts::chunk(const UnitDesign& unit, int width, double p) const
{
    CostOptions options;
    options.p = p;
    options.energyVectors = 2048;
    options.transistors = false; // the search weighs area, energy and delay only
    const Netlist exact = buildPopcount(width, unit.topology, library_);
    const CircuitCost c = computeCost(applyApproximation(exact, library_, unit.approx), options);
    return {c.areaUm2, c.energyFj, c.delayPs};
}

NetworkCost SearchCosts::unitCost(int layer, int unit) const
{
    {
        const std::lock_guard lock(mutex_);
        if (auto it = units_.find({layer, unit}); it != units_.end())
            return it->second;
    }
    const LayerSpace& l = space_.layers.at(static_cast<size_t>(layer));
    const UnitDesign& u = l.units.at(static_cast<size_t>(unit));
    const double p = static_cast<size_t>(l.layer) < xnorP_.size() && xnorP_[l.layer] >= 0 ? xnorP_[l.layer] : 0.5;
    const int width = u.unitWidth == 0 || u.unitWidth >= l.fanIn ? l.fanIn : u.unitWidth;
    const int full = l.fanIn / width, rest = l.fanIn % width;
    // The chunk circuits of a unit: `full` of `width` inputs and one of `rest`.
    const auto chunks = [&](const UnitDesign& design) {
        Raw total = chunk(design, width, p);
        total.area *= full;
        total.energy *= full;
        if (rest > 0) {
            const Raw r = chunk(design, rest, p);
            total.area += r.area;
            total.energy += r.energy;
            total.delay = std::max(total.delay, r.delay);
        }
        return total;
    };
    Raw total = chunks(u);
    if (full + (rest > 0) > 1) {
        // The exact adders that sum the chunk values: what the exact circuit
        // of the whole fan-in spends beyond the exact circuits of its chunks.
        UnitDesign exactUnit = u;
        exactUnit.approx = {};
        const Raw whole = chunk(exactUnit, l.fanIn, p);
        const Raw parts = chunks(exactUnit);
        total.area += std::max(0.0, whole.area - parts.area);
        total.energy += std::max(0.0, whole.energy - parts.energy);
        total.delay += std::max(0.0, whole.delay - parts.delay);
    }
    const NetworkCost cost{total.area, total.energy * static_cast<double>(l.evaluationsPerImage), total.delay};
    const std::lock_guard lock(mutex_);
    units_[{layer, unit}] = cost;
    return cost;
}

NetworkCost SearchCosts::network(std::span<const int> units) const
{
    NetworkCost total;
    for (size_t i = 0; i < units.size(); ++i)
        total += unitCost(static_cast<int>(i), units[i]);
    return total;
}

} // namespace axbnn
