// `axbnn eval` and `axbnn model info`: run a BNN through exact or approximate
// popcount units, and list a model's layers with their popcount cost.
#include "bnn/training_record.h"
#include "circuit_options.h"
#include "commands.h"

#include "bnn/inference.h"
#include "bnn/mitigation.h"
#include "circuit/design_limits.h"
#include "circuit/knobs.h"
#include "circuit/popcount_builder.h"
#include "explore/evaluate.h"
#include "io/dataset.h"
#include "io/inference_json.h"
#include "io/model_file.h"
#include "util/atomic_file.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <sstream>

namespace axbnn::cli {
namespace {

struct EvalArgs {
    CircuitOptions circuit;
    std::string model;
    std::string data = "fashion-mnist";
    int limit = 0;
    std::string config;
    std::string popcount = "auto";
    int unitWidth = 0;
    bool includeScores = false;
    std::string mitigation = "none";
    std::string calibration = "fashion-mnist:train";
    int calibrationLimit = 1000;
    int threads = 0;
    int repeat = 1;
    std::string predictions;
    bool json = false;
    bool stats = false;
};

// Per-layer statistics from real data (docs/inference.md).
nlohmann::json layerStatsJson(const LayerStats& s)
{
    double errorSum = 0.0;
    uint64_t errorCount = 0;
    for (size_t k = 0; k < s.errorHistogram.size(); ++k) {
        errorSum += static_cast<double>(s.errorHistogram[k]) * (static_cast<int>(k) + s.errorOffset);
        errorCount += s.errorHistogram[k];
    }
    uint64_t near = 0; // neurons whose exact value is within 2 of the threshold
    for (size_t k = 0; k < s.marginHistogram.size(); ++k) {
        const int margin = static_cast<int>(k) + s.marginOffset;
        if (margin >= -2 && margin <= 1)
            near += s.marginHistogram[k];
    }
    const double n = s.neurons > 0 ? static_cast<double>(s.neurons) : 1.0;
    return {{"neurons", s.neurons},
            {"xnor_one_fraction", s.xnorInputs > 0 ? nlohmann::json(s.xnorOneFraction()) : nlohmann::json()},
            {"near_threshold_fraction", static_cast<double>(near) / n},
            {"value_changed_fraction", static_cast<double>(s.valueChanged) / n},
            {"mean_error", errorCount > 0 ? errorSum / static_cast<double>(errorCount) : 0.0},
            {"flipped_activations", s.flipped},
            {"flipped_fraction", static_cast<double>(s.flipped) / n}};
}

// The design eval evaluates: every layer's unit explicit (a layer config,
// or the circuit options on each Conv and Dense layer, Scores with
// --include-scores), so that `--popcount circuit` simulates even an exact
// circuit. Netlists a layer config imported go into `netlists`.
Design makeDesign(const EvalArgs& a, const Model& model, const CellLibrary& library, NetlistMap& netlists)
{
    Design design;
    design.model = a.model;
    design.data.dataset = a.data;
    design.data.limit = a.limit;
    design.data.calibration = a.calibration;
    design.data.calibrationLimit = a.calibrationLimit;
    design.mitigation = parseMitigation(a.mitigation);
    design.unit.approx = {}; // the layers say everything
    design.unit.approx.faCell = a.circuit.cell;
    if (!a.config.empty()) {
        design.layers = layerUnitsOf(loadLayerConfig(a.config, model, library), &netlists);
        return design;
    }
    if (a.popcount == "exact" || (a.popcount == "auto" && !a.circuit.approximates() && !a.circuit.hierarchical()))
        return design;
    const CircuitSpec spec = a.circuit.spec(1);
    const PopcountUnitConfig unit = a.circuit.hierarchical()
        ? PopcountUnitConfig::makeHierarchical(a.circuit.leafSpec(library), spec.topology, spec.approx)
        : PopcountUnitConfig::makeCircuit(spec.topology, spec.approx, a.unitWidth);
    design.layers = layerUnitsOf(InferenceConfig::withCircuit(model, unit, a.includeScores), &netlists);
    return design;
}

// The mitigation report (docs/inference.md "Mitigation"): per layer what was
// kept, then every change tried and why it was kept or not.
void printMitigation(const std::string& mode, const MitigationReport& r)
{
    std::printf("mitigation %s\n", mode.c_str());
    if (r.method == Mitigation::None)
        return;
    std::printf("  %s; fit on %d calibration images, kept only what %d held-out images confirm\n", r.trainedFor.c_str(),
                r.fitImages, r.heldOutImages);
    for (const LayerMitigation& m : r.layers) {
        if (m.layer < 0)
            std::printf("  all layers %s, at once:\n", mitigationName(m.step));
        else if (m.step == Mitigation::Tune)
            std::printf("  layer %d tune: %d neurons re-tuned, shifts %+d..%+d, agreement with %s %.4f -> %.4f\n",
                        m.layer, m.tunedNeurons, m.minShift, m.maxShift, m.target.c_str(), m.agreementBefore,
                        m.agreementAfter);
        else
            std::printf("  layer %d bias: threshold shift %+d (measured error %+.2f, expected %+.2f)\n", m.layer,
                        m.shift, m.measuredError, m.expectedError);
        for (const MitigationTrial& t : m.trials)
            std::printf("    %s %s: %s\n", t.kept ? "[kept]" : "[dropped]", t.change.c_str(), t.reason.c_str());
    }
    std::printf("  calibration images right: %d -> %d of %d\n", r.correctBefore, r.correctAfter, r.calibrationImages);
    std::printf("  hardware: %d extra cells; threshold constants re-programmed, comparator widths unchanged\n",
                r.extraCells);
}

void runEval(const EvalArgs& a)
{
    const Model model = loadModel(a.model);
    const Dataset data = loadDataset(a.data, a.limit); // only the images evaluated
    const int count = a.limit > 0 ? std::min(a.limit, data.count) : data.count;
    if (count == 0)
        throw std::invalid_argument(data.source + ": no images to evaluate");
    const CellLibrary library = a.circuit.library();
    NetlistMap netlists;
    const Design design = makeDesign(a, model, library, netlists);
    std::optional<Dataset> calibration;
    if (design.mitigation != Mitigation::None)
        calibration = loadDataset(a.calibration, a.calibrationLimit);
    EvaluateOptions options;
    options.threads = a.threads;
    options.library = &library;
    options.netlists = &netlists;
    const std::shared_ptr<const PreparedDesign> prepared =
        prepareDesign(model, design, calibration ? &*calibration : nullptr, options);
    const InferenceConfig& config = prepared->config;
    const MitigationReport& mitigation = prepared->mitigation;
    const InferenceEngine engine(model, config);
    // --repeat: the same pass several times; the time is the median pass, so
    // that one hiccup of a short run does not decide a benchmark.
    InferenceResult result;
    std::vector<double> passSeconds;
    for (int r = 0; r < a.repeat; ++r) {
        const auto start = std::chrono::steady_clock::now();
        InferenceResult pass = engine.run(data, 0, count, a.stats && r == 0);
        passSeconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        if (r == 0)
            result = std::move(pass);
        else if (pass.predictions != result.predictions)
            throw std::logic_error("repeated passes predicted differently");
    }
    std::vector<double> sorted = passSeconds;
    std::sort(sorted.begin(), sorted.end());
    const double seconds = sorted[sorted.size() / 2];
    const std::vector<int>& predicted = result.predictions;
    const AccuracyCount counted = countCorrect(std::span(predicted).first(static_cast<size_t>(count)), data);
    const int correct = counted.correct;
    const double accuracy = counted.accuracy();
    if (!a.predictions.empty()) {
        std::ostringstream out;
        for (int p : predicted)
            out << p << "\n";
        writeFileAtomically(a.predictions, out.str());
    }
    nlohmann::json layers = nlohmann::json::array();
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const PopcountUnit& unit = engine.unit(static_cast<int>(i));
        layers.push_back({{"layer", i},
                          {"name", model.layers[i].name},
                          {"popcount", unit.isExact() ? "exact" : "circuit"},
                          {"threshold_shift", config.shiftFor(static_cast<int>(i))}});
        if (const auto& u = config.unitFor(static_cast<int>(i)); u.netlist)
            layers.back()["netlist"] = u.netlistPath;
        else if (u.leaf.imported)
            layers.back()[unit_keys::kLeaf] = u.leaf.importedPath;
        else if (u.leaf.isSet())
            layers.back()[unit_keys::kLeafWidth] = u.leaf.width;
        if (a.stats && i < result.stats.layers.size() && result.stats.layers[i].neurons > 0)
            layers.back()["stats"] = layerStatsJson(result.stats.layers[i]);
    }
    if (a.json) {
        nlohmann::json j = {{"model", a.model},
                            {"data", data.source},
                            {"accuracy", accuracy},
                            {"samples", count},
                            {"correct", correct},
                            {"seconds", seconds},
                            {"images_per_second", seconds > 0 ? count / seconds : 0.0},
                            {"threads", engine.threads()},
                            {"repeat", a.repeat},
                            {"pass_seconds", passSeconds},
                            {"mitigation", mitigationJson(mitigation)},
                            {"layers", layers}};
        std::cout << j.dump(2) << "\n";
        return;
    }
    std::printf("model     %s\n", a.model.c_str());
    std::printf("data      %s, %d images\n", data.source.c_str(), count);
    for (const auto& l : layers)
        std::printf("  layer %-3d %-12s popcount %s%s\n", l["layer"].get<int>(), l["name"].get<std::string>().c_str(),
                    l["popcount"].get<std::string>().c_str(),
                    l["threshold_shift"].get<int>() != 0
                        ? (", threshold shift " + std::to_string(l["threshold_shift"].get<int>())).c_str()
                        : "");
    if (a.stats) {
        std::printf("per-layer statistics (xnor=1: fraction of XNOR outputs that are 1; near: exact value\n"
                    "within 2 of the threshold; changed: circuit value differs from exact; flipped:\n"
                    "activations the circuit flips given the same layer inputs)\n");
        for (const auto& l : layers) {
            if (!l.contains("stats"))
                continue;
            const auto& st = l["stats"];
            const std::string xnor = st["xnor_one_fraction"].is_null()
                ? std::string("  n/a ")
                : std::to_string(st["xnor_one_fraction"].get<double>()).substr(0, 6);
            std::printf("  %-12s xnor=1 %s  near %.4f  changed %.4f  mean error %+.3f  flipped %.4f\n",
                        l["name"].get<std::string>().c_str(), xnor.c_str(), st["near_threshold_fraction"].get<double>(),
                        st["value_changed_fraction"].get<double>(), st["mean_error"].get<double>(),
                        st["flipped_fraction"].get<double>());
        }
    }
    printMitigation(a.mitigation, mitigation);
    std::printf("accuracy  %.4f (%d of %d)\n", accuracy, correct, count);
    std::printf("time      %.3f s, %.0f images/s on %d threads%s\n", seconds, seconds > 0 ? count / seconds : 0.0,
                engine.threads(), a.repeat > 1 ? (" (median of " + std::to_string(a.repeat) + " passes)").c_str() : "");
}

void runModelInfo(const std::string& path, const CircuitOptions& o, bool json)
{
    const Model model = loadModel(path);
    const CellLibrary library = o.library();
    nlohmann::json rows = nlohmann::json::array();
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const Layer& l = model.layers[i];
        nlohmann::json row = {{"layer", i},
                              {"name", l.name},
                              {"kind", layerKindName(l.kind)},
                              {"in", {l.in.height, l.in.width, l.in.channels}},
                              {"out", {l.out.height, l.out.width, l.out.channels}},
                              {"fan_in", l.fanIn()}};
        const bool popcount = l.kind == LayerKind::Conv || l.kind == LayerKind::Dense || l.kind == LayerKind::Scores;
        if (popcount) {
            const CircuitSpec spec = o.spec(l.fanIn());
            const Netlist exact = buildPopcount(l.fanIn(), spec.topology, library);
            const Netlist approx = applyApproximation(exact, library, spec.approx);
            CostOptions fast;
            fast.energyVectors = 1024;
            const CircuitCost ce = computeCost(exact, fast);
            const CircuitCost ca = computeCost(approx, fast);
            row["popcount_width"] = l.fanIn();
            row["exact"] = {{"cells", ce.cells}, {"area_um2", ce.areaUm2}, {"delay_ps", ce.delayPs}};
            row["approximate"] = {{"cells", ca.cells}, {"area_um2", ca.areaUm2}, {"delay_ps", ca.delayPs}};
        }
        rows.push_back(row);
    }
    if (json) {
        std::cout << nlohmann::json{{"model", path},
                                    {"input", {model.input.height, model.input.width, model.input.channels}},
                                    {"classes", model.classes()},
                                    {"dataset", model.meta.dataset},
                                    {"accuracy_at_save", model.meta.accuracyAtSave},
                                    {"trained", trainingSummary(trainingRecordOf(model.meta))},
                                    {"layers", rows}}
                         .dump(2)
                  << "\n";
        return;
    }
    std::printf("%s: input %dx%dx%d, %d classes, dataset %s\n", path.c_str(), model.input.height, model.input.width,
                model.input.channels, model.classes(), model.meta.dataset.c_str());
    std::printf("trained: %s\n", trainingSummary(trainingRecordOf(model.meta)).c_str());
    std::printf("popcount per neuron: %s, approximate = --approx-lsb %d --approx-levels %d --cell %s\n",
                o.topology.c_str(), o.lsbColumns, o.levels, o.cell.c_str());
    std::printf("%-3s %-12s %-9s %-12s %-12s %7s %12s %12s %10s\n", "#", "name", "kind", "in", "out", "fan-in",
                "exact um^2", "approx um^2", "delay ps");
    for (const auto& r : rows) {
        auto shape = [](const nlohmann::json& s) {
            return std::to_string(s[0].get<int>()) + "x" + std::to_string(s[1].get<int>()) + "x"
                + std::to_string(s[2].get<int>());
        };
        std::printf("%-3d %-12s %-9s %-12s %-12s %7d", r["layer"].get<int>(), r["name"].get<std::string>().c_str(),
                    r["kind"].get<std::string>().c_str(), shape(r["in"]).c_str(), shape(r["out"]).c_str(),
                    r["fan_in"].get<int>());
        if (r.contains("exact"))
            std::printf(" %12.1f %12.1f %10.0f", r["exact"]["area_um2"].get<double>(),
                        r["approximate"]["area_um2"].get<double>(), r["exact"]["delay_ps"].get<double>());
        std::printf("\n");
    }
}

} // namespace

void addModelCommands(CLI::App& app)
{
    auto args = std::make_shared<EvalArgs>();
    CLI::App* eval =
        app.add_subcommand("eval", "Accuracy of a model on a dataset with exact or approximate popcount units");
    eval->add_option("--model,-m", args->model, "Model file (HDF5, docs/model-format.md)")
        ->required()
        ->check(CLI::ExistingFile);
    eval->add_option("--data", args->data, "fashion-mnist[:train|:test], a directory of IDX files, or an HDF5 dataset")
        ->capture_default_str();
    eval->add_option("--limit", args->limit, "Evaluate only the first N images (0: all)")
        ->check(CLI::Range(0, 100'000'000));
    eval->add_option("--config", args->config, "Per-layer popcount configuration (JSON, docs/layer-config.md)")
        ->check(CLI::ExistingFile);
    eval->add_option("--popcount", args->popcount,
                     "exact, circuit (simulate the circuit even with no approximation) or auto "
                     "(circuit when an approximation knob is set)")
        ->check(CLI::IsMember({"auto", "exact", "circuit"}))
        ->capture_default_str();
    eval->add_option("--unit-width", args->unitWidth,
                     "Inputs per popcount unit; wider fan-ins split into chunks (0: whole fan-in)")
        ->check(CLI::Range(0, kMaxUnitWidth));
    eval->add_flag("--include-scores", args->includeScores, "Also use the approximate unit in the last (scores) layer");
    eval->add_option("--mitigation", args->mitigation,
                     "none; bias: shift thresholds by the circuit's measured error; tune: re-fit neurons' "
                     "thresholds; bias-tune: both (each change kept only where it helps on held-out "
                     "calibration images)")
        ->check(CLI::IsMember(mitigationNames()))
        ->capture_default_str();
    eval->add_option("--calibration", args->calibration,
                     "Data that calibrates the mitigation (XNOR statistics or tuned thresholds)")
        ->capture_default_str();
    eval->add_option("--calibration-limit", args->calibrationLimit, "Calibration images")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    eval->add_option("--threads", args->threads, "Worker threads (0: all cores)")->check(CLI::Range(0, 1024));
    eval->add_option("--repeat", args->repeat,
                     "Evaluate the images N times; seconds and images/s are those of the median pass (benchmarks)")
        ->check(CLI::Range(1, 100));
    eval->add_option("--predictions", args->predictions, "Write one predicted class per line, in data order");
    eval->add_flag("--json", args->json, "Print one JSON object");
    eval->add_flag("--stats", args->stats,
                   "Per-layer statistics: XNOR ones, values near thresholds, flipped activations "
                   "(evaluates exact and circuit values of every neuron: slower)");
    addCircuitOptions(eval, args->circuit, false);
    addLeafOptions(eval, args->circuit);
    eval->callback([args]() { runEval(*args); });

    auto info = std::make_shared<std::pair<std::string, CircuitOptions>>();
    auto infoJson = std::make_shared<bool>(false);
    info->second.lsbColumns = 2;
    CLI::App* model = app.add_subcommand("model", "Inspect model files");
    model->require_subcommand(1);
    CLI::App* infoCmd = model->add_subcommand("info", "Layers with fan-in and popcount cost");
    infoCmd->add_option("file", info->first, "Model file")->required()->check(CLI::ExistingFile);
    infoCmd->add_flag("--json", *infoJson, "Print JSON");
    addCircuitOptions(infoCmd, info->second, false);
    infoCmd->callback([info, infoJson]() { runModelInfo(info->first, info->second, *infoJson); });
}

} // namespace axbnn::cli
