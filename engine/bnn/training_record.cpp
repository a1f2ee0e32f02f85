// The "training" metadata record: one table of mode names, reader and writer.
#include "bnn/training_record.h"

#include <array>

namespace axbnn {

namespace {

constexpr std::array<TrainingModeInfo, 4> kModes{{
    {TrainingMode::Unknown, "unknown", "unknown"},
    {TrainingMode::Exact, "exact", "exactly"},
    {TrainingMode::Aware, "aware", "approximation-aware"},
    {TrainingMode::MultiLevel, "multi-level", "multi-level approximation-aware"},
}};

} // namespace

std::span<const TrainingModeInfo> trainingModes()
{
    return kModes;
}

const TrainingModeInfo& trainingModeInfo(TrainingMode mode)
{
    for (const TrainingModeInfo& info : kModes)
        if (info.mode == mode)
            return info;
    return kModes[0];
}

TrainingRecord trainingRecordOf(const ModelMetadata& meta)
{
    TrainingRecord r;
    const auto it = meta.extra.find(kTrainingRecordKey);
    if (it == meta.extra.end()) {
        if (!meta.approximationConfig.empty())
            r.mode = TrainingMode::Aware;
        else if (!meta.trainingRecipe.empty())
            r.mode = TrainingMode::Exact;
        return r;
    }
    r.recorded = true;
    const nlohmann::json j = nlohmann::json::parse(it->second, nullptr, false);
    if (!j.is_object())
        return r;
    const std::string mode = j.value("mode", std::string());
    for (const TrainingModeInfo& info : kModes)
        if (mode == info.name)
            r.mode = info.mode;
    if (j.contains("init") && j["init"].is_string())
        r.init = j["init"].get<std::string>();
    r.levelMix = j.value("level_mix", std::string());
    r.hardwareInTheLoop = j.contains("hardware_in_the_loop") && j["hardware_in_the_loop"].is_boolean()
        && j["hardware_in_the_loop"].get<bool>();
    if (j.contains("levels") && j["levels"].is_array())
        for (const nlohmann::json& level : j["levels"]) {
            if (!level.is_object())
                continue;
            TrainingLevelRecord l;
            l.label = level.value("label", std::string());
            if (level.contains("circuit"))
                l.circuit = level["circuit"];
            r.levels.push_back(std::move(l));
        }
    return r;
}

std::string trainingSummary(const TrainingRecord& r)
{
    std::string s = trainingModeInfo(r.mode).label;
    if (r.mode == TrainingMode::MultiLevel && !r.levels.empty()) {
        s += " at";
        for (size_t i = 0; i < r.levels.size(); ++i)
            s += (i ? ", " : " ") + r.levels[i].label;
        if (!r.levelMix.empty())
            s += " (a level per " + r.levelMix + ")";
    }
    if (r.hardwareInTheLoop)
        s += ", hardware in the loop";
    if (r.fineTuned())
        s += ", fine-tuned from " + r.init;
    return s;
}

std::string trainingRecordText(const TrainingRecord& r)
{
    nlohmann::json j;
    j["mode"] = trainingModeInfo(r.mode).name;
    if (!r.init.empty())
        j["init"] = r.init;
    if (!r.levels.empty()) {
        j["levels"] = nlohmann::json::array();
        for (const TrainingLevelRecord& l : r.levels)
            j["levels"].push_back({{"label", l.label}, {"circuit", l.circuit}});
    }
    if (!r.levelMix.empty())
        j["level_mix"] = r.levelMix;
    if (r.hardwareInTheLoop)
        j["hardware_in_the_loop"] = true;
    return j.dump();
}

} // namespace axbnn
