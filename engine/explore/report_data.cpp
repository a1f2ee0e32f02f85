// Computes a session report with the same engine calls as the axbnn
// commands it cites (axbnn circuit, cost-table, model info, eval), so every
// command line prints the number it stands beside.
#include "explore/report_data.h"

#include "explore/evaluate.h"

#include "bnn/inference.h"
#include "bnn/inference_types.h"
#include "bnn/mitigation.h"
#include "bnn/model.h"
#include "bnn/popcount_unit.h"
#include "circuit/knobs.h"
#include "io/dataset.h"
#include "io/model_file.h"

#include <algorithm>
#include <sstream>

namespace axbnn {

namespace {

constexpr int kMeasuredPImages = 500; // ModelEvaluator::statImages

std::string joinInts(const std::vector<int>& values)
{
    std::string text;
    for (size_t i = 0; i < values.size(); ++i) {
        if (i)
            text += ',';
        text += std::to_string(values[i]);
    }
    return text;
}

std::string number(double value)
{
    std::ostringstream out;
    out.precision(17);
    out << value;
    return out.str();
}

// Progress in steps; the sweep and the inference runs report their images.
class Steps {
public:
    Steps(const WorkProgress& progress, int total) : progress_(progress), total_(total) {}
    void advance(int steps = 1)
    {
        done_ += steps;
        if (!report(done_))
            throw InferenceCancelled();
    }
    bool report(int done) const { return !progress_ || progress_(std::min(done, total_), total_); }
    // Maps an inner (done, total) onto the next `steps` steps; false cancels.
    WorkProgress inner(int steps) const
    {
        return [this, steps](int done, int total) {
            return report(done_ + (total > 0 ? static_cast<int>(static_cast<long long>(steps) * done / total) : 0));
        };
    }

private:
    const WorkProgress& progress_;
    int total_;
    int done_ = 0;
};

ReportAccuracyRow accuracyRow(const ReportRequest& r, const Model& model, const Dataset& test,
                              const Dataset* calibration, const std::string& label, bool approximate,
                              const std::string& mitigation, int images, const WorkProgress& progress)
{
    // Hand-picked cells index one netlist: not part of the model-wide circuit.
    Design design;
    design.model = r.modelPath;
    design.data.dataset = r.data;
    design.data.limit = images;
    design.data.calibration = r.calibration;
    design.data.calibrationLimit = r.calibrationImages;
    design.mitigation = parseMitigation(mitigation);
    if (approximate) {
        design.unit.topology = r.spec.topology;
        design.unit.approx.faCell = r.spec.approx.faCell;
        design.unit.approx.haCell = r.spec.approx.haCell;
        design.unit.approx.lsbColumns = r.spec.approx.lsbColumns;
        design.unit.approx.levels = r.spec.approx.levels;
        design.unit.approx.pairs = r.spec.approx.pairs;
        design.unit.approx.compressorColumns = r.spec.approx.compressorColumns;
        design.unit.approx.compressor = r.spec.approx.compressor;
    }
    EvaluateOptions options;
    options.progress = progress;
    const Evaluation evaluation = evaluate(model, design, test, calibration, options);
    ReportAccuracyRow row;
    row.label = label;
    row.mitigation = mitigation;
    row.images = evaluation.count.images;
    row.correct = evaluation.count.correct;

    std::string cmd = "axbnn eval --model " + shellQuote(r.modelPath);
    if (r.data != "fashion-mnist")
        cmd += " --data " + shellQuote(r.data);
    if (approximate)
        cmd += " " + circuitOptionsText(r.spec, false, false);
    if (mitigation != "none") {
        cmd += " --mitigation " + mitigation + " --calibration-limit " + std::to_string(r.calibrationImages);
        if (r.calibration != "fashion-mnist:train")
            cmd += " --calibration " + shellQuote(r.calibration);
    }
    if (images != test.count)
        cmd += " --limit " + std::to_string(images);
    row.command = cmd;
    return row;
}

} // namespace

std::string shellQuote(const std::string& word)
{
    const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c))
            || std::string_view("-_./,:=+@%").find(c) != std::string_view::npos;
    });
    if (plain)
        return word;
    std::string quoted = "'";
    for (const char c : word)
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

std::string circuitOptionsText(const CircuitSpec& spec, bool withCells, bool withP, bool withTopology)
{
    const ApproxConfig& a = spec.approx;
    std::string text = withTopology ? "--topology " + topologyName(spec.topology) + " " : std::string();
    text += "--cell " + shellQuote(a.faCell);
    if (!a.haCell.empty())
        text += " --ha-cell " + shellQuote(a.haCell);
    text += " --approx-lsb " + std::to_string(a.lsbColumns) + " --approx-levels " + std::to_string(a.levels);
    if (a.pairs > 0)
        text += std::string(" ") + knobInfo(Knob::Pairs).option + " " + std::to_string(a.pairs);
    if (a.compressorColumns > 0)
        text += std::string(" ") + knobInfo(Knob::Compressors).option + " " + std::to_string(a.compressorColumns)
            + " --" + unit_keys::kCompressor + " " + a.compressor;
    if (!a.columnCells.empty())
        text += " --column-cells " + shellQuote(cellMapText(a.columnCells));
    if (!a.levelCells.empty())
        text += " --level-cells " + shellQuote(cellMapText(a.levelCells));
    if (withCells && !a.extraCells.empty())
        text += " --approx-cells " + joinInts(a.extraCells);
    if (withCells && !a.exactCells.empty())
        text += " --exact-cells " + joinInts(a.exactCells);
    if (withP)
        text += " --p " + number(spec.p);
    return text;
}

ReportData computeReport(const ReportRequest& request, const WorkProgress& progress)
{
    ReportData d;
    d.request = request;
    const bool withModel = !request.modelPath.empty();
    constexpr int kSweepSteps = 20, kRunSteps = 4;
    const int runSteps = request.accuracyTable ? 3 * kRunSteps : 0;
    const int sweepSteps = request.levelSweep ? kSweepSteps : 0;
    Steps steps(progress, 2 + (withModel ? 2 + runSteps + sweepSteps : 0));
    steps.advance(0);
    const CellLibrary library = CellLibrary::defaults();
    if (withModel && request.measuredP && request.selectedLayer >= 0) {
        const LoadedModel measured =
            loadModelWithStats(request.modelPath, sharedDataset(request.data).get(), kMeasuredPImages);
        const size_t layer = static_cast<size_t>(request.selectedLayer);
        if (layer < measured.xnorP.size() && measured.xnorP[layer] >= 0.0)
            d.request.spec.p = measured.xnorP[layer];
    }

    d.circuit = std::make_shared<const CircuitReport>(evaluateCircuit(d.request.spec, library));
    d.circuitCommand = "axbnn circuit --inputs " + std::to_string(request.spec.inputs) + " "
        + circuitOptionsText(d.request.spec, true, true);
    steps.advance();
    const ApproxConfig knobs = knobsOnly(d.request.spec.approx);
    d.cost = computeCostSweep(kCostSweepInputs, request.spec.topology, knobs, library);
    std::vector<int> inputs(kCostSweepInputs.begin(), kCostSweepInputs.end());
    CircuitSpec knobSpec = d.request.spec;
    knobSpec.approx = knobs;
    d.costCommand = "axbnn cost-table --inputs " + joinInts(inputs) + " --topologies "
        + topologyName(request.spec.topology) + " " + circuitOptionsText(knobSpec, false, true, false);
    steps.advance();
    if (!withModel)
        return d;

    const Model model = loadModel(request.modelPath);
    const std::shared_ptr<const Dataset> test = sharedDataset(request.data);
    d.hasModel = true;
    d.modelCommand =
        "axbnn model info " + shellQuote(request.modelPath) + " " + circuitOptionsText(knobSpec, false, false);
    const std::vector<LayerCost> costs = computeLayerCosts(model, request.spec.topology, knobs, library);
    for (size_t i = 0; i < model.layers.size(); ++i) {
        ReportLayer layer;
        layer.index = static_cast<int>(i);
        layer.name = model.layers[i].name;
        layer.kind = layerKindName(model.layers[i].kind);
        for (const LayerCost& c : costs)
            if (c.layer == layer.index)
                layer.cost = c;
        d.layers.push_back(std::move(layer));
    }
    steps.advance();

    const std::string mitigation = parseMitigation(request.mitigation) == Mitigation::None
        ? mitigationName(kLevelSweepMitigation)
        : request.mitigation;
    const std::shared_ptr<const Dataset> calibration = sharedDataset(request.calibration);
    steps.advance();
    const int images = request.limit > 0 ? std::min(request.limit, test->count) : test->count;
    if (request.accuracyTable) {
        d.accuracy.push_back(
            accuracyRow(request, model, *test, nullptr, "exact", false, "none", images, steps.inner(kRunSteps)));
        steps.advance(kRunSteps);
        d.accuracy.push_back(
            accuracyRow(request, model, *test, nullptr, "approximate", true, "none", images, steps.inner(kRunSteps)));
        steps.advance(kRunSteps);
        d.accuracy.push_back(accuracyRow(request, model, *test, calibration.get(), "approximate + " + mitigation, true,
                                         mitigation, images, steps.inner(kRunSteps)));
        steps.advance(kRunSteps);
    }
    if (!request.levelSweep)
        return d;

    LevelSweepRequest sweep;
    sweep.base.model = std::make_shared<const LoadedModel>(LoadedModel{request.modelPath, model, {}, 0});
    sweep.base.design.model = request.modelPath;
    sweep.base.design.inputs = request.spec.inputs;
    sweep.base.design.unit.topology = request.spec.topology;
    sweep.base.design.unit.approx = knobs;
    sweep.base.design.mitigation = parseMitigation(mitigation);
    sweep.base.design.data.dataset = request.data;
    sweep.base.design.data.calibration = request.calibration;
    sweep.base.test = test;
    sweep.base.calibration = calibration;
    sweep.images = std::min(request.sweepImages, images);
    sweep.library = std::make_shared<const CellLibrary>(library);
    d.sweep = computeAccuracySweep(sweep, steps.inner(kSweepSteps));
    for (const LevelPoint& p : d.sweep.points) {
        CircuitSpec pointSpec = knobSpec;
        pointSpec.approx.lsbColumns = 0;
        pointSpec.approx.levels = 0;
        pointSpec.approx.pairs = 0;
        pointSpec.approx.compressorColumns = 0;
        setKnob(pointSpec.approx, p.knob, p.level);
        std::string cmd = "axbnn eval --model " + shellQuote(request.modelPath)
            + (request.data != "fashion-mnist" ? " --data " + shellQuote(request.data) : std::string()) + " "
            + circuitOptionsText(pointSpec, false, false) + " --limit " + std::to_string(d.sweep.images);
        std::string mitigated =
            " --mitigation " + d.sweep.mitigation + " --calibration-limit " + std::to_string(sweep.calibrationImages);
        if (request.calibration != "fashion-mnist:train")
            mitigated += " --calibration " + shellQuote(request.calibration);
        d.sweepCommands.push_back(cmd + "   (mitigated: add" + mitigated + ")");
    }
    steps.advance(kSweepSteps);
    return d;
}

} // namespace axbnn
