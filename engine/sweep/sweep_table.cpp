// CSV and JSON forms of sweep results; both read back to the same values.
#include "sweep/sweep_table.h"
#include "util/input_limits.h"
#include "util/json_depth.h"
#include "util/json_text.h"
#include "util/shown_text.h"

#include "sweep/sweep_spec.h"
#include "util/atomic_file.h"

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace axbnn {
namespace {

using T = SweepColumnType;

std::string csvField(std::string_view s)
{
    if (s.find_first_of(",\"\r\n") == std::string_view::npos && (s.empty() || (s.front() != ' ' && s.back() != ' ')))
        return std::string(s);
    std::string q = "\"";
    for (char c : s) {
        if (c == '"')
            q += '"';
        q += c;
    }
    return q + "\"";
}

std::string valueText(const SweepValue& v)
{
    if (const auto* i = std::get_if<int64_t>(&v))
        return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v))
        return formatDouble(*d);
    if (const auto* s = std::get_if<std::string>(&v))
        return csvField(*s);
    return {};
}

SweepValue parseValue(std::string_view field, T type, const std::string& where)
{
    if (type == T::Text)
        return std::string(field);
    if (field.empty())
        return std::monostate{};
    const char* end = field.data() + field.size();
    if (type == T::Int) {
        int64_t x = 0;
        const auto r = std::from_chars(field.data(), end, x);
        if (r.ec != std::errc() || r.ptr != end)
            throw std::invalid_argument(where + ": '" + std::string(field) + "' is not an integer");
        return x;
    }
    double x = 0;
    const auto r = std::from_chars(field.data(), end, x);
    if (r.ec != std::errc() || r.ptr != end)
        throw std::invalid_argument(where + ": '" + std::string(field) + "' is not a number");
    return x;
}

// RFC 4180 records: fields separated by commas, quoted fields may hold
// commas, doubled quotes and line breaks.
std::vector<std::vector<std::string>> csvRecords(std::string_view text, const std::string& origin)
{
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    bool quoted = false, any = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
            continue;
        }
        any = true;
        if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            record.push_back(std::move(field));
            field.clear();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            record.push_back(std::move(field));
            field.clear();
            records.push_back(std::move(record));
            record.clear();
            any = false;
        } else {
            field += c;
        }
    }
    if (quoted)
        throw std::invalid_argument(origin + ": unterminated quoted field at the end");
    if (any) {
        record.push_back(std::move(field));
        records.push_back(std::move(record));
    }
    return records;
}

// Spec hash and point count from the rows, which must agree.
void takeIdentity(SweepTable& t, const std::string& origin)
{
    for (size_t i = 0; i < t.rows.size(); ++i) {
        const SweepRow& r = t.rows[i];
        const auto* hash = std::get_if<std::string>(&r[ColSpecHash]);
        const auto* points = std::get_if<int64_t>(&r[ColSweepPoints]);
        const auto* index = std::get_if<int64_t>(&r[ColPoint]);
        if (!hash || hash->empty() || !points || !index)
            throw std::invalid_argument(origin + ": row " + std::to_string(i + 1)
                                        + " lacks point, spec_hash or sweep_points");
        // Checked before it sizes anything (merge keeps one slot per point).
        if (*points < 1 || uint64_t(*points) > kMaxSweepPoints)
            throw std::invalid_argument(origin + ": row " + std::to_string(i + 1) + ": sweep_points "
                                        + std::to_string(*points) + " is outside 1.."
                                        + std::to_string(kMaxSweepPoints));
        if (i == 0) {
            t.specHash = *hash;
            t.points = static_cast<int>(*points);
        } else if (*hash != t.specHash) {
            throw std::invalid_argument(origin + ": row " + std::to_string(i + 1)
                                        + " comes from another sweep (spec_hash " + shownText(*hash)
                                        + ", row 1: " + shownText(t.specHash) + ")");
        } else if (*points != t.points) {
            throw std::invalid_argument(origin + ": row " + std::to_string(i + 1) + " has sweep_points "
                                        + std::to_string(*points) + ", row 1 " + std::to_string(t.points)
                                        + " (same spec_hash " + shownText(t.specHash) + ")");
        }
        if (*index < 0 || *index >= *points)
            throw std::invalid_argument(origin + ": row " + std::to_string(i + 1) + ": point " + std::to_string(*index)
                                        + " is outside the sweep's 0.." + std::to_string(*points - 1));
    }
}

std::string csvHeader()
{
    std::string h;
    for (int c = 0; c < ColCount; ++c) {
        if (c)
            h += ',';
        h += sweepColumns()[c].name;
    }
    return h;
}

} // namespace

const std::vector<SweepColumn>& sweepColumns()
{
    static const std::vector<SweepColumn> columns{{"point", T::Int},
                                                  {"point_id", T::Text},
                                                  {"inputs", T::Int},
                                                  {"kernel", T::Int},
                                                  {"channels", T::Int},
                                                  {"model", T::Text},
                                                  {"layer", T::Text},
                                                  {"topology", T::Text},
                                                  {"fa_cell", T::Text},
                                                  {"ha_cell", T::Text},
                                                  {"approx_knob", T::Text},
                                                  {"approx_level", T::Int},
                                                  {"mitigation", T::Text},
                                                  {"p", T::Double},
                                                  {"cells", T::Int},
                                                  {"approximate_cells", T::Int},
                                                  {"area_um2", T::Double},
                                                  {"transistors", T::Int},
                                                  {"delay_ps", T::Double},
                                                  {"energy_fj", T::Double},
                                                  {"output_bits", T::Int},
                                                  {"error_method", T::Text},
                                                  {"error_rate", T::Double},
                                                  {"mean_error", T::Double},
                                                  {"mae", T::Double},
                                                  {"mse", T::Double},
                                                  {"wce", T::Int},
                                                  {"error_rate_ci95", T::Double},
                                                  {"mae_ci95", T::Double},
                                                  {"images", T::Int},
                                                  {"exact_accuracy", T::Double},
                                                  {"accuracy", T::Double},
                                                  {"accuracy_loss", T::Double},
                                                  {"pareto", T::Int},
                                                  {"spec_hash", T::Text},
                                                  {"sweep_points", T::Int}};
    return columns;
}

nlohmann::ordered_json sweepRowJson(const SweepRow& row, bool withPareto)
{
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (int c = 0; c < ColCount; ++c) {
        if (c == ColPareto && !withPareto)
            continue;
        const SweepValue& v = row[c];
        if (const auto* i = std::get_if<int64_t>(&v))
            j[sweepColumns()[c].name] = *i;
        else if (const auto* d = std::get_if<double>(&v))
            j[sweepColumns()[c].name] = *d;
        else if (const auto* s = std::get_if<std::string>(&v))
            j[sweepColumns()[c].name] = *s;
        else
            j[sweepColumns()[c].name] = nullptr;
    }
    return j;
}

SweepRow sweepRowFromJson(const nlohmann::json& object, const std::string& where)
{
    if (!object.is_object())
        throw std::invalid_argument(where + ": expected an object");
    SweepRow row(ColCount);
    for (int c = 0; c < ColCount; ++c) {
        const SweepColumn& col = sweepColumns()[c];
        if (!object.contains(col.name)) {
            if (c == ColPareto)
                continue;
            throw std::invalid_argument(where + ": missing column '" + col.name + "'");
        }
        const auto& v = object[col.name];
        const bool ok = (col.type == T::Text && v.is_string())
            || (col.type == T::Int && (v.is_null() || v.is_number_integer()))
            || (col.type == T::Double && (v.is_null() || v.is_number()));
        if (!ok)
            throw std::invalid_argument(where + ": column '" + col.name + "' has the wrong type");
        if (v.is_null())
            continue;
        if (col.type == T::Text)
            row[c] = v.get<std::string>();
        else if (col.type == T::Int)
            row[c] = v.get<int64_t>();
        else
            row[c] = v.get<double>();
    }
    return row;
}

std::string sweepCsv(const SweepTable& table)
{
    std::string out;
    out += csvHeader();
    out += '\n';
    for (const SweepRow& row : table.rows) {
        for (int c = 0; c < ColCount; ++c) {
            if (c)
                out += ',';
            out += valueText(row[c]);
        }
        out += "\n";
    }
    return out;
}

std::string sweepJsonText(const SweepTable& table)
{
    nlohmann::ordered_json j = {
        {"format", "axbnn-sweep-results"}, {"version", 1}, {"spec_hash", table.specHash}, {"points", table.points}};
    j["columns"] = nlohmann::ordered_json::array();
    for (const SweepColumn& c : sweepColumns())
        j["columns"].push_back(c.name);
    j["rows"] = nlohmann::ordered_json::array();
    for (const SweepRow& row : table.rows)
        j["rows"].push_back(sweepRowJson(row, true));
    return j.dump(1) + "\n";
}

SweepTable parseSweepCsv(std::string_view text, const std::string& origin)
{
    const auto records = csvRecords(text, origin);
    if (records.empty())
        throw std::invalid_argument(origin + ": empty file, not a sweep CSV");
    std::string found;
    for (size_t c = 0; c < records[0].size(); ++c) {
        if (c)
            found += ',';
        found += records[0][c];
    }
    if (found != csvHeader())
        throw std::invalid_argument(origin
                                    + ": not an axbnn sweep CSV (the header differs from "
                                      "docs/sweep-format.md)");
    SweepTable t;
    for (size_t i = 1; i < records.size(); ++i) {
        if (records[i].size() != static_cast<size_t>(ColCount))
            throw std::invalid_argument(origin + ": line " + std::to_string(i + 1) + " has "
                                        + std::to_string(records[i].size()) + " fields, expected "
                                        + std::to_string(ColCount));
        SweepRow row(ColCount);
        for (int c = 0; c < ColCount; ++c)
            row[c] = parseValue(records[i][c], sweepColumns()[c].type,
                                origin + ": line " + std::to_string(i + 1) + ", " + sweepColumns()[c].name);
        t.rows.push_back(std::move(row));
    }
    takeIdentity(t, origin);
    return t;
}

SweepTable parseSweepJson(std::string_view text, const std::string& origin)
{
    checkJsonDepth(text, origin);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(origin + ": " + jsonErrorText(text, e));
    }
    if (!j.is_object() || j.value("format", "") != "axbnn-sweep-results" || !j.contains("rows") || !j["rows"].is_array()
        || !j.contains("points") || !j["points"].is_number_integer())
        throw std::invalid_argument(origin + ": not an axbnn sweep result (format axbnn-sweep-results)");
    SweepTable t;
    for (size_t i = 0; i < j["rows"].size(); ++i)
        t.rows.push_back(sweepRowFromJson(j["rows"][i], origin + ": rows[" + std::to_string(i) + "]"));
    takeIdentity(t, origin);
    t.specHash = j.value("spec_hash", "");
    const nlohmann::json& points = j["points"];
    if (points < 0 || points > kMaxSweepPoints) // compared as JSON: get<int>() would wrap
        throw std::invalid_argument(origin + ": 'points' " + shownText(points.dump()) + " is outside 0.."
                                    + std::to_string(kMaxSweepPoints));
    if (!t.rows.empty() && t.points != points.get<int>())
        throw std::invalid_argument(origin + ": 'points' is " + std::to_string(points.get<int>())
                                    + ", the rows' sweep_points " + std::to_string(t.points));
    t.points = points.get<int>();
    return t;
}

bool isJsonSweepFile(const std::string& path)
{
    auto ends = [&](std::string_view s) {
        return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
    };
    if (ends(".json"))
        return true;
    if (ends(".csv"))
        return false;
    throw std::invalid_argument(path + ": name the results file .csv or .json");
}

SweepTable readSweepFile(const std::string& path)
{
    const bool json = isJsonSweepFile(path);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::invalid_argument(path + ": cannot read");
    std::ostringstream text;
    text << in.rdbuf();
    return json ? parseSweepJson(text.str(), path) : parseSweepCsv(text.str(), path);
}

void writeSweepFile(const std::string& path, const SweepTable& table)
{
    writeFileAtomically(path, isJsonSweepFile(path) ? sweepJsonText(table) : sweepCsv(table));
}

} // namespace axbnn
