// Sweeps with accuracy columns on a tiny random model: each model's
// accuracy is counted once per design, mitigations included, and the
// evaluation cache serves a second sweep.
#include "test_sweep.h"

#include "bnn/inference.h"
#include "bnn/mitigation.h"
#include "bnn/random_model.h"
#include "io/dataset.h"
#include "io/model_file.h"
#include "sweep/sweep_runner.h"

#include <QtTest>

#include <fstream>

using namespace axbnn;

void TestSweep::modelAccuracyOncePerModel()
{
    QTemporaryDir dir;
    const Model model = randomModel({8, 8, 1},
                                    {{LayerKind::InputConv, 4, 3, 1, 1},
                                     {LayerKind::MaxPool, 0, 0, 0, 0, 2},
                                     {LayerKind::Conv, 8, 3, 1, 1},
                                     {LayerKind::Dense, 32},
                                     {LayerKind::Scores, 10}},
                                    5);
    saveModel(model, dir.filePath("m.h5").toStdString());
    Dataset data;
    data.shape = {8, 8, 1};
    data.count = 60;
    data.images = randomImages(data.shape, data.count, 9);
    for (int i = 0; i < data.count; ++i)
        data.labels.push_back(static_cast<uint8_t>((i * 7) % 10));
    data.classNames = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    saveDatasetH5(data, dir.filePath("d.h5").toStdString());
    const SweepSpec s = parseSweepSpec(R"({"models": ["m.h5"], "approximation": {"levels": [0, 2]},
        "mitigation": ["none", "bias", "tune", "bias-tune"], "p": [0.4, 0.5],
        "data": {"dataset": "d.h5", "limit": 50, "calibration": "d.h5", "calibration_limit": 20}})",
                                       "spec.json", dir.path().toStdString());
    QCOMPARE(s.workloads[0].layer, std::string("conv2")); // the first binary conv layer by default
    QCOMPARE(s.workloads[0].inputs, 36);
    SweepRunOptions twoThreads;
    twoThreads.threads = 2;
    const SweepOutcome o = runSweep(s, twoThreads);
    QCOMPARE(o.table.rows.size(), size_t{16});
    QCOMPARE(o.exactAccuracyRuns, 1);
    QCOMPARE(o.accuracyRuns, 4); // level 2 with each mitigation; p does not change accuracy
    // The exact accuracy is what the inference engine says.
    const Dataset loaded = loadDataset(dir.filePath("d.h5").toStdString());
    const std::vector<int> pred = InferenceEngine(model).predict(loaded, 0, 50);
    int correct = 0;
    for (int i = 0; i < 50; ++i)
        correct += pred[i] == loaded.labels[i];
    for (const SweepRow& r : o.table.rows) {
        QCOMPARE(std::get<int64_t>(r[ColImages]), int64_t{50});
        QCOMPARE(std::get<double>(r[ColExactAccuracy]), correct / 50.0);
        const double acc = std::get<double>(r[ColAccuracy]);
        QCOMPARE(std::get<double>(r[ColAccuracyLoss]), correct / 50.0 - acc);
        if (std::get<int64_t>(r[ColLevel]) == 0)
            QCOMPARE(acc, correct / 50.0);
    }
    // Each mitigation in a sweep is the engine's on the sweep's calibration images.
    ApproxConfig approx;
    approx.lsbColumns = 2;
    for (const Mitigation mode : {Mitigation::Tune, Mitigation::BiasTune}) {
        InferenceConfig tuned =
            InferenceConfig::withCircuit(model, PopcountUnitConfig::makeCircuit(Topology::AdderTree, approx));
        applyMitigation(mode, model, tuned, loaded, 20);
        const std::vector<int> tunedPred = InferenceEngine(model, tuned).predict(loaded, 0, 50);
        int tunedCorrect = 0;
        for (int i = 0; i < 50; ++i)
            tunedCorrect += tunedPred[i] == loaded.labels[i];
        int tuneRows = 0;
        for (const SweepRow& r : o.table.rows)
            if (std::get<std::string>(r[ColMitigation]) == mitigationName(mode)
                && std::get<int64_t>(r[ColLevel]) == 2) {
                QCOMPARE(std::get<double>(r[ColAccuracy]), tunedCorrect / 50.0);
                ++tuneRows;
            }
        QCOMPARE(tuneRows, 2); // one per p
    }

    // An evaluation cache file: a second sweep over the same designs (other
    // p values, another mitigation list) takes its counts from the file and
    // gets the same accuracies.
    const std::string cache = dir.filePath("eval-cache.json").toStdString();
    SweepRunOptions first;
    first.threads = 2;
    first.cache = cache;
    const SweepOutcome a = runSweep(s, first);
    QCOMPARE(a.cachedCounts, 0);
    QVERIFY(QFile::exists(QString::fromStdString(cache)));
    const SweepSpec other = parseSweepSpec(R"({"models": ["m.h5"], "approximation": {"levels": [0, 2]},
        "mitigation": ["tune"], "p": [0.3],
        "data": {"dataset": "d.h5", "limit": 50, "calibration": "d.h5", "calibration_limit": 20}})",
                                           "spec.json", dir.path().toStdString());
    const SweepOutcome b = runSweep(other, first);
    QVERIFY(b.cachedCounts > 0);
    for (const SweepRow& r : b.table.rows)
        for (const SweepRow& q : a.table.rows)
            if (std::get<int64_t>(q[ColLevel]) == std::get<int64_t>(r[ColLevel])
                && (std::get<int64_t>(r[ColLevel]) == 0 || std::get<std::string>(q[ColMitigation]) == "tune"))
                QCOMPARE(std::get<double>(r[ColAccuracy]), std::get<double>(q[ColAccuracy]));
    // A file that is not a cache is refused by name, before any point runs.
    QFile bad(QString::fromStdString(cache));
    QVERIFY(bad.open(QIODevice::WriteOnly | QIODevice::Truncate));
    bad.write(R"({"format": "axbnn-evaluation-cache", "counts": [{"key": "k", "images": 5, "correct": 9}]})");
    bad.close();
    try {
        runSweep(other, first);
        QFAIL("a bad cache was accepted");
    } catch (const std::runtime_error& e) {
        QVERIFY2(std::string(e.what()).find(cache + ": counts[0]") != std::string::npos, e.what());
    }
}
