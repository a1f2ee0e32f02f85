// Writes the binary seeds of fuzz/corpus that no document holds: a tiny
// model (int8 and packed weights), a tiny HDF5 dataset, tiny IDX files
// (plain and gzip), sweep results as JSON and a sweep journal (both from the
// first rows of docs/examples/sweep_kernel_sizes.csv).
//   fuzz_make_seeds CORPUS_DIR DOCS_EXAMPLES_DIR
#include "io/dataset.h"
#include "io/idx_file.h"
#include "io/model_file.h"
#include "sweep/sweep_journal.h"
#include "sweep/sweep_table.h"
#include "tiny_model.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace axbnn;
namespace fs = std::filesystem;

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: fuzz_make_seeds CORPUS_DIR DOCS_EXAMPLES_DIR\n");
        return 2;
    }
    const fs::path dir = argv[1];
    for (const char* sub : {"model", "dataset_h5", "dataset_idx", "sweep_journal", "sweep_results"})
        fs::create_directories(dir / sub);

    const Model& model = fuzz::tinyModel();
    saveModel(model, (dir / "model" / "tiny.h5").string());
    saveModel(model, (dir / "model" / "tiny_packed.h5").string(), ModelSaveOptions{true});

    Dataset data;
    data.shape = Shape{2, 2, 1};
    data.count = 3;
    data.images = {0, 1, 2, 3, 250, 251, 252, 253, 9, 8, 7, 6};
    data.labels = {0, 2, 1};
    data.classNames = {"zero", "one", "two"};
    saveDatasetH5(data, (dir / "dataset_h5" / "tiny.h5").string());

    IdxArray images;
    images.dims = {3, 2, 2};
    images.data = data.images;
    images.itemsRead = 3;
    writeIdxFile((dir / "dataset_idx" / "images-idx3-ubyte").string(), images);
    writeIdxFile((dir / "dataset_idx" / "images-idx3-ubyte.gz").string(), images);
    IdxArray labels;
    labels.dims = {3};
    labels.data = data.labels;
    labels.itemsRead = 3;
    writeIdxFile((dir / "dataset_idx" / "labels-idx1-ubyte").string(), labels);

    std::ifstream in(fs::path(argv[2]) / "sweep_kernel_sizes.csv", std::ios::binary);
    std::ostringstream csv;
    csv << in.rdbuf();
    SweepTable table = parseSweepCsv(csv.str(), "sweep_kernel_sizes.csv");
    table.rows.resize(3);
    std::ofstream(dir / "sweep_results" / "three-rows.json", std::ios::binary) << sweepJsonText(table);
    std::ofstream(dir / "sweep_results" / "three-rows.csv", std::ios::binary) << sweepCsv(table);
    // The header fuzz_sweep_journal opens with; two finished rows and a torn third.
    {
        const std::string path = (dir / "sweep_journal" / "two-rows-torn.journal").string();
        fs::remove(path);
        SweepJournal journal(path, SweepJournalHeader{"00c0ffee00c0ffee", 8, 0, 1}, false);
        journal.append(table.rows[0]);
        journal.append(table.rows[1]);
    }
    std::ofstream(dir / "sweep_journal" / "two-rows-torn.journal", std::ios::binary | std::ios::app)
        << sweepRowJson(table.rows[2], false).dump().substr(0, 40);
    return 0;
}
