// Reading and checking sweep specifications (docs/sweep-format.md); their
// points are enumerated in sweep_points.cpp.
#include "sweep/sweep_spec.h"

#include "circuit/cost_model.h"
#include "util/input_limits.h"
#include "util/json_depth.h"
#include "util/json_text.h"
#include "util/shown_text.h"
#include "util/spec_reader.h"

#include "bnn/mitigation.h"
#include "circuit/approximation.h"
#include "circuit/design_limits.h"
#include "circuit/knobs.h"
#include "circuit/popcount_builder.h"
#include "io/model_file.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace axbnn {
namespace {

using nlohmann::json;

// The checks every spec file shares (util/spec_reader.h), and numbers.
class Reader : public SpecReader {
public:
    using SpecReader::SpecReader;
    double number(const json& v, const std::string& where, double lo, double hi) const
    {
        if (!v.is_number())
            fail(where, "expected a number, got " + shownText(v.dump()));
        const double x = v.get<double>();
        if (!(x >= lo && x <= hi))
            fail(where, formatDouble(x) + " is outside " + formatDouble(lo) + ".." + formatDouble(hi));
        return x;
    }
};

std::string at(const char* key, size_t i)
{
    return std::string(key) + "[" + std::to_string(i) + "]";
}

SweepWorkload parseSize(const Reader& r, const json& v, const std::string& where)
{
    SweepWorkload w;
    if (v.is_object()) {
        r.onlyKeys(v, where, {"n", "k", "channels"});
        if (v.contains("n")) {
            if (v.contains("k") || v.contains("channels"))
                r.fail(where, "give either n or k and channels, not both");
            w.inputs = static_cast<int>(r.integer(v["n"], where + ".n", 1, kMaxPopcountInputs));
            return w;
        }
        if (!v.contains("k") || !v.contains("channels"))
            r.fail(where, "give n, or k and channels (N = k*k*channels)");
        w.kernel = static_cast<int>(r.integer(v["k"], where + ".k", 1, 255));
        w.channels = static_cast<int>(r.integer(v["channels"], where + ".channels", 1, kMaxPopcountInputs));
        const long long n = 1LL * w.kernel * w.kernel * w.channels;
        if (n > kMaxPopcountInputs)
            r.fail(where, "k*k*channels = " + std::to_string(n) + " is above " + std::to_string(kMaxPopcountInputs));
        w.inputs = static_cast<int>(n);
        return w;
    }
    w.inputs = static_cast<int>(r.integer(v, where, 1, kMaxPopcountInputs));
    return w;
}

std::string resolve(const std::string& file, const std::string& baseDir)
{
    const std::filesystem::path p(file);
    return p.is_absolute() || baseDir.empty() ? file : (std::filesystem::path(baseDir) / p).string();
}

// A loadDataset() spec with a relative file or directory resolved; checked to exist.
std::string resolveData(const Reader& r, const std::string& spec, const std::string& where, const std::string& baseDir)
{
    if (spec.rfind("fashion-mnist", 0) == 0)
        return spec;
    std::string path = spec, suffix;
    for (const char* s : {":train", ":test"})
        if (spec.size() > std::strlen(s) && spec.compare(spec.size() - std::strlen(s), std::string::npos, s) == 0) {
            path = spec.substr(0, spec.size() - std::strlen(s));
            suffix = s;
        }
    path = resolve(path, baseDir);
    if (!std::filesystem::exists(path))
        r.fail(where, path + ": no such dataset file or directory");
    return path + suffix;
}

SweepWorkload parseModel(const Reader& r, const json& v, const std::string& where, const std::string& baseDir)
{
    SweepWorkload w;
    if (v.is_object()) {
        r.onlyKeys(v, where, {"path", "layer"});
        if (!v.contains("path"))
            r.fail(where, "missing 'path' (the model file)");
        w.model = r.string(v["path"], where + ".path");
        if (v.contains("layer"))
            w.layer = r.string(v["layer"], where + ".layer");
    } else {
        w.model = r.string(v, where);
    }
    if (w.model.empty())
        r.fail(where, "empty model file name");
    w.modelPath = resolve(w.model, baseDir);
    if (!std::filesystem::is_regular_file(w.modelPath))
        r.fail(where, w.modelPath + ": no such model file");
    try {
        w.loaded = std::make_shared<const Model>(loadModel(w.modelPath));
    } catch (const std::exception& e) {
        r.fail(where, e.what());
    }
    const Model& m = *w.loaded;
    const Layer* chosen = nullptr;
    for (LayerKind kind : {LayerKind::Conv, LayerKind::Dense})
        for (const Layer& l : m.layers)
            if (!chosen && (w.layer.empty() ? l.kind == kind : l.name == w.layer))
                chosen = &l;
    if (!chosen)
        r.fail(where,
               w.layer.empty() ? "the model has no conv or dense layer" : "the model has no layer '" + w.layer + "'");
    if (chosen->kind != LayerKind::Conv && chosen->kind != LayerKind::Dense && chosen->kind != LayerKind::Scores)
        r.fail(where, "layer '" + chosen->name + "' has no popcount (it is " + layerKindName(chosen->kind) + ")");
    w.layer = chosen->name;
    w.inputs = chosen->fanIn();
    if (chosen->kind == LayerKind::Conv) {
        w.kernel = chosen->kernel;
        w.channels = chosen->in.channels;
    }
    return w;
}

void parseWorkloads(const Reader& r, const json& j, SweepSpec& s, const std::string& baseDir, json& canon)
{
    canon["sizes"] = json::array();
    canon["models"] = json::array();
    if (const json* sizes = r.list(j, "sizes"))
        for (size_t i = 0; i < sizes->size(); ++i) {
            s.workloads.push_back(parseSize(r, (*sizes)[i], at("sizes", i)));
            const SweepWorkload& w = s.workloads.back();
            canon["sizes"].push_back(w.kernel ? json{{"k", w.kernel}, {"channels", w.channels}}
                                              : json{{"n", w.inputs}});
        }
    if (const json* models = r.list(j, "models"))
        for (size_t i = 0; i < models->size(); ++i) {
            s.workloads.push_back(parseModel(r, (*models)[i], at("models", i), baseDir));
            canon["models"].push_back({{"path", s.workloads.back().model}, {"layer", s.workloads.back().layer}});
        }
    if (s.workloads.empty())
        r.fail("sizes", "give 'sizes' (popcount widths) or 'models' (or both)");
}

void parseCircuitAxes(const Reader& r, const json& j, SweepSpec& s, const std::string& baseDir, json& canon)
{
    if (j.contains("cell_library")) {
        s.cellLibrary = r.string(j["cell_library"], "cell_library");
        try {
            const bool builtIn =
                std::find(kBuiltInLibraries.begin(), kBuiltInLibraries.end(), s.cellLibrary) != kBuiltInLibraries.end();
            s.library = CellLibrary::named(builtIn ? s.cellLibrary : resolve(s.cellLibrary, baseDir));
        } catch (const std::exception& e) {
            r.fail("cell_library", e.what());
        }
    }
    canon["cell_library"] = s.cellLibrary;
    if (const json* t = r.list(j, "topologies")) {
        s.topologies.clear();
        for (size_t i = 0; i < t->size(); ++i) {
            try {
                s.topologies.push_back(parseTopology(r.string((*t)[i], at("topologies", i))));
            } catch (const SpecError&) {
                throw;
            } catch (const std::exception& e) {
                r.fail(at("topologies", i), e.what());
            }
        }
    }
    for (Topology t : s.topologies)
        canon["topologies"].push_back(topologyName(t));
    if (const json* c = r.list(j, "cells")) {
        s.cells.clear();
        for (size_t i = 0; i < c->size(); ++i) {
            const json& v = (*c)[i];
            SweepCells cells;
            if (v.is_object()) {
                r.onlyKeys(v, at("cells", i), {"fa", "ha"});
                if (v.contains("fa"))
                    cells.fa = r.string(v["fa"], at("cells", i) + ".fa");
                if (v.contains("ha"))
                    cells.ha = r.string(v["ha"], at("cells", i) + ".ha");
            } else {
                cells.fa = r.string(v, at("cells", i));
            }
            if (cells.ha == "none")
                cells.ha.clear();
            // The cells must fit the library and the knobs: try them on a small circuit.
            ApproxConfig probe;
            probe.lsbColumns = 1;
            probe.faCell = cells.fa;
            probe.haCell = cells.ha;
            try {
                applyApproximation(buildPopcount(9, Topology::AdderTree, s.library), s.library, probe);
            } catch (const std::exception& e) {
                r.fail(at("cells", i), e.what());
            }
            s.cells.push_back(cells);
        }
    }
    for (const SweepCells& c : s.cells)
        canon["cells"].push_back({{"fa", c.fa}, {"ha", c.ha}});
    if (j.contains("approximation")) {
        const json& a = j["approximation"];
        r.onlyKeys(a, "approximation", {"knobs", "levels"});
        if (const json* k = r.list(a, "knobs", "approximation.")) {
            s.knobs.clear();
            for (size_t i = 0; i < k->size(); ++i) {
                const std::string name = r.string((*k)[i], "approximation." + at("knobs", i));
                const auto table = knobTable();
                const auto known =
                    std::find_if(table.begin(), table.end(), [&](const KnobInfo& info) { return name == info.name; });
                if (known == table.end())
                    r.fail("approximation." + at("knobs", i),
                           "unknown knob '" + name + "' (known: " + knobNames() + ")");
                s.knobs.push_back(known->knob);
            }
        }
        if (const json* l = r.list(a, "levels", "approximation.")) {
            s.levels.clear();
            // A level applies to every knob of the spec: the tighter limit holds.
            const int most = std::min(kMaxLsbColumns, kMaxTreeLevels);
            for (size_t i = 0; i < l->size(); ++i)
                s.levels.push_back(static_cast<int>(r.integer((*l)[i], "approximation." + at("levels", i), 0, most)));
        }
    }
    for (Knob k : s.knobs)
        canon["approximation"]["knobs"].push_back(knobName(k));
    canon["approximation"]["levels"] = s.levels;
    if (const json* p = r.list(j, "p")) {
        s.p.clear();
        for (size_t i = 0; i < p->size(); ++i)
            s.p.push_back(r.number((*p)[i], at("p", i), 0.0, 1.0));
    }
    canon["p"] = s.p;
}

void parseRunOptions(const Reader& r, const json& j, SweepSpec& s, const std::string& baseDir, json& canon)
{
    bool models = false;
    for (const SweepWorkload& w : s.workloads)
        models = models || w.hasModel();
    if (const json* m = r.list(j, "mitigation")) {
        s.mitigations.clear();
        for (size_t i = 0; i < m->size(); ++i) {
            const std::string name = r.string((*m)[i], at("mitigation", i));
            Mitigation mode = Mitigation::None;
            try {
                mode = parseMitigation(name);
            } catch (const std::invalid_argument& e) {
                r.fail(at("mitigation", i), e.what());
            }
            if (mode != Mitigation::None && !models)
                r.fail(at("mitigation", i), "'" + name + "' acts on a model's thresholds; add 'models'");
            s.mitigations.push_back(mode);
        }
    }
    canon["mitigation"] = json::array();
    for (const Mitigation mode : s.mitigations)
        canon["mitigation"].push_back(mitigationName(mode));
    if (j.contains("data")) {
        const json& d = j["data"];
        r.onlyKeys(d, "data", {"dataset", "limit", "calibration", "calibration_limit"});
        if (!models)
            r.fail("data", "evaluation data is only used with 'models'");
        if (d.contains("dataset"))
            s.data.dataset = r.string(d["dataset"], "data.dataset");
        if (d.contains("limit"))
            s.data.limit = static_cast<int>(r.integer(d["limit"], "data.limit", 0, 100'000'000));
        if (d.contains("calibration"))
            s.data.calibration = r.string(d["calibration"], "data.calibration");
        if (d.contains("calibration_limit"))
            s.data.calibrationLimit =
                static_cast<int>(r.integer(d["calibration_limit"], "data.calibration_limit", 1, 1'000'000));
    }
    if (models) {
        s.data.datasetPath = resolveData(r, s.data.dataset, "data.dataset", baseDir);
        s.data.calibrationPath = resolveData(r, s.data.calibration, "data.calibration", baseDir);
    }
    if (models)
        canon["data"] = {{"dataset", s.data.dataset},
                         {"limit", s.data.limit},
                         {"calibration", s.data.calibration},
                         {"calibration_limit", s.data.calibrationLimit}};
    if (j.contains("error")) {
        const json& e = j["error"];
        r.onlyKeys(e, "error", {"method", "samples", "seed", "epsilon"});
        if (e.contains("method")) {
            try {
                s.error.method = parseErrorMethod(r.string(e["method"], "error.method"));
            } catch (const SpecError&) {
                throw;
            } catch (const std::exception& ex) {
                r.fail("error.method", ex.what());
            }
        }
        if (e.contains("samples"))
            s.error.samples = static_cast<uint64_t>(r.integer(e["samples"], "error.samples", 64, 1 << 24));
        if (e.contains("seed")) {
            if (!e["seed"].is_number_unsigned())
                r.fail("error.seed", "expected a non-negative integer");
            s.error.seed = e["seed"].get<uint64_t>();
        }
        if (e.contains("epsilon"))
            s.error.epsilon = r.number(e["epsilon"], "error.epsilon", 0.0, 1e-3);
    }
    canon["error"] = {{"method", errorMethodName(s.error.method)},
                      {"samples", s.error.samples},
                      {"seed", s.error.seed},
                      {"epsilon", s.error.epsilon}};
}

// The number of points a spec asks for, from its list lengths alone, before
// any model is loaded or point enumerated: (sizes + models x mitigations) x
// topologies x cells x knobs x levels x p. Refused above kMaxSweepPoints.
void checkPointCount(const Reader& r, const json& j)
{
    const auto length = [](const json& o, const char* key, uint64_t fallback) {
        return o.is_object() && o.contains(key) && o[key].is_array() ? uint64_t(o[key].size()) : fallback;
    };
    const json none;
    const json& approx = j.contains("approximation") ? j["approximation"] : none;
    const uint64_t sizes = length(j, "sizes", 0), models = length(j, "models", 0);
    const std::pair<const char*, uint64_t> axes[] = {{"topologies", length(j, "topologies", 1)},
                                                     {"cells", length(j, "cells", 1)},
                                                     {"knobs", length(approx, "knobs", 1)},
                                                     {"levels", length(approx, "levels", 3)},
                                                     {"p", length(j, "p", 1)}};
    const uint64_t mitigations = length(j, "mitigation", 1);
    // Saturating products: every factor is below 2^63, so a product that
    // would pass 2^64 is detected by division.
    bool overflow = false;
    const auto times = [&](uint64_t a, uint64_t b) {
        if (b != 0 && a > UINT64_MAX / b)
            overflow = true;
        return overflow ? UINT64_MAX : a * b;
    };
    const uint64_t modelPoints = times(models, mitigations);
    uint64_t points = modelPoints > UINT64_MAX - sizes ? (overflow = true, UINT64_MAX) : sizes + modelPoints;
    std::string product = "(" + std::to_string(sizes) + " sizes + " + std::to_string(models) + " models x "
        + std::to_string(mitigations) + " mitigation)";
    for (const auto& [name, n] : axes) {
        points = times(points, n);
        product += " x " + std::to_string(n) + " " + name;
    }
    if (overflow || points > kMaxSweepPoints)
        r.fail("spec",
               product + " = " + (overflow ? "more than 2^64" : std::to_string(points))
                   + " points; a sweep has at most " + std::to_string(kMaxSweepPoints)
                   + " (split it into several specs)");
}

} // namespace

std::string formatDouble(double value)
{
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
}

SweepSpec parseSweepSpec(std::string_view text, const std::string& origin, const std::string& baseDir)
{
    const Reader r(origin);
    checkJsonDepth(text, origin);
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        throw std::invalid_argument(origin + ": " + jsonErrorText(text, e));
    }
    r.onlyKeys(j, "spec",
               {"comment", "sizes", "models", "topologies", "cells", "approximation", "mitigation", "p", "data",
                "error", "cell_library"});
    checkPointCount(r, j);
    SweepSpec s;
    json canon = {{"version", 1}, {"cost_model", kCostModelVersion}};
    parseWorkloads(r, j, s, baseDir, canon);
    parseCircuitAxes(r, j, s, baseDir, canon);
    parseRunOptions(r, j, s, baseDir, canon);
    s.canonical = canon;
    s.hash = fnv1a64Hex(canon.dump());
    std::set<std::string> keys;
    for (const SweepPoint& p : enumerateSweep(s))
        if (!keys.insert(p.key).second)
            r.fail("spec", "the point " + p.key + " appears twice (a value is repeated in a list)");
    return s;
}

SweepSpec loadSweepSpec(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::invalid_argument(path + ": cannot read the sweep spec");
    std::ostringstream text;
    text << in.rdbuf();
    const std::filesystem::path p(path);
    return parseSweepSpec(text.str(), path, p.has_parent_path() ? p.parent_path().string() : std::string());
}

} // namespace axbnn
