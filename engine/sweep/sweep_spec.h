// Design-space sweep specification (docs/sweep-format.md): the axes of a
// sweep, read from JSON, and the cartesian product of its points in a
// stable order with stable ids.
#pragma once

#include "analysis/error_analysis.h"
#include "bnn/mitigation.h"
#include "bnn/model.h"
#include "circuit/cell_library.h"
#include "circuit/knobs.h"
#include "circuit/netlist.h"
#include "util/fnv1a.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace axbnn {

// What a point's circuit columns describe: a popcount of `inputs` bits
// (given directly or as kernel*kernel*channels), or the popcount of one
// layer of a model, whose accuracy the point also measures.
struct SweepWorkload {
    int inputs = 0;
    int kernel = 0; // 0: N given directly
    int channels = 0;
    std::string model; // as written in the spec ("" for circuit-only workloads)
    std::string modelPath; // resolved against the spec's directory
    std::string layer; // the model layer whose fan-in is `inputs`
    std::shared_ptr<const Model> loaded;

    bool hasModel() const { return !model.empty(); }
};

struct SweepCells {
    std::string fa = "maj-fa"; // replaces the selected full adders
    std::string ha; // replaces the selected half adders ("": keep them exact)
};

struct SweepData {
    std::string dataset = "fashion-mnist"; // loadDataset() form, as written
    int limit = 1000; // first images evaluated (0: all)
    std::string calibration = "fashion-mnist:train";
    int calibrationLimit = 1000;
    std::string datasetPath, calibrationPath; // resolved against the spec's directory
};

struct SweepSpec {
    std::vector<SweepWorkload> workloads; // "sizes" then "models"
    std::vector<Topology> topologies{Topology::AdderTree};
    std::vector<SweepCells> cells{SweepCells{}};
    std::vector<Knob> knobs{Knob::LsbColumns};
    std::vector<int> levels{0, 1, 2};
    std::vector<Mitigation> mitigations{Mitigation::None};
    std::vector<double> p{0.5};
    SweepData data;
    ErrorOptions error; // method, samples, seed, epsilon; p comes from the point
    std::string cellLibrary; // as written; "" = built-in
    CellLibrary library = CellLibrary::defaults();

    nlohmann::json canonical; // every field with its default, normalized
    std::string hash; // 16 hex digits of FNV-1a 64 over canonical.dump()
};

// Parses and checks a spec: unknown keys, empty lists, values out of range,
// unknown topologies, cells or mitigations, and model files that cannot be
// loaded each give one std::invalid_argument "origin: where: problem".
// Relative file names are resolved against `baseDir`.
SweepSpec parseSweepSpec(std::string_view text, const std::string& origin, const std::string& baseDir);
SweepSpec loadSweepSpec(const std::string& path);

struct SweepPoint {
    int index = 0; // position in the stable order
    int workload = 0; // index into SweepSpec::workloads
    Topology topology = Topology::AdderTree;
    SweepCells cells;
    Knob knob = Knob::LsbColumns;
    int level = 0;
    Mitigation mitigation = Mitigation::None;
    double p = 0.5;
    std::string key; // canonical "name=value|..." text of the point's coordinates
    std::string id; // 16 hex digits of FNV-1a 64 over key
};

// The cartesian product, outermost axis first: workload, topology, cells,
// knob, level, mitigation, p. Circuit-only workloads take mitigation "none"
// only (mitigation acts on a model's thresholds).
std::vector<SweepPoint> enumerateSweep(const SweepSpec& spec);

// Shortest text that reads back as the same double (std::to_chars).
std::string formatDouble(double value);

} // namespace axbnn
