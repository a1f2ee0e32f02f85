// Joining shard results and marking the Pareto front of a sweep table.
#include "sweep/pareto.h"
#include "sweep/sweep_spec.h"
#include "sweep/sweep_table.h"
#include "util/shown_text.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace axbnn {
namespace {

int64_t pointOf(const SweepRow& row)
{
    return std::get<int64_t>(row[ColPoint]);
}

const std::vector<std::pair<std::string, SweepCol>>& costAxes()
{
    static const std::vector<std::pair<std::string, SweepCol>> axes{{"area_um2", ColArea},
                                                                    {"energy_fj", ColEnergy},
                                                                    {"delay_ps", ColDelay},
                                                                    {"transistors", ColTransistors},
                                                                    {"cells", ColCells}};
    return axes;
}

const std::vector<std::pair<std::string, SweepCol>>& qualityAxes()
{
    static const std::vector<std::pair<std::string, SweepCol>> axes{{"accuracy", ColAccuracy},
                                                                    {"accuracy_loss", ColAccuracyLoss},
                                                                    {"error_rate", ColErrorRate},
                                                                    {"mae", ColMae},
                                                                    {"mse", ColMse},
                                                                    {"wce", ColWce}};
    return axes;
}

SweepCol axis(const std::vector<std::pair<std::string, SweepCol>>& axes, const std::string& name, const char* what,
              bool allowAuto)
{
    std::string known = allowAuto ? "auto" : "";
    for (const auto& [n, c] : axes) {
        if (n == name)
            return c;
        known += (known.empty() ? "" : ", ") + n;
    }
    if (allowAuto && name == "auto")
        return ColCount;
    throw std::invalid_argument(std::string("unknown Pareto ") + what + " axis '" + name + "' (known: " + known + ")");
}

bool number(const SweepValue& v, double& out)
{
    if (const auto* i = std::get_if<int64_t>(&v))
        out = static_cast<double>(*i);
    else if (const auto* d = std::get_if<double>(&v))
        out = *d;
    else
        return false;
    return true;
}

} // namespace

SweepTable mergeSweepTables(const std::vector<std::pair<std::string, SweepTable>>& shards)
{
    if (shards.empty())
        throw std::invalid_argument("merge: no shard files given");
    SweepTable merged;
    std::string first;
    for (const auto& [name, t] : shards) {
        if (t.rows.empty() && t.specHash.empty())
            continue; // a CSV shard without points says nothing about its sweep
        if (first.empty()) {
            first = name;
            merged.specHash = t.specHash;
            merged.points = t.points;
        } else if (t.specHash != merged.specHash) {
            throw std::invalid_argument(name + ": comes from another sweep than " + first + " (spec_hash "
                                        + shownText(t.specHash) + ", " + first + ": " + shownText(merged.specHash)
                                        + ")");
        } else if (t.points != merged.points) {
            throw std::invalid_argument(name + ": has sweep_points " + std::to_string(t.points) + ", " + first + " "
                                        + std::to_string(merged.points) + " (same spec_hash "
                                        + shownText(merged.specHash) + ")");
        }
    }
    if (first.empty())
        throw std::invalid_argument("merge: the shard files hold no points");
    std::vector<int> owner(static_cast<size_t>(merged.points), -1);
    for (size_t s = 0; s < shards.size(); ++s)
        for (const SweepRow& row : shards[s].second.rows) {
            const int64_t p = pointOf(row);
            if (p < 0 || p >= merged.points)
                throw std::invalid_argument(shards[s].first + ": point " + std::to_string(p) + " is outside the sweep");
            if (owner[p] >= 0 && shards[owner[p]].first == shards[s].first)
                throw std::invalid_argument("merge: " + shards[s].first + " is given twice");
            if (owner[p] >= 0)
                throw std::invalid_argument("merge: point " + std::to_string(p) + " appears in both "
                                            + shards[owner[p]].first + " and " + shards[s].first
                                            + " (overlapping shards)");
            owner[p] = static_cast<int>(s);
            merged.rows.push_back(row);
        }
    std::vector<int> missing;
    for (int p = 0; p < merged.points; ++p)
        if (owner[p] < 0)
            missing.push_back(p);
    if (!missing.empty()) {
        std::string list;
        for (size_t i = 0; i < missing.size() && i < 8; ++i)
            list += (i ? ", " : "") + std::to_string(missing[i]);
        throw std::invalid_argument("merge: " + std::to_string(missing.size()) + " of " + std::to_string(merged.points)
                                    + " points are missing (" + list + (missing.size() > 8 ? ", ..." : "")
                                    + "); pass every shard");
    }
    std::sort(merged.rows.begin(), merged.rows.end(),
              [](const SweepRow& a, const SweepRow& b) { return pointOf(a) < pointOf(b); });
    return merged;
}

void checkParetoChoice(const ParetoChoice& choice)
{
    axis(costAxes(), choice.cost, "cost", false);
    axis(qualityAxes(), choice.quality, "quality", true);
}

namespace {

constexpr SweepCol kGroupColumns[] = {ColInputs, ColKernel, ColChannels, ColModel, ColLayer, ColP};

std::vector<std::string> groupKey(const SweepRow& r)
{
    std::vector<std::string> key;
    for (SweepCol c : kGroupColumns) {
        double x = 0;
        const auto* text = std::get_if<std::string>(&r[c]);
        key.push_back(number(r[c], x) ? formatDouble(x) : text ? *text : std::string());
    }
    return key;
}

} // namespace

std::string paretoGroupLabel(const SweepRow& row)
{
    static const char* const names[] = {"N=", "k=", "C=", "", "layer ", "p="};
    const std::vector<std::string> key = groupKey(row);
    std::string label;
    for (size_t i = 0; i < key.size(); ++i) {
        std::string part = key[i];
        if (kGroupColumns[i] == ColModel) // the file name, not its directory
            part = part.substr(part.find_last_of('/') + 1);
        if (!part.empty())
            label += (label.empty() ? "" : ", ") + std::string(names[i]) + part;
    }
    return label;
}

void markPareto(SweepTable& table, const ParetoChoice& choice)
{
    const SweepCol cost = axis(costAxes(), choice.cost, "cost", false);
    const SweepCol quality = axis(qualityAxes(), choice.quality, "quality", true);
    // Group rows by workload and p; within a group, collect (cost, quality).
    std::map<std::vector<std::string>, std::vector<size_t>> groups;
    for (size_t i = 0; i < table.rows.size(); ++i) {
        table.rows[i][ColPareto] = std::monostate{};
        groups[groupKey(table.rows[i])].push_back(i);
    }
    for (const auto& [key, rows] : groups) {
        std::vector<std::vector<double>> points;
        std::vector<size_t> which;
        SweepCol q = quality;
        if (q == ColCount) // auto
            q = std::holds_alternative<std::monostate>(table.rows[rows.front()][ColAccuracy]) ? ColMae : ColAccuracy;
        for (size_t i : rows) {
            double c = 0, v = 0;
            if (number(table.rows[i][cost], c) && number(table.rows[i][q], v)) {
                points.push_back({c, v});
                which.push_back(i);
            }
        }
        const std::vector<bool> front = paretoFront(points, {false, q == ColAccuracy});
        for (size_t k = 0; k < which.size(); ++k)
            table.rows[which[k]][ColPareto] = int64_t{front[k] ? 1 : 0};
    }
}

SweepTable paretoRows(const SweepTable& table)
{
    SweepTable t{table.specHash, table.points, {}};
    for (const SweepRow& r : table.rows)
        if (const auto* f = std::get_if<int64_t>(&r[ColPareto]); f && *f == 1)
            t.rows.push_back(r);
    return t;
}

} // namespace axbnn
