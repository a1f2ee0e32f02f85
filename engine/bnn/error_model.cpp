// The error-probability abstraction of approximation-aware training
// (docs/domain.md section 7): per-layer P(e | s) tables, their summary numbers at
// a layer's input statistic, the equivalent bit-flip probability, the
// inverse-CDF sampler and the check of an error model against a model.
#include "bnn/error_model.h"

#include "analysis/error_accumulator.h"
#include "bnn/error_model_tables.h"
#include "circuit/cell_map_json.h"
#include "circuit/knobs.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace axbnn {

double LayerErrorModel::conditionalMean(int s) const
{
    const std::vector<double>& row = probs.at(static_cast<size_t>(s));
    double m = 0.0;
    for (size_t i = 0; i < row.size(); ++i)
        m += row[i] * (eMin[s] + static_cast<int>(i));
    return m;
}

double LayerErrorModel::conditionalMeanSquare(int s) const
{
    const std::vector<double>& row = probs.at(static_cast<size_t>(s));
    double m = 0.0;
    for (size_t i = 0; i < row.size(); ++i) {
        const double e = eMin[s] + static_cast<int>(i);
        m += row[i] * e * e;
    }
    return m;
}

const LayerErrorModel* ErrorModel::forLayer(int layer) const
{
    for (const LayerErrorModel& l : layers)
        if (l.layer == layer)
            return &l;
    return nullptr;
}

// Bit flips with probability q: given s ones, e = X - Y with
// X ~ Bin(N - s, q) (zeros turned on) and Y ~ Bin(s, q) (ones turned off),
// so Var(e | s) = N q (1 - q) for every s. Matching the circuit's average
// conditional variance V: q = (1 - sqrt(1 - 4 V / N)) / 2, at most 1/2.
double equivalentBitFlipProbability(int fanIn, double conditionalVariance)
{
    if (fanIn < 1 || !(conditionalVariance > 0.0))
        return 0.0;
    const double x = 4.0 * conditionalVariance / fanIn;
    if (x >= 1.0)
        return 0.5;
    return 2.0 * conditionalVariance / fanIn / (1.0 + std::sqrt(1.0 - x)); // the stable form of the root
}

void setErrorSummary(LayerErrorModel& layer, double xnorP)
{
    if (!(xnorP >= 0.0 && xnorP <= 1.0))
        throw std::invalid_argument("error model: the XNOR statistic p must be between 0 and 1, not "
                                    + std::to_string(xnorP));
    std::vector<double> weights(static_cast<size_t>(layer.fanIn) + 1);
    for (int s = 0; s <= layer.fanIn; ++s)
        weights[static_cast<size_t>(s)] = detail::binomialPmf(layer.fanIn, s, xnorP);
    setErrorSummary(layer, xnorP, weights);
}

void setErrorSummary(LayerErrorModel& layer, double xnorP, const std::vector<double>& weights)
{
    layer.xnorP = xnorP;
    double rate = 0.0, mean = 0.0, square = 0.0, conditionalVariance = 0.0;
    for (int s = 0; s <= layer.fanIn; ++s) {
        const double w = weights[static_cast<size_t>(s)];
        if (w == 0.0)
            continue;
        const std::vector<double>& row = layer.probs[s];
        const int zero = -layer.eMin[s];
        const double pZero = zero >= 0 && zero < static_cast<int>(row.size()) ? row[zero] : 0.0;
        rate += w * (1.0 - pZero);
        const double m = layer.conditionalMean(s), m2 = layer.conditionalMeanSquare(s);
        mean += w * m;
        square += w * m2;
        conditionalVariance += w * std::max(0.0, m2 - m * m);
    }
    layer.errorRate = std::clamp(rate, 0.0, 1.0);
    layer.meanError = mean;
    layer.errorStd = std::sqrt(std::max(0.0, square - mean * mean));
    layer.bitFlipProbability = equivalentBitFlipProbability(layer.fanIn, conditionalVariance);
}

LayerErrorModel abstractLayerErrorModel(const PopcountUnit& unit, double xnorP, const ErrorModelOptions& options)
{
    LayerErrorModel layer;
    layer.kind = "unit";
    detail::fillConditionalRows(layer, unit, options);
    setErrorSummary(layer, xnorP);
    return layer;
}

LayerErrorModel abstractLayerErrorModel(const PopcountUnit& unit, double xnorP, uint64_t seed)
{
    ErrorModelOptions options;
    options.seed = seed;
    return abstractLayerErrorModel(unit, xnorP, options);
}

nlohmann::json unitConfigJson(const PopcountUnitConfig& unit)
{
    using namespace unit_keys;
    if (!unit.circuit)
        return {{kPopcount, "exact"}};
    if (unit.netlist) // the layer-config form of an imported circuit (docs/layer-config.md)
        return {{kPopcount, "circuit"}, {kNetlist, unit.netlistPath}, {kUnitWidth, unit.netlist->inputs}};
    nlohmann::json j = {{kPopcount, "circuit"},
                        {kTopology, topologyName(unit.topology)},
                        {kCell, unit.approx.faCell},
                        {kHaCell, unit.approx.haCell},
                        {kUnitWidth, unit.unitWidth}};
    if (unit.leaf.isSet()) { // a hierarchical popcount covers the whole fan-in
        j.erase(kUnitWidth);
        if (unit.leaf.imported)
            j[kLeaf] = unit.leaf.importedPath;
        else
            j[kLeafWidth] = unit.leaf.width;
    }
    for (const KnobInfo& knob : knobTable())
        if (knobWritten(unit.approx, knob))
            j[knob.key] = knobValue(unit.approx, knob.knob);
    if (!unit.approx.extraCells.empty())
        j[kApproxCells] = unit.approx.extraCells;
    if (!unit.approx.exactCells.empty())
        j[kExactCells] = unit.approx.exactCells;
    addMixedCells(j, unit.approx);
    return j;
}

nlohmann::json layerConfigDocument(const Model& model, const InferenceConfig& config)
{
    nlohmann::json common;
    bool uniform = true, scoresToo = false;
    nlohmann::json perLayer = nlohmann::json::object();
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const LayerKind kind = model.layers[i].kind;
        if (!hasPopcount(kind))
            continue;
        const nlohmann::json unit = unitConfigJson(config.unitFor(static_cast<int>(i)));
        if (unit["popcount"] == "circuit")
            perLayer[std::to_string(i)] = unit;
        if (kind == LayerKind::Scores) {
            scoresToo = unit["popcount"] == "circuit";
            if (scoresToo && !common.is_null() && unit != common)
                uniform = false;
            continue;
        }
        if (common.is_null())
            common = unit;
        else if (unit != common)
            uniform = false;
    }
    if (uniform && !common.is_null() && common["popcount"] == "circuit")
        return {{"default", common}, {"include_scores", scoresToo}};
    return {{"layers", perLayer}};
}

ErrorModel abstractErrorModel(const Model& model, const InferenceConfig& config, const std::vector<double>& xnorP,
                              const ErrorModelOptions& options)
{
    ErrorModel result;
    result.circuit = layerConfigDocument(model, config);
    result.statistic = xnorP.empty() ? kStatisticIid : kStatisticMeasured;
    result.seed = options.seed;
    // Layers with the same fan-in and unit share their rows (VGG3 7x7: conv2
    // and fc1 both count 3136 inputs); the seed is the same, so are the rows.
    std::map<std::string, LayerErrorModel> computed;
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const Layer& l = model.layers[i];
        const PopcountUnitConfig& cfg = config.unitFor(static_cast<int>(i));
        if (!hasPopcount(l.kind) || !cfg.circuit)
            continue;
        const double p = i < xnorP.size() ? xnorP[i] : 0.5;
        const std::string key = std::to_string(l.fanIn()) + unitConfigJson(cfg).dump()
            + (cfg.library ? cfg.library->source() : std::string());
        LayerErrorModel layer;
        if (auto it = computed.find(key); it != computed.end()) {
            layer = it->second;
            setErrorSummary(layer, p);
        } else {
            layer = abstractLayerErrorModel(PopcountUnit(l.fanIn(), cfg), p, options);
            computed.emplace(key, layer);
        }
        layer.layer = static_cast<int>(i);
        layer.kind = layerKindName(l.kind);
        layer.circuit = unitConfigJson(cfg);
        result.layers.push_back(std::move(layer));
    }
    return result;
}

ErrorModel abstractErrorModel(const Model& model, const InferenceConfig& config, const std::vector<double>& xnorP,
                              uint64_t seed)
{
    ErrorModelOptions options;
    options.seed = seed;
    return abstractErrorModel(model, config, xnorP, options);
}

void checkErrorModelFits(const ErrorModel& errors, const Model& model)
{
    const int count = static_cast<int>(model.layers.size());
    for (size_t k = 0; k < errors.layers.size(); ++k) {
        const LayerErrorModel& e = errors.layers[k];
        if (e.layer < 0)
            throw std::invalid_argument("error model entry " + std::to_string(k)
                                        + " describes a bare popcount unit "
                                          "of fan-in "
                                        + std::to_string(e.fanIn)
                                        + ", not a model layer; make the "
                                          "error model for the model (axbnn error-model --model FILE)");
        const std::string where = "error model layer " + std::to_string(e.layer);
        if (e.layer >= count)
            throw std::invalid_argument(where + " does not exist: the model has " + std::to_string(count)
                                        + " layers (0.." + std::to_string(count - 1) + ")");
        const Layer& l = model.layers[e.layer];
        if (!hasPopcount(l.kind))
            throw std::invalid_argument(where + " is a " + e.kind + " layer but model layer " + std::to_string(e.layer)
                                        + " is a " + layerKindName(l.kind) + " layer, which has no popcount");
        if (e.kind != layerKindName(l.kind))
            throw std::invalid_argument(where + " is a " + e.kind + " layer but model layer " + std::to_string(e.layer)
                                        + " is a " + layerKindName(l.kind) + " layer");
        if (e.fanIn != l.fanIn())
            throw std::invalid_argument(where + " has fan-in " + std::to_string(e.fanIn) + " but model layer "
                                        + std::to_string(e.layer) + " has fan-in " + std::to_string(l.fanIn()));
    }
}

ErrorSampler::ErrorSampler(const LayerErrorModel& layer) : fanIn_(layer.fanIn), eMin_(layer.eMin)
{
    if (layer.probs.size() != static_cast<size_t>(layer.fanIn) + 1 || layer.eMin.size() != layer.probs.size())
        throw std::invalid_argument("error sampler: the layer needs one row per s = 0.." + std::to_string(layer.fanIn));
    constexpr double kScale = 18446744073709551616.0; // 2^64
    cumulative_.resize(layer.probs.size());
    for (size_t s = 0; s < layer.probs.size(); ++s) {
        const std::vector<double>& row = layer.probs[s];
        if (row.empty())
            throw std::invalid_argument("error sampler: row " + std::to_string(s) + " is empty");
        double total = 0.0;
        for (double p : row)
            total += p;
        std::vector<uint64_t>& cum = cumulative_[s];
        cum.resize(row.size());
        double acc = 0.0;
        for (size_t i = 0; i < row.size(); ++i) {
            acc += row[i];
            const double scaled = acc / total * kScale;
            cum[i] = scaled >= kScale ? std::numeric_limits<uint64_t>::max() : static_cast<uint64_t>(scaled);
        }
        cum.back() = std::numeric_limits<uint64_t>::max();
    }
}

int ErrorSampler::sample(int s, uint64_t random) const
{
    if (s < 0 || s > fanIn_)
        throw std::out_of_range("error sampler: s = " + std::to_string(s) + " is outside 0.." + std::to_string(fanIn_));
    const std::vector<uint64_t>& cum = cumulative_[static_cast<size_t>(s)];
    // The first entry whose cumulative bound exceeds `random`: entry i is
    // drawn for random in [cum[i-1], cum[i]), so zero-probability entries never are.
    auto it = std::upper_bound(cum.begin(), cum.end(), random);
    if (it == cum.end())
        --it;
    return eMin_[static_cast<size_t>(s)] + static_cast<int>(it - cum.begin());
}

} // namespace axbnn
