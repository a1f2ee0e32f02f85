// JSON form of a mixed popcount's column and level cells (circuit/approximation.h
// CellMap; docs/layer-config.md): {"0": "maj-fa", "3": "fa"}.
#pragma once

#include "circuit/approximation.h"

#include <nlohmann/json.hpp>

#include <string>

namespace axbnn {

nlohmann::json cellMapJson(const CellMap& cells);
// Throws std::invalid_argument naming `where` and the key: keys are whole
// numbers 0..maxKey, values cell names.
CellMap cellMapFromJson(const nlohmann::json& j, const std::string& where, int maxKey);
// Adds unit_keys::kColumnCells / kLevelCells, and kCompressor with the
// compressors knob, to a unit's JSON where set (a unit without them keeps its
// old JSON, and so its design hash).
void addMixedCells(nlohmann::json& unit, const ApproxConfig& approx);
// Reads them back from a unit's JSON into `approx`; `where` is the unit's path.
void readMixedCells(const nlohmann::json& unit, const std::string& where, ApproxConfig& approx);

} // namespace axbnn
