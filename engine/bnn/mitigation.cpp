// The table of mitigation modes and their dispatch; bias compensation from
// the error model at measured XNOR statistics (tuning: threshold_tuning.cpp).
#include "bnn/mitigation.h"
#include "util/shown_text.h"

#include "analysis/error_analysis.h"
#include "bnn/inference.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace axbnn {

namespace {

constexpr MitigationInfo kModes[] = {
    {Mitigation::None, "none", "No mitigation: thresholds as trained"},
    {Mitigation::Bias, "bias",
     "Bias compensation: shift each approximate layer's thresholds by the error model's expected error at the "
     "XNOR statistics measured on calibration data (no extra cells)"},
    {Mitigation::Tune, "tune",
     "Threshold tuning: re-fit each approximate neuron's threshold on calibration data (no extra cells)"},
};

} // namespace

std::span<const MitigationInfo> mitigationModes()
{
    return kModes;
}

std::vector<std::string> mitigationNames()
{
    std::vector<std::string> names;
    for (const MitigationInfo& m : kModes)
        names.emplace_back(m.name);
    return names;
}

const char* mitigationName(Mitigation mode)
{
    for (const MitigationInfo& m : kModes)
        if (m.mode == mode)
            return m.name;
    throw std::invalid_argument("mitigation mode out of range");
}

Mitigation parseMitigation(std::string_view name)
{
    std::string known;
    for (const MitigationInfo& m : kModes) {
        if (name == m.name)
            return m.mode;
        known += (known.empty() ? "" : ", ") + std::string(m.name);
    }
    throw std::invalid_argument("unknown mitigation '" + shownText(name) + "' (known: " + known + ")");
}

MitigationReport applyMitigation(Mitigation mode, const Model& model, InferenceConfig& config,
                                 const Dataset& calibration, int count)
{
    const int n = std::min(count, calibration.count);
    switch (mode) {
    case Mitigation::None:
        config.thresholdShift.clear();
        config.neuronShift.clear();
        return {};
    case Mitigation::Bias: return biasCompensation(model, config, calibration, n);
    case Mitigation::Tune: return thresholdTuning(model, config, calibration, n);
    }
    throw std::invalid_argument("mitigation mode out of range");
}

MitigationReport biasCompensation(const Model& model, InferenceConfig& config, const Dataset& calibration, int count)
{
    MitigationReport report;
    report.method = Mitigation::Bias;
    report.calibrationImages = count;
    InferenceConfig measure = config;
    measure.thresholdShift.clear();
    const InferenceEngine engine(model, measure);
    const InferenceResult run = engine.run(calibration, 0, count, true);
    config.thresholdShift.assign(model.layers.size(), 0);
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const PopcountUnit& unit = engine.unit(static_cast<int>(i));
        if (unit.isExact())
            continue;
        const LayerStats& stats = run.stats.layers[i];
        LayerMitigation m;
        m.layer = static_cast<int>(i);
        m.xnorOneFraction = stats.xnorOneFraction();
        ErrorOptions options;
        options.p = m.xnorOneFraction;
        for (const auto& chunk : unit.chunks())
            m.expectedError += analyzeErrors(*chunk.netlist, options).meanError;
        double sum = 0.0;
        uint64_t n = 0;
        for (size_t k = 0; k < stats.errorHistogram.size(); ++k) {
            sum += static_cast<double>(stats.errorHistogram[k]) * (static_cast<int>(k) + stats.errorOffset);
            n += stats.errorHistogram[k];
        }
        m.measuredError = n > 0 ? sum / static_cast<double>(n) : 0.0;
        m.shift = static_cast<int>(std::lround(m.expectedError));
        m.minShift = m.maxShift = m.shift;
        m.thresholdBits = unit.valueBits();
        config.thresholdShift[i] = m.shift;
        report.layers.push_back(m);
    }
    return report;
}

} // namespace axbnn
