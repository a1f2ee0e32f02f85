// The sweep spec loader (`axbnn sweep SPEC`, docs/sweep-format.md) through
// loadSweepSpec and enumerateSweep, as the sweep command calls them. The
// hash ignores layout, key order and the comment (docs/sweep-format.md): a
// loaded spec laid out anew without its comment has the same hash and points.
// Beside the spec: tiny.h5 (fuzz::tinyModel()) and my-cells.json (one cell).
#include "fuzz_support.h"
#include "io/model_file.h"
#include "sweep/sweep_spec.h"
#include "tiny_model.h"

using namespace axbnn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const bool filesWritten = [] {
        saveModel(fuzz::tinyModel(), fuzz::scratchPath("tiny.h5"));
        const std::string cells = R"({"cells": [{"name": "my-fa", "inputs": 3, "sum": "01101000", "carry": "00010111",)"
                                  R"( "area_um2": 11.5, "transistors": 16, "delay_ps": {"sum": 120, "carry": 90},)"
                                  R"( "energy_fj": {"sum": 4.5, "carry": 4.0}}]})";
        fuzz::writeScratch("my-cells.json", reinterpret_cast<const uint8_t*>(cells.data()), cells.size());
        return true;
    }();
    (void)filesWritten;
    const std::string path = fuzz::writeScratch("spec.json", data, size);
    fuzz::refusalOk(
        [&] {
            const SweepSpec spec = loadSweepSpec(path);
            const std::vector<SweepPoint> points = enumerateSweep(spec);
            fuzz::mustNotThrow(
                [&] {
                    const std::string dir = std::filesystem::path(path).parent_path().string();
                    nlohmann::json relaid = nlohmann::json::parse(fuzz::readWhole(path));
                    relaid.erase("comment");
                    const SweepSpec back = parseSweepSpec(relaid.dump(2), "relaid.json", dir);
                    fuzz::check(back.hash == spec.hash && back.canonical == spec.canonical,
                                "a spec laid out anew, without its comment, has another hash: "
                                    + spec.canonical.dump());
                    const std::vector<SweepPoint> again = enumerateSweep(back);
                    fuzz::check(again.size() == points.size(), "the spec laid out anew has another number of points");
                    for (size_t i = 0; i < points.size(); ++i)
                        fuzz::check(again[i].id == points[i].id && points[i].index == static_cast<int>(i),
                                    "point " + std::to_string(i) + " changed id or index");
                },
                "reading a loaded spec laid out anew");
        },
        path);
    return 0;
}
