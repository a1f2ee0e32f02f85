// `axbnn circuit` and `axbnn cells`: one popcount circuit's metrics, error
// statistics and Verilog; the cell library's contents.
#include "circuit_options.h"
#include "commands.h"

#include "circuit/verilog_writer.h"
#include "io/circuit_json.h"

#include <cstdio>
#include <iostream>
#include <memory>

namespace axbnn::cli {
namespace {

struct CircuitArgs {
    CircuitOptions circuit;
    int inputs = 0;
    bool json = false;
    bool conditional = false;
    std::string verilog;
    std::string module = "popcount";
};

void printSummary(const CircuitReport& r)
{
    const auto& c = r.cost;
    std::printf("popcount of %d inputs, %s, %d output bits, %d levels\n", r.spec.inputs,
                topologyName(r.spec.topology).c_str(), c.outputBits, r.netlist.levels);
    std::string counts;
    for (const auto& [kind, n] : c.counts)
        counts += (counts.empty() ? "" : ", ") + kind + " " + std::to_string(n);
    std::printf("  cells        %d (%s), %d approximate\n", c.cells, counts.c_str(),
                c.approximateCells);
    std::printf("  area         %.1f um^2\n", c.areaUm2);
    std::printf("  transistors  %ld\n", c.transistors);
    std::printf("  delay        %.0f ps (critical path, static timing)\n", c.delayPs);
    std::printf("  energy       %.1f fJ per evaluation (switching activity, p = %g)\n", c.energyFj,
                r.spec.p);
    const ErrorStats& e = r.error;
    std::printf("error vs exact count (inputs i.i.d. Bernoulli(%g))\n", r.spec.p);
    std::printf("  method       %s: %s\n", errorMethodName(e.method).c_str(), e.precision.c_str());
    const bool mc = e.method == ErrorMethod::MonteCarlo;
    auto ci = [&](double half) { return mc ? " +/- " + std::to_string(half) : std::string(); };
    std::printf("  error rate   %.6g%s\n", e.errorRate, ci(e.errorRateCi).c_str());
    std::printf("  mean error   %.6g%s\n", e.meanError, ci(e.meanErrorCi).c_str());
    std::printf("  MAE          %.6g%s\n", e.mae, ci(e.maeCi).c_str());
    std::printf("  MSE          %.6g%s\n", e.mse, ci(e.mseCi).c_str());
    std::printf("  WCE          %d%s\n", e.wce, e.wceExact ? "" : " (largest observed)");
}

void runCircuit(const CircuitArgs& a)
{
    const CellLibrary library = a.circuit.library();
    CircuitSpec spec = a.circuit.spec(a.inputs);
    spec.error.conditional = a.conditional;
    const CircuitReport report = evaluateCircuit(spec, library);
    if (!a.verilog.empty())
        writeVerilogFile(report.netlist, a.module, a.verilog);
    if (a.json)
        std::cout << circuitReportJson(report).dump(2) << "\n";
    else
        printSummary(report);
}

void runCells(const CircuitOptions& o, bool json)
{
    const CellLibrary lib = o.library();
    if (json) {
        nlohmann::json cells = nlohmann::json::array();
        for (const auto& c : lib.cells()) {
            std::string sum, carry;
            for (int i = 0; i < (1 << c.inputs); ++i) {
                sum += char('0' + c.sum(i));
                carry += char('0' + c.carry(i));
            }
            nlohmann::json j = {{"name", c.name},       {"description", c.description},
                                {"inputs", c.inputs},   {"sum", sum},
                                {"area_um2", c.areaUm2}, {"transistors", c.transistors},
                                {"delay_ps", {{"sum", c.delaySumPs}, {"carry", c.delayCarryPs}}},
                                {"energy_fj", {{"sum", c.energySumFj}, {"carry", c.energyCarryFj}}},
                                {"exact", c.isExact()}};
            if (c.hasCarry)
                j["carry"] = carry;
            cells.push_back(j);
        }
        std::cout << nlohmann::json{{"source", lib.source()}, {"cells", cells}}.dump(2) << "\n";
        return;
    }
    std::printf("cell library: %s\n", lib.source().c_str());
    std::printf("%-8s %3s %6s %9s %5s %9s %9s  %s\n", "name", "in", "exact", "area_um2", "T",
                "d_sum_ps", "d_cry_ps", "description");
    for (const auto& c : lib.cells())
        std::printf("%-8s %3d %6s %9.4f %5d %9.1f %9.1f  %s\n", c.name.c_str(), c.inputs,
                    c.isExact() ? "yes" : "no", c.areaUm2, c.transistors, c.delaySumPs,
                    c.delayCarryPs, c.description.c_str());
}

} // namespace

void addCircuitCommand(CLI::App& app)
{
    auto args = std::make_shared<CircuitArgs>();
    CLI::App* cmd = app.add_subcommand(
        "circuit", "Build a popcount circuit and report cost and error statistics");
    cmd->add_option("--inputs,-n", args->inputs, "Number of popcount inputs N (the kernel size)")
        ->required()
        ->check(CLI::Range(1, 65536));
    addCircuitOptions(cmd, args->circuit, true);
    cmd->add_flag("--json", args->json, "Print one JSON object instead of the summary");
    cmd->add_flag("--conditional", args->conditional,
                  "Also compute P(e | exact count) (JSON field error.conditional)");
    cmd->add_option("--verilog", args->verilog, "Write the netlist as structural Verilog to FILE");
    cmd->add_option("--module", args->module, "Verilog module name")->capture_default_str();
    cmd->callback([args]() { runCircuit(*args); });
}

void addCellsCommand(CLI::App& app)
{
    auto options = std::make_shared<CircuitOptions>();
    auto json = std::make_shared<bool>(false);
    CLI::App* cmd = app.add_subcommand("cells", "List the cell library");
    cmd->add_option("--cells", options->cellsFile, "Cell library JSON extending the defaults")
        ->check(CLI::ExistingFile);
    cmd->add_flag("--json", *json, "Print JSON");
    cmd->callback([options, json]() { runCells(*options, *json); });
}

} // namespace axbnn::cli
