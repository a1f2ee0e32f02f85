// The HDF5 dataset loader (`--data FILE.h5`, io/dataset.h) through
// loadDataset, as the CLI calls it. A loaded dataset is valid and saves and
// reloads equal.
#include "fuzz_support.h"
#include "io/dataset.h"

using namespace axbnn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string path = fuzz::writeScratch("data.h5", data, size);
    fuzz::refusalOk(
        [&] {
            const Dataset d = loadDataset(path);
            fuzz::mustNotThrow(
                [&] {
                    validateDataset(d);
                    const std::string again = fuzz::scratchPath("data-again.h5");
                    saveDatasetH5(d, again);
                    const Dataset back = loadDataset(again);
                    fuzz::check(back.shape == d.shape && back.count == d.count && back.images == d.images
                                    && back.labels == d.labels && back.classNames == d.classNames,
                                "a saved dataset reloads different");
                },
                "validating, saving and reloading a loaded dataset");
        },
        path);
    return 0;
}
