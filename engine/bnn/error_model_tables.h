// Private to engine/bnn: the rows P(e | s) of a popcount unit, by exhaustive
// enumeration or by sampling random patterns with exactly s ones.
#pragma once

#include "bnn/error_model.h"

namespace axbnn::detail {

// Fills layer.eMin, probs, method, samplesPerSum, minError, maxError.
void fillConditionalRows(LayerErrorModel& layer, const PopcountUnit& unit, const ErrorModelOptions& options);

} // namespace axbnn::detail
