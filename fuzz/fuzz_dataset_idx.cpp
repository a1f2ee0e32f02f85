// The IDX reader behind `--data DIR` (plain or gzip, io/idx_file.h): read
// whole and with a limit of 3 items. The limited read is a prefix of the
// whole one, and a read array writes and reads back equal.
#include "fuzz_support.h"
#include "io/idx_file.h"

#include <algorithm>

using namespace axbnn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string path = fuzz::writeScratch("t10k-images-idx3-ubyte", data, size);
    IdxArray whole;
    bool wholeRead = false;
    fuzz::refusalOk(
        [&] {
            whole = readIdxFile(path);
            wholeRead = true;
            fuzz::check(!whole.dims.empty() && whole.items() == whole.dims[0], "a whole read holds dims[0] items");
            fuzz::mustNotThrow(
                [&] {
                    const std::string again = fuzz::scratchPath("again-idx1-ubyte.gz");
                    writeIdxFile(again, whole);
                    const IdxArray back = readIdxFile(again);
                    fuzz::check(back.dims == whole.dims && back.data == whole.data,
                                "an IDX array reads back different");
                },
                "writing and rereading an IDX array");
        },
        path);
    fuzz::refusalOk(
        [&] {
            const IdxArray part = readIdxFile(path, 3);
            fuzz::check(part.items() <= 3, "a read limited to 3 items holds more");
            if (wholeRead) {
                fuzz::check(part.dims == whole.dims && part.items() == std::min<uint64_t>(3, whole.items())
                                && std::equal(part.data.begin(), part.data.end(), whole.data.begin()),
                            "a limited read is not a prefix of the whole read");
            }
        },
        path);
    return 0;
}
