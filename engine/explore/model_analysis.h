// Qt-free computations the workbench runs on a loaded model: per-layer
// popcount cost, XNOR statistics from real data, and the inference
// configuration that puts the explored circuit into the model.
#pragma once

#include "bnn/inference_types.h"
#include "bnn/model.h"
#include "circuit/approximation.h"
#include "circuit/cost_model.h"
#include "explore/design.h"
#include "io/dataset.h"

#include <map>
#include <string>
#include <vector>

namespace axbnn {

// A model file as the workbench holds it: immutable once loaded.
struct LoadedModel {
    std::string path;
    Model model;
    // Per model layer: measured P(XNOR output = 1), -1 where the layer has no
    // popcount or no data was available.
    std::vector<double> xnorP;
    int statsImages = 0; // images the statistics were measured on (0: none)
};

// Loads and validates `path` (throws loadModel's message), then measures the
// per-layer XNOR statistics with the exact engine on the first `statImages`
// images of `data` if it fits the model (data may be null).
LoadedModel loadModelWithStats(const std::string& path, const Dataset* data, int statImages);

// Layers whose neurons end in a popcount the workbench approximates (Conv and
// Dense; the Scores layer stays exact, as in InferenceConfig::withCircuit).
bool isApproximable(const Layer& layer);

// One row of the model panel's layer table.
struct LayerCost {
    int layer = 0;
    int fanIn = 0; // popcount inputs N (0: no popcount)
    int popcountBits = 0; // output width of the popcount, ceil(log2(N+1))
    CircuitCost exact; // one neuron's popcount, exact
    CircuitCost approximate; // with the knobs (not the per-cell overrides)
    bool approximated = false; // whether inference approximates this layer
};

// Builds the exact and approximate popcount for each binary layer's fan-in
// (once per distinct fan-in and unit). Energy is a rough estimate (few
// vectors). `explicitUnits` (a design's per-layer units, by layer index)
// replace the topology and knobs on their layers: built circuits of the
// layer's whole fan-in with the unit's topology and knobs (a unit width or
// an imported netlist is costed as that whole-fan-in circuit; an exact
// unit as the exact circuit).
std::vector<LayerCost> computeLayerCosts(const Model& model, Topology topology, const ApproxConfig& knobs,
                                         const CellLibrary& library,
                                         const std::map<int, UnitDesign>& explicitUnits = {});

// The explored circuit inside the model: every approximable layer gets a
// circuit of its own fan-in with `approx`'s knobs; the per-cell overrides
// (extraCells / exactCells) apply only to `overrideLayer`, whose netlist
// they index (-1: none). Other layers are exact.
InferenceConfig modelCircuitConfig(const Model& model, Topology topology, const ApproxConfig& approx,
                                   int overrideLayer);

} // namespace axbnn
