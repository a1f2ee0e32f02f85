// `axbnn import-netlist`: a popcount circuit read from gate-level Verilog or a
// Yosys JSON netlist, reported like `axbnn circuit` (docs/netlist-import.md).
#include "circuit_options.h"
#include "commands.h"

#include "io/netlist_import.h"

#include <memory>

namespace axbnn::cli {

namespace {

struct ImportArgs {
    std::string file;
    CircuitOptions circuit;
    CircuitOutputs out;
};

void runImport(const ImportArgs& a)
{
    const CellLibrary library = a.circuit.library();
    const Netlist netlist = importNetlistFile(a.file, &library);
    CircuitSpec spec = a.circuit.spec(netlist.inputs);
    spec.error.conditional = a.out.conditional;
    emitCircuit(evaluateNetlist(netlist, spec, library.source(), a.file), a.out);
}

} // namespace

void addImportNetlistCommand(CLI::App& app)
{
    auto args = std::make_shared<ImportArgs>();
    CLI::App* cmd =
        app.add_subcommand("import-netlist",
                           "Read a popcount circuit from gate-level Verilog (.v) or a Yosys JSON netlist (.json) and "
                           "report cost and error statistics like 'circuit'");
    cmd->add_option("file", args->file, "Netlist file: FILE.v (Verilog) or FILE.json (Yosys write_json)")
        ->required()
        ->check(CLI::ExistingFile);
    addAnalysisOptions(cmd, args->circuit);
    addCircuitOutputs(cmd, args->out);
    cmd->callback([args]() { runImport(*args); });
}

} // namespace axbnn::cli
