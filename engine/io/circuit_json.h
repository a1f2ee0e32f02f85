// JSON form of a circuit report (the `axbnn circuit --json` object, see
// docs/cli.md) and of error statistics.
#pragma once

#include "analysis/circuit_report.h"

#include <nlohmann/json.hpp>

namespace axbnn {

nlohmann::json errorStatsJson(const ErrorStats& stats);
nlohmann::json circuitReportJson(const CircuitReport& report);

} // namespace axbnn
