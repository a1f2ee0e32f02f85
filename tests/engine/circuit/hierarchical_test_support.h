// Shared by the hierarchical-popcount suites (circuit, analysis, bnn): the
// default library, knobs, and leaves generated or imported from our own
// Verilog (what an evolved third-party block would be: logic gates).
#pragma once

#include "circuit/approximation.h"
#include "circuit/hierarchical_popcount.h"
#include "circuit/popcount_builder.h"
#include "circuit/verilog_writer.h"
#include "io/verilog_import.h"

#include <memory>

namespace axbnn::hierarchical_test {

inline const CellLibrary& lib()
{
    static const CellLibrary library = CellLibrary::defaults();
    return library;
}

inline ApproxConfig knobs(int lsb, int levels)
{
    ApproxConfig a;
    a.lsbColumns = lsb;
    a.levels = levels;
    return a;
}

inline LeafSpec generatedLeaf(int width)
{
    LeafSpec s;
    s.width = width;
    return s;
}

// An adder tree of `inputs` with `approx`, written as Verilog and imported.
inline std::shared_ptr<const Netlist> gateBlock(int inputs, const ApproxConfig& approx)
{
    const Netlist block = applyApproximation(buildPopcount(inputs, Topology::AdderTree, lib()), lib(), approx);
    return std::make_shared<const Netlist>(importVerilog(writeVerilog(block, "block"), "block.v"));
}

inline LeafSpec importedLeaf(std::shared_ptr<const Netlist> block)
{
    LeafSpec s;
    s.imported = std::move(block);
    s.importedPath = "block.v";
    return s;
}

} // namespace axbnn::hierarchical_test
