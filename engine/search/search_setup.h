// Everything one search works on, built from the options `axbnn search` and
// the workbench's Search dock share (docs/search.md): the model, the test,
// calibration and proxy images, the space, the unit costs (switching energy
// at each layer's measured P(XNOR = 1)) and the SearchData that ties them.
// One place builds it, so the dock's front is the command's front.
#pragma once

#include "search/search_problem.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace axbnn {

struct SearchSetupOptions {
    std::string model; // file (also the design's model path)
    std::string space; // "" : the default space
    std::vector<Mitigation> mitigations; // empty: the space's (default none)
    std::string data = "fashion-mnist"; // test set the front is verified on
    int limit = 0; // test images (0: all)
    std::string calibration = "fashion-mnist:train";
    int calibrationLimit = 1000; // images fitting mitigation
    int proxyImages = 1000; // the next images, ranking designs
    int threads = 0; // inference threads
};

// Images the switching energy's P(XNOR = 1) is measured on (the first
// calibration images, exact model).
inline constexpr int kSearchStatImages = 200;

struct SearchSetup {
    std::shared_ptr<const Model> model;
    std::shared_ptr<const Dataset> test, calibration;
    CellLibrary library;
    SearchSpace space;
    std::unique_ptr<SearchCosts> costs;
    SearchData data; // points into the members above
};

// Builds a setup. `model`, `test` and `calibration` may be given already
// loaded (a GUI has them); null ones are read from options' files with
// loadModel / loadDataset. Throws std::invalid_argument or
// std::runtime_error naming the file or option and the limit (space file,
// too few calibration images for calibrationLimit + proxyImages).
std::unique_ptr<SearchSetup> prepareSearch(const SearchSetupOptions& options, CellLibrary library,
                                           std::shared_ptr<const Model> model = nullptr,
                                           std::shared_ptr<const Dataset> test = nullptr,
                                           std::shared_ptr<const Dataset> calibration = nullptr);

// The command lines behind a search (for `axbnn search`'s output, the
// dock and the report). `library` is the --library name or file ("" or the
// built-in default: omitted), `cells` the --cells file ("": none).
struct SearchCommand {
    SearchSetupOptions setup;
    std::string strategy = "greedy", objective = "area";
    double budget = 1.0;
    int evaluations = 300;
    double timeLimit = 0; // 0: none
    uint64_t seed = 1;
    std::string library, cells;
    std::string out = "design.json", front; // front "": none
};
// `axbnn search ...` with every option that changes the result.
std::string searchCommandLine(const SearchCommand& c);
// `axbnn eval --model ... --config OUT ...` printing the test accuracy of
// the design written to c.out under `mitigation`.
std::string searchEvalCommandLine(const SearchCommand& c, Mitigation mitigation);

} // namespace axbnn
