// Serialises circuit reports for the command line and for scripts.
#include "io/circuit_json.h"

#include "circuit/cell_map_json.h"

namespace axbnn {

nlohmann::json errorStatsJson(const ErrorStats& s)
{
    nlohmann::json j;
    j["method"] = errorMethodName(s.method);
    j["precision"] = s.precision;
    j["p"] = s.p;
    j["error_rate"] = s.errorRate;
    j["mean_error"] = s.meanError;
    j["mae"] = s.mae;
    j["mse"] = s.mse;
    j["wce"] = s.wce;
    j["wce_exact"] = s.wceExact;
    j["min_error"] = s.minError;
    j["max_error"] = s.maxError;
    j["samples"] = s.samples;
    j["pruned_mass"] = s.prunedMass;
    if (s.method == ErrorMethod::MonteCarlo)
        j["ci95"] = {{"error_rate", s.errorRateCi}, {"mean_error", s.meanErrorCi}, {"mae", s.maeCi}, {"mse", s.mseCi}};
    nlohmann::json pmf = nlohmann::json::object();
    for (const auto& [e, prob] : s.pmf)
        pmf[std::to_string(e)] = prob;
    j["pmf"] = pmf;
    if (!s.conditional.empty()) {
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& row : s.conditional) {
            nlohmann::json errors = nlohmann::json::object();
            for (const auto& [e, prob] : row.errors)
                errors[std::to_string(e)] = prob;
            rows.push_back(
                {{"sum", row.sum}, {"p_sum", row.probabilityOfSum}, {"samples", row.samples}, {"p_error", errors}});
        }
        j["conditional"] = rows;
    }
    return j;
}

nlohmann::json circuitReportJson(const CircuitReport& r)
{
    nlohmann::json j;
    j["inputs"] = r.spec.inputs;
    j["output_bits"] = r.cost.outputBits;
    j["topology"] = topologyName(r.spec.topology);
    j["counts"] = r.cost.counts;
    j["cells"] = r.cost.cells;
    j["approximate_cells"] = r.cost.approximateCells;
    j["area_um2"] = r.cost.areaUm2;
    j["transistors"] = r.cost.transistors;
    j["delay_ps"] = r.cost.delayPs;
    j["energy_fj"] = r.cost.energyFj;
    j["levels"] = r.netlist.levels;
    const ApproxConfig& a = r.spec.approx;
    j["approximation"] = {{"lsb_columns", a.lsbColumns}, {"levels", a.levels},          {"cell", a.faCell},
                          {"ha_cell", a.haCell},         {"extra_cells", a.extraCells}, {"exact_cells", a.exactCells}};
    addMixedCells(j["approximation"], a);
    if (a.compressorColumns > 0) // with its "compressor"; other outputs stay as they were
        j["approximation"]["compressor_columns"] = a.compressorColumns;
    j["cell_library"] = r.librarySource;
    if (!r.source.empty())
        j["source"] = r.source;
    j["p"] = r.spec.p;
    j["error"] = errorStatsJson(r.error);
    return j;
}

} // namespace axbnn
