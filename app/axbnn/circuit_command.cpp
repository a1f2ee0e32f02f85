// `axbnn circuit` and `axbnn cells`: one popcount circuit's metrics, error
// statistics and Verilog; the cell library's contents.
#include "circuit_options.h"
#include "cli_app.h"
#include "commands.h"

#include "analysis/hierarchical_errors.h"
#include "circuit/design_limits.h"
#include "circuit/knobs.h"
#include "circuit/testbench_writer.h"
#include "circuit/verilog_writer.h"
#include "circuit/yosys_report.h"
#include "io/circuit_json.h"

#include <cstdio>
#include <iostream>
#include <memory>

namespace axbnn::cli {
namespace {

struct CircuitArgs {
    CircuitOptions circuit;
    int inputs = 0;
    CircuitOutputs out;
};

void printSummary(const CircuitReport& r)
{
    const auto& c = r.cost;
    if (!r.source.empty())
        std::printf("imported from %s\n", r.source.c_str());
    std::printf("popcount of %d inputs, %s, %d output bits, %d levels\n", r.spec.inputs,
                topologyName(r.spec.topology).c_str(), c.outputBits, r.netlist.levels);
    std::string counts;
    for (const auto& [kind, n] : c.counts)
        counts += (counts.empty() ? "" : ", ") + kind + " " + std::to_string(n);
    std::printf("  cells        %d (%s), %d approximate\n", c.cells, counts.c_str(), c.approximateCells);
    if (!r.spec.approx.columnCells.empty()) // mixed popcounts only: other outputs stay as they were
        std::printf("  column cells %s\n", cellMapText(r.spec.approx.columnCells).c_str());
    if (!r.spec.approx.levelCells.empty())
        std::printf("  level cells  %s\n", cellMapText(r.spec.approx.levelCells).c_str());
    if (r.spec.approx.compressorColumns > 0)
        std::printf("  compressors  %s in columns < %d\n", r.spec.approx.compressor.c_str(),
                    r.spec.approx.compressorColumns);
    std::printf("  area         %.1f um^2\n", c.areaUm2);
    std::printf("  transistors  %ld\n", c.transistors);
    std::printf("  delay        %.0f ps (critical path, static timing)\n", c.delayPs);
    std::printf("  energy       %.1f fJ per evaluation (switching activity, p = %g)\n", c.energyFj, r.spec.p);
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

void printYosys(const CircuitReport& r, const YosysReport& y)
{
    if (!y.ran) {
        std::printf("yosys: %s\n", y.message.c_str());
        return;
    }
    std::string counts;
    for (const auto& [kind, n] : y.cells)
        counts += (counts.empty() ? "" : ", ") + kind + " " + std::to_string(n);
    std::printf("yosys synthesis (%s)\n", y.message.c_str());
    std::printf("  cells        %d (%s)\n", y.cellCount, counts.c_str());
    std::printf("  transistors  %ld (built-in cost model: %ld, ratio %.3f)\n", y.transistors, r.cost.transistors,
                r.cost.transistors > 0 ? double(y.transistors) / double(r.cost.transistors) : 0.0);
}

void runCircuit(const CircuitArgs& a)
{
    const CellLibrary library = a.circuit.library();
    CircuitSpec spec = a.circuit.spec(a.inputs);
    spec.error.conditional = a.out.conditional;
    if (!a.circuit.hierarchical()) {
        emitCircuit(evaluateCircuit(spec, library), a.out);
        return;
    }
    const LeafSpec leaf = a.circuit.leafSpec(library);
    HierarchicalPopcount h;
    const CircuitReport report = evaluateHierarchicalCircuit(spec, leaf, library, &h);
    const LeafPlacement& first = h.leaves.front();
    const LeafPlacement& last = h.leaves.back();
    if (a.out.json) {
        const nlohmann::json hierarchy = {
            {"leaves", h.leaves.size()},
            {"leaf_inputs", first.leafInputs},
            {unit_keys::kLeaf, leaf.imported ? nlohmann::json(leaf.importedPath) : nlohmann::json()},
            {"last_leaf_inputs", last.width},
            {"last_leaf",
             last.width == first.leafInputs ? "whole"
                 : leaf.imported            ? "padded"
                                            : "narrower"},
            {"tree_first_level", h.leafLevels}};
        emitCircuit(report, a.out, &hierarchy);
        return;
    }
    std::printf("hierarchical: %zu leaves of %d inputs (%s)", h.leaves.size(), first.leafInputs,
                leaf.imported ? ("imported from " + leaf.importedPath).c_str()
                              : ("generated " + topologyName(spec.topology)).c_str());
    if (last.width != first.leafInputs)
        std::printf(", the last %s %d inputs", leaf.imported ? "padded with 0 beyond" : "narrower:", last.width);
    std::printf(", summed by an adder tree from level %d\n", h.leafLevels);
    emitCircuit(report, a.out);
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
            nlohmann::json j = {{"name", c.name},
                                {"description", c.description},
                                {"inputs", c.inputs},
                                {"sum", sum},
                                {"area_um2", c.areaUm2},
                                {"transistors", c.transistors},
                                {"delay_ps", {{"sum", c.delaySumPs}, {"carry", c.delayCarryPs}}},
                                {"energy_fj", {{"sum", c.energySumFj}, {"carry", c.energyCarryFj}}},
                                {"exact", c.isExact()}};
            if (c.hasCarry)
                j["carry"] = carry;
            if (c.energyInputFj != std::array<double, 3>{})
                j["input_energy_fj"] = std::vector<double>(c.energyInputFj.begin(), c.energyInputFj.begin() + c.inputs);
            cells.push_back(j);
        }
        std::cout << nlohmann::json{{"source", lib.source()}, {"cells", cells}}.dump(2) << "\n";
        return;
    }
    std::printf("cell library: %s\n", lib.source().c_str());
    std::printf("%-8s %3s %6s %9s %5s %9s %9s  %s\n", "name", "in", "exact", "area_um2", "T", "d_sum_ps", "d_cry_ps",
                "description");
    for (const auto& c : lib.cells())
        std::printf("%-8s %3d %6s %9.4f %5d %9.1f %9.1f  %s\n", c.name.c_str(), c.inputs, c.isExact() ? "yes" : "no",
                    c.areaUm2, c.transistors, c.delaySumPs, c.delayCarryPs, c.description.c_str());
}

} // namespace

void addCircuitOutputs(CLI::App* cmd, CircuitOutputs& o)
{
    cmd->add_flag("--json", o.json, "Print one JSON object instead of the summary");
    cmd->add_flag("--conditional", o.conditional, "Also compute P(e | exact count) (JSON field error.conditional)");
    cmd->add_option("--verilog", o.verilog, "Write the netlist as structural Verilog to FILE");
    cmd->add_option("--testbench", o.testbench,
                    "Write the netlist plus a self-checking testbench (Icarus Verilog) to FILE");
    cmd->add_option("--vectors", o.vectors, "Testbench vectors (all 2^N input vectors when that is fewer)")
        ->check(CLI::Range(2, 1000000))
        ->capture_default_str();
    cmd->add_option("--module", o.module, "Verilog module name")->capture_default_str();
    cmd->add_flag("--yosys", o.yosys,
                  "Also synthesise with Yosys (if installed) and report its cell and transistor counts "
                  "(JSON field yosys)");
}

void emitCircuit(const CircuitReport& report, const CircuitOutputs& o, const nlohmann::json* hierarchy)
{
    if (!o.verilog.empty())
        writeVerilogFile(report.netlist, o.module, o.verilog);
    if (!o.testbench.empty()) {
        TestbenchOptions tb;
        tb.vectors = o.vectors;
        writeTestbenchFile(report.netlist, o.module, o.testbench, tb);
    }
    YosysReport yosys;
    if (o.yosys)
        yosys = runYosysReport(report.netlist);
    if (o.json) {
        nlohmann::json j = circuitReportJson(report);
        if (hierarchy)
            j["hierarchy"] = *hierarchy;
        if (o.yosys)
            j["yosys"] = {{"ran", yosys.ran},
                          {"message", yosys.message},
                          {"cells", yosys.cellCount},
                          {"counts", yosys.cells},
                          {"transistors", yosys.transistors}};
        std::cout << j.dump(2) << "\n";
        return;
    }
    printSummary(report);
    if (o.yosys)
        printYosys(report, yosys);
}

void addCircuitCommand(CLI::App& app)
{
    auto args = std::make_shared<CircuitArgs>();
    CLI::App* cmd = app.add_subcommand("circuit", "Build a popcount circuit and report cost and error statistics");
    cmd->add_option("--inputs,-n", args->inputs, "Number of popcount inputs N (the kernel size)")
        ->required()
        ->check(kWholeNumberValidator)
        ->check(CLI::Range(1, kMaxPopcountInputs));
    addCircuitOptions(cmd, args->circuit, true);
    addLeafOptions(cmd, args->circuit);
    addCircuitOutputs(cmd, args->out);
    cmd->callback([args]() { runCircuit(*args); });
}

void addCellsCommand(CLI::App& app)
{
    auto options = std::make_shared<CircuitOptions>();
    auto json = std::make_shared<bool>(false);
    CLI::App* cmd = app.add_subcommand("cells", "List the cell library");
    addCellsOption(cmd, *options);
    cmd->add_flag("--json", *json, "Print JSON");
    cmd->callback([options, json]() { runCells(*options, *json); });
}

} // namespace axbnn::cli
