// Per-layer cost, statistics and inference configuration of a loaded model.
#include "explore/model_analysis.h"

#include "bnn/inference.h"
#include "bnn/inference_types.h"
#include "bnn/mitigation.h"
#include "circuit/popcount_builder.h"
#include "explore/evaluate.h"
#include "io/model_file.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace axbnn {

LoadedModel loadModelWithStats(const std::string& path, const Dataset* data, int statImages)
{
    LoadedModel loaded;
    loaded.path = path;
    loaded.model = loadModel(path);
    loaded.xnorP.assign(loaded.model.layers.size(), -1.0);
    if (!data || data->shape != loaded.model.input || data->count == 0 || statImages <= 0)
        return loaded;
    const int count = std::min(statImages, data->count);
    const InferenceEngine engine(loaded.model);
    const InferenceResult run = engine.run(*data, 0, count, true);
    for (size_t i = 0; i < loaded.model.layers.size(); ++i)
        if (run.stats.layers[i].xnorInputs > 0)
            loaded.xnorP[i] = run.stats.layers[i].xnorOneFraction();
    loaded.statsImages = count;
    return loaded;
}

bool isApproximable(const Layer& layer)
{
    return layer.kind == LayerKind::Conv || layer.kind == LayerKind::Dense;
}

std::vector<LayerCost> computeLayerCosts(const Model& model, Topology topology, const ApproxConfig& knobs,
                                         const CellLibrary& library, const std::map<int, UnitDesign>& explicitUnits)
{
    CostOptions options;
    options.energyVectors = 128; // the cost model's minimum: the table shows area
    // Overrides index one netlist only: knobs and cells.
    UnitDesign global;
    global.topology = topology;
    global.approx = knobsOnly(knobs);

    std::map<std::pair<int, std::string>, std::pair<CircuitCost, CircuitCost>> byUnit; // (fan-in, unit JSON)
    std::vector<LayerCost> rows;
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const Layer& layer = model.layers[i];
        LayerCost row;
        row.layer = static_cast<int>(i);
        const bool binary =
            layer.kind == LayerKind::Conv || layer.kind == LayerKind::Dense || layer.kind == LayerKind::Scores;
        if (binary) {
            row.fanIn = layer.fanIn();
            row.popcountBits = bitsFor(static_cast<uint64_t>(row.fanIn));
            const auto given = explicitUnits.find(row.layer);
            UnitDesign unit = given != explicitUnits.end() ? given->second : global;
            if (!unit.circuit || !unit.netlist.empty())
                unit.approx = {}; // costed as the exact circuit
            const auto key = std::pair{row.fanIn, unitDesignJson(unit).dump()};
            auto it = byUnit.find(key);
            if (it == byUnit.end()) {
                const Netlist exact = buildPopcount(row.fanIn, unit.topology, library);
                const Netlist approximate = applyApproximation(exact, library, unit.approx);
                it = byUnit.emplace(key, std::pair{computeCost(exact, options), computeCost(approximate, options)})
                         .first;
            }
            row.exact = it->second.first;
            row.approximated = isApproximable(layer) || given != explicitUnits.end();
            row.approximate = row.approximated ? it->second.second : it->second.first;
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

InferenceConfig modelCircuitConfig(const Model& model, Topology topology, const ApproxConfig& approx, int overrideLayer)
{
    Design design;
    design.unit.topology = topology;
    design.unit.approx = approx;
    design.selectedLayer = overrideLayer;
    if (overrideLayer >= 0 && static_cast<size_t>(overrideLayer) < model.layers.size())
        design.inputs = model.layers[static_cast<size_t>(overrideLayer)].fanIn();
    return inferenceConfig(design, model);
}

} // namespace axbnn
