// Per-neuron threshold tuning (docs/inference.md "Mitigation"): layer by
// layer, each approximate neuron's threshold is re-fitted on the fit images
// so that its activation, computed from its circuit's value on the
// approximate network's own inputs, agrees as often as possible with a target
// network's activation: the exact network, and for an approximation-aware
// model also the network on the circuit it was trained for and the exact
// network with the error it was trained with. The change that classifies the
// most fit images right is kept if the held-out images confirm it; if none
// is, groups of its neurons are tried one by one.
#include "bnn/mitigation.h"

#include "bnn/inference.h"
#include "bnn/mitigation_fit.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace axbnn {

namespace {

using namespace mitigation;

// Neuron groups tried one by one when a layer's whole change is not kept.
constexpr int kNeuronGroups = 4;

struct Target {
    std::string name; // "exact activations", ...
    std::vector<LayerSamples> samples; // per tuned layer, on the fit images
};

std::vector<Target> tuningTargets(const Model& model, const InferenceConfig& config, const std::vector<int>& tuned,
                                  const Dataset& data, int fitImages, const InferenceConfig* trainedFor)
{
    std::vector<std::pair<std::string, InferenceConfig>> networks;
    InferenceConfig exact;
    exact.threads = config.threads;
    networks.emplace_back("exact activations", exact);
    if (trainedFor) {
        InferenceConfig t = *trainedFor;
        t.thresholdShift.clear();
        t.neuronShift.clear();
        t.threads = config.threads;
        networks.emplace_back("activations on the circuit it was trained for", t);
    }
    // The trained behaviour as a deterministic network: the exact popcount
    // plus the mean error the model was trained with (read as value - shift).
    InferenceConfig meant = exact;
    meant.thresholdShift.assign(model.layers.size(), 0);
    bool any = false;
    const std::vector<std::optional<double>> trained = trainedMeanErrors(model);
    for (size_t i = 0; i < trained.size(); ++i)
        if (trained[i] && std::lround(*trained[i]) != 0) {
            meant.thresholdShift[i] = -static_cast<int>(std::lround(*trained[i]));
            any = true;
        }
    if (any)
        networks.emplace_back("exact activations with the error it was trained with", meant);
    std::vector<Target> targets;
    for (const auto& [name, network] : networks)
        targets.push_back({name, traceLayers(model, network, tuned, data, 0, fitImages)});
    return targets;
}

std::pair<int, int> shiftRange(const std::vector<int>& shifts, const std::vector<int>& neurons)
{
    if (neurons.empty())
        return {0, 0};
    int lo = shifts[neurons.front()], hi = lo;
    for (int o : neurons) {
        lo = std::min(lo, shifts[o]);
        hi = std::max(hi, shifts[o]);
    }
    return {lo, hi};
}

} // namespace

MitigationReport thresholdTuning(const Model& model, InferenceConfig& config, const Dataset& calibration, int count,
                                 const InferenceConfig* trainedFor)
{
    checkCalibrationCount(calibration, count, "threshold tuning");
    InferenceConfig start = config;
    start.neuronShift.assign(model.layers.size(), {});
    CalibrationFit fit(model, calibration, count, start);
    MitigationReport report;
    report.method = Mitigation::Tune;
    report.calibrationImages = count;
    report.fitImages = fit.fitImages();
    report.heldOutImages = fit.heldOutImages();
    report.trainedFor = trainedForText(model, trainedFor);
    report.correctBefore = fit.fitCorrect() + fit.heldOutCorrect();

    std::vector<int> tuned, valueBits;
    {
        const InferenceEngine probe(model, start);
        for (size_t i = 0; i < model.layers.size(); ++i)
            if (isThresholdedBinary(model.layers[i].kind) && !probe.unit(static_cast<int>(i)).isExact()) {
                tuned.push_back(static_cast<int>(i));
                valueBits.push_back(probe.unit(static_cast<int>(i)).valueBits());
            }
    }
    const std::vector<Target> targets = tuned.empty()
        ? std::vector<Target>{}
        : tuningTargets(model, config, tuned, calibration, fit.fitImages(), trainedFor);
    std::vector<std::string> keptTarget(tuned.size());

    // First the whole network at once, per target: every tuned layer fitted
    // in order behind the earlier layers' fits. A layer alone can look
    // harmful when only the later layers' re-fits make it pay.
    if (!tuned.empty()) {
        LayerMitigation whole = fit.entry(-1, Mitigation::Tune);
        std::vector<Candidate> candidates;
        std::vector<size_t> targetOf;
        for (size_t k = 0; k < targets.size(); ++k) {
            Candidate c{fit.current(), {}};
            c.trial.change = "tune all layers toward " + targets[k].name;
            std::vector<int> shifts;
            for (size_t t = 0; t < tuned.size(); ++t) {
                const int li = tuned[t];
                const auto values = traceLayers(model, c.config, {li}, calibration, 0, fit.fitImages());
                const NeuronFit nf =
                    fitNeurons(model, c.config, li, valueBits[t], values[0].values, targets[k].samples[t].activations);
                c.config.neuronShift[li] = nf.neuronShift;
                c.trial.neurons += nf.moved;
                for (int shift : nf.neuronShift)
                    if (shift != 0)
                        shifts.push_back(shift);
            }
            if (!shifts.empty()) {
                c.trial.minShift = *std::min_element(shifts.begin(), shifts.end());
                c.trial.maxShift = *std::max_element(shifts.begin(), shifts.end());
            }
            if (c.trial.neurons == 0) {
                c.trial.reason = "no neuron moves";
                whole.trials.push_back(c.trial);
                continue;
            }
            candidates.push_back(std::move(c));
            targetOf.push_back(k);
        }
        const int kept = fit.decide(candidates, whole.trials);
        if (kept >= 0) {
            whole.target = targets[targetOf[static_cast<size_t>(kept)]].name;
            std::fill(keptTarget.begin(), keptTarget.end(), whole.target);
        }
        whole.fitCorrectAfter = fit.fitCorrect();
        whole.heldOutCorrectAfter = fit.heldOutCorrect();
        report.layers.push_back(std::move(whole));
    }

    // Then layer by layer, behind the earlier layers' kept changes.
    for (size_t t = 0; t < tuned.size(); ++t) {
        const int li = tuned[t];
        LayerMitigation m = fit.entry(li, Mitigation::Tune);
        m.thresholdBits = valueBits[t];
        const std::vector<int32_t> values =
            traceLayers(model, fit.current(), {li}, calibration, 0, fit.fitImages()).front().values;
        // The neurons a fit moves: those whose own shift it changes.
        const InferenceConfig before = fit.current();
        auto movedNeurons = [&](const NeuronFit& nf) {
            std::vector<int> moved;
            for (int o = 0; o < static_cast<int>(nf.neuronShift.size()); ++o)
                if (nf.neuronShift[o] != before.shiftFor(li, o) - before.shiftFor(li))
                    moved.push_back(o);
            return moved;
        };
        std::vector<NeuronFit> fits;
        std::vector<Candidate> candidates;
        std::vector<size_t> targetOf; // candidate -> target
        for (size_t k = 0; k < targets.size(); ++k) {
            NeuronFit nf = fitNeurons(model, before, li, valueBits[t], values, targets[k].samples[t].activations);
            MitigationTrial trial;
            trial.change = "tune toward " + targets[k].name;
            trial.neurons = nf.moved;
            std::tie(trial.minShift, trial.maxShift) = shiftRange(nf.neuronShift, movedNeurons(nf));
            if (nf.moved == 0) {
                trial.reason = "no neuron moves";
                m.trials.push_back(trial);
                continue;
            }
            Candidate c{before, trial};
            c.config.neuronShift[li] = nf.neuronShift;
            candidates.push_back(std::move(c));
            fits.push_back(std::move(nf));
            targetOf.push_back(k);
        }
        const int kept = fit.decide(candidates, m.trials);
        if (kept >= 0) {
            keptTarget[t] = targets[targetOf[static_cast<size_t>(kept)]].name;
        } else if (!candidates.empty()) {
            // Groups of the change that did best on the fit images.
            size_t best = 0;
            for (size_t k = 1; k < candidates.size(); ++k)
                if (candidates[k].trial.fitCorrect > candidates[best].trial.fitCorrect)
                    best = k;
            const NeuronFit& nf = fits[best];
            const std::vector<int> moved = movedNeurons(nf);
            const int groups = std::min<int>(kNeuronGroups, static_cast<int>(moved.size()));
            for (int g = 0; groups > 1 && g < groups; ++g) {
                const size_t from = moved.size() * static_cast<size_t>(g) / static_cast<size_t>(groups);
                const size_t to = moved.size() * static_cast<size_t>(g + 1) / static_cast<size_t>(groups);
                const std::vector<int> group(moved.begin() + static_cast<ptrdiff_t>(from),
                                             moved.begin() + static_cast<ptrdiff_t>(to));
                MitigationTrial trial;
                trial.change = "tune neurons " + std::to_string(group.front()) + ".." + std::to_string(group.back())
                    + " (" + std::to_string(group.size()) + " moved) toward " + targets[targetOf[best]].name;
                trial.neurons = static_cast<int>(group.size());
                std::tie(trial.minShift, trial.maxShift) = shiftRange(nf.neuronShift, group);
                std::vector<Candidate> one(1, Candidate{fit.current(), trial});
                std::vector<int>& shifts = one[0].config.neuronShift[li];
                shifts.assign(nf.neuronShift.size(), 0);
                for (int o = 0; o < static_cast<int>(shifts.size()); ++o)
                    shifts[o] = fit.current().shiftFor(li, o) - fit.current().shiftFor(li);
                for (int o : group)
                    shifts[o] = nf.neuronShift[o];
                if (fit.decide(one, m.trials) >= 0)
                    keptTarget[t] = targets[targetOf[best]].name;
            }
        }
        m.fitCorrectAfter = fit.fitCorrect();
        m.heldOutCorrectAfter = fit.heldOutCorrect();
        report.layers.push_back(std::move(m));
    }

    // What was kept per layer: the re-tuned neurons, their shifts, and the
    // agreement with the target of the last change kept (the exact network
    // if none was) on the fit images, untuned and tuned.
    if (!tuned.empty()) {
        const auto untunedSamples = traceLayers(model, start, tuned, calibration, 0, fit.fitImages());
        const auto tunedSamples = traceLayers(model, fit.current(), tuned, calibration, 0, fit.fitImages());
        for (LayerMitigation& m : report.layers) {
            const auto at = std::find(tuned.begin(), tuned.end(), m.layer);
            if (at == tuned.end())
                continue;
            const size_t t = static_cast<size_t>(at - tuned.begin());
            const std::string name = keptTarget[t].empty() ? targets[0].name : keptTarget[t];
            const Target& target =
                *std::find_if(targets.begin(), targets.end(), [&](const Target& x) { return x.name == name; });
            const std::vector<int8_t>& goal = target.samples[t].activations;
            auto agreement = [&](const std::vector<int8_t>& a) {
                size_t same = 0;
                for (size_t n = 0; n < a.size(); ++n)
                    same += a[n] == goal[n];
                return a.empty() ? 1.0 : static_cast<double>(same) / static_cast<double>(a.size());
            };
            m.target = name;
            m.agreementBefore = agreement(untunedSamples[t].activations);
            m.agreementAfter = agreement(tunedSamples[t].activations);
            std::vector<int> moved;
            const std::vector<int>& shifts = fit.current().neuronShift[static_cast<size_t>(m.layer)];
            for (int o = 0; o < static_cast<int>(shifts.size()); ++o)
                if (shifts[o] != 0)
                    moved.push_back(o);
            m.tunedNeurons = static_cast<int>(moved.size());
            std::tie(m.minShift, m.maxShift) = shiftRange(shifts, moved);
        }
    }
    config.neuronShift = fit.current().neuronShift;
    report.correctAfter = fit.fitCorrect() + fit.heldOutCorrect();
    return report;
}

} // namespace axbnn
