// JSON form of a mixed popcount's column and level cells.
#include "circuit/cell_map_json.h"

#include "circuit/design_limits.h"
#include "circuit/knobs.h"
#include "util/shown_text.h"

#include <stdexcept>

namespace axbnn {

nlohmann::json cellMapJson(const CellMap& cells)
{
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [key, cell] : cells)
        j[std::to_string(key)] = cell;
    return j;
}

CellMap cellMapFromJson(const nlohmann::json& j, const std::string& where, int maxKey)
{
    if (!j.is_object())
        throw std::invalid_argument(where + " must be an object: column or level -> cell name");
    CellMap cells;
    for (const auto& [key, value] : j.items()) {
        const std::string at = where + "." + shownText(key);
        const int number = parseCellMapKey(key, maxKey);
        if (number < 0)
            throw std::invalid_argument(where + ": key '" + shownText(key) + "' must be a whole number from 0 to "
                                        + std::to_string(maxKey));
        if (!value.is_string() || value.get<std::string>().empty())
            throw std::invalid_argument(at + " must be a cell name");
        if (!cells.emplace(number, value.get<std::string>()).second)
            throw std::invalid_argument(at + " repeats " + std::to_string(number));
    }
    return cells;
}

void addMixedCells(nlohmann::json& unit, const ApproxConfig& approx)
{
    if (!approx.columnCells.empty())
        unit[unit_keys::kColumnCells] = cellMapJson(approx.columnCells);
    if (!approx.levelCells.empty())
        unit[unit_keys::kLevelCells] = cellMapJson(approx.levelCells);
    if (approx.compressorColumns > 0)
        unit[unit_keys::kCompressor] = approx.compressor;
}

void readMixedCells(const nlohmann::json& unit, const std::string& where, ApproxConfig& approx)
{
    using namespace unit_keys;
    if (unit.contains(kColumnCells))
        approx.columnCells = cellMapFromJson(unit[kColumnCells], where + "." + kColumnCells, kMaxLsbColumns);
    if (unit.contains(kLevelCells))
        approx.levelCells = cellMapFromJson(unit[kLevelCells], where + "." + kLevelCells, kMaxTreeLevels);
    if (unit.contains(kCompressor)) {
        const nlohmann::json& name = unit[kCompressor];
        const std::string at = where + "." + kCompressor;
        if (!name.is_string())
            throw std::invalid_argument(at + " must be a 4:2 compressor name (known: " + compressorNames() + ")");
        try {
            approx.compressor = compressorNamed(name.get<std::string>()).name;
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(at + ": " + e.what());
        }
    }
}

} // namespace axbnn
