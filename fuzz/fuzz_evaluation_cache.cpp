// The evaluation cache file (`axbnn sweep --cache FILE`, the workbench's
// cache; docs/sweep-format.md) through EvaluationCache::load. A loaded cache
// saves, loads and saves again to the same text.
#include "explore/evaluate.h"
#include "fuzz_support.h"

using namespace axbnn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string path = fuzz::writeScratch("cache.json", data, size);
    fuzz::refusalOk(
        [&] {
            EvaluationCache cache;
            cache.load(path);
            fuzz::mustNotThrow(
                [&] {
                    const std::string first = fuzz::scratchPath("cache-1.json"),
                                      second = fuzz::scratchPath("cache-2.json");
                    cache.save(first);
                    EvaluationCache back;
                    back.load(first);
                    fuzz::check(back.size() == cache.size(), "a saved cache reloads with another size");
                    back.save(second);
                    fuzz::check(fuzz::readWhole(first) == fuzz::readWhole(second), "a saved cache reloads different");
                },
                "saving a loaded cache and loading it back");
        },
        path);
    return 0;
}
