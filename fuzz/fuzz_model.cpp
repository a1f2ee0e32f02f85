// The model file loader (`axbnn eval MODEL`, the workbench's Open): HDF5
// bytes through loadModel. A loaded model saves and reloads to the same
// fingerprint.
#include "explore/design.h"
#include "fuzz_support.h"
#include "io/model_file.h"

using namespace axbnn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string path = fuzz::writeScratch("model.h5", data, size);
    fuzz::refusalOk(
        [&] {
            const Model model = loadModel(path);
            fuzz::mustNotThrow(
                [&] {
                    const std::string again = fuzz::scratchPath("model-again.h5");
                    saveModel(model, again);
                    fuzz::check(modelFingerprint(loadModel(again)) == modelFingerprint(model),
                                "a saved model reloads with another fingerprint");
                },
                "saving and reloading a loaded model");
        },
        path);
    return 0;
}
