// The table of mitigation modes and their dispatch; bias compensation from
// the error measured on calibration data (tuning: threshold_tuning.cpp; the
// rule that keeps a change: mitigation_fit.cpp).
#include "bnn/mitigation.h"
#include "util/shown_text.h"

#include "analysis/error_analysis.h"
#include "bnn/inference.h"
#include "bnn/mitigation_fit.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace axbnn {

namespace {

constexpr MitigationInfo kModes[] = {
    {Mitigation::None, "none", "No mitigation: thresholds as trained"},
    {Mitigation::Bias, "bias",
     "Bias compensation: shift each approximate layer's thresholds by the error measured on calibration data, "
     "where that helps on held-out calibration images (no extra cells)"},
    {Mitigation::Tune, "tune",
     "Threshold tuning: re-fit approximate neurons' thresholds on calibration data, where that helps on "
     "held-out calibration images (no extra cells)"},
    {Mitigation::BiasTune, "bias-tune",
     "Bias compensation, then threshold tuning on top, each change kept only where it helps (no extra cells)"},
};

std::string errorText(double e)
{
    char text[32];
    std::snprintf(text, sizeof text, "%+.2f", e);
    return text;
}

double meanError(const LayerStats& stats)
{
    double sum = 0.0;
    uint64_t n = 0;
    for (size_t k = 0; k < stats.errorHistogram.size(); ++k) {
        sum += static_cast<double>(stats.errorHistogram[k]) * (static_cast<int>(k) + stats.errorOffset);
        n += stats.errorHistogram[k];
    }
    return n > 0 ? sum / static_cast<double>(n) : 0.0;
}

// The rules a bias shift is made by: the measured error (what an exactly
// trained model needs), or for an aware model the part of it that it did not
// absorb in training (minus the error of the circuit it was trained for, on
// the same images, or minus the error model's mean it was trained with).
enum class ShiftRule { Measured, MinusCircuit, MinusModel };

std::string ruleName(ShiftRule rule)
{
    switch (rule) {
    case ShiftRule::Measured: return "measured error";
    case ShiftRule::MinusCircuit: return "measured error minus that of the circuit it was trained for";
    case ShiftRule::MinusModel: return "measured error minus the error it was trained with";
    }
    return "";
}

std::optional<double> ruleError(ShiftRule rule, double measured, const std::optional<double>& trainedCircuit,
                                const std::optional<double>& trainedModel)
{
    switch (rule) {
    case ShiftRule::Measured: return measured;
    case ShiftRule::MinusCircuit: return trainedCircuit ? std::optional(measured - *trainedCircuit) : std::nullopt;
    case ShiftRule::MinusModel: return trainedModel ? std::optional(measured - *trainedModel) : std::nullopt;
    }
    return std::nullopt;
}

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

std::vector<std::optional<double>> trainedMeanErrors(const Model& model)
{
    std::vector<std::optional<double>> errors(model.layers.size());
    const auto it = model.meta.extra.find("error_model");
    if (it == model.meta.extra.end())
        return errors;
    // A summary that does not parse, or entries that do not name a layer of
    // this model, say nothing: the targets then assume no trained error.
    const nlohmann::json j = nlohmann::json::parse(it->second, nullptr, false);
    if (!j.is_object() || !j.contains("layers") || !j["layers"].is_array())
        return errors;
    for (const auto& l : j["layers"]) {
        if (!l.is_object() || !l.contains("layer") || !l.contains("mean_error") || !l["layer"].is_number_integer()
            || !l["mean_error"].is_number())
            continue;
        const auto layer = l["layer"].get<int64_t>();
        if (layer >= 0 && layer < static_cast<int64_t>(errors.size()) && std::isfinite(l["mean_error"].get<double>()))
            errors[static_cast<size_t>(layer)] = l["mean_error"].get<double>();
    }
    return errors;
}

MitigationReport applyMitigation(Mitigation mode, const Model& model, InferenceConfig& config,
                                 const Dataset& calibration, int count, const InferenceConfig* trainedFor)
{
    const int n = std::min(count, calibration.count);
    switch (mode) {
    case Mitigation::None:
        config.thresholdShift.clear();
        config.neuronShift.clear();
        return {};
    case Mitigation::Bias: return biasCompensation(model, config, calibration, n, trainedFor);
    case Mitigation::Tune: return thresholdTuning(model, config, calibration, n, trainedFor);
    case Mitigation::BiasTune: {
        MitigationReport report = biasCompensation(model, config, calibration, n, trainedFor);
        MitigationReport tuned = thresholdTuning(model, config, calibration, n, trainedFor);
        report.method = Mitigation::BiasTune;
        report.correctAfter = tuned.correctAfter;
        for (LayerMitigation& l : tuned.layers)
            report.layers.push_back(std::move(l));
        return report;
    }
    }
    throw std::invalid_argument("mitigation mode out of range");
}

MitigationReport biasCompensation(const Model& model, InferenceConfig& config, const Dataset& calibration, int count,
                                  const InferenceConfig* trainedFor)
{
    using namespace mitigation;
    checkCalibrationCount(calibration, count, "bias compensation");
    InferenceConfig start = config;
    start.thresholdShift.assign(model.layers.size(), 0);
    CalibrationFit fit(model, calibration, count, start);
    MitigationReport report;
    report.method = Mitigation::Bias;
    report.calibrationImages = count;
    report.fitImages = fit.fitImages();
    report.heldOutImages = fit.heldOutImages();
    report.trainedFor = trainedForText(model, trainedFor);
    report.correctBefore = fit.fitCorrect() + fit.heldOutCorrect();

    const InferenceEngine probe(model, start);
    // The mean error of the circuit an aware model was trained for, per
    // layer, on the same fit images (0 for its exact layers).
    std::vector<std::optional<double>> trainedCircuit(model.layers.size());
    if (trainedFor) {
        InferenceConfig t = *trainedFor;
        t.thresholdShift.clear();
        t.neuronShift.clear();
        t.threads = config.threads;
        const InferenceEngine trained(model, t);
        const InferenceStats stats = trained.run(calibration, 0, fit.fitImages(), true).stats;
        for (size_t i = 0; i < model.layers.size(); ++i)
            if (stats.layers[i].xnorInputs > 0)
                trainedCircuit[i] = trained.unit(static_cast<int>(i)).isExact() ? 0.0 : meanError(stats.layers[i]);
    }
    const std::vector<std::optional<double>> trainedModel = trainedMeanErrors(model);
    std::vector<int> approximate;
    for (size_t i = 0; i < model.layers.size(); ++i)
        if (!probe.unit(static_cast<int>(i)).isExact())
            approximate.push_back(static_cast<int>(i));

    // First the whole network at once: each rule shifts every approximate
    // layer, one after the other, by its error measured behind the earlier
    // layers' shifts. A layer alone can look harmful when only the later
    // layers' shifts make it pay.
    if (!approximate.empty()) {
        LayerMitigation whole = fit.entry(-1, Mitigation::Bias);
        std::vector<Candidate> candidates;
        for (const ShiftRule rule : {ShiftRule::Measured, ShiftRule::MinusCircuit, ShiftRule::MinusModel}) {
            if ((rule == ShiftRule::MinusCircuit && !trainedFor)
                || (rule == ShiftRule::MinusModel
                    && std::none_of(approximate.begin(), approximate.end(), [&](int i) { return trainedModel[i]; })))
                continue;
            Candidate c{fit.current(), {}};
            std::string shifts;
            bool any = false;
            for (const int i : approximate) {
                const LayerStats s =
                    InferenceEngine(model, c.config).run(calibration, 0, fit.fitImages(), true).stats.layers[i];
                const std::optional<double> e = ruleError(rule, meanError(s), trainedCircuit[i], trainedModel[i]);
                const int shift = e ? static_cast<int>(std::lround(*e)) : 0;
                c.config.thresholdShift[i] = shift;
                shifts += (shifts.empty() ? "" : ", ") + signedText(shift);
                any = any || shift != 0;
                c.trial.minShift =
                    shifts.size() == signedText(shift).size() ? shift : std::min(c.trial.minShift, shift);
                c.trial.maxShift = std::max(c.trial.maxShift, shift);
            }
            c.trial.change = "shifts " + shifts + " of all layers (" + ruleName(rule) + ", layer after layer)";
            if (!any) {
                c.trial.reason = "rounds to 0: nothing to try";
                whole.trials.push_back(c.trial);
                continue;
            }
            if (std::none_of(candidates.begin(), candidates.end(),
                             [&](const Candidate& o) { return o.config.thresholdShift == c.config.thresholdShift; }))
                candidates.push_back(std::move(c));
        }
        fit.decide(candidates, whole.trials);
        whole.fitCorrectAfter = fit.fitCorrect();
        whole.heldOutCorrectAfter = fit.heldOutCorrect();
        report.layers.push_back(std::move(whole));
    }

    // Then layer by layer, with the earlier layers' kept shifts in place.
    std::optional<InferenceStats> stats; // of the current configuration on the fit images
    for (size_t i = 0; i < model.layers.size(); ++i) {
        const PopcountUnit& unit = probe.unit(static_cast<int>(i));
        if (unit.isExact())
            continue;
        const int li = static_cast<int>(i);
        if (!stats)
            stats = InferenceEngine(model, fit.current()).run(calibration, 0, fit.fitImages(), true).stats;
        const LayerStats& s = stats->layers[i];
        LayerMitigation m = fit.entry(li, Mitigation::Bias);
        m.thresholdBits = unit.valueBits();
        m.xnorOneFraction = s.xnorOneFraction();
        ErrorOptions options;
        options.p = m.xnorOneFraction;
        for (const auto& chunk : unit.chunks())
            m.expectedError += analyzeErrors(*chunk.netlist, options).meanError;
        m.measuredError = meanError(s);
        m.trainedCircuitError = trainedCircuit[i];
        m.trainedModelError = trainedModel[i];

        // The candidate shifts: the measured error (what an exactly trained
        // model needs), and for an aware model the part of it that it did
        // not absorb in training.
        std::vector<Candidate> candidates;
        auto add = [&](double error, const std::string& why) {
            const int shift = static_cast<int>(std::lround(error));
            MitigationTrial t;
            t.change = "shift " + signedText(shift) + " (" + why + ")";
            t.minShift = t.maxShift = shift;
            t.neurons = model.layers[i].out.channels; // threshold constants (per channel)
            if (shift == fit.current().shiftFor(li)) {
                t.reason = shift == 0 ? "rounds to 0: nothing to try" : "in place already";
                m.trials.push_back(t);
                return;
            }
            for (const Candidate& c : candidates)
                if (c.trial.minShift == shift)
                    return; // tried already
            Candidate c{fit.current(), t};
            c.config.thresholdShift[i] = shift;
            candidates.push_back(std::move(c));
        };
        add(m.measuredError, "measured error " + errorText(m.measuredError));
        if (m.trainedCircuitError)
            add(m.measuredError - *m.trainedCircuitError,
                "measured error " + errorText(m.measuredError) + " minus the " + errorText(*m.trainedCircuitError)
                    + " of the circuit it was trained for");
        if (m.trainedModelError)
            add(m.measuredError - *m.trainedModelError,
                "measured error " + errorText(m.measuredError) + " minus the " + errorText(*m.trainedModelError)
                    + " it was trained with");
        if (fit.decide(candidates, m.trials) >= 0)
            stats.reset(); // the later layers see new inputs
        m.shift = m.minShift = m.maxShift = fit.current().shiftFor(li);
        m.fitCorrectAfter = fit.fitCorrect();
        m.heldOutCorrectAfter = fit.heldOutCorrect();
        report.layers.push_back(std::move(m));
    }
    config.thresholdShift = fit.current().thresholdShift;
    report.correctAfter = fit.fitCorrect() + fit.heldOutCorrect();
    return report;
}

} // namespace axbnn
