// `axbnn error-model`: the abstracted error model of approximation-aware
// training (P(e | s) per layer and the equivalent bit-flip probability) as a
// JSON file (docs/error-model.md), for a model's layers or one bare unit.
#include "circuit/design_limits.h"
#include "circuit_options.h"
#include "cli_app.h"
#include "commands.h"
#include "io/error_model_json.h"

#include "bnn/error_model.h"
#include "bnn/inference.h"
#include "io/dataset.h"
#include "io/inference_json.h"
#include "io/model_file.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace axbnn::cli {
namespace {

struct ErrorModelArgs {
    CircuitOptions circuit;
    std::string out;
    std::string model;
    int fanIn = 0;
    std::string data;
    int limit = 1000;
    std::string config;
    int unitWidth = 0;
    bool includeScores = false;
    int threads = 0;
    bool pGiven = false;
};

PopcountUnitConfig unitFromOptions(const ErrorModelArgs& a)
{
    const CircuitSpec spec = a.circuit.spec(1);
    PopcountUnitConfig unit = PopcountUnitConfig::makeCircuit(spec.topology, spec.approx, a.unitWidth);
    if (!a.circuit.cellsFile.empty())
        unit.library = a.circuit.library();
    return unit;
}

ErrorModelOptions modelOptions(const ErrorModelArgs& a)
{
    ErrorModelOptions o;
    const std::string& m = a.circuit.method;
    if (m == "auto" || m == "exhaustive")
        o.method = m;
    else if (m == "monte-carlo")
        o.method = "sampled";
    else if (m == "propagation")
        throw std::invalid_argument("--method propagation gives P(e) but not P(e | s); use auto, exhaustive or "
                                    "monte-carlo");
    else
        throw std::invalid_argument("unknown --method '" + m + "' (known: auto, exhaustive, monte-carlo)");
    o.samplesPerSum = a.circuit.samples;
    o.seed = a.circuit.seed;
    o.threads = a.threads;
    return o;
}

void printLayers(const ErrorModel& m)
{
    std::printf("%-6s %-7s %7s %-11s %8s %10s %11s %9s %9s %10s\n", "layer", "kind", "fan-in", "method", "xnor p",
                "err rate", "mean err", "err std", "range", "bit flip");
    for (const LayerErrorModel& l : m.layers) {
        const std::string range = std::to_string(l.minError) + ".." + std::to_string(l.maxError);
        std::printf("%-6s %-7s %7d %-11s %8.4f %10.4f %+11.4f %9.4f %9s %10.3g\n",
                    l.layer < 0 ? "-" : std::to_string(l.layer).c_str(), l.kind.c_str(), l.fanIn, l.method.c_str(),
                    l.xnorP, l.errorRate, l.meanError, l.errorStd, range.c_str(), l.bitFlipProbability);
    }
}

void runErrorModel(const ErrorModelArgs& a)
{
    if (a.model.empty() == (a.fanIn == 0))
        throw std::invalid_argument("give either --model FILE.h5 (the model's layers) or --fan-in N (one unit)");
    if (a.fanIn > 0 && (!a.data.empty() || !a.config.empty() || a.includeScores))
        throw std::invalid_argument("--data, --config and --include-scores need --model");
    const ErrorModelOptions options = modelOptions(a);
    const auto start = std::chrono::steady_clock::now();
    ErrorModel result;
    if (a.fanIn > 0) {
        const PopcountUnitConfig cfg = unitFromOptions(a);
        const PopcountUnit unit(a.fanIn, cfg);
        LayerErrorModel layer = abstractLayerErrorModel(unit, a.circuit.p, options);
        layer.circuit = unitConfigJson(cfg);
        result.circuit = {{"default", layer.circuit}};
        result.statistic = "iid";
        result.seed = options.seed;
        result.layers.push_back(std::move(layer));
    } else {
        const Model model = loadModel(a.model);
        InferenceConfig config;
        if (!a.config.empty()) {
            config = loadLayerConfig(a.config, model, a.circuit.library());
        } else {
            if (a.circuit.lsbColumns == 0 && a.circuit.levels == 0)
                throw std::invalid_argument("no approximate popcount: set --approx-lsb or --approx-levels, or "
                                            "give a per-layer --config");
            config = InferenceConfig::withCircuit(model, unitFromOptions(a), a.includeScores);
        }
        std::vector<double> p(model.layers.size(), a.circuit.p);
        bool measured = false;
        if (!a.data.empty()) {
            // The XNOR statistic each layer sees on real data, with the
            // approximate units in place (what the hardware sees).
            const Dataset data = loadDataset(a.data);
            const int count = std::min(a.limit, data.count);
            config.threads = a.threads;
            const InferenceEngine engine(model, config);
            const InferenceResult run = engine.run(data, 0, count, true);
            for (size_t i = 0; i < p.size() && i < run.stats.layers.size(); ++i)
                if (run.stats.layers[i].xnorInputs > 0)
                    p[i] = run.stats.layers[i].xnorOneFraction();
            measured = true;
            std::printf("measured XNOR statistics on %d images of %s\n", count, data.source.c_str());
        }
        result = abstractErrorModel(model, config, p, options);
        result.statistic = measured ? "measured" : "iid";
        result.modelFile = a.model;
        if (result.layers.empty())
            throw std::invalid_argument("every layer of the configuration is exact: nothing to model");
    }
    saveErrorModel(result, a.out);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    printLayers(result);
    std::printf("wrote %s (%zu layer%s, %.2f s)\n", a.out.c_str(), result.layers.size(),
                result.layers.size() == 1 ? "" : "s", seconds);
}

} // namespace

void addErrorModelCommand(CLI::App& app)
{
    auto args = std::make_shared<ErrorModelArgs>();
    args->circuit.samples = 4096; // per exact count s here
    args->circuit.seed = 1;
    CLI::App* cmd =
        app.add_subcommand("error-model",
                           "P(e | exact popcount) per layer and the equivalent bit-flip probability, as JSON for "
                           "approximation-aware training (docs/error-model.md)");
    cmd->add_option("--out,-o", args->out, "Error-model file to write (JSON)")->required();
    cmd->add_option("--model,-m", args->model, "Model file: one entry per binary layer with a circuit")
        ->check(CLI::ExistingFile);
    cmd->add_option("--fan-in", args->fanIn, "Instead of a model: one bare unit of N inputs")
        ->check(kWholeNumberValidator)
        ->check(CLI::Range(1, kMaxPopcountInputs));
    cmd->add_option("--data", args->data,
                    "Measure each layer's XNOR statistic p on this data (e.g. fashion-mnist:train); "
                    "default: p from --p for every layer");
    cmd->add_option("--limit", args->limit, "Images for --data")
        ->check(CLI::Range(1, 100'000'000))
        ->capture_default_str();
    cmd->add_option("--config", args->config, "Per-layer popcount configuration (docs/layer-config.md)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--unit-width", args->unitWidth,
                    "Inputs per popcount unit; wider fan-ins split into chunks (0: whole fan-in)")
        ->check(CLI::Range(0, kMaxUnitWidth));
    cmd->add_flag("--include-scores", args->includeScores, "Also approximate the last (scores) layer");
    cmd->add_option("--threads", args->threads, "Worker threads (0: all cores; results do not depend on it)")
        ->check(CLI::Range(0, 1024));
    addCircuitOptions(cmd, args->circuit, false);
    cmd->callback([args]() { runErrorModel(*args); });
}

} // namespace axbnn::cli
