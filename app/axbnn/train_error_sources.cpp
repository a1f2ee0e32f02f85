// `axbnn train`'s error sources (train_error_sources.h): the circuits of each
// level, their abstracted error models, and the checks of the options.
#include "train_error_sources.h"

#include "circuit/knobs.h"
#include "io/error_model_json.h"

#include "bnn/error_model.h"
#include "train/fold.h"
#include "train/network.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace axbnn::cli {
namespace {

// The circuits of one level on every binary layer of the architecture.
InferenceConfig circuitConfig(const TrainArgs& a, const Model& skeleton, int lsb, int levels)
{
    CircuitSpec cs = a.circuit.spec(1);
    cs.approx.lsbColumns = lsb;
    cs.approx.levels = levels;
    PopcountUnitConfig unit = PopcountUnitConfig::makeCircuit(cs.topology, cs.approx, a.unitWidth);
    if (a.circuit.customLibrary())
        unit.library = a.circuit.library();
    InferenceConfig config = InferenceConfig::withCircuit(skeleton, unit, a.includeScores);
    config.threads = a.threads;
    return config;
}

ErrorModel circuitErrorModel(const TrainArgs& a, const train::NetworkSpec& spec, int lsb, int levels)
{
    // The architecture's layer list (weights do not matter for P(e | s)).
    const Model skeleton = train::foldNetwork(train::makeNetwork(spec, a.seed));
    const InferenceConfig config = circuitConfig(a, skeleton, lsb, levels);
    ErrorModelOptions options;
    options.samplesPerSum = a.samplesPerSum;
    options.seed = a.seed;
    options.threads = a.threads;
    std::fprintf(stderr, "abstracting the error model of the circuit ...\n");
    ErrorModel m =
        abstractErrorModel(skeleton, config, std::vector<double>(skeleton.layers.size(), a.circuit.p), options);
    if (m.layers.empty())
        throw std::invalid_argument("the circuit options select no approximate cell: nothing to inject");
    return m;
}

const std::string kExactLevel = train::kExactLevelLabel;

} // namespace

void setErrorSources(const TrainArgs& a, train::TrainConfig& config)
{
    const std::vector<int> lsb = a.lsbValues.empty() ? std::vector<int>{0} : a.lsbValues;
    const std::vector<int> levels = a.levelValues.empty() ? std::vector<int>{0} : a.levelValues;
    if (a.errorModels.size() == 1 && a.errorModels[0] != kExactLevel) {
        config.errorModel = loadErrorModel(a.errorModels[0]);
        return;
    }
    if (a.errorModels.size() > 1) {
        for (const std::string& file : a.errorModels) {
            train::TrainLevel level;
            level.label = file == kExactLevel ? file : std::filesystem::path(file).filename().string();
            if (file != kExactLevel)
                level.errors = loadErrorModel(file);
            config.levels.push_back(std::move(level));
        }
        return;
    }
    const size_t count = std::max(lsb.size(), levels.size());
    for (size_t i = 0; i < count; ++i) {
        const int l = lsb[std::min(i, lsb.size() - 1)], v = levels[std::min(i, levels.size() - 1)];
        train::TrainLevel level;
        level.label = train::levelLabel(l, v);
        if ((l != 0 || v != 0) && a.hardwareInTheLoop)
            level.circuit = circuitConfig(a, train::foldNetwork(train::makeNetwork(config.net, a.seed)), l, v);
        else if (l != 0 || v != 0)
            level.errors = circuitErrorModel(a, config.net, l, v);
        config.levels.push_back(std::move(level));
    }
    if (count == 1) { // one level: plain exact or approximation-aware training
        config.errorModel = std::move(config.levels[0].errors);
        config.circuit = std::move(config.levels[0].circuit);
        config.levels.clear();
    }
}

void checkErrorOptions(const TrainArgs& a)
{
    const bool knobs = std::any_of(a.lsbValues.begin(), a.lsbValues.end(), [](int v) { return v != 0; })
        || std::any_of(a.levelValues.begin(), a.levelValues.end(), [](int v) { return v != 0; });
    if (knobs && !a.errorModels.empty())
        throw std::invalid_argument("give either --error-model or circuit options (--approx-lsb, --approx-levels), "
                                    "not both");
    if (a.hardwareInTheLoop && !knobs)
        throw std::invalid_argument("--hardware-in-the-loop counts through the circuits of the circuit options: give "
                                    + std::string(knobInfo(Knob::LsbColumns).option) + " or "
                                    + knobInfo(Knob::Levels).option + " (an error-model file has no circuit)");
    if (a.lsbValues.size() > 1 && a.levelValues.size() > 1)
        throw std::invalid_argument("multi-level training varies one knob: give a list to "
                                    + std::string(knobInfo(Knob::LsbColumns).option) + " or to "
                                    + knobInfo(Knob::Levels).option + ", not to both");
    auto twice = [](const auto& list, const std::string& option) {
        for (size_t i = 0; i < list.size(); ++i)
            for (size_t j = 0; j < i; ++j)
                if (list[i] == list[j]) {
                    std::ostringstream s;
                    s << option << " lists " << list[i] << " twice";
                    throw std::invalid_argument(s.str());
                }
    };
    twice(a.errorModels, "--error-model");
    twice(a.lsbValues, knobInfo(Knob::LsbColumns).option);
    twice(a.levelValues, knobInfo(Knob::Levels).option);
    for (const std::string& file : a.errorModels)
        if (file != kExactLevel && !std::filesystem::is_regular_file(file))
            throw std::invalid_argument("--error-model: " + file
                                        + " is not a file (list error-model files, or 'exact' for the exact level)");
}

} // namespace axbnn::cli
