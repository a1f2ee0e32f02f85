// `axbnn error-model`: the abstracted error model of approximation-aware
// training (P(e | s) per layer and the equivalent bit-flip probability) as a
// JSON file (docs/error-model.md), for a model's layers or one bare unit.
#include "circuit/design_limits.h"
#include "circuit_options.h"
#include "cli_app.h"
#include "commands.h"
#include "io/error_model_json.h"

#include "bnn/data_error_model.h"
#include "bnn/error_model.h"
#include "bnn/inference.h"
#include "io/dataset.h"
#include "io/inference_json.h"
#include "io/model_file.h"
#include "train/rebuild.h"
#include "train/trainer.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
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
    std::string statistic = kStatisticIid;
    double priorSamples = kDefaultPriorSamples;
    std::string accuracyData;
    int accuracyLimit = 1000;
};

PopcountUnitConfig unitFromOptions(const ErrorModelArgs& a)
{
    const CircuitSpec spec = a.circuit.spec(1);
    const bool custom = a.circuit.customLibrary();
    PopcountUnitConfig unit = a.circuit.hierarchical()
        ? PopcountUnitConfig::makeHierarchical(
            a.circuit.leafSpec(custom ? a.circuit.library() : CellLibrary::defaults()), spec.topology, spec.approx)
        : PopcountUnitConfig::makeCircuit(spec.topology, spec.approx, a.unitWidth);
    if (custom)
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

// How far the data rows are from the i.i.d. rows, per layer.
void printDifferences(const ErrorModel& data, const ErrorModel& iid)
{
    std::printf("data vs i.i.d.: over the measured s (data rows, i.i.d. rows) and the i.i.d. model at the measured p; "
                "TV: s-weighted total variation distance of the rows\n");
    std::printf("%-6s %-7s %11s %11s %10s %10s %10s %9s %9s %9s %7s\n", "layer", "kind", "samples", "rows seen",
                "mean data", "mean iid", "iid(p)", "rate data", "rate iid", "iid(p)", "TV");
    for (const ErrorModelDifference& d : compareErrorModels(data, iid)) {
        const LayerErrorModel* l = data.forLayer(d.layer);
        const std::string rows = std::to_string(d.rowsMeasured) + "/" + std::to_string(l->fanIn + 1);
        std::printf("%-6d %-7s %11llu %11s %+10.4f %+10.4f %+10.4f %9.4f %9.4f %9.4f %7.4f\n", d.layer, d.kind.c_str(),
                    static_cast<unsigned long long>(d.samples), rows.c_str(), d.meanData, d.meanIidOnData, d.meanIid,
                    d.rateData, d.rateIidOnData, d.rateIid, d.totalVariation);
    }
}

// The accuracy the trainer's forward pass expects with errors drawn from
// `file` (and from the i.i.d. rows), next to the real circuit's.
void printAccuracies(const Model& model, const train::Network& net, const Dataset& data, const InferenceConfig& config,
                     const ErrorModel& file, const ErrorModel* iid, const ErrorModelArgs& a)
{
    const int count = std::min(a.accuracyLimit, data.count);
    auto percent = [&](const std::vector<int>& predicted) {
        int hits = 0;
        for (int i = 0; i < count; ++i)
            hits += predicted[static_cast<size_t>(i)] == data.labels[static_cast<size_t>(i)];
        return 100.0 * hits / std::max(1, count);
    };
    InferenceConfig exact;
    exact.threads = config.threads;
    const double exactAcc = percent(InferenceEngine(model, exact).predict(data, 0, count));
    const double circuitAcc = percent(InferenceEngine(model, config).predict(data, 0, count));
    const double fileAcc = percent(train::predictWithNetwork(net, data, 0, count, a.threads, &file, a.circuit.seed));
    std::printf("accuracy on %d images of %s: exact %.2f%%, real circuit %.2f%%; trainer's forward pass with errors "
                "drawn from the %s rows %.2f%%",
                count, data.source.c_str(), exactAcc, circuitAcc, file.statistic.c_str(), fileAcc);
    if (iid)
        std::printf(", from the i.i.d. rows %.2f%%",
                    percent(train::predictWithNetwork(net, data, 0, count, a.threads, iid, a.circuit.seed)));
    std::printf("\n");
}

void runErrorModel(const ErrorModelArgs& a)
{
    if (a.model.empty() == (a.fanIn == 0))
        throw std::invalid_argument("give either --model FILE.h5 (the model's layers) or --fan-in N (one unit)");
    if (a.fanIn > 0 && (!a.data.empty() || !a.config.empty() || a.includeScores))
        throw std::invalid_argument("--data, --config and --include-scores need --model");
    if (a.fanIn > 0 && !a.accuracyData.empty())
        throw std::invalid_argument("--accuracy-data needs --model");
    const bool fromData = a.statistic == kStatisticData;
    if (fromData && (a.model.empty() || a.data.empty()))
        throw std::invalid_argument("--statistic data needs --model and --data (the images whose (s, e) pairs are "
                                    "counted)");
    const ErrorModelOptions options = modelOptions(a);
    const auto start = std::chrono::steady_clock::now();
    ErrorModel result;
    std::optional<Model> model;
    std::optional<train::Network> net; // --accuracy-data: the model's trainer network, the images
    std::optional<Dataset> accuracyData;
    InferenceConfig config;
    std::optional<ErrorModel> iid; // --statistic data: the i.i.d. rows it is compared with
    if (a.fanIn > 0) {
        const PopcountUnitConfig cfg = unitFromOptions(a);
        const PopcountUnit unit(a.fanIn, cfg);
        LayerErrorModel layer = abstractLayerErrorModel(unit, a.circuit.p, options);
        layer.circuit = unitConfigJson(cfg);
        result.circuit = {{"default", layer.circuit}};
        result.statistic = kStatisticIid;
        result.seed = options.seed;
        result.layers.push_back(std::move(layer));
    } else {
        model = loadModel(a.model);
        if (!a.config.empty()) {
            config = loadLayerConfig(a.config, *model, a.circuit.library());
        } else {
            if (!a.circuit.approximates())
                throw std::invalid_argument("no approximate popcount: set --approx-lsb, --approx-levels, "
                                            "--column-cells or --level-cells, or "
                                            "give a per-layer --config");
            config = InferenceConfig::withCircuit(*model, unitFromOptions(a), a.includeScores);
        }
        config.threads = a.threads;
        if (!a.accuracyData.empty()) {
            try {
                net = train::rebuildNetwork(*model);
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument(a.model + ": --accuracy-data runs the trainer's forward pass, which needs "
                                            + "the model's batch-norm parameters: " + e.what());
            }
            accuracyData = loadDataset(a.accuracyData, a.accuracyLimit);
            if (accuracyData->shape != model->input)
                throw std::invalid_argument(
                    accuracyData->source + " (--accuracy-data): images are "
                    + std::to_string(accuracyData->shape.height) + "x" + std::to_string(accuracyData->shape.width) + "x"
                    + std::to_string(accuracyData->shape.channels) + " but the model expects "
                    + std::to_string(model->input.height) + "x" + std::to_string(model->input.width) + "x"
                    + std::to_string(model->input.channels));
        }
        std::vector<double> p(model->layers.size(), a.circuit.p);
        bool measured = false;
        std::optional<MeasuredErrors> counted;
        if (!a.data.empty()) {
            // The XNOR statistic each layer sees on real data, with the
            // approximate units in place (what the hardware sees); with
            // --statistic data also the (s, e) pairs.
            const Dataset data = loadDataset(a.data);
            const int count = std::min(a.limit, data.count);
            if (fromData) {
                counted = measureErrors(*model, config, data, 0, count);
                for (size_t i = 0; i < p.size() && i < counted->layers.size(); ++i)
                    p[i] = counted->layers[i].xnorP;
                std::printf("counted (exact popcount, error) pairs of every circuit layer on %d images of %s\n", count,
                            data.source.c_str());
            } else {
                const InferenceEngine engine(*model, config);
                const InferenceResult run = engine.run(data, 0, count, true);
                for (size_t i = 0; i < p.size() && i < run.stats.layers.size(); ++i)
                    if (run.stats.layers[i].xnorInputs > 0)
                        p[i] = run.stats.layers[i].xnorOneFraction();
                std::printf("measured XNOR statistics on %d images of %s\n", count, data.source.c_str());
            }
            measured = true;
        }
        result = abstractErrorModel(*model, config, p, options);
        result.statistic = measured ? kStatisticMeasured : kStatisticIid;
        result.modelFile = a.model;
        if (result.layers.empty())
            throw std::invalid_argument("every layer of the configuration is exact: nothing to model");
        if (counted) {
            iid = std::move(result);
            result = blendDataErrorModel(*iid, *counted, a.priorSamples);
        }
    }
    saveErrorModel(result, a.out);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    printLayers(result);
    if (iid)
        printDifferences(result, *iid);
    if (net)
        printAccuracies(*model, *net, *accuracyData, config, result, iid ? &*iid : nullptr, a);
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
    cmd->add_option("--statistic", args->statistic,
                    "Rows of P(e | s): iid (uniformly random patterns with s ones) or data (counted on the --data "
                    "images through the circuit, blended with the iid row by --prior-samples)")
        ->check(CLI::IsMember({std::string(kStatisticIid), std::string(kStatisticData)}))
        ->capture_default_str();
    cmd->add_option("--prior-samples", args->priorSamples,
                    "With --statistic data: weight of the iid row in every row, in samples (0: rows are the counts; "
                    "rows without samples are always the iid row)")
        ->check(CLI::Range(0.0, 1e12))
        ->capture_default_str();
    cmd->add_option("--accuracy-data", args->accuracyData,
                    "Also compare, on these images, the accuracy of the model's trainer forward pass with errors drawn "
                    "from the file (and from the iid rows) with the real circuit's (needs the model's batch-norm "
                    "parameters, as axbnn train writes them)");
    cmd->add_option("--accuracy-limit", args->accuracyLimit, "Images for --accuracy-data")
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
    addLeafOptions(cmd, args->circuit);
    cmd->callback([args]() { runErrorModel(*args); });
}

} // namespace axbnn::cli
