// Sweep results as a table with a fixed, documented column order
// (docs/sweep-format.md): one row per point, written as CSV or JSON, read
// back exactly (numbers round-trip), merged from shards, Pareto-marked.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace axbnn {

enum class SweepColumnType { Int, Double, Text };

struct SweepColumn {
    const char* name;
    SweepColumnType type;
};

// Column indices, in output order (sweepColumns() names them).
enum SweepCol : int {
    ColPoint,
    ColPointId,
    ColInputs,
    ColKernel,
    ColChannels,
    ColModel,
    ColLayer,
    ColTopology,
    ColFaCell,
    ColHaCell,
    ColKnob,
    ColLevel,
    ColMitigation,
    ColP,
    ColCells,
    ColApproximateCells,
    ColArea,
    ColTransistors,
    ColDelay,
    ColEnergy,
    ColOutputBits,
    ColErrorMethod,
    ColErrorRate,
    ColMeanError,
    ColMae,
    ColMse,
    ColWce,
    ColErrorRateCi,
    ColMaeCi,
    ColImages,
    ColExactAccuracy,
    ColAccuracy,
    ColAccuracyLoss,
    ColPareto,
    ColSpecHash,
    ColSweepPoints,
    ColCount
};

const std::vector<SweepColumn>& sweepColumns();

// Empty (null) where a value does not apply: kernel/channels when N was
// given directly, the accuracy columns without a model, pareto for rows
// that lack one of the chosen axes. Text is never null ("" instead).
using SweepValue = std::variant<std::monostate, int64_t, double, std::string>;
using SweepRow = std::vector<SweepValue>; // ColCount values

struct SweepTable {
    std::string specHash; // "" for a table without rows (unknown)
    int points = 0; // points of the whole sweep (not only these rows)
    std::vector<SweepRow> rows; // in point order
};

// One row as a JSON object in column order; `withPareto` false leaves the
// pareto column out (journal lines: it depends on all rows).
nlohmann::ordered_json sweepRowJson(const SweepRow& row, bool withPareto);
// Reads a row written by sweepRowJson; throws std::invalid_argument naming
// `where` and the column on a missing or mistyped value.
SweepRow sweepRowFromJson(const nlohmann::json& object, const std::string& where);

std::string sweepCsv(const SweepTable& table);
std::string sweepJsonText(const SweepTable& table);
SweepTable parseSweepCsv(std::string_view text, const std::string& origin);
SweepTable parseSweepJson(std::string_view text, const std::string& origin);

// ".csv" or ".json" by the file name; anything else throws std::invalid_argument.
bool isJsonSweepFile(const std::string& path);
SweepTable readSweepFile(const std::string& path);
void writeSweepFile(const std::string& path, const SweepTable& table); // atomically

// Joins shard tables (file name, table): they must come from the same spec
// (hash and point count) and hold every point exactly once. Throws
// std::invalid_argument naming the files and points otherwise.
SweepTable mergeSweepTables(const std::vector<std::pair<std::string, SweepTable>>& shards);

// Which pair of axes the pareto column uses. cost: area_um2, energy_fj,
// delay_ps, transistors or cells (minimized); quality: accuracy (maximized),
// accuracy_loss, error_rate, mae, mse or wce (minimized), or auto: accuracy
// for rows with a model, mae otherwise.
struct ParetoChoice {
    std::string cost = "area_um2";
    std::string quality = "auto";
};
void checkParetoChoice(const ParetoChoice& choice); // throws std::invalid_argument

// Sets the pareto column: 1 if no row of the same group (inputs, kernel,
// channels, model, layer, p) is at least as good on both axes and better on
// one, else 0; null where an axis has no value. Duplicates are all 1 or all 0.
void markPareto(SweepTable& table, const ParetoChoice& choice);
// The row's Pareto group as text, e.g. "N=576, p=0.5" or "model.h5, layer 2, p=0.5".
std::string paretoGroupLabel(const SweepRow& row);
// The rows whose pareto column is 1.
SweepTable paretoRows(const SweepTable& table);

} // namespace axbnn
