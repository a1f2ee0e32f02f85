// The cell library loader (`--cells FILE`, docs/cell-library.md). Every cell
// of a loaded library is well-formed, and the structural cells the builders
// use (fa, ha, xor2, xor3) keep their arity and outputs.
#include "circuit/cell_library.h"
#include "fuzz_support.h"

#include <cmath>

using namespace axbnn;

namespace {

void checkCell(const CellType& c)
{
    fuzz::check(c.inputs == 2 || c.inputs == 3, c.name + ": a cell of " + std::to_string(c.inputs) + " inputs");
    fuzz::check(c.inputs == 3 || (c.sumTable >> 4) == 0, c.name + ": a 2-input sum table uses bits 4..7");
    fuzz::check(c.inputs == 3 || (c.carryTable >> 4) == 0, c.name + ": a 2-input carry table uses bits 4..7");
    for (double v : {c.areaUm2, c.delaySumPs, c.delayCarryPs, c.energySumFj, c.energyCarryFj})
        fuzz::check(std::isfinite(v) && v >= 0, c.name + ": a figure that is negative or not finite");
    fuzz::check(c.transistors >= 0, c.name + ": a negative transistor count");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string path = fuzz::writeScratch("cells.json", data, size);
    fuzz::refusalOk(
        [&] {
            const CellLibrary library = CellLibrary::fromJsonFile(path);
            for (const CellType& c : library.cells())
                checkCell(c);
            struct Structural {
                const char* name;
                int inputs;
                bool carry;
            };
            for (const Structural& s : {Structural{"fa", 3, true}, Structural{"ha", 2, true},
                                        Structural{"xor2", 2, false}, Structural{"xor3", 3, false}}) {
                const CellType* c = library.find(s.name);
                fuzz::check(c != nullptr, std::string("the library lost the structural cell ") + s.name);
                fuzz::check(c->inputs == s.inputs && c->hasCarry == s.carry,
                            std::string("the structural cell ") + s.name + " was replaced by one of "
                                + std::to_string(c->inputs) + " inputs" + (c->hasCarry ? " with" : " without")
                                + " a carry");
            }
        },
        path);
    return 0;
}
