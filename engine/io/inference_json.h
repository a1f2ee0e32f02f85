// JSON for inference: the per-layer popcount configuration file
// (docs/layer-config.md) and the mitigation report.
#pragma once

#include "bnn/inference_types.h"
#include "bnn/mitigation.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace axbnn {

// Throws std::runtime_error "origin: where: problem" on a malformed file,
// unknown layer names, cells or topologies.
InferenceConfig parseLayerConfig(std::string_view text, const std::string& origin, const Model& model,
                                 const CellLibrary& library);
InferenceConfig loadLayerConfig(const std::string& path, const Model& model, const CellLibrary& library);

nlohmann::json mitigationJson(const MitigationReport& report);

} // namespace axbnn
