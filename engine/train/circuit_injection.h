// Hardware-in-the-loop error source (docs/training.md, "Hardware in the
// loop"): a trained layer's popcounts are computed by its bit-exact popcount
// circuit from the XNOR pattern the layer really sees (its input activations
// and the current sign of its weights), with the inference engine's circuit
// simulation (bnn/circuit_pass.h). The circuit's error is a fixed function of
// that pattern, not noise; the gradient passes straight through it.
#pragma once

#include "bnn/layer_plan.h"
#include "train/network.h"
#include "train/task_pool.h"

#include <span>

namespace axbnn::train {

class CircuitLayer {
public:
    // `plan` is the inference plan of the trained layer in the folded network
    // (planLayers): its circuit units, fused first levels and packing; its
    // weights are replaced by the current ones on every call.
    explicit CircuitLayer(LayerPlan plan);

    // Replaces the dot products z ([images * conv positions, channels], image
    // after image, as BatchPass keeps them) of the listed images by
    // 2 v - fanIn, v the circuit's value for that neuron and position. `in`
    // holds the layer's +-1 input activations of every image, `wb` the +-1
    // weights [channels][fanIn].
    void apply(const TrainLayer& layer, const float* in, const float* wb, float* z, std::span<const int> images,
               TaskPool& pool) const;

private:
    LayerPlan plan_;
};

} // namespace axbnn::train
