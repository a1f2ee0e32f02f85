// `axbnn cost-table`: area, delay, energy and error of exact and approximate
// popcounts against N for every topology, as a plot-ready CSV.
#include "circuit_options.h"
#include "cli_app.h"
#include "commands.h"

#include "circuit/design_limits.h"
#include "util/atomic_file.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace axbnn::cli {
namespace {

struct CostTableArgs {
    CircuitOptions circuit;
    std::vector<int> inputs{9,   16,  25,  27,  36,   49,   64,   72,   81,   128,  144,  147, 256,
                            288, 400, 512, 576, 1024, 1152, 1600, 2048, 2304, 3136, 4096, 4608};
    std::vector<std::string> topologies{"adder-tree", "wallace", "dadda", "chain"};
    std::string out;
    bool summary = false;
};

struct CostRow {
    std::string topology;
    int inputs = 0;
    CircuitCost exactCost, approximateCost;
    ErrorStats error; // of the approximate circuit
};

double savedPercent(double exact, double approximate)
{
    return exact > 0 ? 100.0 * (exact - approximate) / exact : 0.0;
}

// An aligned table for people: per topology and N, the exact circuit's
// area, what the approximate one saves in area, energy and delay, and its
// error. The CSV keeps every column; this keeps the ones that decide.
std::string summaryTable(const std::vector<CostRow>& rows)
{
    std::ostringstream out;
    char line[256];
    std::snprintf(line, sizeof line, "%-10s %6s %11s %11s %8s %8s %8s %8s %8s %8s  %s\n", "topology", "N", "area um2",
                  "approx um2", "area", "energy", "delay", "error", "mean", "MAE", "error method");
    out << line;
    std::snprintf(line, sizeof line, "%-10s %6s %11s %11s %8s %8s %8s %8s %8s\n", "", "", "exact", "", "saved", "saved",
                  "saved", "rate", "error");
    out << line;
    for (const CostRow& r : rows) {
        const CircuitCost& e = r.exactCost;
        const CircuitCost& a = r.approximateCost;
        const ErrorStats& err = r.error;
        if (a.approximateCells == 0) { // e.g. the chain has no full adder for --cell to replace
            std::snprintf(line, sizeof line, "%-10s %6d %11.1f %11s  (no cell of this structure is approximated)\n",
                          r.topology.c_str(), r.inputs, e.areaUm2, "-");
            out << line;
            continue;
        }
        std::snprintf(line, sizeof line, "%-10s %6d %11.1f %11.1f %7.1f%% %7.1f%% %7.1f%% %8.4f %8.3g %8.3g  %s\n",
                      r.topology.c_str(), r.inputs, e.areaUm2, a.areaUm2, savedPercent(e.areaUm2, a.areaUm2),
                      savedPercent(e.energyFj, a.energyFj), savedPercent(e.delayPs, a.delayPs), err.errorRate,
                      err.meanError, err.mae, errorMethodName(err.method).c_str());
        out << line;
    }
    return out.str();
}

void runCostTable(const CostTableArgs& a)
{
    const CellLibrary library = a.circuit.library();
    std::ostringstream csv;
    std::vector<CostRow> rows;
    const bool progress = isatty(STDERR_FILENO); // a log file gets no \r progress
    csv << "inputs,topology,variant,cells,fa,ha,approximate_cells,area_um2,transistors,delay_ps,"
           "energy_fj,output_bits,error_method,error_rate,mean_error,mae,wce\n";
    for (const std::string& topology : a.topologies) {
        for (int n : a.inputs) {
            CostRow row{topology, n, {}, {}, {}};
            for (bool approximate : {false, true}) {
                CircuitOptions o = a.circuit;
                o.topology = topology;
                if (!approximate)
                    o.lsbColumns = o.levels = 0;
                const CircuitReport r = evaluateCircuit(o.spec(n), library);
                const auto count = [&](const char* kind) {
                    const auto it = r.cost.counts.find(kind);
                    return it == r.cost.counts.end() ? 0 : it->second;
                };
                char line[512];
                std::snprintf(line, sizeof line, "%d,%s,%s,%d,%d,%d,%d,%.4f,%ld,%.1f,%.2f,%d,%s,%.6g,%.6g,%.6g,%d\n", n,
                              topology.c_str(), approximate ? "approximate" : "exact", r.cost.cells, count("fa"),
                              count("ha"), r.cost.approximateCells, r.cost.areaUm2, r.cost.transistors, r.cost.delayPs,
                              r.cost.energyFj, r.cost.outputBits, errorMethodName(r.error.method).c_str(),
                              r.error.errorRate, r.error.meanError, r.error.mae, r.error.wce);
                csv << line;
                (approximate ? row.approximateCost : row.exactCost) = r.cost;
                if (approximate)
                    row.error = r.error;
                if (progress)
                    std::fprintf(stderr, "\r%s N=%d %s      ", topology.c_str(), n,
                                 approximate ? "approximate" : "exact");
            }
            rows.push_back(std::move(row));
        }
    }
    if (progress)
        std::fprintf(stderr, "\r%*s\r", 40, "");
    if (!a.out.empty() && a.out != "-")
        writeFileAtomically(a.out, csv.str());
    else if (!a.summary)
        std::cout << csv.str();
    if (a.summary)
        std::cout << summaryTable(rows);
}

} // namespace

void addCostTableCommand(CLI::App& app)
{
    auto args = std::make_shared<CostTableArgs>();
    args->circuit.lsbColumns = 2; // approximate rows: MAJ-FA in the 2 LSB columns
    CLI::App* cmd = app.add_subcommand(
        "cost-table", "CSV of area, delay, energy and error against N, exact and approximate, per topology");
    cmd->add_option("--inputs,-n", args->inputs, "Values of N (comma separated)")
        ->delimiter(',')
        ->check(kWholeNumberValidator)
        ->check(CLI::Range(1, kMaxPopcountInputs))
        ->capture_default_str();
    cmd->add_option("--topologies", args->topologies, "Topologies (comma separated)")
        ->delimiter(',')
        ->capture_default_str();
    addCircuitOptions(cmd, args->circuit, false);
    cmd->remove_option(cmd->get_option("--topology")); // --topologies chooses them
    cmd->add_option("--out,-o", args->out, "CSV file to write (default: standard output)");
    cmd->add_flag("--summary", args->summary,
                  "Print an aligned table (area, what approximation saves, error) to standard output; "
                  "the CSV goes only to --out");
    cmd->callback([args]() {
        for (const auto& t : args->topologies)
            parseTopology(t); // fail before computing anything
        runCostTable(*args);
    });
}

} // namespace axbnn::cli
