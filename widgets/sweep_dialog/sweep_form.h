// What the Sweep dialog's form chooses, turned into a sweep spec JSON
// (docs/sweep-format.md) that the engine parses like a spec file.
#pragma once

#include "bnn/mitigation.h"
#include "circuit/knobs.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace axbnn::gui {

struct SweepChoices {
    std::vector<int> sizes; // N given directly
    std::vector<int> kernels; // k, with `channels` input channels each
    int channels = 64;
    std::vector<std::string> models; // model file paths (absolute)
    std::vector<std::string> topologies{"adder-tree"};
    std::vector<std::string> faCells{"maj-fa"};
    std::vector<std::string> knobs{knobName(Knob::LsbColumns)}; // circuit/knobs.h names
    int levelFrom = 0, levelTo = 2; // inclusive range of K or L
    std::vector<std::string> mitigations{mitigationName(Mitigation::None)}; // bnn/mitigation.h names
    double p = 0.5;
    std::string dataset = "fashion-mnist";
    int limit = 1000;
};

// The spec as JSON; the engine's parseSweepSpec checks it (empty lists and
// bad values give its usual messages).
nlohmann::json sweepSpecJson(const SweepChoices& choices);

} // namespace axbnn::gui
