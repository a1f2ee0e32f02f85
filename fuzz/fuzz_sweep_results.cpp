// Sweep results files (`axbnn sweep merge A B ...`, docs/sweep-format.md)
// through readSweepFile: JSON when the input starts with '{', else CSV.
// A table read writes and reads back equal in the same format.
#include "fuzz_support.h"
#include "sweep/sweep_table.h"

using namespace axbnn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const bool json = size > 0 && data[0] == '{';
    const std::string path = fuzz::writeScratch(json ? "results.json" : "results.csv", data, size);
    fuzz::refusalOk(
        [&] {
            const SweepTable table = readSweepFile(path);
            fuzz::mustNotThrow(
                [&] {
                    const std::string text = json ? sweepJsonText(table) : sweepCsv(table);
                    const SweepTable back = json ? parseSweepJson(text, "written") : parseSweepCsv(text, "written");
                    fuzz::check(back.specHash == table.specHash && back.points == table.points
                                    && back.rows == table.rows,
                                "a sweep table reads back different");
                },
                "writing a read sweep table and reading it back");
        },
        path);
    return 0;
}
