// The error-model file (docs/error-model.md): JSON writing with one line per
// row of P(e | s), and reading with a message for every malformed field.
#include "io/error_model_json.h"
#include "util/json_text.h"

#include "bnn/data_error_model.h"
#include "util/atomic_file.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <stdexcept>

namespace axbnn {
namespace {

using nlohmann::json;

constexpr const char* kFormat = "axbnn-error-model";
constexpr int kVersion = 1;
constexpr double kRowSumTolerance = 1e-9;
constexpr int kMaxFanIn = 1 << 24;
constexpr long kMaxSamples = 1L << 53; // exact as a double
constexpr long kMaxNeuronBins = 64;
constexpr long kMaxNeurons = 1L << 20;

json layerHeaderJson(const LayerErrorModel& l)
{
    return {{"layer", l.layer},
            {"kind", l.kind},
            {"fan_in", l.fanIn},
            {"unit_width", l.unitWidth},
            {"circuit", l.circuit.is_null() ? json::object() : l.circuit},
            {"method", l.method},
            {"samples_per_s", l.samplesPerSum},
            {"xnor_p", l.xnorP},
            {"error_rate", l.errorRate},
            {"mean_error", l.meanError},
            {"error_std", l.errorStd},
            {"min_error", l.minError},
            {"max_error", l.maxError},
            {"bit_flip_probability", l.bitFlipProbability}};
}

json rowJson(const LayerErrorModel& l, int s)
{
    json row = {{"s", s}, {"e_min", l.eMin[s]}, {"p", l.probs[s]}};
    if (!l.rowSamples.empty())
        row["n"] = l.rowSamples[static_cast<size_t>(s)];
    return row;
}

[[noreturn]] void fail(const std::string& origin, const std::string& what)
{
    throw std::invalid_argument(origin + ": " + what);
}

const json& field(const json& obj, const char* key, const std::string& where, const std::string& origin)
{
    if (!obj.contains(key))
        fail(origin, where + ": missing \"" + key + "\"");
    return obj[key];
}

long integerField(const json& obj, const char* key, long lo, long hi, const std::string& where,
                  const std::string& origin)
{
    const json& v = field(obj, key, where, origin);
    if (!v.is_number_integer() || v.get<long>() < lo || v.get<long>() > hi)
        fail(origin,
             where + "." + key + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    return v.get<long>();
}

double numberField(const json& obj, const char* key, double fallback, const std::string& where,
                   const std::string& origin)
{
    if (!obj.contains(key))
        return fallback;
    if (!obj[key].is_number() || !std::isfinite(obj[key].get<double>()))
        fail(origin, where + "." + key + " must be a finite number");
    return obj[key].get<double>();
}

std::string textField(const json& obj, const char* key, const std::string& fallback, const std::string& where,
                      const std::string& origin)
{
    if (!obj.contains(key))
        return fallback;
    if (!obj[key].is_string())
        fail(origin, where + "." + key + " must be a string");
    return obj[key].get<std::string>();
}

LayerErrorModel layerFromJson(const json& j, const std::string& where, const std::string& origin)
{
    if (!j.is_object())
        fail(origin, where + " must be an object");
    LayerErrorModel l;
    l.layer = static_cast<int>(integerField(j, "layer", -1, 1 << 20, where, origin));
    l.kind = textField(j, "kind", "", where, origin);
    static const std::set<std::string> kinds{"conv", "dense", "scores", "unit"};
    if (!kinds.count(l.kind))
        fail(origin, where + ".kind must be \"conv\", \"dense\", \"scores\" or \"unit\", not \"" + l.kind + "\"");
    l.fanIn = static_cast<int>(integerField(j, "fan_in", 1, kMaxFanIn, where, origin));
    l.unitWidth = j.contains("unit_width")
        ? static_cast<int>(integerField(j, "unit_width", 1, kMaxFanIn, where, origin))
        : l.fanIn;
    if (j.contains("circuit")) {
        if (!j["circuit"].is_object())
            fail(origin, where + ".circuit must be an object (a unit of docs/layer-config.md)");
        l.circuit = j["circuit"];
    }
    l.method = textField(j, "method", "", where, origin);
    if (j.contains("samples_per_s"))
        l.samplesPerSum = static_cast<uint64_t>(integerField(j, "samples_per_s", 0, 1L << 40, where, origin));
    const json& rows = field(j, "conditional", where, origin);
    if (!rows.is_array())
        fail(origin, where + ".conditional must be an array of rows {\"s\", \"e_min\", \"p\"}");
    if (rows.size() != static_cast<size_t>(l.fanIn) + 1)
        fail(origin,
             where + ".conditional has " + std::to_string(rows.size()) + " rows but fan-in " + std::to_string(l.fanIn)
                 + " needs " + std::to_string(l.fanIn + 1) + " (s = 0.." + std::to_string(l.fanIn) + ")");
    l.eMin.resize(rows.size());
    l.probs.resize(rows.size());
    for (int s = 0; s <= l.fanIn; ++s) {
        const std::string at = where + ".conditional[" + std::to_string(s) + "]";
        const json& r = rows[s];
        if (!r.is_object())
            fail(origin, at + " must be an object {\"s\", \"e_min\", \"p\"}");
        if (r.contains("n")) { // samples counted for the row (statistic "data"); missing: 0
            l.rowSamples.resize(rows.size(), 0);
            l.rowSamples[static_cast<size_t>(s)] =
                static_cast<uint64_t>(integerField(r, "n", 0, kMaxSamples, at, origin));
        }
        const long rowS = integerField(r, "s", 0, kMaxFanIn, at, origin);
        if (rowS != s)
            fail(origin,
                 at + " has s = " + std::to_string(rowS) + "; rows must list s = 0.." + std::to_string(l.fanIn)
                     + " in order (row for s = " + std::to_string(s) + " missing)");
        long eMin = integerField(r, "e_min", -2L * kMaxFanIn, 2L * kMaxFanIn, at, origin);
        const json& p = field(r, "p", at, origin);
        if (!p.is_array() || p.empty())
            fail(origin, at + ".p must be a non-empty array of probabilities");
        std::vector<double> row;
        row.reserve(p.size());
        double sum = 0.0;
        for (size_t i = 0; i < p.size(); ++i) {
            if (!p[i].is_number() || !std::isfinite(p[i].get<double>()))
                fail(origin, at + ".p[" + std::to_string(i) + "] is not a finite number");
            const double v = p[i].get<double>();
            if (v < 0.0)
                fail(origin, at + ".p[" + std::to_string(i) + "] is negative (" + p[i].dump() + ")");
            row.push_back(v);
            sum += v;
        }
        if (std::abs(sum - 1.0) > kRowSumTolerance)
            fail(origin, at + ".p sums to " + json(sum).dump() + ", not 1");
        size_t lo = 0, hi = row.size(); // trim zero tails
        while (row[lo] == 0.0)
            ++lo;
        while (row[hi - 1] == 0.0)
            --hi;
        eMin += static_cast<long>(lo);
        if (s + eMin < 0 || s + eMin + static_cast<long>(hi - lo) - 1 > 2L * kMaxFanIn)
            fail(origin, at + ": e_min " + std::to_string(eMin) + " makes the approximate popcount negative");
        l.eMin[s] = static_cast<int>(eMin);
        l.probs[s].assign(row.begin() + static_cast<long>(lo), row.begin() + static_cast<long>(hi));
    }
    l.minError = l.eMin[0];
    l.maxError = l.eMin[0];
    for (int s = 0; s <= l.fanIn; ++s) {
        l.minError = std::min(l.minError, l.eMin[s]);
        l.maxError = std::max(l.maxError, l.eMin[s] + static_cast<int>(l.probs[s].size()) - 1);
    }
    if (j.contains("neuron_shift")) {
        const std::string at = where + ".neuron_shift";
        const json& ns = j["neuron_shift"];
        if (!ns.is_object())
            fail(origin, at + " must be an object {\"bins\", \"values\"}");
        l.neuronBins = static_cast<int>(integerField(ns, "bins", 1, kMaxNeuronBins, at, origin));
        const json& values = field(ns, "values", at, origin);
        if (!values.is_array() || values.empty() || values.size() % static_cast<size_t>(l.neuronBins) != 0
            || values.size() / static_cast<size_t>(l.neuronBins) > static_cast<size_t>(kMaxNeurons))
            fail(origin,
                 at + ".values must be an array of neurons x bins (" + std::to_string(l.neuronBins)
                     + ") numbers, at most " + std::to_string(kMaxNeurons) + " neurons");
        l.neuronShift.reserve(values.size());
        for (size_t i = 0; i < values.size(); ++i) {
            if (!values[i].is_number() || !std::isfinite(values[i].get<double>())
                || std::abs(values[i].get<double>()) > static_cast<double>(l.fanIn))
                fail(origin,
                     at + ".values[" + std::to_string(i) + "] must be a finite number within +-"
                         + std::to_string(l.fanIn) + " (the fan-in)");
            l.neuronShift.push_back(values[i].get<double>());
        }
    }
    const double p = numberField(j, "xnor_p", 0.5, where, origin);
    if (p < 0.0 || p > 1.0)
        fail(origin, where + ".xnor_p must be between 0 and 1");
    if (j.contains("error_rate") && j.contains("mean_error") && j.contains("error_std")
        && j.contains("bit_flip_probability")) {
        l.xnorP = p;
        l.errorRate = numberField(j, "error_rate", 0, where, origin);
        l.meanError = numberField(j, "mean_error", 0, where, origin);
        l.errorStd = numberField(j, "error_std", 0, where, origin);
        l.bitFlipProbability = numberField(j, "bit_flip_probability", 0, where, origin);
    } else if (!l.rowSamples.empty()) {
        setDataErrorSummary(l, p); // a hand-written file may leave the summary out
    } else {
        setErrorSummary(l, p);
    }
    return l;
}

} // namespace

nlohmann::json errorModelJson(const ErrorModel& model)
{
    json layers = json::array();
    for (const LayerErrorModel& l : model.layers) {
        json j = layerHeaderJson(l);
        json rows = json::array();
        for (int s = 0; s <= l.fanIn; ++s)
            rows.push_back(rowJson(l, s));
        j["conditional"] = std::move(rows);
        if (!l.neuronShift.empty())
            j["neuron_shift"] = {{"bins", l.neuronBins}, {"values", l.neuronShift}};
        layers.push_back(std::move(j));
    }
    json j = {{"format", kFormat},
              {"version", kVersion},
              {"circuit", model.circuit.is_null() ? json::object() : model.circuit},
              {"statistic", model.statistic},
              {"model_file", model.modelFile},
              {"seed", model.seed},
              {"layers", std::move(layers)}};
    if (model.statistic == kStatisticData)
        j["data"] = {{"source", model.dataSource}, {"images", model.dataImages}, {"prior_samples", model.priorSamples}};
    return j;
}

ErrorModel errorModelFromJson(const nlohmann::json& j, const std::string& origin)
{
    if (!j.is_object())
        fail(origin, "expected a JSON object (an error-model file, docs/error-model.md)");
    if (!j.contains("format"))
        fail(origin, std::string("no \"format\"; not an error-model file (expected \"format\": \"") + kFormat + "\")");
    if (!j["format"].is_string() || j["format"].get<std::string>() != kFormat)
        fail(origin, "format is " + j["format"].dump() + ", not \"" + kFormat + "\"; not an error-model file");
    if (!j.contains("version") || !j["version"].is_number_integer())
        fail(origin, "missing or non-integer \"version\"");
    if (j["version"].get<long>() != kVersion)
        fail(origin,
             "version " + j["version"].dump() + " is not supported (this program reads version "
                 + std::to_string(kVersion) + ")");
    ErrorModel m;
    if (j.contains("circuit")) {
        if (!j["circuit"].is_object())
            fail(origin, "circuit must be an object (docs/layer-config.md)");
        m.circuit = j["circuit"];
    }
    m.statistic = textField(j, "statistic", kStatisticIid, "error model", origin);
    if (std::find(std::begin(kErrorStatistics), std::end(kErrorStatistics), m.statistic)
        == std::end(kErrorStatistics)) {
        std::string known;
        for (const char* name : kErrorStatistics)
            known += (known.empty() ? "\"" : ", \"") + std::string(name) + "\"";
        fail(origin, "statistic must be one of " + known + ", not \"" + m.statistic + "\"");
    }
    if (j.contains("data")) {
        const json& d = j["data"];
        if (!d.is_object())
            fail(origin, "data must be an object {\"source\", \"images\", \"prior_samples\"}");
        m.dataSource = textField(d, "source", "", "data", origin);
        if (d.contains("images"))
            m.dataImages = static_cast<int>(integerField(d, "images", 0, 1L << 31, "data", origin));
        m.priorSamples = numberField(d, "prior_samples", 0.0, "data", origin);
        if (m.priorSamples < 0.0)
            fail(origin, "data.prior_samples must not be negative");
    }
    m.modelFile = textField(j, "model_file", "", "error model", origin);
    if (j.contains("seed")) {
        if (!j["seed"].is_number_unsigned() && !(j["seed"].is_number_integer() && j["seed"].get<long>() >= 0))
            fail(origin, "seed must be a non-negative whole number");
        m.seed = j["seed"].get<uint64_t>();
    }
    const json& layers = field(j, "layers", "error model", origin);
    if (!layers.is_array())
        fail(origin, "layers must be an array");
    for (size_t i = 0; i < layers.size(); ++i) {
        m.layers.push_back(layerFromJson(layers[i], "layers[" + std::to_string(i) + "]", origin));
        if (i > 0 && m.layers[i].layer >= 0 && m.layers[i].layer <= m.layers[i - 1].layer)
            fail(origin,
                 "layers[" + std::to_string(i) + "]: layer " + std::to_string(m.layers[i].layer)
                     + " must come after layer " + std::to_string(m.layers[i - 1].layer)
                     + " (one entry per layer, in model order)");
    }
    return m;
}

void saveErrorModel(const ErrorModel& model, const std::filesystem::path& path)
{
    // One line per row of P(e | s), so the head of the file stays readable.
    const json full = errorModelJson(model);
    std::ostringstream out;
    out << "{\n";
    for (const char* key : {"format", "version", "circuit", "statistic", "model_file", "seed", "data"})
        if (full.contains(key))
            out << "  " << json(key).dump() << ": " << full[key].dump() << ",\n";
    out << "  \"layers\": [";
    for (size_t i = 0; i < model.layers.size(); ++i) {
        json header = full["layers"][i];
        const json rows = std::move(header["conditional"]);
        header.erase("conditional");
        std::string h = header.dump();
        h.pop_back(); // reopen the object to append the rows
        out << (i ? ",\n" : "\n") << "    " << h << ",\n      \"conditional\": [";
        for (size_t s = 0; s < rows.size(); ++s)
            out << (s ? ",\n" : "\n") << "        " << rows[s].dump();
        out << "\n      ]}";
    }
    out << (model.layers.empty() ? "]\n}\n" : "\n  ]\n}\n");
    writeFileAtomically(path.string(), out.str());
}

ErrorModel loadErrorModel(const std::filesystem::path& path)
{
    const std::string origin = path.string();
    if (std::filesystem::is_directory(path))
        fail(origin, "is a directory, not an error-model file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(origin, "cannot open the error-model file");
    std::ostringstream text;
    text << in.rdbuf();
    const std::string content = text.str();
    return errorModelFromJson(parseJsonText(content, origin), origin); // names the place of a bad number
}

} // namespace axbnn
