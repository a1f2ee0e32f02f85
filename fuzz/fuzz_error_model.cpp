// The error-model file (`axbnn train --error-model FILE`, docs/error-model.md)
// through loadErrorModel. A loaded model writes and reads back to the same
// JSON.
#include "fuzz_support.h"
#include "io/error_model_json.h"

using namespace axbnn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string path = fuzz::writeScratch("error-model.json", data, size);
    fuzz::refusalOk(
        [&] {
            const ErrorModel model = loadErrorModel(path);
            fuzz::mustNotThrow(
                [&] {
                    const nlohmann::json written = errorModelJson(model);
                    const ErrorModel back = errorModelFromJson(nlohmann::json::parse(written.dump()), "written.json");
                    fuzz::check(errorModelJson(back) == written, "an error model reads back different");
                },
                "writing a loaded error model and reading it back");
        },
        path);
    return 0;
}
