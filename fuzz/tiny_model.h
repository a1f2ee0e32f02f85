// The small model of the harnesses and seeds: layers "inputconv0" (4x4x1 ->
// 4x4x2), "conv1" (fan-in 18), "maxpool2", "dense3" (fan-in 8) and "scores4"
// (3 classes), also named "0" .. "4"; the layer configurations and sweep
// specs of fuzz/corpus refer to these names.
#pragma once

#include "bnn/random_model.h"

namespace axbnn::fuzz {

inline const Model& tinyModel()
{
    static const Model m = randomModel(Shape{4, 4, 1},
                                       {{LayerKind::InputConv, 2, 3, 1, 1},
                                        {LayerKind::Conv, 2, 3, 1, 1},
                                        {LayerKind::MaxPool, 0, 0, 1, 0, 2},
                                        {LayerKind::Dense, 4},
                                        {LayerKind::Scores, 3}},
                                       7);
    return m;
}

} // namespace axbnn::fuzz
