// The per-layer search (docs/search.md) on a small random model whose
// labels are its own exact predictions: the default strategy against
// exhaustive enumeration, the written design against `eval --config`'s
// path, resuming from a journal, determinism and bad space files.
#include "bnn/inference.h"
#include "bnn/random_model.h"
#include "explore/evaluate.h"
#include "io/inference_json.h"
#include "search/search_run.h"

#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <random>

using namespace axbnn;

namespace {

Model tinyModel()
{
    return smallRandomModel(11);
}

constexpr const char* kSmallSpace = R"({"topologies": ["adder-tree", "wallace"], "cells": ["maj-fa", "maj"],
    "ha_cells": [""], "lsb": [0, 1, 2], "levels": [0, 1]})";

// Everything a search needs, kept alive together.
struct Setup {
    Model model = tinyModel();
    Dataset calibration = randomLabelledDataset(model, 300, 21, "calib");
    Dataset test = randomLabelledDataset(model, 400, 22, "test");
    SearchSpace space;
    std::unique_ptr<SearchCosts> costs;
    SearchData data;

    explicit Setup(const std::string& spaceText = kSmallSpace, std::vector<Mitigation> modes = {Mitigation::None})
    {
        SearchSpaceSpec spec = parseSearchSpace(spaceText, "space.json");
        spec.mitigations = std::move(modes);
        space = buildSearchSpace(spec, model, CellLibrary::defaults(), "space.json");
        costs = std::make_unique<SearchCosts>(space, CellLibrary::defaults(), std::vector<double>{});
        data.model = &model;
        data.modelPath = "tiny.h5";
        data.proxy = &calibration;
        data.proxySpec = "calib";
        data.calibrationLimit = 100;
        data.proxyFirst = 100;
        data.proxyCount = 200;
        data.calibration = &calibration;
        data.calibrationSpec = "calib";
        data.test = &test;
        data.testSpec = "test";
    }
    std::unique_ptr<SearchProblem> problem(double budget, EvaluationCache* cache, SearchLimits limits = {},
                                           Objective objective = Objective::Area)
    {
        if (limits.evaluations == 300)
            limits.evaluations = 10000;
        return std::make_unique<SearchProblem>(space, *costs, data, objective, budget, limits, cache);
    }
};

// "0,1,...,n-1"
QString list(int n)
{
    QStringList v;
    for (int i = 0; i < n; ++i)
        v << QString::number(i);
    return v.join(",");
}

} // namespace

class TestSearch : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void spaceMergesGridPointsThatBuildTheSameCircuit()
    {
        Setup s;
        QCOMPARE(s.space.layers.size(), size_t(2)); // conv and dense; scores stays exact
        for (const LayerSpace& l : s.space.layers) {
            QCOMPARE(l.gridSize(), 2 * 1 * 2 * 1 * 3 * 2);
            // Exact grid points (no LSB column, no level) of one topology
            // are one unit whatever the cell.
            QVERIFY(l.units.size() < static_cast<size_t>(l.gridSize()));
            QCOMPARE(std::count(l.exactUnit.begin(), l.exactUnit.end(), true), 2L);
            QVERIFY(l.exactUnit[l.unitOf[l.exactPoint()]]);
            QCOMPARE(l.units[l.unitOf[l.exactPoint()]].topology, Topology::AdderTree);
        }
    }

    void defaultStrategyFindsTheExhaustiveOptimum_data()
    {
        QTest::addColumn<double>("budget");
        QTest::addColumn<int>("objective");
        for (double budget : {2.0, 5.0, 10.0, 20.0})
            for (const ObjectiveInfo& o : objectiveTable())
                QTest::addRow("%s budget %g", o.name, budget) << budget << static_cast<int>(o.objective);
    }
    void defaultStrategyFindsTheExhaustiveOptimum()
    {
        QFETCH(double, budget);
        QFETCH(int, objective);
        Setup s;
        // Shared by the rows (the same model, images and designs give the
        // same counts): every row after the first costs no inference.
        static EvaluationCache cache;
        auto all = s.problem(budget, &cache, {}, static_cast<Objective>(objective));
        makeStrategy(StrategyKind::Exhaustive)->run(*all, 1);
        QCOMPARE(all->evaluations(), static_cast<int>(s.space.networks()));
        const Evaluated* optimum = all->best();
        QVERIFY(optimum);
        auto greedy = s.problem(budget, &cache, {}, static_cast<Objective>(objective));
        SearchOptions options; // the default strategy
        makeStrategy(options.strategy)->run(*greedy, 1);
        const Evaluated* found = greedy->best();
        QVERIFY(found);
        QCOMPARE(greedy->cost(*found), all->cost(*optimum));
        QCOMPARE(found->proxy.correct, optimum->proxy.correct);
        QVERIFY(greedy->evaluations() < all->evaluations());
    }

    void sensitivityCountsSingleLayerChanges()
    {
        Setup s;
        EvaluationCache cache;
        auto all = s.problem(5.0, &cache);
        makeStrategy(StrategyKind::Exhaustive)->run(*all, 1);
        const std::vector<LayerSensitivity> sens = layerSensitivity(*all);
        QCOMPARE(sens.size(), s.space.layers.size());
        for (size_t i = 0; i < sens.size(); ++i) {
            QCOMPARE(sens[i].measured, static_cast<int>(s.space.layers[i].units.size()) - 1);
            QVERIFY(sens[i].worst);
            QVERIFY(sens[i].withinBudget <= sens[i].measured);
            if (sens[i].bestSaving) {
                QVERIFY(all->meetsBudget(*sens[i].bestSaving));
                QVERIFY(sens[i].worst->proxy.correct <= sens[i].bestSaving->proxy.correct);
            }
        }
    }

    void globalSweepGivesEveryLayerTheSameKnobs()
    {
        Setup s;
        EvaluationCache cache;
        auto global = s.problem(5.0, &cache);
        makeStrategy(StrategyKind::Global)->run(*global, 1);
        QVERIFY(global->evaluations() > 1);
        for (const Evaluated& e : global->archive()) { // the grid point that reached it: one value per axis
            const LayerSpace &a = s.space.layers[0], &b = s.space.layers[1];
            const auto ca = a.coords(e.point.grid[0]), cb = b.coords(e.point.grid[1]);
            QCOMPARE(a.topologies[ca[LayerSpace::Topo]], b.topologies[cb[LayerSpace::Topo]]);
            QCOMPARE(a.cells[ca[LayerSpace::Cell]], b.cells[cb[LayerSpace::Cell]]);
            QCOMPARE(a.lsb[ca[LayerSpace::Lsb]], b.lsb[cb[LayerSpace::Lsb]]);
            QCOMPARE(a.levels[ca[LayerSpace::Levels]], b.levels[cb[LayerSpace::Levels]]);
        }
        auto all = s.problem(5.0, &cache);
        makeStrategy(StrategyKind::Exhaustive)->run(*all, 1);
        QVERIFY(global->best() && all->best());
        QVERIFY(all->cost(*all->best()) <= global->cost(*global->best()));
    }

    void writtenDesignGivesTheReportedAccuracyInEval_data()
    {
        QTest::addColumn<int>("mitigation");
        QTest::newRow("none") << static_cast<int>(Mitigation::None);
        QTest::newRow("bias") << static_cast<int>(Mitigation::Bias);
    }
    void writtenDesignGivesTheReportedAccuracyInEval()
    {
        QFETCH(int, mitigation);
        Setup s(kSmallSpace, {static_cast<Mitigation>(mitigation)});
        EvaluationCache cache;
        auto pb = s.problem(10.0, &cache);
        SearchOptions options;
        const SearchResult r = runSearch(*pb, options, cache);
        QVERIFY(r.chosen);
        QVERIFY(!s.space.layers.empty());
        // What `axbnn eval --config FILE --mitigation M` builds from the file
        // (app/axbnn/model_commands.cpp makeDesign), evaluated without the cache.
        const std::string text = searchLayerConfig(*pb, *r.chosen).dump(2);
        Design d;
        d.model = "tiny.h5";
        d.unit.approx = {};
        d.mitigation = static_cast<Mitigation>(mitigation);
        d.data = {"test", 0, "calib", s.data.calibrationLimit}; // --data, --limit, --calibration, --calibration-limit
        d.layers = layerUnitsOf(parseLayerConfig(text, "result.json", s.model, CellLibrary::defaults()));
        const Dataset calibration = [&] { // eval loads --calibration-limit images
            Dataset c = s.calibration;
            c.count = s.data.calibrationLimit;
            c.images.resize(static_cast<size_t>(c.count) * c.shape.size());
            c.labels.resize(static_cast<size_t>(c.count));
            return c;
        }();
        const Evaluation e = evaluate(s.model, d, s.test, &calibration);
        QCOMPARE(e.count, r.chosenTest);
        QCOMPARE(designHash(d, Aspect::Accuracy, &s.model),
                 designHash(pb->designOf(r.chosen->units, r.chosen->mitigation), Aspect::Accuracy, &s.model));
        // The budget holds on the test set.
        QVERIFY(r.exactTest.correct - r.chosenTest.correct <= 0.10 * r.chosenTest.images);
    }

    void interruptedAndResumedSearchGivesTheSameResult_data()
    {
        QTest::addColumn<int>("strategy");
        QTest::addColumn<int>("stopAfter");
        for (const StrategyInfo& info : strategyTable())
            if (info.kind != StrategyKind::Exhaustive && info.kind != StrategyKind::Global)
                for (int stop : {1, 7})
                    if (stop > 1 || info.kind == StrategyKind::Greedy)
                        QTest::addRow("%s after %d", info.name, stop) << static_cast<int>(info.kind) << stop;
    }
    void interruptedAndResumedSearchGivesTheSameResult()
    {
        QFETCH(int, strategy);
        QFETCH(int, stopAfter);
        Setup s(kSmallSpace, {Mitigation::None, Mitigation::Bias});
        SearchOptions options;
        options.strategy = static_cast<StrategyKind>(strategy);
        options.seed = 7;
        SearchLimits limits;
        limits.evaluations = 30;
        EvaluationCache fresh;
        auto whole = s.problem(5.0, &fresh, limits);
        const SearchResult a = runSearch(*whole, options, fresh);

        QTemporaryDir dir;
        options.journal = dir.filePath("journal.json").toStdString();
        EvaluationCache first;
        SearchLimits stopping = limits;
        bool frontSorted = true; // what a GUI redraws: the front so far, cheapest first
        stopping.progress = [&](const SearchProgress& p) {
            frontSorted = frontSorted && !p.front.empty() && p.last && p.last->order + 1 == p.evaluations;
            for (size_t i = 1; i < p.front.size(); ++i)
                frontSorted = frontSorted && p.front[i - 1]->cost.areaUm2 <= p.front[i]->cost.areaUm2;
            return p.evaluations < stopAfter;
        };
        auto interrupted = s.problem(5.0, &first, stopping);
        const SearchResult b = runSearch(*interrupted, options, first);
        QCOMPARE(b.stop, SearchStop::Cancelled);
        QVERIFY(frontSorted);
        QCOMPARE(b.evaluations, stopAfter);

        EvaluationCache resumedCache;
        resumedCache.load(options.journal);
        auto resumed = s.problem(5.0, &resumedCache, limits);
        const SearchResult c = runSearch(*resumed, options, resumedCache);
        QCOMPARE(c.evaluations, a.evaluations);
        QVERIFY(resumedCache.hits() >= stopAfter); // the journal answered the first evaluations
        QCOMPARE(c.front.size(), a.front.size());
        for (size_t i = 0; i < a.front.size(); ++i) {
            QCOMPARE(c.front[i]->units, a.front[i]->units);
            QCOMPARE(c.front[i]->mitigation, a.front[i]->mitigation);
            QCOMPARE(c.front[i]->proxy, a.front[i]->proxy);
        }
        QCOMPARE(bool(c.chosen), bool(a.chosen));
        if (a.chosen) {
            QCOMPARE(c.chosen->order, a.chosen->order);
            QCOMPARE(c.chosenTest, a.chosenTest);
        }
    }

    void resultDoesNotDependOnThreads()
    {
        for (StrategyKind kind : {StrategyKind::Random, StrategyKind::Nsga2}) {
            std::vector<std::vector<int>> orders[2];
            for (int t = 0; t < 2; ++t) {
                Setup s;
                s.data.threads = t + 1;
                EvaluationCache cache;
                SearchLimits limits;
                limits.evaluations = 30;
                auto pb = s.problem(5.0, &cache, limits);
                makeStrategy(kind)->run(*pb, 3);
                for (const Evaluated& e : pb->archive())
                    orders[t].push_back(e.units);
            }
            QCOMPARE(orders[0].size(), size_t(30));
            QCOMPARE(orders[0], orders[1]);
        }
    }

    void badSpaceFileGivesOneClearError_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("syntax") << R"({"lsb": [0,})"
                                << "space.json: line 1";
        QTest::newRow("unknown key") << R"({"lbs": [1]})"
                                     << "space.json: space: unknown key 'lbs'";
        QTest::newRow("empty list") << R"({"lsb": []})"
                                    << "space.json: lsb: the list is empty";
        QTest::newRow("lsb limit") << R"({"lsb": [0, 65]})"
                                   << "space.json: lsb[1]: 65 is outside 0..64";
        QTest::newRow("repeated") << R"({"levels": [1, 1]})"
                                  << "space.json: levels[1]: repeats levels[0]";
        QTest::newRow("topology") << R"({"topologies": ["tree"]})"
                                  << "space.json: topologies[0]: unknown topology";
        QTest::newRow("mitigation") << R"({"mitigations": ["all"]})"
                                    << "space.json: mitigations[0]: unknown mitigation 'all'";
        QTest::newRow("cell") << R"({"cells": ["ha"]})"
                              << "space.json: cells[0]: 'ha' is not a full-adder cell";
        QTest::newRow("ha cell") << R"({"ha_cells": ["maj"]})"
                                 << "space.json: ha_cells[0]: 'maj' is not a half-adder cell";
        QTest::newRow("layer") << R"({"layers": {"conv9": {}}})"
                               << "space.json: layers.conv9: the model has no layer of that name or index";
        QTest::newRow("pool") << R"({"layers": {"1": {"lsb": [1]}}})"
                              << "space.json: layers.1: a maxpool layer has no popcount";
        QTest::newRow("layer key") << R"({"layers": {"2": {"approx_lsb": [1]}}})"
                                   << "space.json: layers.2: unknown key 'approx_lsb'";
        QTest::newRow("search flag") << R"({"layers": {"2": {"search": 1}}})"
                                     << "space.json: layers.2.search: expected true or false";
        QTest::newRow("width") << R"({"unit_widths": [0, 72]})"
                               << "space.json: unit_widths[1]: 72 is not below the fan-in 72";
        QTest::newRow("axis size") << QString(R"({"levels": [%1]})").arg(list(kMaxAxisValues + 1))
                                   << "space.json: levels: 65 values; an axis has at most 64";
        QTest::newRow("grid size") << QString(R"({"lsb": [%1], "levels": [%2]})").arg(list(21), list(64))
                                   << "grid points (topologies x unit widths x cells x ha cells x lsb x levels); at "
                                      "most 20000";
        QTest::newRow("nothing left") << R"({"layers": {"2": {"search": false}, "3": {"search": false}}})"
                                      << "space.json: layers: no layer is left to search";
    }
    void badSpaceFileGivesOneClearError()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const Model m = tinyModel();
        try {
            const SearchSpaceSpec spec = parseSearchSpace(text.toStdString(), "space.json");
            buildSearchSpace(spec, m, CellLibrary::defaults(), "space.json");
            QFAIL("no error");
        } catch (const std::exception& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
    }
};

QTEST_MAIN(TestSearch)
#include "test_search.moc"
