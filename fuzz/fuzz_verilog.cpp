// The gate-level Verilog netlist importer (`axbnn import FILE.v`, the workbench's
// Import netlist) through importNetlistFile, with the built-in cells.
// Invariants: netlist_checks.h.
#include "fuzz_support.h"
#include "io/netlist_import.h"
#include "netlist_checks.h"

using namespace axbnn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const CellLibrary library = CellLibrary::defaults();
    const std::string path = fuzz::writeScratch("netlist.v", data, size);
    fuzz::refusalOk([&] { fuzz::checkImportedNetlist(importNetlistFile(path, &library), library); }, path);
    return 0;
}
