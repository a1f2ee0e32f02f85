// The per-layer popcount configuration (`axbnn eval --config FILE`,
// docs/layer-config.md) through loadLayerConfig, on fuzz::tinyModel() (layers
// of every kind), with pc.v (a 2-input exact popcount) beside the file. A loaded
// configuration has one unit per layer and circuits only where a layer has
// a popcount.
#include "circuit/popcount_builder.h"
#include "circuit/verilog_writer.h"
#include "fuzz_support.h"
#include "io/inference_json.h"
#include "tiny_model.h"

using namespace axbnn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const CellLibrary library = CellLibrary::defaults();
    static const bool netlistWritten = [] {
        writeVerilogFile(buildPopcount(2, Topology::AdderTree, library), "pc2", fuzz::scratchPath("pc.v"));
        return true;
    }();
    (void)netlistWritten;
    const Model& model = fuzz::tinyModel();
    const std::string path = fuzz::writeScratch("layers.json", data, size);
    fuzz::refusalOk(
        [&] {
            const InferenceConfig config = loadLayerConfig(path, model, library);
            fuzz::check(config.popcount.size() == model.layers.size(), "not one unit per layer");
            for (size_t i = 0; i < config.popcount.size(); ++i) {
                const LayerKind kind = model.layers[i].kind;
                const bool counts = kind == LayerKind::Conv || kind == LayerKind::Dense || kind == LayerKind::Scores;
                fuzz::check(counts || !config.popcount[i].circuit,
                            "a circuit on layer " + std::to_string(i) + ", which has no popcount");
            }
        },
        path);
    return 0;
}
