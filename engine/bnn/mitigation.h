// Run-time error mitigation (DOMAIN.md section 6): bias compensation shifts
// each approximate layer's thresholds by the error model's expected error at
// the XNOR statistics measured on calibration data.
#pragma once

#include "bnn/inference_types.h"
#include "io/dataset.h"

#include <string>
#include <vector>

namespace axbnn {

struct LayerMitigation {
    int layer = 0;
    double xnorOneFraction = 0.0; // measured P(XNOR output = 1) on calibration data
    double expectedError = 0.0;   // error model: mean error at that p (sum over chunks)
    double measuredError = 0.0;   // mean of approximate - exact on calibration data
    int shift = 0;                // round(expectedError), added to every threshold
};

struct MitigationReport {
    std::string method = "none";
    int calibrationImages = 0;
    std::vector<LayerMitigation> layers;
    // Extra hardware: a shift changes the threshold constants only; no cells.
    int extraCells = 0;
};

// Sets config.thresholdShift for every layer with a circuit unit and returns
// what was measured. Throws std::invalid_argument if the calibration images
// do not fit the model.
MitigationReport biasCompensation(const Model& model, InferenceConfig& config,
                                  const Dataset& calibration, int count);

} // namespace axbnn
