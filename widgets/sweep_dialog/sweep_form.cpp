// Sweep dialog form -> sweep spec JSON.
#include "sweep_dialog/sweep_form.h"

namespace axbnn::gui {

nlohmann::json sweepSpecJson(const SweepChoices& c)
{
    nlohmann::json spec = nlohmann::json::object();
    nlohmann::json sizes = nlohmann::json::array();
    for (int n : c.sizes)
        sizes.push_back(n);
    for (int k : c.kernels)
        sizes.push_back({{"k", k}, {"channels", c.channels}});
    if (!sizes.empty())
        spec["sizes"] = sizes;
    if (!c.models.empty())
        spec["models"] = c.models;
    spec["topologies"] = c.topologies;
    spec["cells"] = c.faCells;
    nlohmann::json levels = nlohmann::json::array();
    for (int l = c.levelFrom; l <= c.levelTo; ++l)
        levels.push_back(l);
    spec["approximation"] = {{"knobs", c.knobs}, {"levels", levels}};
    spec["p"] = {c.p};
    spec["mitigation"] = c.mitigations;
    if (!c.models.empty())
        spec["data"] = {{"dataset", c.dataset}, {"limit", c.limit}};
    return spec;
}

} // namespace axbnn::gui
